"""Departing from a recommendation never removes a safeguard owed for what happened (issue 12).

The tool may recommend not prosecuting, releasing, excluding a child from the process, diverting,
no custody... The decision-maker may decide otherwise. A departure is recorded as what then
happens - the child is prosecuted, held, remanded, a custodial sentence or a barred penalty is
sought - and the interview goes on from there. The property: every safeguard owed for what
actually happened comes out, and every fact of the departure is one the interview asks about (a
case can say it).

`owed` restates, independently of the rules, the safeguards the standards attach to facts of the
case (the child was held, questioned, is detained, a statement was taken under pressure, a court
is seized, custody or a barred penalty is sought, the child was trafficked); it never reads what
the tool recommends.

Cases: a child (or a person of unknown age) of any profile, every other question answered by
walking the interview at random (tests/case_generation.py); then one of the departures open for
that case's recommendations. The compiled evaluator computes the results (equal to experta's on
every generated case: tests/properties/test_differential.py).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.analysis.generate import candidate_values, random_walk_case
from engine.load.conditions import UNKNOWN, elapsed
from engine.run.session import assess_typed
from tests.case_generation import NOW, values_in_force

CONTACT = {"arrested", "handed_over_by_armed_forces", "summoned"}
HELD = {"arrested", "handed_over_by_armed_forces"}
STATEMENT_CONCERNS = {
    "no_lawyer",
    "no_parent_or_adult",
    "pressure_or_ill_treatment",
    "long_custody_before_statement",
    "no_interpreter",
}
CUSTODY_CONDITIONS = {
    "with_adults": "separate_child_detention",
    "police_cell": "transfer_out_of_police_cell",
    "incommunicado": "immediate_contact_with_family_and_lawyer",
}
FAIR_TRIAL = (
    "presumption_of_innocence",
    "information_on_charges",
    "free_legal_representation",
    "parents_present_in_proceedings",
    "no_compelled_statements",
    "witness_examination_rights",
    "interpreter_and_communication_support",
    "child_participation",
    "speedy_trial",
    "appeal_and_review",
    "social_inquiry_report",
    "specialised_trained_actors",
    "proportionality_assessment",
)
DETENTION = (
    ("require", "detention_conditions_safeguards"),
    ("require", "post_release_support"),
    ("prohibit", "solitary_confinement"),
    ("prohibit", "placement_in_adult_facility"),
)
BARRED_PENALTIES = {
    "death_penalty": "death_penalty",
    "life_imprisonment_without_release": "life_without_release",
    "corporal_punishment": "corporal_punishment",
    "mandatory_minimum_sentence": "mandatory_minimum",
}


def owed(kb, answers: dict, jurisdiction: str) -> set[tuple[str, str]]:
    """The safeguards owed for what happened in this case, from its facts alone."""
    values = values_in_force(kb, jurisdiction)
    age = answers.get("age_at_conduct")
    if age is None or (age is not UNKNOWN and age >= values["age_of_majority"]):
        return set()
    due = {("prohibit", m) for m in BARRED_PENALTIES} | {
        ("prohibit", "torture_or_cruel_treatment"),
        ("prohibit", "publication_of_identity"),
        ("require", "privacy_protection"),
        ("require", "child_protection_referral"),
        ("require", "reintegration_plan"),
        ("require", "child_justice_pathway"),
    }
    contact = answers.get("first_contact") in CONTACT
    held = answers.get("first_contact") in HELD
    if answers.get("trafficking_indicators") is True:
        due |= {("flag", "trafficking_victim_identified"), ("require", "victim_assistance_and_recovery")}
    if not contact:
        return due
    due.add(("require", "questioning_safeguards"))
    if answers.get("legal_assistance") is False:
        due.add(("require", "free_legal_assistance"))
    if answers.get("parents_notified") == "not_notified":
        due.add(("require", "notify_parents"))
    if answers.get("parents_notified") == "not_possible":
        due.add(("require", "appoint_appropriate_person"))
    statement = answers.get("statement_circumstances") or frozenset()
    if statement & STATEMENT_CONCERNS:
        due |= {("require", "voluntariness_review"), ("prohibit", "coerced_statement_as_evidence")}
    if "pressure_or_ill_treatment" in statement:  # CAT arts 12-13: investigated, not only excluded
        due |= {("require", "investigation_of_ill_treatment"), ("require", "protection_of_complainant_child")}
    if held:
        due.add(("require", "appearance_before_judge"))
        for condition, measure in CUSTODY_CONDITIONS.items():
            if condition in (answers.get("custody_conditions") or frozenset()):
                due.add(("require", measure))
        if answers.get("administrative_detention") is True:  # GC24 para 100, CRC art 37(d)
            due.add(("require", "due_process_for_security_detention"))
    detained = answers.get("currently_detained") is True
    if detained and (values["public_health_emergency_declared"] or answers.get("public_health_emergency") is True):
        due |= {("require", "emergency_release_review"), ("require", "health_safeguards_in_detention")}
    if held and detained and "with_convicted" in (answers.get("custody_conditions") or frozenset()):
        due.add(("require", "separation_of_untried_from_convicted"))  # Havana rule 17
    court = answers.get("case_before_court") is True
    if detained:
        due |= set(DETENTION) | {
            ("require", "charge_or_release_within_time_limit"),
            ("require", "final_decision_or_release_within_time_limit"),
            ("require", "regular_detention_review"),
            ("require", "prioritise_detained_child_case"),
        }
        start = answers.get("detention_start_date")
        limit = values["max_months_to_final_decision_if_detained"]
        decided = answers.get("final_decision_given") is True  # the six months run to a final decision
        if start is not None and limit is not None and elapsed(start, NOW, "months_since") > limit and not decided:
            due.add(("require", "release_from_detention"))
    if (detained or court) and answers.get("release_possible") == "detention_sought":
        due |= set(DETENTION) | {("require", "alternatives_to_detention")}
    if court:
        due |= {("require", m) for m in FAIR_TRIAL}
        if answers.get("forum") == "general_criminal_court":
            due.add(("require", "full_juvenile_safeguards_in_any_court"))
        if answers.get("forum") in ("military_court", "terrorism_or_security_court"):
            due.add(("flag", "military_or_security_court_flag"))
        if answers.get("custodial_sentence_considered") is True:
            due |= set(DETENTION) | {("require", "determinate_shortest_custody")}
            if answers.get("non_custodial_options_assessed") is False:
                due |= {("prohibit", "custodial_sentence"), ("require", "assess_all_non_custodial_options")}
        sought = answers.get("penalty_sought") or frozenset()
        if sought & {"death_penalty", "life_without_release", "corporal_punishment"}:
            due |= {("flag", "prohibited_penalty_sought"), ("require", "object_to_prohibited_penalty")}
    return due


# Each departure: the recommendations (kind, measure) it departs from, and the answers recording it.
def _in_contact(answers: dict, held: bool = False) -> dict:
    keep = HELD if held else CONTACT
    return {} if answers.get("first_contact") in keep else {"first_contact": "arrested" if held else "summoned"}


DEPARTURES = {
    "prosecuted after all": (
        {
            ("require", "no_criminal_proceedings"),
            ("recommend", "no_criminal_proceedings"),
            ("recommend", "no_charge"),
            ("require", "close_criminal_case"),
            ("recommend", "exclusion_from_justice_process"),
            ("recommend", "charging_decision_suspended"),
            ("recommend", "prefer_non_judicial_measures"),
            ("recommend", "child_protection_led_response"),
            ("prohibit", "prosecution"),
            ("recommend", "diversion"),
            ("recommend", "offer_diversion"),
            ("recommend", "consider_diversion"),
            ("recommend", "diversion_after_pending_checks"),
            ("recommend", "closest_non_judicial_alternative"),
        },
        lambda a: {**_in_contact(a), "case_before_court": True},
    ),
    "held after all": (
        {
            ("require", "release_from_detention"),
            ("recommend", "release_from_detention"),
            ("require", "release_pending_trial"),
            ("require", "release_to_child_protection"),
            ("require", "release_or_lawful_process"),
            ("require", "handover_to_child_protection_actors"),
            ("require", "alternatives_to_detention"),
            ("recommend", "release_without_monetary_bail"),
            ("prohibit", "pretrial_detention"),
        },
        lambda a: {**_in_contact(a, held=True), "currently_detained": True, "release_possible": "detention_sought"},
    ),
    "custody sought": (
        {("prohibit", "custodial_sentence"), ("recommend", "non_custodial_measures_first")},
        lambda a: {**_in_contact(a), "case_before_court": True, "custodial_sentence_considered": True},
    ),
    **{
        f"{measure} sought": (
            {("prohibit", measure)},
            lambda a, choice=choice: {
                **_in_contact(a),
                "case_before_court": True,
                "penalty_sought": frozenset({choice}),
            },
        )
        for measure, choice in BARRED_PENALTIES.items()
    },
}


@st.composite
def departed_cases(draw, kb):
    """(profile, the base case's outcome, the departure, the answers after it) for a child."""
    jurisdiction = draw(st.sampled_from(sorted(kb.jurisdictions)))
    majority = values_in_force(kb, jurisdiction)["age_of_majority"]
    ages = [v for v in candidate_values(kb, kb.questions["age_at_conduct"]) if v is UNKNOWN or v < majority]
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    base = random_walk_case(kb, rng, jurisdiction, {"age_at_conduct": draw(st.sampled_from(ages))})
    pairs = assess_typed(kb, base, jurisdiction, NOW, engine="compiled").measure_pairs()
    options = [name for name, (departs_from, _) in DEPARTURES.items() if departs_from & pairs]
    if not options:
        return jurisdiction, pairs, None, base
    name = draw(st.sampled_from(options))
    recorded = DEPARTURES[name][1](base)
    answers = random_walk_case(kb, rng, jurisdiction, {**base, **recorded})
    return jurisdiction, pairs, (name, recorded), answers


def check_departure(kb, case) -> None:
    jurisdiction, _, departure, answers = case
    result = assess_typed(kb, answers, jurisdiction, NOW, engine="compiled")
    if departure is not None:
        name, recorded = departure
        event(f"departure: {name}")
        unasked = [q for q in recorded if q in result.unused_answers]
        assert not unasked, f"{name}: the interview cannot record {unasked} (answers: {answers})"
    else:
        event("no departure open")
    missing = owed(kb, answers, jurisdiction) - result.measure_pairs()
    assert not missing, f"{departure}: safeguards owed but missing: {sorted(missing)} (answers: {answers})"


def _settings(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@_settings(400)
@given(case=st.data())
def test_a_departure_never_removes_a_safeguard_owed_quick(kb, case):
    check_departure(kb, case.draw(departed_cases(kb)))


@pytest.mark.slow
@_settings(10_000)
@given(case=st.data())
def test_a_departure_never_removes_a_safeguard_owed_on_10000_cases(kb, case):
    check_departure(kb, case.draw(departed_cases(kb)))


def test_the_reviewers_case_keeps_every_safeguard_when_the_judge_departs(kb):
    """The review's dev.yaml: an indication only, held 50 days, no lawyer, no charge, a statement
    under ill-treatment; then the judge sends the case to court and custody is sought."""
    answers = {
        "first_contact": "arrested",
        "age_at_conduct": 16,
        "developmental_indication": True,
        "capacity_assessment_result": "confirmed",
        "legal_assistance": False,
        "currently_detained": True,
        "charged_formally": False,
        "statement_circumstances": frozenset({"pressure_or_ill_treatment", "no_lawyer"}),
        "case_before_court": True,
        "custodial_sentence_considered": True,
        "release_possible": "detention_sought",
    }
    result = assess_typed(kb, answers, "baseline", NOW, engine="compiled")
    missing = owed(kb, answers, "baseline") - result.measure_pairs()
    assert not missing, sorted(missing)
    assert ("recommend", "exclusion_from_justice_process") in result.measure_pairs()
