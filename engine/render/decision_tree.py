"""The decision tree of one case, drawn from the assessment's trace.

One structure, two renderings: Graphviz SVG (for the eye) and a nested list (for screen
readers, print, and machines without Graphviz's `dot`). The tree shows every decision point of
the knowledge base; the ones this case went through carry the answers given, the rules that
applied and the measures they reached (this case's path, highlighted), and the rules examined
that did not apply (drawn dashed).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.load.answers import answer_text
from engine.load.knowledge_base import KnowledgeBase
from engine.render.labels import wrap_label
from engine.run.session import Assessment

if TYPE_CHECKING:
    import graphviz

KIND_WORDS = {"require": "Required", "prohibit": "Prohibited", "recommend": "Recommended", "flag": "Flag"}
KIND_COLOURS = {"require": "#1d70b8", "prohibit": "#d4351c", "recommend": "#00703c", "flag": "#b35c00"}
PATH_COLOUR = "#0b0c0c"
logger = logging.getLogger(__name__)
OFF_PATH_COLOUR = "#8a8d90"
FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"


@dataclass
class TreeNode:
    """A node of the case's tree; `on_path` marks what this case went through."""

    id: str
    kind: str  # case | decision_point | answer | rule | not_applied | measure
    label: str
    detail: str = ""
    on_path: bool = True
    measure_kind: str | None = None
    uses: list[str] = field(default_factory=list)  # answer node ids a rule read
    items: list[str] = field(default_factory=list)  # for not_applied: the rules examined that did not apply
    children: list[TreeNode] = field(default_factory=list)


def build_tree(kb: KnowledgeBase, assessment: Assessment) -> TreeNode:
    """The tree of decision points, answers, rules and measures for this assessment."""
    profile = kb.jurisdictions[assessment.jurisdiction]
    root = TreeNode(
        "case",
        "case",
        "This case",
        f"{profile.name} · {assessment.reference.strftime('%Y-%m-%d %H:%M')}",
    )
    fired = {step.rule_id: step for step in assessment.trace}
    points_with_content = {q.decision_point for q in kb.questions.values()} | {
        r.spec.decision_point for r in kb.rules.values()
    }
    for dp in sorted(kb.decision_points.values(), key=lambda d: kb.point_order(d.id)):
        if dp.id not in points_with_content:
            continue
        answered = sorted(
            (q for q in assessment.answers if kb.questions[q].decision_point == dp.id), key=kb.question_sort_key
        )
        rules = [r for r in kb.rules.values() if r.spec.decision_point == dp.id]
        visited = bool(answered) or any(r.id in fired for r in rules)
        node = TreeNode(f"dp-{dp.id}", "decision_point", f"{dp.id} {dp.title}", dp.summary or "", on_path=visited)
        root.children.append(node)
        if not visited:
            continue
        for qid in answered:
            question = kb.questions[qid]
            node.children.append(
                TreeNode(
                    f"q-{qid}",
                    "answer",
                    question.text,
                    answer_text(question, assessment.answers[qid]),
                    on_path=qid not in assessment.unused_answers,
                )
            )
        not_applied = []
        for rule in sorted(rules, key=lambda r: r.order):
            step = fired.get(rule.id)
            if step is None:
                not_applied.append(f"{rule.id} {rule.spec.title}")
                continue
            rule_node = TreeNode(f"r-{rule.id}", "rule", f"{rule.id} {rule.spec.title}", "applied")
            rule_node.uses = [f"q-{use.id}" for use in step.facts if use.id in assessment.answers]
            for kind, measure_id in step.conclusions:
                rule_node.children.append(
                    TreeNode(
                        f"m-{kind}-{measure_id}",
                        "measure",
                        kb.measures[measure_id].title,
                        KIND_WORDS[kind],
                        measure_kind=kind,
                    )
                )
            node.children.append(rule_node)
        if not_applied:
            node.children.append(
                TreeNode(
                    f"n-{dp.id}",
                    "not_applied",
                    f"{len(not_applied)} rule(s) examined did not apply",
                    on_path=False,
                    items=not_applied,
                )
            )
    return root


