"""The bench card (engine/render/bench_card.py): the test of each hearing, condition by condition,
read from the knowledge; its states agree with what the engine concludes, on the vignettes and on
generated cases; the loader refuses a hearing whose test or checklist names what does not exist."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import KnowledgeError, load_knowledge
from engine.load.answers import parse_answers
from engine.render.bench_card import MET, NOT_IN_QUESTION, NOT_KNOWN, NOT_MET, bench_card, to_text
from engine.run.session import assess_typed
from tests.case_generation import NOW, answer_sets
from tests.conftest import small_copy_with

TESTED = ("detention_hearing", "sentencing", "charging_and_diversion")


def _scenario_card(kb, vignette: str):
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == vignette)
    typed, errors = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
    assert not errors
    result = assess_typed(kb, typed, scenario.jurisdiction, scenario.reference_date, "experta", scenario.hearing)
    return result, bench_card(result)


def _states(card) -> dict[str, str]:
    return {c.label: c.state for c in card.test.conditions}


def test_the_detention_test_of_v8_fails_on_the_missing_conditions_and_says_on_what(kb):
    _, card = _scenario_card(kb, "V8")
    assert card.title == kb.hearings["detention_hearing"].title and card.test.title == "The pre-trial detention test"
    states = _states(card)
    assert states["Detention is being sought"] == MET
    assert states["This is one of the most serious cases"] == NOT_MET
    assert states["The child has a lawyer and can challenge the detention before a court promptly"] == MET
    assert states["A genuine public-safety or public-health concern requires deprivation of liberty"] == NOT_MET
    assert (
        states[next(label for label in states if label.startswith("Detention is needed to ensure appearance"))] == MET
    )
    floor = next(c for c in card.test.conditions if c.rule == "R-DET-02")
    assert floor.state == MET and floor.thresholds == ("Minimum age for any deprivation of liberty: 16 years",)
    assert [r.answer for r in floor.rests_on] == ["17"]
    assert card.test.state == NOT_MET
    [conclusion] = card.test.conclusions
    assert (conclusion.kind, conclusion.strength) == ("prohibit", "treaty_obligation")
    assert conclusion.words.startswith("Prohibited by CRC art 37(b)")
    # the deadlines say what they count from, soonest first
    first = card.deadlines[0]
    assert first.measure.id == "appearance_before_judge" and first.counts_from == kb.questions["arrest_datetime"].text
    assert first.limit == "24 hours" and first.state == "open" and "2026-03-01 18:00" in first.words
    assert {m.id for m in card.prohibited} >= {"pretrial_detention", "placement_in_adult_facility"}
    assert [i.measure for i in card.checklist] == kb.hearings["detention_hearing"].checklist
    text = to_text(card)
    assert "[not met] This is one of the most serious cases" in text and "Prohibited by CRC art 37(b)" in text


def test_the_custodial_sentence_test_of_v12_is_met_condition_by_condition(kb):
    _, card = _scenario_card(kb, "V12")
    assert card.test.state == MET and all(c.state == MET for c in card.test.conditions)
    assert [m.kind for m in card.test.conclusions] == ["flag"]


def test_below_the_age_floor_the_bar_fails_the_detention_test(kb):
    answers = {
        "age_at_conduct": 15,
        "first_contact": "arrested",
        "currently_detained": True,
        "release_possible": "detention_sought",
        "detention_test_items": ["most_serious_case"],
    }
    typed, errors = parse_answers(kb.questions, answers, NOW)
    assert not errors
    card = bench_card(assess_typed(kb, typed, "baseline", NOW, "experta", "detention_hearing"))
    floor = next(c for c in card.test.conditions if c.rule == "R-DET-02")
    assert floor.state == NOT_MET and card.test.state == NOT_MET
    assert {"R-DET-02"} <= {r for m in card.test.conclusions for r in m.rules}


def test_an_exception_to_the_test_rule_is_a_bar_of_its_own(kb):
    """V6 meets every diversion condition; with the exploitation link unknown, R-DIV-09 (an
    exception to R-DIV-01, not declared as a bar) holds diversion back, and the card says so."""
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == "V6")
    typed, errors = parse_answers(kb.questions, {**scenario.answers, "non_punishment_link": "unknown"}, NOW)
    assert not errors
    result = assess_typed(kb, typed, scenario.jurisdiction, scenario.reference_date, "experta", scenario.hearing)
    card = bench_card(result)
    assert [(c.rule, c.state) for c in card.test.conditions if c.state != MET] == [("R-DIV-09", NOT_MET)]
    assert card.test.state == NOT_MET
    _agrees(kb, result, card)


def test_unanswered_test_items_are_not_known_and_name_the_missing_question(kb):
    answers = {"age_at_conduct": 17, "first_contact": "arrested", "currently_detained": True}
    typed, _ = parse_answers(kb.questions, {**answers, "release_possible": "detention_sought"}, NOW)
    card = bench_card(assess_typed(kb, typed, "baseline", NOW, "auto", "detention_hearing"))
    unknown = [c for c in card.test.conditions if c.state == NOT_KNOWN]
    assert unknown and card.test.state == NOT_KNOWN
    assert all(r.answer is None and r.question == "detention_test_items" for c in unknown for r in c.rests_on)
    typed, _ = parse_answers(kb.questions, {**answers, "release_possible": "release"}, NOW)
    card = bench_card(assess_typed(kb, typed, "baseline", NOW, "auto", "detention_hearing"))
    assert card.test.state == NOT_MET and _states(card)["Detention is being sought"] == NOT_MET
    typed, _ = parse_answers(kb.questions, {"age_at_conduct": 12, "first_contact": "summoned"}, NOW)
    card = bench_card(assess_typed(kb, typed, "baseline", NOW, "auto", "charging_and_diversion"))
    assert card.test.state == NOT_IN_QUESTION  # below the MACR no charge is open: diversion is not in question


def test_every_vignette_hearing_has_a_card_and_its_test_agrees_with_the_engine(kb):
    for entry in kb.scenarios:
        scenario = entry.scenario
        if not scenario.vignette:
            continue
        result, card = _scenario_card(kb, scenario.vignette)
        assert card.hearing.id == scenario.hearing
        _agrees(kb, result, card)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), hearing=st.sampled_from(TESTED))
def test_the_test_is_met_exactly_when_the_engine_applies_its_rule(kb, data, hearing):
    answers = data.draw(answer_sets(kb))
    result = assess_typed(kb, answers, "baseline", NOW, "experta", hearing)
    _agrees(kb, result, bench_card(result))


def _agrees(kb, result, card) -> None:
    """A met test is its rule applying; a failed bar is that bar applying; a test not met never applies."""
    test = kb.hearings[card.hearing.id].test
    if test is None:
        assert card.test is None
        return
    fired = {step.rule_id for step in result.trace}
    assert (card.test.state == MET) == (test.rule in fired), (card.test.state, sorted(fired))
    for condition in card.test.conditions:
        if condition.rule != test.rule:
            assert (condition.state == NOT_MET) == (condition.rule in fired)
    if card.test.state in (NOT_MET, NOT_IN_QUESTION):
        assert test.rule not in fired


def test_a_hearing_naming_an_unknown_rule_or_measure_is_refused_with_the_field(tmp_path):
    root = small_copy_with(tmp_path)
    (root / "hearings.yaml").write_text(
        "hearings:\n"
        "  - id: detention_hearing\n"
        "    title: Detention hearing\n"
        "    decision_points: [DP-1]\n"
        "    checklist: [no_such_measure]\n"
        "    test: {title: The test, measure: prosecution, rule: R-NOPE-01, bars: [R-PTD-01]}\n"
    )
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(root)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "checklist" in text and "unknown measure 'no_such_measure'" in text
    assert "test.rule" in text and "unknown rule 'R-NOPE-01'" in text
    assert "test.bars" in text and "rule 'R-PTD-01' does not prohibit 'prosecution'" in text


def test_pathway_bench_card_prints_the_card_of_the_case_file_hearing(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(
        "jurisdiction: baseline\nreference_date: 2026-03-01\nhearing: detention_hearing\nanswers:\n"
        "  age_at_conduct: 17\n  first_contact: arrested\n  arrest_datetime: 2026-02-28T18:00\n"
        "  currently_detained: true\n  release_possible: detention_sought\n"
        "  detention_test_items: [ground_ensure_appearance, lawyer_and_court_challenge]\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "bench-card", str(case)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Bench card: First appearance or pre-trial detention hearing")
    assert "The pre-trial detention test: not met" in done.stdout
    assert "[not met] This is one of the most serious cases" in done.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "cli.main", "bench-card", str(case), "--hearing", "tial"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2 and "Unknown hearing 'tial'" in refused.stderr
