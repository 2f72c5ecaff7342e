"""Legal invariants that must hold for every case, checked on generated cases (hypothesis).

Each property restates a point of the standards independently of the rules that implement it,
so a rule change that breaks the law is caught even when no scenario covers it.

A property about a kind of case (below the MACR, a child) draws only cases of that kind: no
example is thrown away, so every one of them runs the assertion. Those properties, and the one
on prohibited outcomes, record a hypothesis event per example saying what it exercised
(`pytest --hypothesis-show-statistics` shows the shares).
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.analysis.generate import candidate_values
from engine.load.conditions import UNKNOWN
from engine.run.session import assess_typed
from tests.case_generation import NOW, answer_sets, values_in_force

EXAMPLES = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROHIBITED_OUTCOMES = {
    "death_penalty",
    "life_imprisonment_without_release",
    "corporal_punishment",
    "mandatory_minimum_sentence",
}
ALWAYS_IN_SCOPE = {"child_protection_referral", "reintegration_plan", "child_justice_pathway"}
ADULT_OUTCOMES = {"outside_child_justice_scope", "placement_in_adult_facility"}


def below_macr(answers: dict, macr: int) -> bool | None:
    """Below the MACR at the time of the conduct, with the benefit of the doubt (GC24 paras 20, 23-24)."""
    age = answers.get("age_at_conduct")
    if age is None:
        return None
    if age is not UNKNOWN:
        return age < macr
    lowest = answers.get("age_lowest_plausible")
    if lowest is None:
        return None
    return lowest is UNKNOWN or lowest < macr


def treated_as_child(answers: dict, majority: int) -> bool | None:
    age = answers.get("age_at_conduct")
    if age is None:
        return None
    return age is UNKNOWN or age < majority


def invariant_violations(
    kb, answers: dict, jurisdiction: str, pairs: set[tuple[str, str]], complete: bool
) -> list[str]:
    """Every invariant that (kind, measure) pairs break for these answers; used on 10,000 cases too."""
    values = values_in_force(kb, jurisdiction)
    found = []
    for kind, measure_id in pairs:
        tags = kb.measures[measure_id].tags
        if ("prohibited_outcome" in tags or measure_id in PROHIBITED_OUTCOMES) and kind != "prohibit":
            found.append(f"{kind} {measure_id}: a prohibited outcome may only be prohibited")
        if below_macr(answers, values["macr"]) and "criminal_process" in tags and kind in ("require", "recommend"):
            found.append(f"{kind} {measure_id} below the MACR")
        if answers.get("age_at_conduct") is UNKNOWN and measure_id in ADULT_OUTCOMES and kind != "prohibit":
            found.append(f"{kind} {measure_id} although the age is unknown")
    prohibited = {m for k, m in pairs if k == "prohibit"}
    advised = {m for k, m in pairs if k in ("require", "recommend")}
    found += [f"{m} both advised and prohibited" for m in sorted(prohibited & advised)]
    if complete and answers.get("age_at_conduct") is UNKNOWN and ("require", "child_justice_pathway") not in pairs:
        found.append("unknown age without the child-justice pathway")
    if complete and treated_as_child(answers, values["age_of_majority"]):
        found += [f"no require {m} for a child" for m in sorted(ALWAYS_IN_SCOPE) if ("require", m) not in pairs]
    return found


def _assess(kb, answers, jurisdiction):
    return assess_typed(kb, answers, jurisdiction, NOW)


def jurisdictions(kb):
    return st.sampled_from(sorted(kb.jurisdictions))


def _values(kb, question_id: str, keep) -> st.SearchStrategy:
    """The generator's answers to one question, only those that `keep` accepts."""
    values = [v for v in candidate_values(kb, kb.questions[question_id]) if keep(v)]
    assert values, f"no generated answer to {question_id} fits"
    return st.sampled_from(values)


@st.composite
def below_macr_cases(draw, kb) -> tuple[str, dict]:
    """A profile and answers (any others, possibly partial) of a child below its MACR at the time of the conduct.

    Either the age is known and below the MACR, or it is unknown and the lowest plausible age is
    unknown too or below the MACR (the benefit of the doubt).
    """
    jurisdiction = draw(jurisdictions(kb))
    macr = values_in_force(kb, jurisdiction)["macr"]
    answers = draw(answer_sets(kb))
    answers["age_at_conduct"] = draw(_values(kb, "age_at_conduct", lambda v: v is UNKNOWN or v < macr))
    if answers["age_at_conduct"] is UNKNOWN:
        answers["age_lowest_plausible"] = draw(_values(kb, "age_lowest_plausible", lambda v: v is UNKNOWN or v < macr))
    return jurisdiction, answers


