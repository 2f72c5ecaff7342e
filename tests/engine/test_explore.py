"""Exhaustive proofs: they hold on the shipped knowledge, and each breaks with a reproducible counterexample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine import load_knowledge
from engine.analysis.explore import prove
from engine.analysis.generate import NOW
from engine.run.session import assess_typed
from tests.conftest import FIXTURES, small_copy_with

ROOT = Path(__file__).resolve().parents[2]


def broken(proofs):
    return {p.property.id: p for p in proofs if p.proven is False}


@pytest.mark.parametrize("jurisdiction", ["baseline", "ruritania"])
def test_every_invariant_holds_for_every_complete_interview_of_the_shipped_knowledge(kb, jurisdiction):
    proofs = prove(kb, jurisdiction)
    assert {p.property.id for p in proofs} >= {
        "no-dead-end",
        "prohibited-never-advised",
        "macr",
        "unknown-age",
        "always:reintegration_plan",
    }
    assert [p.property.id for p in proofs if p.proven is not True] == []
    assert all(p.states > 0 for p in proofs)


def test_a_conflict_is_disproven_with_a_case_that_reproduces_it(tmp_path):
    root = small_copy_with(tmp_path)
    shutil.copytree(FIXTURES / "audit" / "conflict", root, dirs_exist_ok=True)
    kb = load_knowledge(root)
    proof = broken(prove(kb, "baseline"))["consistent:prosecution"]
    pairs = assess_typed(kb, proof.counterexample, "baseline", NOW).measure_pairs()
    assert {("recommend", "prosecution"), ("prohibit", "prosecution")} <= pairs


def test_a_dead_end_is_disproven(tmp_path):
    root = small_copy_with(tmp_path)
    shutil.copytree(FIXTURES / "audit" / "dead_end", root, dirs_exist_ok=True)
    kb = load_knowledge(root)
    proof = broken(prove(kb, "baseline"))["no-dead-end"]
    assert assess_typed(kb, proof.counterexample, "baseline", NOW).measures == []


def test_removing_the_macr_defeat_breaks_the_macr_invariant(tmp_path):
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    macr_rules = copy / "rules" / "dp02_macr.yaml"
    text = macr_rules.read_text()
    assert "exception_to: [R-DIV-01, R-DIV-06, R-DIV-07, R-PTD-07, R-SENT-07]" in text
    macr_rules.write_text(
        text.replace("    exception_to: [R-DIV-01, R-DIV-06, R-DIV-07, R-PTD-07, R-SENT-07]\n", "", 1)
    )
    diversion = copy / "rules" / "dp07_diversion.yaml"
    diversion.write_text(
        diversion.read_text().replace(
            "        - {fact: charge_open}\n        - {fact: conduct_category, in: [nonviolent_support, travel]}",
            "        - {fact: conduct_category, in: [nonviolent_support, travel]}",
        )
    )
    kb = load_knowledge(copy)
    proof = broken(prove(kb, "baseline"))["macr"]
    assert proof.counterexample["age_at_conduct"] < kb.jurisdictions["baseline"].values["macr"]
    pairs = assess_typed(kb, proof.counterexample, "baseline", NOW).measure_pairs()
    assert any(k in ("require", "recommend") and "criminal_process" in kb.measures[m].tags for k, m in pairs)
