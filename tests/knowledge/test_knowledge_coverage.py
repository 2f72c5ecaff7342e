"""The shipped knowledge base covers the brief: every catalogue rule, every vignette, every rule exercised."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.cases.scenarios import run_scenario

# Section 6 of the domain brief (shared/domain/justice-pathway.md): the rule catalogue.
CATALOGUE = [
    "R-AGE-01",
    "R-AGE-02",
    "R-AGE-03",
    "R-MACR-01",
    "R-MACR-02",
    "R-CAP-01",
    "R-VIC-01",
    "R-VIC-02",
    "R-VIC-03",
    "R-PROT-01",
    "R-CHG-01",
    "R-DIV-01",
    "R-DIV-02",
    "R-DIV-03",
    "R-PTD-01",
    "R-PTD-02",
    "R-PTD-03",
    "R-PTD-04",
    "R-FORUM-01",
    "R-FORUM-02",
    "R-PROC-01",
    "R-PRIV-01",
    "R-SENT-01",
    "R-SENT-02",
    "R-DET-01",
    "R-REINT-01",
    "R-SPEC-01",
    "R-SPEC-02",
    "R-SPEC-03",
]
DECISION_POINTS = [f"DP-{n}" for n in range(13)]


@pytest.fixture(scope="module")
def fired_by_scenarios(kb):
    fired = set()
    for entry in kb.scenarios:
        outcome = run_scenario(kb, entry)
        fired |= {step.rule_id for step in outcome.assessment.trace}
    return fired


def test_every_catalogue_rule_exists(kb):
    assert [rule_id for rule_id in CATALOGUE if rule_id not in kb.rules] == []


def test_every_vignette_has_a_scenario(kb):
    vignettes = {entry.scenario.vignette for entry in kb.scenarios}
    assert {f"V{n}" for n in range(1, 13)} <= vignettes


def test_every_rule_is_exercised_by_some_scenario(kb, fired_by_scenarios):
    assert sorted(set(kb.rules) - fired_by_scenarios) == []


def test_every_decision_point_has_rules_and_is_declared(kb):
    covered = {rule.spec.decision_point.split(".")[0] for rule in kb.rules.values()}
    assert [dp for dp in DECISION_POINTS if (dp not in covered and dp != "DP-11") or dp not in kb.decision_points] == []


def test_every_rule_cites_a_source_and_nv_sources_are_marked(kb):
    for rule in kb.rules.values():
        assert rule.spec.sources, rule.id
    nv_sources = {s.id for s in kb.sources.values() if s.verification == "NV"}
    for rule in kb.rules.values():
        for cite in rule.spec.sources:
            if cite.id in nv_sources:
                assert cite.verification == "NV", (rule.id, cite.id)


def test_both_profiles_differ_where_the_gap_flags_need_it(kb):
    baseline, national = kb.jurisdictions["baseline"].values, kb.jurisdictions["ruritania"].values
    before_the_change = kb.jurisdictions["ruritania"].period_on("macr", dt.date(2026, 3, 1))
    assert before_the_change is not None and before_the_change.value < baseline["macr"]
    assert [p for p in baseline if p not in national] == []
