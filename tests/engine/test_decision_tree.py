"""The case's decision tree: structure, path highlighting, and the SVG rendering."""

from __future__ import annotations

import datetime as dt

from engine.load.conditions import UNKNOWN
from engine.render.decision_tree import build_tree, render_svg, to_graph
from engine.run.session import assess_typed

NOW = dt.datetime(2026, 3, 1, 12, 0)


def test_tree_follows_the_case_path(small_kb):
    answers = {"age_at_conduct": 15, "admits_facts": False, "conduct": "expression"}
    result = assess_typed(small_kb, answers, "baseline", NOW)
    tree = build_tree(small_kb, result)
    points = {node.id: node for node in tree.children}
    assert [n.id for n in tree.children] == ["dp-DP-1", "dp-DP-2", "dp-DP-7", "dp-DP-8"]
    assert points["dp-DP-1"].on_path and points["dp-DP-7"].on_path
    assert not points["dp-DP-8"].on_path and not points["dp-DP-8"].children
    diversion = {c.id: c for c in points["dp-DP-7"].children}
    assert diversion["q-admits_facts"].detail == "no"
    assert diversion["q-conduct"].detail == "Expression"
    rule = diversion["r-R-CHG-01"]
    assert rule.uses == ["q-conduct"]
    assert [(m.measure_kind, m.label) for m in rule.children] == [("prohibit", "Prosecute")]
    skipped = diversion["n-DP-7"]
    assert not skipped.on_path
    assert [item.split()[0] for item in skipped.items] == ["R-DIV-01", "R-PROS-01"]


def test_unused_answers_are_off_the_path(small_kb):
    answers = {"age_at_conduct": 12, "admits_facts": True, "conduct": "violence"}
    result = assess_typed(small_kb, answers, "baseline", NOW)
    assert "conduct" in result.unused_answers
    dp7 = next(n for n in build_tree(small_kb, result).children if n.id == "dp-DP-7")
    conduct = next(c for c in dp7.children if c.id == "q-conduct")
    assert not conduct.on_path


def test_graph_marks_the_path_bold_and_renders_svg(small_kb):
    result = assess_typed(small_kb, {"age_at_conduct": UNKNOWN}, "lowland", NOW)
    tree = build_tree(small_kb, result)
    source = to_graph(tree).source
    assert '"r-R-MACR-01"' in source and "penwidth=2.5" in source and "style=dashed" in source
    svg = render_svg(tree)
    assert svg is not None and "<svg" in svg and "R&#45;MACR&#45;01" in svg
    assert " style=" not in svg  # inline SVG must pass a CSP without inline styles


def test_render_svg_without_dot_returns_none(small_kb, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = assess_typed(small_kb, {}, "baseline", NOW)
    assert render_svg(build_tree(small_kb, result)) is None