def to_graph(tree: TreeNode) -> graphviz.Digraph:
    """The tree as a Graphviz digraph, left to right, with this case's path in bold."""
    import graphviz  # only when drawing: the engine runs without the graph library loaded

    graph = graphviz.Digraph("decision_tree", format="svg")
    graph.attr(rankdir="LR", nodesep="0.15", ranksep="0.5", fontname=FONT, bgcolor="white")
    graph.attr("node", fontname=FONT, fontsize="10", style="filled", fillcolor="white", margin="0.08,0.04")
    graph.attr("edge", arrowsize="0.6")
    graph.node("case", f"{tree.label}\n{wrap_label(tree.detail, 30, 4)}", shape="box", penwidth="2", color=PATH_COLOUR)
    drawn_measures: set[str] = set()
    for dp in tree.children:
        dp_style = {"color": PATH_COLOUR, "penwidth": "2.5"} if dp.on_path else {"color": OFF_PATH_COLOUR}
        graph.node(
            dp.id,
            wrap_label(dp.label, 26, 3),
            shape="box",
            style="filled,rounded",
            fillcolor="#f3f2f1" if dp.on_path else "white",
            fontcolor=PATH_COLOUR if dp.on_path else OFF_PATH_COLOUR,
            **dp_style,
        )
        graph.edge("case", dp.id, **(dp_style if dp.on_path else {"color": OFF_PATH_COLOUR, "style": "dashed"}))
        for child in dp.children:
            if child.kind == "answer":
                graph.node(
                    child.id,
                    f"{wrap_label(child.label, 32, 3)}\n= {wrap_label(child.detail, 32, 2)}",
                    shape="note",
                    color=PATH_COLOUR if child.on_path else OFF_PATH_COLOUR,
                    fontcolor=PATH_COLOUR if child.on_path else OFF_PATH_COLOUR,
                )
                graph.edge(dp.id, child.id, color=PATH_COLOUR if child.on_path else OFF_PATH_COLOUR)
                continue
            if child.kind == "not_applied":
                graph.node(
                    child.id,
                    wrap_label(child.label, 30, 4),
                    shape="box",
                    style="dashed",
                    color=OFF_PATH_COLOUR,
                    fontcolor=OFF_PATH_COLOUR,
                    tooltip="\n".join(child.items),
                )
                graph.edge(dp.id, child.id, color=OFF_PATH_COLOUR, style="dashed", minlen="2")
                continue
            graph.node(child.id, wrap_label(child.label, 30, 4), shape="box", color=PATH_COLOUR, penwidth="2")
            graph.edge(dp.id, child.id, color=PATH_COLOUR, penwidth="2.5", minlen="2")
            for used in child.uses:
                graph.edge(used, child.id, style="dotted", color="#505a5f", constraint="false", arrowhead="none")
            for measure in child.children:
                colour = KIND_COLOURS[measure.measure_kind or "flag"]
                if measure.id not in drawn_measures:
                    drawn_measures.add(measure.id)
                    graph.node(
                        measure.id,
                        f"{measure.detail.upper()}\n{wrap_label(measure.label, 30, 4)}",
                        shape="box",
                        style="filled,bold",
                        fillcolor="white",
                        color=colour,
                        fontcolor=colour,
                        penwidth="2.5",
                    )
                graph.edge(child.id, measure.id, color=colour, penwidth="2.5")
    return graph


DOT_TIMEOUT_SECONDS = 20


def render_svg(tree: TreeNode) -> str | None:
    """The tree as SVG text, or None when Graphviz's `dot` is not installed, fails or hangs.

    Callers fall back to the text tree; a broken `dot` must never take the result page down.
    """
    dot = shutil.which("dot")
    if dot is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 (a fixed program and arguments; the graph goes in on stdin)
            [dot, "-Tsvg"],
            input=to_graph(tree).source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as err:
        logger.warning("Graphviz dot could not run (%s); the text tree is shown instead", type(err).__name__)
        return None
    svg = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0 or "<svg" not in svg:
        logger.warning("Graphviz dot failed (exit status %s); the text tree is shown instead", done.returncode)
        return None
    return svg


def dot_installed() -> bool:
    return shutil.which("dot") is not None
