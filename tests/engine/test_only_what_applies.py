"""Only what applies to the case: points left to judgement by their `applies_when`, facts used
only when the case has them, near-duplicate measures shown as one item, and the changes that
move the headline route listed first. On the shipped knowledge base and its vignettes."""

from __future__ import annotations

import pytest

from engine.analysis.counterfactuals import what_would_change
from engine.cases.scenarios import run_scenario
from engine.load.answers import parse_answers
from engine.load.knowledge_base import KnowledgeBase
from engine.render.headline import headline
from engine.run.explanation import grouped_outcomes
from engine.run.session import Assessment, assess_typed


def vignette(kb: KnowledgeBase, name: str) -> Assessment:
    return run_scenario(kb, next(e for e in kb.scenarios if e.scenario.vignette == name)).assessment


def every_scenario(kb: KnowledgeBase):
    for entry in kb.scenarios:
        yield entry.scenario, run_scenario(kb, entry).assessment


def test_the_returnee_risk_assessment_is_left_to_judgement_only_for_a_returnee(kb):
    diversion_case = vignette(kb, "V6")  # a boy of 15 at home, posts online: no return from a conflict zone
    returnee_case = vignette(kb, "V10")  # an infant repatriated from a camp
    assert diversion_case.answers.get("returnee") is not True
    assert returnee_case.answers["returnee"] is True
    assert "NE-returnee-risk-assessment" not in {n.id for n in diversion_case.not_encoded}
    assert "NE-returnee-risk-assessment" in {n.id for n in returnee_case.not_encoded}


def test_a_point_without_a_condition_arises_in_every_case_and_one_with_a_condition_not_always(kb):
    unconditional = {n.id for n in kb.not_encoded if n.id not in kb.applies_when}
    listed = [{n.id for n in assessment.not_encoded} for _, assessment in every_scenario(kb)]
    assert all(unconditional <= ids for ids in listed)
    for point in kb.applies_when:
        assert not all(point in ids for ids in listed), (
            f"{point} is listed in every scenario: its condition filters nothing"
        )
    assert max(map(len, listed)) < len(kb.not_encoded)


def test_facts_used_are_only_facts_the_case_has(kb):
    for scenario, assessment in every_scenario(kb):
        for step in assessment.trace:
            for use in step.facts:
                if use.derived:
                    assert assessment.derived[use.id] is not None, (scenario.name, step.rule_id, use.id)
                else:
                    assert use.id in assessment.answers, (scenario.name, step.rule_id, use.id)
                assert use.text != "not answered"


def test_near_duplicate_measures_are_one_item_and_none_is_lost(kb):
    for scenario, assessment in every_scenario(kb):
        shown = grouped_outcomes(kb, assessment.measures)
        ids = [(m.kind, m.id) for item in shown for m in (item, *item.variants)]
        assert sorted(ids) == sorted((m.kind, m.id) for m in assessment.measures), scenario.name
        for item in shown:
            for variant in item.variants:
                assert kb.measures[variant.id].variant_of in (item.id, kb.measures[item.id].variant_of)
                assert set(variant.rules) <= set(item.rules), "the item keeps the variant's rules"
                assert {(s.id, s.pinpoint) for s in variant.sources} <= {(s.id, s.pinpoint) for s in item.sources}
    v6 = vignette(kb, "V6")
    recommended = [m for m in grouped_outcomes(kb, v6.measures) if m.kind == "recommend"]
    diversion = next(m for m in recommended if m.id == "diversion")
    assert [v.id for v in diversion.variants] == ["offer_diversion"]
    assert not any(m.id == "offer_diversion" for m in recommended)


@pytest.mark.parametrize("name", ["V6", "V7"])
def test_what_would_change_leads_with_the_changes_that_move_the_route(kb, name):
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == name)
    now = scenario.reference_date
    answers, errors = parse_answers(kb.questions, scenario.answers, now)
    assert not errors
    now_route = headline(assess_typed(kb, answers, scenario.jurisdiction, now)).route
    report = what_would_change(kb, answers, scenario.jurisdiction, now, max_pairs=2000)
    assert report.route == now_route.id
    assert report.routes, "a change of age alone changes the route of a vignette"
    for change in report.routes:
        for option in change.minimal[:3]:
            trial = {**answers, **{c.question: c.after[0] for c in option.changes}}
            after = headline(assess_typed(kb, trial, scenario.jurisdiction, now, engine="experta")).route
            assert (after.id if after else None) == change.route != report.route
