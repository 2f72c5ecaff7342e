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
        "no-watch-list-below-macr",
        "emergency-release-review",
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


def _shipped_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    target = copy / "rules" / file
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    return copy


def test_a_watch_list_entry_left_open_below_the_macr_breaks_the_watch_list_invariant(tmp_path):
    # R-REC-01 narrowed to requests that include a public register: a plain watch-list request for a
    # child below the MACR then gets no bar on the entry.
    copy = _shipped_copy(
        tmp_path,
        "dp13_records.yaml",
        "        - {fact: below_macr}\n",
        "        - {fact: below_macr}\n        - {fact: security_listing, includes: public_register}\n",
    )
    kb = load_knowledge(copy)
    proof = broken(prove(kb, "baseline"))["no-watch-list-below-macr"]
    case = proof.counterexample
    assert case["age_at_conduct"] < kb.jurisdictions["baseline"].values["macr"]
    assert set(case["security_listing"]) & {"watch_list", "biometrics"}
    pairs = assess_typed(kb, case, "baseline", NOW).measure_pairs()
    assert ("prohibit", "watch_list_entry") not in pairs


def test_advising_a_watch_list_entry_below_the_macr_breaks_the_watch_list_invariant(tmp_path):
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    (copy / "rules" / "dp13_zz_listing.yaml").write_text(
        """rules:
  - id: R-TEST-01
    decision_point: DP-13
    title: A careless rule that lists every child the security service asks about
    when:
      {fact: security_listing, includes: watch_list}
    then:
      recommend: [watch_list_entry]
    explanation: For the test only.
    sources:
      - {id: SCR2396, pinpoint: "op. 31", verification: V, force: design_inference}
"""
    )
    kb = load_knowledge(copy)
    proof = broken(prove(kb, "baseline"))["no-watch-list-below-macr"]
    case = proof.counterexample
    assert case["age_at_conduct"] < kb.jurisdictions["baseline"].values["macr"]
    assert ("recommend", "watch_list_entry") in assess_typed(kb, case, "baseline", NOW).measure_pairs()


def test_an_emergency_declared_only_in_the_profile_must_still_bring_the_review(tmp_path):
    # Reading the user's answer only, the review is skipped under a profile that declares the emergency.
    copy = _shipped_copy(
        tmp_path,
        "dp08_emergency.yaml",
        "        - any:\n            - {param: public_health_emergency_declared}\n            - {fact: public_health_emergency}\n"
        "    then:\n      require: [emergency_release_review, health_safeguards_in_detention]\n"
        "    scope_parameters: [public_health_emergency_declared]\n",
        "        - {fact: public_health_emergency}\n"
        "    then:\n      require: [emergency_release_review, health_safeguards_in_detention]\n",
    )
    kb = load_knowledge(copy)
    assert "emergency-release-review" not in broken(prove(kb, "baseline"))
    proof = broken(prove(kb, "ruritania"))["emergency-release-review"]
    case = proof.counterexample
    assert case["currently_detained"] is True and case.get("public_health_emergency") is not True
    assert ("require", "emergency_release_review") not in assess_typed(kb, case, "ruritania", NOW).measure_pairs()


def test_a_detained_child_without_the_review_in_a_declared_emergency_breaks_the_invariant(tmp_path):
    copy = _shipped_copy(
        tmp_path,
        "dp08_emergency.yaml",
        "        - {fact: currently_detained}\n",
        "        - {fact: administrative_detention}\n",
    )
    kb = load_knowledge(copy)
    case = broken(prove(kb, "baseline"))["emergency-release-review"].counterexample
    assert case["currently_detained"] is True and case["public_health_emergency"] is True