@st.composite
def complete_child_cases(draw, kb) -> tuple[str, dict]:
    """A profile and every question answered, for someone under its age of majority (or of unknown age)."""
    jurisdiction = draw(jurisdictions(kb))
    majority = values_in_force(kb, jurisdiction)["age_of_majority"]
    answers = draw(answer_sets(kb, partial=False))
    answers["age_at_conduct"] = draw(_values(kb, "age_at_conduct", lambda v: v is UNKNOWN or v < majority))
    return jurisdiction, answers


def test_the_property_measures_exist(kb):
    assert PROHIBITED_OUTCOMES | ALWAYS_IN_SCOPE | ADULT_OUTCOMES | {
        "prosecution",
        "diversion",
        "pretrial_detention",
        "custodial_sentence",
    } <= set(kb.measures)
    assert {m for m in kb.measures if "prohibited_outcome" in kb.measures[m].tags} >= PROHIBITED_OUTCOMES


@given(data=st.data())
@EXAMPLES
def test_prohibited_outcomes_are_only_ever_prohibited(kb, data):
    jurisdiction = data.draw(jurisdictions(kb))
    result = _assess(kb, data.draw(answer_sets(kb)), jurisdiction)
    outcomes = [m for m in result.measures if "prohibited_outcome" in m.tags or m.id in PROHIBITED_OUTCOMES]
    event(f"prohibited outcomes in the result: {'some' if outcomes else 'none'}")
    wrong = [(m.id, m.kind, m.rules) for m in outcomes if m.kind != "prohibit"]
    assert not wrong, wrong


@given(data=st.data())
@EXAMPLES
def test_below_the_macr_nothing_criminal_is_recommended_or_required(kb, data):
    jurisdiction, answers = data.draw(below_macr_cases(kb))
    assert below_macr(answers, values_in_force(kb, jurisdiction)["macr"]) is True  # the strategy's promise
    result = _assess(kb, answers, jurisdiction)
    criminal = [m for m in result.measures if "criminal_process" in m.tags]
    event(f"criminal-process measures in the result: {'some' if criminal else 'none'}")
    wrong = [(m.id, m.kind, m.rules) for m in criminal if m.kind not in ("prohibit", "flag")]
    assert not wrong, (wrong, answers)


@given(data=st.data())
@EXAMPLES
def test_unknown_age_gets_the_benefit_of_the_doubt(kb, data):
    jurisdiction = data.draw(jurisdictions(kb))
    answers = {**data.draw(answer_sets(kb, partial=False)), "age_at_conduct": UNKNOWN}
    result = _assess(kb, answers, jurisdiction)
    pairs = result.measure_pairs()
    assert ("require", "child_justice_pathway") in pairs
    assert not any(m in ADULT_OUTCOMES and k != "prohibit" for k, m in pairs), pairs


@given(data=st.data())
@EXAMPLES
def test_every_child_gets_protection_referral_and_reintegration_plan(kb, data):
    jurisdiction, answers = data.draw(complete_child_cases(kb))
    assert treated_as_child(answers, values_in_force(kb, jurisdiction)["age_of_majority"]) is True
    event("unknown age" if answers["age_at_conduct"] is UNKNOWN else "known age under the majority")
    pairs = _assess(kb, answers, jurisdiction).measure_pairs()
    missing = sorted(m for m in ALWAYS_IN_SCOPE if ("require", m) not in pairs)
    assert not missing, (missing, answers)


@given(data=st.data())
@EXAMPLES
def test_every_measure_cites_a_resolving_source_and_nothing_is_both_advised_and_prohibited(kb, data):
    jurisdiction = data.draw(jurisdictions(kb))
    result = _assess(kb, data.draw(answer_sets(kb)), jurisdiction)
    for measure in result.measures:
        assert measure.sources, measure.id
        assert all(view.id in kb.sources for view in measure.sources)
    prohibited = {m.id for m in result.measures_of("prohibit")}
    advised = {m.id for m in result.measures if m.kind in ("require", "recommend")}
    assert not prohibited & advised, prohibited & advised


@given(data=st.data())
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_the_order_of_answers_never_changes_the_result(kb, data):
    jurisdiction = data.draw(jurisdictions(kb))
    answers = data.draw(answer_sets(kb))
    order = data.draw(st.permutations(sorted(answers)))
    given_so_far: dict = {}
    for question_id in order:  # the same engine, reused step by step as in an interview
        given_so_far[question_id] = answers[question_id]
        _assess(kb, given_so_far, jurisdiction)
    stepwise = _assess(kb, given_so_far, jurisdiction)
    fresh = _assess(kb, dict(sorted(answers.items())), jurisdiction)
    assert stepwise.measure_pairs() == fresh.measure_pairs()
    assert [s.rule_id for s in stepwise.trace] == [s.rule_id for s in fresh.trace]
    assert [q.question.id for q in stepwise.open_questions] == [q.question.id for q in fresh.open_questions]
