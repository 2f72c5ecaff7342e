"""The pathway map: the whole decision structure of a knowledge base, drawn with Graphviz.

Nodes are the questions, the rules, the derived facts and the measures, grouped by decision
point; edges say what a rule reads (a question or a derived fact), what it concludes (a measure,
coloured by kind, or a derived fact) and which rule it defeats (an exception). One structure,
two renderings: `map_svg` (Graphviz) and `PathwayMap` itself for a text rendering.

`map_svg(kb, decision_point)` draws the whole map (None) or one decision point with every node of
another decision point it connects to (drawn grey, labelled with their decision point), so a
partial view says what it leaves out. What the map never draws is listed in `LEFT_OUT`.

A case's path is overlaid on an already-drawn SVG (`overlay`): every node and edge carries an id,
and the ones on the path get the class `on-path`; drawing once per knowledge version is enough.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.i18n import N_, _
from engine.load.conditions import atoms
from engine.load.knowledge_base import KnowledgeBase
from engine.render.labels import label_font, start_align, wrap_label
from engine.run.session import Assessment

if TYPE_CHECKING:
    import graphviz

KIND_COLOURS = {"require": "#1d70b8", "prohibit": "#d4351c", "recommend": "#00703c", "flag": "#b35c00"}
OTHER_COLOUR = "#6f777b"
# Translated where shown (engine.i18n).
LEFT_OUT = (
    N_("jurisdiction parameters (their values are written into the rules of each profile; see the rule catalogue)"),
    N_("what is left to judgement (not encoded as rules)"),
    N_("the closure facts the engine declares when every rule for a derived fact fails"),
)


@dataclass
class MapNode:
    id: str  # q-<question> | r-<rule> | f-<fact> | m-<measure>
    kind: str  # question | rule | fact | measure
    label: str
    decision_point: str


@dataclass(frozen=True)
class MapEdge:
    tail: str
    head: str
    kind: str  # reads | sets | require | recommend | prohibit | flag | defeats


@dataclass
class PathwayMap:
    nodes: dict[str, MapNode] = field(default_factory=dict)
    edges: list[MapEdge] = field(default_factory=list)

    def in_point(self, decision_point: str) -> list[MapNode]:
        return [n for n in self.nodes.values() if n.decision_point == decision_point]


def build_map(kb: KnowledgeBase) -> PathwayMap:
    """Every question a rule reads, every rule, derived fact and measure, and how they connect."""
    result = PathwayMap()
    setters = kb.derived_facts()
    for rule in kb.rules.values():
        spec = rule.spec
        rid = f"r-{rule.id}"
        result.nodes[rid] = MapNode(rid, "rule", f"{rule.id} {spec.title}", spec.decision_point)
        read: list[str] = []
        for atom in atoms(rule.condition):
            if atom.kind in ("param", "param_compare", "rule"):
                continue
            if atom.name in setters:
                read.append(f"f-{atom.name}")
            elif atom.name in kb.questions:
                read.append(f"q-{atom.name}")
        for tail in dict.fromkeys(read):
            result.edges.append(MapEdge(tail, rid, "reads"))
        for fact in spec.then.set:
            result.edges.append(MapEdge(rid, f"f-{fact}", "sets"))
        for kind, measure in spec.then.measures():
            result.edges.append(MapEdge(rid, f"m-{measure}", kind))
        for target in spec.exception_to:
            result.edges.append(MapEdge(rid, f"r-{target}", "defeats"))
    for fact, rules in setters.items():
        first = kb.rules[rules[0]].spec.decision_point
        result.nodes[f"f-{fact}"] = MapNode(f"f-{fact}", "fact", fact.replace("_", " "), first)
    for qid, question in kb.questions.items():
        result.nodes[f"q-{qid}"] = MapNode(f"q-{qid}", "question", question.text, question.decision_point)
    for mid, measure in kb.measures.items():
        result.nodes[f"m-{mid}"] = MapNode(f"m-{mid}", "measure", measure.title, measure.decision_point)
    return result


def _edge_id(edge: MapEdge) -> str:
    return f"map-e-{edge.tail}--{edge.head}"


def map_graph(
    kb: KnowledgeBase,
    structure: PathwayMap,
    decision_point: str | None = None,
    link: Callable[[str, str], str] | None = None,
) -> graphviz.Digraph:
    """The map (or one decision point of it, with its neighbours) as a Graphviz digraph.

    `link(kind, id)` gives the URL a node or decision point links to (None: no links).
    """
    if decision_point is None:
        shown_edges = list(structure.edges)
        inside = set(structure.nodes)
    else:
        inside = {n.id for n in structure.in_point(decision_point)}
        shown_edges = [e for e in structure.edges if e.tail in inside or e.head in inside]
    shown = inside | {e.tail for e in shown_edges} | {e.head for e in shown_edges}
    import graphviz  # only when drawing: the engine runs without the graph library loaded

    graph = graphviz.Digraph("pathway_map", format="svg")
    graph.attr(
        rankdir="RL" if start_align() == "RIGHT" else "LR",
        nodesep="0.12",
        ranksep="0.6",
        fontname=label_font(),
        bgcolor="white",
        newrank="true",
    )
    graph.attr("node", fontname=label_font(), fontsize="10", style="filled", fillcolor="white", margin="0.06,0.03")
    graph.attr("edge", arrowsize="0.5", color="#505a5f")
    by_point: dict[str, list[MapNode]] = {}
    for node_id in shown:
        node = structure.nodes[node_id]
        by_point.setdefault(node.decision_point, []).append(node)
    for dp in sorted(by_point, key=kb.point_order):
        title = kb.decision_points[dp].title if dp in kb.decision_points else dp
        neighbour = decision_point is not None and dp != decision_point
        with graph.subgraph(name=f"cluster_{dp}") as cluster:
            attrs = {
                "label": wrap_label(f"{dp} {title}", 40, 2)
                + ((" " + _("(other decision point)")) if neighbour else ""),
                "style": "rounded,dashed" if neighbour else "rounded",
                "color": OTHER_COLOUR if neighbour else "#0b0c0c",
                "fontcolor": OTHER_COLOUR if neighbour else "#0b0c0c",
                "fontsize": "12",
                "id": f"map-dp-{dp}",
            }
            if link is not None:
                attrs["URL"] = link("decision_point", dp)
                attrs["tooltip"] = f"{dp} {title}"
            cluster.attr(**attrs)
            for node in sorted(by_point[dp], key=lambda n: ("qfrm".index(n.kind[0]), n.id)):
                colour = OTHER_COLOUR if neighbour else "#0b0c0c"
                style = {"color": colour, "fontcolor": colour}
                if node.kind == "question":
                    style |= {"shape": "note", "fillcolor": "#f3f2f1"}
                elif node.kind == "rule":
                    style |= {"shape": "box", "penwidth": "1.5"}
                elif node.kind == "fact":
                    style |= {"shape": "ellipse", "style": "filled,dashed"}
                else:
                    style |= {"shape": "box", "style": "filled,rounded"}
                if link is not None and node.kind == "rule":
                    style |= {"URL": link("rule", node.id[2:]), "tooltip": node.label}
                label = wrap_label(node.label, 26 if node.kind != "rule" else 30, 3)
                cluster.node(node.id, label, id=f"map-{node.id}", **{"class": f"map-{node.kind}"}, **style)
    for edge in shown_edges:
        attrs = {"id": _edge_id(edge)}
        if edge.kind in KIND_COLOURS:
            attrs |= {"color": KIND_COLOURS[edge.kind], "penwidth": "1.5"}
        elif edge.kind == "sets":
            attrs |= {"style": "dashed"}
        elif edge.kind == "defeats":
            attrs |= {"color": "#d4351c", "style": "dashed", "arrowhead": "tee"}
        graph.edge(edge.tail, edge.head, **attrs)
    return graph


def map_svg(
    kb: KnowledgeBase,
    structure: PathwayMap,
    decision_point: str | None = None,
    link: Callable[[str, str], str] | None = None,
) -> str | None:
    """The map as SVG text (without XML prolog), or None when Graphviz's `dot` is not installed."""
    import graphviz

    graph = map_graph(kb, structure, decision_point, link)
    try:
        try:
            svg = graph.pipe(format="svg", encoding="utf-8")
        except graphviz.CalledProcessError:
            # dot's spline router can fail on dense clusters; straight edges always lay out.
            graph.attr(splines="line")
            svg = graph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        return None
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def path_ids(kb: KnowledgeBase, structure: PathwayMap, assessment: Assessment) -> set[str]:
    """The node ids on a case's path: questions used, rules that applied, facts they set, measures reached."""
    fired = {step.rule_id for step in assessment.trace}
    unused = set(assessment.unused_answers)
    ids = {f"q-{q}" for q in assessment.answers if q not in unused}
    ids |= {f"r-{r}" for r in fired}
    ids |= {f"f-{name}" for name, value in assessment.derived.items() if value}
    ids |= {f"m-{m.id}" for m in assessment.measures}
    return {i for i in ids if i in structure.nodes}


def path_edges(structure: PathwayMap, on_path: Iterable[str]) -> set[str]:
    """Edge ids whose ends are both on the path (a rule that applied and what it read or concluded)."""
    on = set(on_path)
    return {_edge_id(e) for e in structure.edges if e.tail in on and e.head in on}


_G_OPEN = re.compile(r'<g id="(map(?:-|&#45;)[^"]+)" class="([^"]*)"')


def overlay(svg: str, structure: PathwayMap, on_path: set[str]) -> str:
    """The SVG with the class `on-path` on every node and edge of the path."""
    marked = {f"map-{i}" for i in on_path} | path_edges(structure, on_path)

    def mark(match: re.Match[str]) -> str:
        element_id, classes = match.group(1), match.group(2)
        if html.unescape(element_id) in marked:
            classes += " on-path"
        return f'<g id="{element_id}" class="{classes}"'

    return _G_OPEN.sub(mark, svg)
