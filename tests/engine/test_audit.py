"""The audit catches each kind of defect in a small broken knowledge base, and reports rather than raises."""

from __future__ import annotations

import shutil

import yaml

from engine import load_knowledge
from engine.analysis.audit import audit, format_report
from engine.cases.case_file import parse_case
from engine.run.session import assess_typed
from tests.conftest import FIXTURES, small_copy_with


def audited(tmp_path, overlay: str):
    root = small_copy_with(tmp_path)
    shutil.copytree(FIXTURES / "audit" / overlay, root, dirs_exist_ok=True)
    return load_knowledge(root), audit(load_knowledge(root), samples=150)


def test_the_clean_small_knowledge_base_has_no_errors(small_kb):
    report = audit(small_kb, samples=150)
    assert report.errors == []


def test_a_rule_that_can_never_apply_is_found(tmp_path):
    _, report = audited(tmp_path, "unreachable")
    assert any(f.check == "rule can never apply" and f.subject == "R-TEST-01" for f in report.findings)


def test_a_rule_resting_only_on_unverified_sources_is_found(tmp_path):
    _, report = audited(tmp_path, "unverified")
    assert any(f.check == "only unverified sources" and f.subject == "R-TEST-01" for f in report.findings)


def test_advised_and_prohibited_in_one_case_comes_with_a_counterexample_that_reproduces_it(tmp_path):
    kb, report = audited(tmp_path, "conflict")
    found = [f for f in report.errors if f.check == "advised and prohibited" and f.subject == "prosecution"]
    assert found, format_report(report)
    parsed = parse_case(kb, found[0].case_file, "counterexample.yaml")
    pairs = assess_typed(kb, parsed.answers, parsed.jurisdiction, parsed.reference).measure_pairs()
    assert {("recommend", "prosecution"), ("prohibit", "prosecution")} <= pairs


def test_a_dead_end_is_found_with_its_case(tmp_path):
    _, report = audited(tmp_path, "dead_end")
    dead = [f for f in report.errors if f.check == "dead end"]
    assert dead
    assert yaml.safe_load(dead[0].case_file)["answers"]["age_at_conduct"] >= 12


def test_the_shipped_knowledge_base_passes_the_audit(kb):
    report = audit(kb, samples=100)
    assert report.errors == [], format_report(report)
