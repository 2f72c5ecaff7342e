"""The questions of the wider framework (issue 15) are asked only when the case raises them.

A returnee question only for a returnee; the emergency question only for a detained child, and
never where the profile itself declares the emergency; the armed-conflict questions only for a
child recruited or used in armed conflict; the witness question only for a child witness; the
control-order question only for a returnee or a child in administrative detention. Cases: any
profile, every question answered by walking the interview at random, as a user would.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.analysis.generate import random_walk_case
from tests.case_generation import values_in_force

# question -> what must already be true of the case for it to be asked
ASKED_ONLY_WHEN = {
    "returnee_situation": lambda a, v: a.get("returnee") is True,
    "public_health_emergency": lambda a, v: (
        a.get("currently_detained") is True or a.get("release_possible") == "detention_sought"
    ),
    "age_at_recruitment": lambda a, v: a.get("armed_conflict_setting") is True,
    "hostilities_ended": lambda a, v: a.get("armed_conflict_setting") is True,
    "witness_self_incrimination_risk": lambda a, v: a.get("victim_or_witness_role") is True,
    "control_order": lambda a, v: a.get("returnee") is True or a.get("administrative_detention") is True,
}


@settings(
    max_examples=120, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(seed=st.integers(0, 2**32 - 1), jurisdiction=st.sampled_from(["baseline", "ruritania"]))
def test_the_framework_questions_are_asked_only_when_the_case_raises_them(kb, seed, jurisdiction):
    answers = random_walk_case(kb, random.Random(seed), jurisdiction)
    values = values_in_force(kb, jurisdiction)
    asked = [q for q in ASKED_ONLY_WHEN if q in answers]
    for question in asked:
        event(f"asked: {question}")
        assert ASKED_ONLY_WHEN[question](answers, values), (
            f"{question} asked for a case that does not raise it: {answers}"
        )
    if values["public_health_emergency_declared"]:
        assert "public_health_emergency" not in answers, "the profile declares the emergency: nothing to ask"
