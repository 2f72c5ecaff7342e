"""The case's decision tree: its structure (the path first, the branches not taken collapsed, a
tree per stage when large), what the drawings emphasise, how wide they are, and that they are safe."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from engine.load.answers import parse_answers
from engine.load.conditions import UNKNOWN
from engine.render import decision_tree
from engine.render.decision_tree import (
    TreeNode,
    build_tree,
    collapsed,
    drawings,
    inline_svg,
    outcome,
    path,
    render_drawings,
    render_svg,
    svg_size,
    to_text,
    whole_graph,
)
from engine.run.session import assess_typed

NOW = dt.datetime(2026, 3, 1, 12, 0)
SVG = "{http://www.w3.org/2000/svg}"
EXPRESSION = {"age_at_conduct": 15, "admits_facts": False, "conduct": "expression"}
ARRESTED = {"age_at_conduct": 15, "admits_facts": True, "conduct": "violence", "arrest_datetime": "2026-02-27T09:30"}


def small_tree(kb, answers, jurisdiction="baseline"):
    typed, errors = parse_answers(kb.questions, answers, NOW)
    assert not errors
    return build_tree(kb, assess_typed(kb, dict(typed), jurisdiction, NOW))


def nodes_of(svg: str) -> dict[str, dict]:
    """Every node of a drawn graph: its classes, the top of its text, its text lines, its fill colours."""
    root = ET.fromstring(svg)
    found = {}
    for group in root.iter(f"{SVG}g"):
        if "node" not in (group.get("class") or "").split():
            continue
        texts = list(group.iter(f"{SVG}text"))
        found[group.get("id")] = {
            "class": group.get("class"),
            "top": min(float(t.get("y")) for t in texts),
            "lines": ["".join(t.itertext()) for t in texts],
            "stroke_widths": {s.get("stroke-width") for s in group if s.get("stroke-width")},
            "fills": {t.get("fill") for t in texts},
        }
    return found


def test_tree_follows_the_case_path(small_kb):
    tree = small_tree(small_kb, EXPRESSION)
    points = {node.id: node for node in tree.children}
    assert [n.id for n in tree.children] == ["dp-DP-1", "dp-DP-2", "dp-DP-7", "dp-DP-8"]
    assert {p: n.status for p, n in points.items()} == {
        "dp-DP-1": "examined",  # answered, no rule applied there
        "dp-DP-2": "not_reached",  # nothing asked there, no rule applied
        "dp-DP-7": "applied",
        "dp-DP-8": "not_reached",
    }
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


def test_the_path_comes_first_and_the_branches_not_taken_are_collapsed(small_kb):
    tree = small_tree(small_kb, ARRESTED)
    assert [dp.id for dp in path(tree)] == ["dp-DP-7", "dp-DP-8"]
    # Off the path, grouped by the point of the path they branch from: one line each.
    assert [(after.id if after else None, [dp.id for dp in group]) for after, group in collapsed(tree)] == [
        (None, ["dp-DP-1", "dp-DP-2"])
    ]
    found = outcome(tree)
    assert [m.label for m in found["require"]] == ["Bring before a judge", "Legal assistance"]
    assert [m.label for m in found["recommend"]] == ["Divert"]
    text = to_text(tree).splitlines()
    assert text[0].startswith("This case (")
    assert "├─ DP-7 Diversion" in text and "│  ├─ Rule applied: R-DIV-01 Diversion" in text
    assert text.index("Not reached by this case:") < text.index("Outcome:")
    assert text[text.index("Outcome:") + 1 :] == [
        "  Required: Bring before a judge",
        "  Required: Legal assistance",
        "  Recommended: Divert",
        "  Flag: The time limit has passed",
    ]


def test_a_small_tree_is_one_top_down_graph_with_only_the_path_emphasised(small_kb):
    tree = small_tree(small_kb, ARRESTED)
    (drawing,) = render_drawings(tree)
    assert drawing.id == "tree" and drawing.point is None
    nodes = nodes_of(drawing.svg)
    case, outcome_node = nodes["tree-case"], nodes["tree-outcome"]
    dp7, dp8 = nodes["tree-dp-DP-7"], nodes["tree-dp-DP-8"]
    # Drawn from the top: the case, the decision points of the path in order, the outcome last.
    assert case["top"] < dp7["top"] < dp8["top"] < outcome_node["top"]
    assert all(n["top"] <= outcome_node["top"] for n in nodes.values() if "tree-off" not in n["class"])
    assert outcome_node["lines"][0] == "Outcome for this case"
    assert "REQUIRED (2)" in outcome_node["lines"]
    # The branches not taken: one grey, thin node, one line per decision point.
    off = [n for n in nodes.values() if n["class"] == "node tree-off" and n["lines"][0].startswith("DP-1")]
    assert len(off) == 1 and off[0]["lines"] == ["DP-1 Age — no rule applied", "DP-2 MACR — not reached"]
    assert off[0]["stroke_widths"] <= {"1"} and off[0]["fills"] == {decision_tree.OFF_PATH_COLOUR}
    assert nodes["tree-dp-DP-7/n-DP-7"]["lines"] == ["2 rules did not apply"]
    # On the path: thick; the rule card names what it reached.
    card = nodes["tree-dp-DP-8/r-R-PTD-01"]
    assert "tree-path" in card["class"] and card["stroke_widths"] == {"2.5"}
    assert card["lines"][:2] == ["R-PTD-01 Appearance within", "the limit"]
    assert "• Bring before a judge" in card["lines"] and "FLAG" in card["lines"]
    # Sized for a page: 1 point = 1 pixel, no inline style (the CSP forbids it), no prolog.
    assert drawing.svg.startswith("<svg width=") and re.match(r'<svg width="[0-9.]+px" height="[0-9.]+px"', drawing.svg)
    assert " style=" not in drawing.svg
    assert drawing.width <= decision_tree.MAX_WIDTH


def test_a_large_tree_is_an_overview_and_a_tree_per_stage(small_kb, monkeypatch):
    monkeypatch.setattr(decision_tree, "WHOLE_TREE_LIMIT", 5)
    tree = small_tree(small_kb, ARRESTED)
    drawn = render_drawings(tree)
    assert [d.id for d in drawn] == ["tree-overview", "tree-DP-7", "tree-DP-8"]
    assert [d.point.id for d in drawn[1:]] == ["dp-DP-7", "dp-DP-8"]
    overview = nodes_of(drawn[0].svg)
    spine = ["tree-overview-case", "tree-overview-dp-DP-7", "tree-overview-dp-DP-8", "tree-overview-outcome"]
    assert [overview[i]["top"] for i in spine] == sorted(overview[i]["top"] for i in spine)
    assert overview["tree-overview-dp-DP-8"]["lines"][-1] == "2 required · 1 flag"
    stage = nodes_of(drawn[2].svg)
    top = stage["tree-DP-8-dp-DP-8"]["top"]
    assert all(node["top"] >= top for node in stage.values())  # the decision point at the top of its tree
    assert {"tree-DP-8-dp-DP-8/r-R-PTD-01", "tree-DP-8-dp-DP-8/r-R-SAFE-01"} <= set(stage)
    # Element ids are unique on the page that shows all the drawings.
    ids = [i for d in drawn for i in re.findall(r' id="([^"]+)"', d.svg)]
    assert len(ids) == len(set(ids))


def test_every_vignette_is_drawn_readable_on_a_page(kb):
    """No drawing of a vignette is wider than MAX_WIDTH points: fitted to the page's diagram
    column (about 585 px at 1280 px) its 14 px text stays at 12 px or more."""
    for entry in kb.scenarios:
        scenario = entry.scenario
        if scenario.jurisdiction not in kb.jurisdictions:
            continue
        typed, errors = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
        if errors or not scenario.name:
            continue
        tree = build_tree(kb, assess_typed(kb, dict(typed), scenario.jurisdiction, scenario.reference_date))
        drawn = render_drawings(tree)
        assert drawn is not None
        too_wide = [(d.id, d.width) for d in drawn if d.width > decision_tree.MAX_WIDTH]
        assert not too_wide, (scenario.name, too_wide)


def test_labels_are_escaped_and_only_dot_writes_the_svg(small_kb):
    tree = small_tree(small_kb, ARRESTED)
    tree.detail = '<script>alert(1)</script> & "quoted" \\N'
    dp7 = next(dp for dp in tree.children if dp.id == "dp-DP-7")
    dp7.rules()[0].label = "<b>bold</b> </TD></TR></TABLE>>"
    svg = render_svg(tree)
    assert svg is not None and "<script" not in svg and "<b>" not in svg
    text = " ".join("".join(t.itertext()) for t in ET.fromstring(svg[svg.find("<svg") :]).iter(f"{SVG}text"))
    assert '<script>alert(1)</script> & "quoted" \\N' in text  # shown as written, never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "&amp;" in svg
    assert "&lt;b&gt;bold&lt;/b&gt;" in svg
    assert whole_graph(tree).source.count("<script>") == 0


def test_inline_svg_changes_only_the_size_attributes():
    raw = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="120pt" height="80pt" viewBox="0 0 120 80"><text>pt</text></svg>\n'
    assert inline_svg(raw) == '<svg width="120px" height="80px" viewBox="0 0 120 80"><text>pt</text></svg>\n'
    assert svg_size(inline_svg(raw)) == (120.0, 80.0)


def test_graph_source_is_top_down_with_the_path_thick(small_kb):
    tree = small_tree(small_kb, {"age_at_conduct": UNKNOWN}, "lowland")
    source = whole_graph(tree).source
    assert "rankdir=TB" in source and '"tree-dp-DP-2/r-R-MACR-01"' in source
    assert "penwidth=2.5" in source and "style=dashed" in source
    assert [d.id for d in drawings(tree)] == ["tree"]


def test_without_dot_nothing_is_drawn(small_kb, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    tree = small_tree(small_kb, {})
    assert render_svg(tree) is None
    assert render_drawings(tree) is None


def test_a_tree_node_lists_its_measures_once():
    rule_a = TreeNode("r-A", "rule", "A", children=[TreeNode("m-require-x", "measure", "X", measure_kind="require")])
    rule_b = TreeNode("r-B", "rule", "B", children=[TreeNode("m-require-x", "measure", "X", measure_kind="require")])
    point = TreeNode("dp-P", "decision_point", "P", children=[rule_a, rule_b], status="applied")
    assert [m.id for m in point.measures()] == ["m-require-x"]
    assert decision_tree.stage_counts(point) == "1 required"
