"""Disputed facts (engine/run/disputed.py, through the session's `weigh_disputes`): a disputed age
that crosses 18 changes the conclusions and must be established; one that changes nothing leaves
every conclusion holding either way; the bound on combinations; disputes in the case file round
trip and are refused with the field when they cannot stand; the bench card and the CLI say it."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from engine.cases.case_file import case_data, parse_case
from engine.errors import CaseFileError
from engine.load.answers import parse_answers
from engine.render.bench_card import bench_card
from engine.run.disputed import MAX_COMBINED
from engine.run.session import assess_typed, weigh_disputes


def _v8(kb):
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == "V8")
    typed, errors = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
    assert not errors
    return scenario, typed


def test_a_disputed_age_of_18_turns_the_case_out_of_the_child_pathway(kb):
    scenario, typed = _v8(kb)
    found = weigh_disputes(kb, typed, {"age_at_conduct": 18}, "baseline", scenario.reference_date, scenario.hearing)
    assert len(found.variants) == 2 and found.must_establish == ("age_at_conduct",)
    child = found.of("require", "child_justice_pathway")
    assert child.in_given and not child.verdict.holds and child.verdict.turns_on == ("age_at_conduct",)
    outside = found.of("flag", "outside_child_justice_scope")
    assert not outside.in_given and outside.verdict.turns_on == ("age_at_conduct",)
    assert found.of("prohibit", "pretrial_detention").verdict.turns_on == ("age_at_conduct",)


def test_a_disputed_age_that_changes_nothing_holds_either_way(kb):
    scenario, typed = _v8(kb)
    found = weigh_disputes(kb, typed, {"age_at_conduct": 16}, "baseline", scenario.reference_date, scenario.hearing)
    given = assess_typed(kb, typed, "baseline", scenario.reference_date, hearing=scenario.hearing)
    assert found.must_establish == () and not found.depending
    assert {(m.kind, m.measure) for m in found.measures} == given.measure_pairs()
    assert all(m.verdict.holds and m.verdict.turns_on == () for m in found.measures)


def test_only_the_fact_a_conclusion_turns_on_is_named(kb):
    scenario, typed = _v8(kb)
    disputes = {"age_at_conduct": 16, "returnee": False}
    found = weigh_disputes(kb, typed, disputes, "baseline", scenario.reference_date, scenario.hearing)
    assert len(found.variants) == 4 and found.must_establish == ("returnee",)
    assert {m.measure for m in found.depending} == {
        "case_by_case_returnee_assessment",
        "protection_measures_alongside_or_instead_of_prosecution",
    }


def test_beyond_the_bound_each_further_fact_is_varied_alone(kb):
    scenario, typed = _v8(kb)
    disputes = {"age_at_conduct": 16, "returnee": False, "trafficking_indicators": True, "legal_assistance": False}
    found = weigh_disputes(kb, typed, disputes, "baseline", scenario.reference_date, scenario.hearing)
    assert found.combined == tuple(list(disputes)[:MAX_COMBINED]) and found.alone == ("legal_assistance",)
    assert len(found.variants) == 2**MAX_COMBINED + 1
    assert "legal_assistance" in found.must_establish  # no lawyer: the safeguard is required only then
    assert found.of("require", "free_legal_assistance").verdict.turns_on == ("legal_assistance",)


def test_the_bench_card_says_which_condition_turns_on_the_disputed_age(kb):
    scenario, typed = _v8(kb)
    every_item = [c.id for c in kb.questions["detention_test_items"].choices if c.id != "none_of_these"]
    answers = {
        **typed,
        "age_at_conduct": 16,
        "detention_test_items": frozenset(every_item) - {"ground_danger_to_others"},
    }
    now = scenario.reference_date
    given = assess_typed(kb, answers, "baseline", now, "experta", scenario.hearing)
    found = weigh_disputes(kb, answers, {"age_at_conduct": 15}, "baseline", now, scenario.hearing, given)
    card = bench_card(given, found)
    assert card.test.state == "met" and card.test.dispute.turns_on == ("age_at_conduct",)
    floor = next(c for c in card.test.conditions if c.rule == "R-DET-02")
    assert floor.dispute.turns_on == ("age_at_conduct",)
    assert all(c.dispute.holds for c in card.test.conditions if c.rule != "R-DET-02")
    assert card.verdict_on("prohibit", "pretrial_detention").turns_on == ("age_at_conduct",)


def test_disputes_in_a_case_file_round_trip(kb):
    scenario, typed = _v8(kb)
    disputes = {"age_at_conduct": 18, "returnee": False, "detention_test_items": frozenset({"most_serious_case"})}
    data = case_data(typed, "baseline", scenario.reference_date, kb.version, scenario.hearing, disputes=disputes)
    text = yaml.safe_dump(data, allow_unicode=True)
    parsed = parse_case(kb, text, "case.yaml")
    assert parsed.disputes == disputes and parsed.answers == typed
    again = case_data(
        parsed.answers, parsed.jurisdiction, parsed.reference, kb.version, parsed.hearing, disputes=parsed.disputes
    )
    assert again == data


def test_a_dispute_that_cannot_stand_is_refused_with_its_field_and_line(kb):
    text = (
        "jurisdiction: baseline\nreference_date: 2026-03-01\nanswers:\n  age_at_conduct: 17\n"
        "disputed:\n  age_at_conduct: 17\n  returnee: true\n  agee_at_conduct: 3\n  age_now: unknown\n"
    )
    with pytest.raises(CaseFileError) as err:
        parse_case(kb, text, "case.yaml")
    shown = [str(p) for p in err.value.problems]
    assert any("case.yaml:6" in p and "disputed.age_at_conduct" in p and "the answer given" in p for p in shown), shown
    assert any("disputed.returnee" in p and "answer the question first" in p for p in shown), shown
    assert any("disputed.agee_at_conduct" in p and "unknown question" in p for p in shown), shown
    assert any("disputed.age_now" in p for p in shown), shown


def test_pathway_bench_card_and_assess_say_what_the_court_must_establish(tmp_path, kb):
    scenario, typed = _v8(kb)
    data = case_data(
        typed, "baseline", scenario.reference_date, kb.version, scenario.hearing, disputes={"age_at_conduct": 18}
    )
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(data, allow_unicode=True))
    for command in ("bench-card", "assess"):
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", command, str(case)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "Disputed facts" in done.stdout and "The court must establish:" in done.stdout
        assert "given: 17; other side: 18" in done.stdout
        assert "depends on: How old was the person at the time of the alleged conduct" in done.stdout
