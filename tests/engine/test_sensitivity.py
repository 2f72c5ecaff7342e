"""Would the result change if an "I don't know" answer were known?"""

from __future__ import annotations

import datetime as dt

from engine.analysis.sensitivity import parameter_candidates, unknown_facts
from engine.load.conditions import UNKNOWN
from engine.run.session import assess_typed

NOW = dt.datetime(2026, 3, 1, 12, 0)


def test_unknown_age_would_change_the_result_from_the_minimum_age_up(small_kb):
    result = assess_typed(
        small_kb, {"age_at_conduct": UNKNOWN, "admits_facts": True, "conduct": "violence"}, "baseline", NOW
    )
    [fact] = unknown_facts(small_kb, result)
    assert fact.question.id == "age_at_conduct" and fact.would_change is True
    effects = {e.answers: e for e in fact.effects()}
    assert set(effects) == {"14–25"}
    assert ("require", "no_criminal_proceedings") in effects["14–25"].removed
    assert ("recommend", "diversion") in effects["14–25"].added


def test_no_unknown_answers_no_facts(small_kb):
    result = assess_typed(small_kb, {"age_at_conduct": 15}, "baseline", NOW)
    assert unknown_facts(small_kb, result) == []


def test_candidates_cover_every_choice_and_the_integer_range(small_kb):
    questions = small_kb.questions
    assert parameter_candidates(questions["conduct"], {}) == ["expression", "violence"]
    assert parameter_candidates(questions["admits_facts"], {}) == [True, False]
    assert parameter_candidates(questions["age_at_conduct"], {}) == list(range(26))
    assert parameter_candidates(questions["arrest_datetime"], {}) is None
