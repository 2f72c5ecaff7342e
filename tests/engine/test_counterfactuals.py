"""What would change this: the search on the small fixture knowledge base, checked against experta."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.analysis.counterfactuals import KINDS, what_would_change
from engine.render.pathway_map import build_map, overlay, path_ids
from engine.render.stepthrough import NotReplayableError, replay
from engine.run.session import assess_typed

NOW = dt.datetime(2026, 3, 1, 12, 0)
CASES = [
    {"age_at_conduct": 12},
    {"age_at_conduct": 15, "admits_facts": True, "conduct": "violence", "arrest_datetime": dt.datetime(2026, 2, 27, 8)},
    {
        "age_at_conduct": 16,
        "admits_facts": False,
        "conduct": "expression",
        "arrest_datetime": dt.datetime(2026, 3, 1, 9),
    },
]


def measures(kb, answers, jurisdiction="baseline"):
    result = assess_typed(kb, answers, jurisdiction, NOW, engine="experta")
    return {pair for pair in result.measure_pairs() if pair[0] in KINDS}


@pytest.mark.parametrize("answers", CASES)
@pytest.mark.parametrize("jurisdiction", ["baseline", "lowland"])
def test_every_reported_change_really_changes_the_result(small_kb, answers, jurisdiction):
    report = what_would_change(small_kb, answers, jurisdiction, NOW)
    before = measures(small_kb, answers, jurisdiction)
    assert report.measures, "the fixture cases can all be changed"
    assert report.not_confirmed == 0
    for entry in report.measures:
        pair = (entry.kind, entry.measure)
        assert entry.direction == ("removed" if pair in before else "added")
        for option in entry.options:
            for value_index in (0, -1):  # the evaluated answer and the last of its class
                trial = dict(answers)
                for change in option.changes:
                    assert change.after, change
                    trial[change.question] = change.after[value_index]
                after = measures(small_kb, trial, jurisdiction)
                assert (pair in after) != (pair in before), (option, value_index)
            assert option.rules, "every change names the rule responsible"
            for rid in option.rules:
                assert pair in small_kb.rules[rid].spec.then.measures()


def test_pairs_are_minimal(small_kb):
    answers = CASES[1]
    report = what_would_change(small_kb, answers, "baseline", NOW)
    before = measures(small_kb, answers)
    for entry in report.measures:
        pair = (entry.kind, entry.measure)
        for option in entry.pairs:
            for change in option.changes:
                alone = {**answers, change.question: change.after[0]}
                assert (pair in measures(small_kb, alone)) == (pair in before), option


def test_the_age_below_the_minimum_is_the_change_a_trainer_expects(small_kb):
    report = what_would_change(small_kb, {"age_at_conduct": 12}, "baseline", NOW)
    gone = next(m for m in report.measures if m.measure == "no_criminal_proceedings" and m.direction == "removed")
    ages = {v for option in gone.singles for change in option.changes for v in change.after}
    assert ages == set(range(14, 26))
    assert gone.rules() == ["R-MACR-01"]


def test_replay_follows_experta_order_and_needs_experta(small_kb):
    answers = CASES[1]
    result = assess_typed(small_kb, answers, "lowland", NOW, engine="experta")
    steps = replay(result)
    assert [s.trace.rule_id for s in steps] == result.experta_order
    assert steps and steps[0].derived_before == () and steps[0].measures_before == ()
    assert set(steps[-1].measures_before) | set(steps[-1].trace.conclusions) == result.measure_pairs()
    with pytest.raises(NotReplayableError):
        replay(assess_typed(small_kb, {"age_at_conduct": 15}, "baseline", NOW, engine="compiled"))


def test_map_has_every_entry_and_overlay_marks_the_path(small_kb):
    structure = build_map(small_kb)
    kinds = {
        kind: {n.id for n in structure.nodes.values() if n.kind == kind} for kind in ("question", "rule", "measure")
    }
    assert kinds["question"] == {f"q-{q}" for q in small_kb.questions}
    assert kinds["rule"] == {f"r-{r}" for r in small_kb.rules}
    assert kinds["measure"] == {f"m-{m}" for m in small_kb.measures}
    assert any(e.kind == "defeats" and e.tail == "r-R-CHG-01" for e in structure.edges)
    result = assess_typed(small_kb, {"age_at_conduct": 12}, "baseline", NOW)
    on = path_ids(small_kb, structure, result)
    assert {"q-age_at_conduct", "r-R-MACR-01", "f-below_macr", "m-no_criminal_proceedings"} <= on
    svg = '<g id="map&#45;r&#45;R&#45;MACR&#45;01" class="node map&#45;rule"><g id="map&#45;r&#45;R&#45;DIV&#45;01" class="node">'
    marked = overlay(svg, structure, on)
    assert marked.count("on-path") == 1 and 'MACR&#45;01" class="node map&#45;rule on-path"' in marked
