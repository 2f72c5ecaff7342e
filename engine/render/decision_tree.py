"""The decision tree of one case, drawn from the assessment's trace.

One structure (`build_tree`), several renderings: Graphviz SVG for the eye, a nested list (the web
page) and an indented text (`to_text`, the command line) for screen readers, print and machines
without Graphviz's `dot`.

The structure: the case, then every decision point in the pathway's order, each with the answers
given there, the rules that applied and the measures they reached, and the rules examined that
did not apply. A decision point is *applied* (a rule applied there: it is on the case's path),
*examined* (answered, but no rule applied) or *not reached*.

The drawings are top-down: the case at the top, the path below it, the outcome at the bottom. Only
the path is emphasised (dark and thick); everything else is grey and thin, and every branch the
case did not take is collapsed to one line: the rules that did not apply at a decision point, and
each decision point examined without effect or not reached. A small tree is one graph
(`whole_graph`); a large one is drawn as an overview of the path (`overview_graph`) and one small
graph per decision point on the path (`stage_graph`), see `drawings`. No drawing is more than
`MAX_WIDTH` points wide by construction (at most `ROW` nodes side by side, labels of at most
`LABEL_WIDTH` characters), so that fitted to a page its text stays readable.

Labels go into the DOT source quoted by the graphviz library and come out XML-escaped by dot:
no text of a case reaches an SVG unescaped. `inline_svg` only rewrites dot's own size attributes.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.i18n import N_, _, ngettext
from engine.load.answers import answer_text
from engine.load.knowledge_base import KnowledgeBase
from engine.render.labels import label_font, one_line, start_align, wrap_label
from engine.render.texts import Texts
from engine.run.session import Assessment

if TYPE_CHECKING:
    import graphviz

KINDS = ("require", "prohibit", "recommend", "flag")
# Words kept in constants are translated where they are shown (engine.i18n).
KIND_WORDS = {
    "require": N_("Required"),
    "prohibit": N_("Prohibited"),
    "recommend": N_("Recommended"),
    "flag": N_("Flag"),
}
KIND_COLOURS = {"require": "#1d70b8", "prohibit": "#d4351c", "recommend": "#00703c", "flag": "#b35c00"}
PATH_COLOUR = "#0b0c0c"
OFF_PATH_COLOUR = "#6f777b"  # text: 4.6:1 on white
OFF_PATH_LINE = "#b1b4b6"
STAGE_FILL = "#f3f2f1"
FONT_SIZE = 14  # points in the SVG; drawn at 1 point = 1 CSS pixel by `inline_svg`
LABEL_WIDTH = 24  # characters of a wrapped label line
LINE_WIDTH = 40  # characters of a collapsed branch (one line)
NARROW_LINE_WIDTH = 28  # the same in an overview drawn again narrower (fits MAX_WIDTH with 30-odd stages)
MIN_LABEL_CHARS = 12  # of a stage's name on a branch line, however long its status reads
ROW = 2  # answers or rule cards side by side at most; more go on the next row
MAX_WIDTH = 640  # points: wider drawings are drawn again in one column (see render_drawings)
WHOLE_TREE_LIMIT = 30  # nodes: a larger tree is drawn as an overview and one graph per stage
OUTCOME_ITEMS = 4  # measures named per kind in the outcome
STATUS_WORDS = {"examined": N_("no rule applied"), "not_reached": N_("not reached")}
logger = logging.getLogger(__name__)


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
    status: str = ""  # for decision points: applied | examined | not_reached

    def rules(self) -> list[TreeNode]:
        return [c for c in self.children if c.kind == "rule"]

    def answers(self) -> list[TreeNode]:
        return [c for c in self.children if c.kind == "answer"]

    def not_applied(self) -> TreeNode | None:
        return next((c for c in self.children if c.kind == "not_applied"), None)

    def measures(self) -> list[TreeNode]:
        """The measures reached under this node, each once, in the order first reached."""
        seen: dict[str, TreeNode] = {}
        for rule in self.rules() if self.kind == "decision_point" else [self]:
            for measure in rule.children:
                seen.setdefault(measure.id, measure)
        return list(seen.values())


def build_tree(kb: KnowledgeBase, assessment: Assessment, lang: str | None = None) -> TreeNode:
    """The tree of decision points, answers, rules and measures for this assessment; the knowledge
    texts in `lang` (default: the current language; English where not translated)."""
    text = Texts(kb, lang)

    profile = kb.jurisdictions[assessment.jurisdiction]
    root = TreeNode(
        "case",
        "case",
        _("This case"),
        # ISO in every language: a date in a drawing mixes directions badly (Arabic: 01‏/03‏/2026 12:00 م).
        f"{text('jurisdictions', profile.id, 'name')} · {assessment.reference.strftime('%Y-%m-%d %H:%M')}",
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
        applied = any(r.id in fired for r in rules)
        visited = bool(answered) or applied
        status = "applied" if applied else "examined" if visited else "not_reached"
        node = TreeNode(
            f"dp-{dp.id}",
            "decision_point",
            f"{dp.id} {text('decision_points', dp.id, 'title')}",
            text("decision_points", dp.id, "summary"),
            on_path=visited,
            status=status,
        )
        root.children.append(node)
        if not visited:
            continue
        for qid in answered:
            question = kb.questions[qid]
            node.children.append(
                TreeNode(
                    f"q-{qid}",
                    "answer",
                    text("questions", qid, "text"),
                    answer_text(question, assessment.answers[qid], text.choice_labels(question)),
                    on_path=qid not in assessment.unused_answers,
                )
            )
        not_applied = []
        for rule in sorted(rules, key=lambda r: r.order):
            step = fired.get(rule.id)
            if step is None:
                not_applied.append(f"{rule.id} {text('rules', rule.id, 'title')}")
                continue
            rule_node = TreeNode(f"r-{rule.id}", "rule", f"{rule.id} {text('rules', rule.id, 'title')}", "applied")
            rule_node.uses = [f"q-{use.id}" for use in step.facts if use.id in assessment.answers]
            for kind, measure_id in step.conclusions:
                rule_node.children.append(
                    TreeNode(
                        f"m-{kind}-{measure_id}",
                        "measure",
                        text("measures", measure_id, "title"),
                        _(KIND_WORDS[kind]),
                        measure_kind=kind,
                    )
                )
            node.children.append(rule_node)
        if not_applied:
            node.children.append(
                TreeNode(
                    f"n-{dp.id}",
                    "not_applied",
                    ngettext(
                        "%(num)d rule examined did not apply", "%(num)d rules examined did not apply", len(not_applied)
                    )
                    % {"num": len(not_applied)},
                    on_path=False,
                    items=not_applied,
                )
            )
    return root


# --- The shape of the drawing: the path, the collapsed branches, the stages ----------------------


def path(tree: TreeNode) -> list[TreeNode]:
    """The decision points on the case's path (a rule applied there), top to bottom."""
    return [dp for dp in tree.children if dp.status == "applied"]


def collapsed(tree: TreeNode) -> list[tuple[TreeNode | None, list[TreeNode]]]:
    """The decision points off the path, grouped by the point of the path they branch from
    (None: before the first), each drawn as one line of its group."""
    groups: list[tuple[TreeNode | None, list[TreeNode]]] = []
    last: TreeNode | None = None
    for dp in tree.children:
        if dp.status == "applied":
            last = dp
        elif groups and groups[-1][0] is last:
            groups[-1][1].append(dp)
        else:
            groups.append((last, [dp]))
    return groups


def outcome(tree: TreeNode) -> dict[str, list[TreeNode]]:
    """Every measure reached, each once, by kind (in the order of KINDS)."""
    seen: dict[str, TreeNode] = {}
    for dp in tree.children:
        for measure in dp.measures():
            seen.setdefault(measure.id, measure)
    return {kind: [m for m in seen.values() if m.measure_kind == kind] for kind in KINDS}


def kind_counts(node: TreeNode) -> dict[str, int]:
    """How many measures of each kind a decision point (or the whole tree) reached."""
    if node.kind == "case":
        return {kind: len(found) for kind, found in outcome(node).items()}
    counts = dict.fromkeys(KINDS, 0)
    for measure in node.measures():
        counts[measure.measure_kind or "flag"] += 1
    return counts


def stage_counts(dp: TreeNode) -> str:
    """What a decision point reached, in a few words ("2 required · 1 prohibited")."""
    words = [_counted(n, kind) for kind, n in kind_counts(dp).items() if n]
    return " · ".join(words) or _("no measure")


def _counted(n: int, kind: str) -> str:
    counted = {
        "require": ngettext("%(num)d required", "%(num)d required", n),
        "prohibit": ngettext("%(num)d prohibited", "%(num)d prohibited", n),
        "recommend": ngettext("%(num)d recommended", "%(num)d recommended", n),
        "flag": ngettext("%(num)d flag", "%(num)d flags", n),
    }
    return counted[kind] % {"num": n}


def node_count(tree: TreeNode) -> int:
    """How many nodes the whole tree takes when drawn as one graph."""
    count = 2 + len(collapsed(tree))  # the case, the outcome, one line per group off the path
    for dp in path(tree):
        count += 1 + len(dp.answers()) + len(dp.rules()) + len(dp.measures()) + (dp.not_applied() is not None)
    return count


def is_large(tree: TreeNode) -> bool:
    """Whether the tree is drawn as an overview and one graph per stage."""
    return node_count(tree) > WHOLE_TREE_LIMIT


# --- Graphviz ---------------------------------------------------------------------------------
#
# Labels are Graphviz's HTML-like labels built here from escaped text only (`_esc`): every text of
# the knowledge base or of a case goes through html.escape, and dot XML-escapes it again in the SVG.


class _Ids:
    """Element ids of one drawing, unique on a page that holds several (dot would number each from 0)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self._edges = 0

    def edge(self) -> str:
        self._edges += 1
        return f"{self.prefix}-e{self._edges}"


def _esc(text: str) -> str:
    """Text for an HTML-like label: markup escaped, and backslashes doubled (dot would read "\\N"
    as the node's name even there)."""
    return html.escape(text, quote=True).replace("\\", "\\\\")


def _cell(lines: list[str], colour: str | None = None, bold: bool = False, align: str | None = None) -> str:
    """One row of a label: lines of escaped text, optionally coloured and bold, aligned at the
    start of the language's lines unless `align` says otherwise."""
    align = align or start_align()
    text = "<BR/>".join(_esc(line) for line in lines)
    if bold:
        text = f"<B>{text}</B>"
    if colour:
        text = f'<FONT COLOR="{colour}">{text}</FONT>'
    return f'<TR><TD ALIGN="{align}" BALIGN="{align}">{text}</TD></TR>'


def _label(*rows: str) -> str:
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def _wrapped(text: str, width: int, lines: int) -> list[str]:
    return wrap_label(text, width, lines).split("\n")


def _digraph(name: str, ids: _Ids) -> graphviz.Digraph:
    import graphviz  # only when drawing: the engine runs without the graph library loaded

    graph = graphviz.Digraph(name, format="svg")
    graph.attr(
        rankdir="TB",
        nodesep="0.25",
        ranksep="0.3",
        fontname=label_font(),
        bgcolor="white",
        newrank="true",
        compound="true",
        id=f"{ids.prefix}-graph",
    )
    graph.attr("node", fontname=label_font(), fontsize=str(FONT_SIZE), shape="box", style="filled", fillcolor="white")
    graph.attr("node", margin="0.1,0.06", color=PATH_COLOUR, fontcolor=PATH_COLOUR)
    graph.attr("edge", arrowsize="0.7", color=PATH_COLOUR)
    return graph


PATH_NODE = {"penwidth": "2.5", "class": "tree-path"}
OFF_NODE = {"color": OFF_PATH_LINE, "fontcolor": OFF_PATH_COLOUR, "penwidth": "1", "class": "tree-off"}
PATH_EDGE = {"penwidth": "2.5"}
OFF_EDGE = {"color": OFF_PATH_LINE, "penwidth": "1", "style": "dashed"}


def _edge(graph: graphviz.Digraph, ids: _Ids, tail: str, head: str, **attrs: str) -> None:
    graph.edge(tail, head, id=ids.edge(), **attrs)


def _below(graph: graphviz.Digraph, ids: _Ids, upper: list[str], lower: list[str]) -> None:
    """Every node of `lower` on a rank below every node of `upper`, and the two rows' columns
    aligned (invisible edges: the first pull nothing sideways, the second keep the columns straight)."""
    for tail in upper:
        for head in lower:
            _edge(graph, ids, tail, head, style="invis", weight="0")
    for tail, head in zip(upper, lower, strict=False):
        _edge(graph, ids, tail, head, style="invis", weight="20")


def _chunks(items: list[str], row: int) -> list[list[str]]:
    return [items[i : i + row] for i in range(0, len(items), row)]


def _measure_rows(measures: list[TreeNode], width: int, per_measure_lines: int = 3) -> list[str]:
    """The measures of a card by kind: a coloured heading per kind, then each measure."""
    rows = []
    for kind in KINDS:
        chosen = [m for m in measures if m.measure_kind == kind]
        if not chosen:
            continue
        colour = KIND_COLOURS[kind]
        rows.append(_cell([_(KIND_WORDS[kind]).upper()], colour, bold=True))
        for measure in chosen:
            lines = _wrapped(measure.label, width - 2, per_measure_lines)
            rows.append(_cell(["• " + lines[0], *("  " + line for line in lines[1:])], colour))
    return rows


def _stage(graph: graphviz.Digraph, dp: TreeNode, ids: _Ids, used: set[str], row: int = ROW) -> tuple[str, list[str]]:
    """Draw one decision point on the path, top-down: the point (with the rules that did not apply
    collapsed to one grey line beside it), its answers, then one card per rule that applied with the
    measures it reached. At most `row` nodes side by side. Returns the point's node and the nodes
    of the last row."""
    key = f"{ids.prefix}-{dp.id}"
    skipped = dp.not_applied()
    # In one column the rules that did not apply are a grey line of the point itself, else a
    # grey node beside it.
    inside = row == 1 and skipped is not None
    graph.node(
        key,
        _label(
            _cell(_wrapped(dp.label, LABEL_WIDTH + 4, 3), bold=True, align="CENTER"),
            *([_cell([_rules_not_applied(skipped)], OFF_PATH_COLOUR, align="CENTER")] if inside and skipped else []),
        ),
        id=key,
        style="filled,rounded",
        fillcolor=STAGE_FILL,
        **PATH_NODE,
    )
    if skipped is not None and not inside:
        node = f"{key}/{skipped.id}"
        graph.node(
            node,
            _label(_cell([one_line(_rules_not_applied(skipped), LINE_WIDTH)])),
            id=node,
            style="filled,dashed",
            **OFF_NODE,
        )
        _edge(graph, ids, key, node, **OFF_EDGE)
        with graph.subgraph() as same:
            same.attr(rank="same")
            same.node(key)
            same.node(node)
    if row == 1:
        return key, _stage_column(graph, dp, ids, used, key)
    rows: list[list[str]] = [[key]]
    answers = []
    for answer in dp.answers():
        node = f"{key}/{answer.id}"
        on = answer.on_path and answer.id in used
        graph.node(
            node,
            _label(
                _cell(_wrapped(answer.label, LABEL_WIDTH, 3)),
                _cell(_wrapped(f"= {answer.detail}", LABEL_WIDTH, 2), bold=on),
            ),
            id=node,
            shape="note",
            **({"penwidth": "1.5", "class": "tree-path"} if on else OFF_NODE),
        )
        _edge(graph, ids, key, node, **({} if on else OFF_EDGE))
        answers.append(node)
    for chunk in _chunks(answers, row):
        _below(graph, ids, rows[-1], chunk)
        rows.append(chunk)
    cards = []
    for rule in dp.rules():
        node = f"{key}/{rule.id}"
        _card(graph, node, rule)
        readers = [f"{key}/{use}" for use in rule.uses if f"{key}/{use}" in answers]
        for reader in readers:
            _edge(graph, ids, reader, node, **PATH_EDGE)
        if not readers:
            _edge(graph, ids, key, node, **PATH_EDGE)
        cards.append(node)
    for chunk in _chunks(cards, row):
        _below(graph, ids, rows[-1], chunk)
        rows.append(chunk)
    return key, rows[-1]


def _card(graph: graphviz.Digraph, node: str, rule: TreeNode) -> None:
    """A rule that applied, with the measures it reached by kind."""
    graph.node(
        node,
        _label(
            _cell(_wrapped(rule.label, LABEL_WIDTH + 4, 4), bold=True),
            *_measure_rows(rule.children, LABEL_WIDTH + 4),
        ),
        id=node,
        **PATH_NODE,
    )


def _stage_column(graph: graphviz.Digraph, dp: TreeNode, ids: _Ids, used: set[str], key: str) -> list[str]:
    """A decision point in one column, for when side by side is too wide: one note with every
    answer given there (those a rule read in bold, the others grey), then the rules that applied
    one under the other. Returns the last row."""
    previous = key
    answers = dp.answers()
    if answers:
        node = f"{key}/answers"
        rows = []
        for answer in answers:
            on = answer.on_path and answer.id in used
            rows.append(_cell(_wrapped(answer.label, LABEL_WIDTH + 4, 3), None if on else OFF_PATH_COLOUR))
            rows.append(
                _cell(_wrapped(f"= {answer.detail}", LABEL_WIDTH + 4, 2), None if on else OFF_PATH_COLOUR, bold=on)
            )
        graph.node(node, _label(*rows), id=node, shape="note", penwidth="1.5", **{"class": "tree-path"})
        _edge(graph, ids, key, node, weight="10")
        previous = node
    for rule in dp.rules():
        node = f"{key}/{rule.id}"
        _card(graph, node, rule)
        _edge(graph, ids, previous, node, **PATH_EDGE, weight="10")
        previous = node
    return [previous]


def _rules_not_applied(node: TreeNode) -> str:
    n = len(node.items)
    return ngettext("%(num)d rule did not apply", "%(num)d rules did not apply", n) % {"num": n}


def _branch_line(dp: TreeNode, width: int = LINE_WIDTH) -> str:
    status = f" — {_(STATUS_WORDS[dp.status])}"
    # A status in a language with longer words still leaves the stage a few characters of its name.
    return one_line(dp.label, max(width - len(status), MIN_LABEL_CHARS)) + status


def _case_node(graph: graphviz.Digraph, tree: TreeNode, ids: _Ids) -> str:
    key = f"{ids.prefix}-case"
    graph.node(
        key,
        _label(
            _cell([tree.label], bold=True, align="CENTER"),
            _cell(_wrapped(tree.detail, LABEL_WIDTH + 4, 2), align="CENTER"),
        ),
        id=key,
        **PATH_NODE,
    )
    return key


def _outcome(graph: graphviz.Digraph, tree: TreeNode, ids: _Ids) -> str:
    """The outcome: every measure reached, by kind (the first OUTCOME_ITEMS of each named)."""
    key = f"{ids.prefix}-outcome"
    found = outcome(tree)
    rows = [_cell([_("Outcome for this case")], bold=True, align="CENTER")]
    for kind in KINDS:
        if not found[kind]:
            continue
        colour = KIND_COLOURS[kind]
        rows.append(_cell([f"{_(KIND_WORDS[kind]).upper()} ({len(found[kind])})"], colour, bold=True))
        rows += [_cell(["• " + one_line(m.label, LABEL_WIDTH + 6)], colour) for m in found[kind][:OUTCOME_ITEMS]]
        if len(found[kind]) > OUTCOME_ITEMS:
            rows.append(_cell(["  " + _("and %(num)d more") % {"num": len(found[kind]) - OUTCOME_ITEMS}], colour))
    if not any(found.values()):
        rows.append(_cell([_("No measure")], align="CENTER"))
    graph.node(
        key,
        _label(*rows),
        id=key,
        style="filled,rounded",
        fillcolor=STAGE_FILL,
        **{**PATH_NODE, "class": "tree-path tree-outcome"},
    )
    return key


def _branches(
    graph: graphviz.Digraph,
    ids: _Ids,
    tree: TreeNode,
    anchors: dict[str | None, tuple[str, str | None]],
    width: int = LINE_WIDTH,
) -> None:
    """One grey node per group of decision points off the path, one line each, beside the next
    step of the path. `anchors` maps the point a group branches from (None: the case) to the node
    its edge leaves and the frame it leaves from (for compound edges)."""
    for index, (after, points) in enumerate(collapsed(tree)):
        node = f"{ids.prefix}-off{index}"
        graph.node(
            node,
            _label(*(_cell([_branch_line(dp, width)]) for dp in points)),
            id=node,
            style="filled,dashed",
            **OFF_NODE,
        )
        tail, frame = anchors[after.id if after else None]
        _edge(graph, ids, tail, node, **OFF_EDGE, **({"ltail": frame} if frame else {}))


def whole_graph(tree: TreeNode, prefix: str = "tree", row: int = ROW) -> graphviz.Digraph:
    """The whole tree as one top-down graph: the case, each decision point of the path in a frame
    with what happened there, the collapsed branches beside, the outcome at the bottom."""
    ids = _Ids(prefix)
    graph = _digraph("decision_tree", ids)
    used = answers_used(tree)
    case = _case_node(graph, tree, ids)
    anchors: dict[str | None, tuple[str, str | None]] = {None: (case, None)}
    previous, previous_frame, bottom = case, None, [case]
    for index, dp in enumerate(path(tree)):
        frame = f"cluster_{index}"
        with graph.subgraph(name=frame) as cluster:
            cluster.attr(style="rounded", color=OFF_PATH_LINE, penwidth="1", id=f"{prefix}-frame{index}")
            top, last_row = _stage(cluster, dp, ids, used, row)
        _below(graph, ids, bottom, [top])
        _edge(
            graph, ids, previous, top, **PATH_EDGE, weight="10", **({"ltail": previous_frame} if previous_frame else {})
        )
        anchors[dp.id] = (last_row[0], frame)
        previous, previous_frame, bottom = last_row[0], frame, last_row
    end = _outcome(graph, tree, ids)
    _below(graph, ids, bottom, [end])
    _edge(graph, ids, previous, end, **PATH_EDGE, weight="10", **({"ltail": previous_frame} if previous_frame else {}))
    _branches(graph, ids, tree, anchors, LINE_WIDTH if row > 1 else NARROW_LINE_WIDTH)
    return graph


def overview_graph(tree: TreeNode, prefix: str = "tree-overview", line_width: int = LINE_WIDTH) -> graphviz.Digraph:
    """The path in one column: the case, each decision point where a rule applied with what it
    reached, the collapsed branches beside, the outcome at the bottom."""
    ids = _Ids(prefix)
    graph = _digraph("decision_tree_overview", ids)
    case = _case_node(graph, tree, ids)
    anchors: dict[str | None, tuple[str, str | None]] = {None: (case, None)}
    previous = case
    for dp in path(tree):
        key = f"{prefix}-{dp.id}"
        graph.node(
            key,
            _label(
                _cell(_wrapped(dp.label, LABEL_WIDTH + 4, 3), bold=True, align="CENTER"),
                _cell([stage_counts(dp)], align="CENTER"),
            ),
            id=key,
            style="filled,rounded",
            fillcolor=STAGE_FILL,
            **PATH_NODE,
        )
        _edge(graph, ids, previous, key, **PATH_EDGE, weight="10")
        anchors[dp.id] = (key, None)
        previous = key
    end = _outcome(graph, tree, ids)
    _edge(graph, ids, previous, end, **PATH_EDGE, weight="10")
    _branches(graph, ids, tree, anchors, line_width)
    return graph


def stage_graph(dp: TreeNode, prefix: str, used: set[str], row: int = ROW) -> graphviz.Digraph:
    """One decision point of the path as its own small top-down graph."""
    ids = _Ids(prefix)
    graph = _digraph("decision_point", ids)
    _stage(graph, dp, ids, used, row)
    return graph


@dataclass
class Drawing:
    """One graph of the page: its id (unique on the page), the decision point it draws (None:
    the whole tree or the overview), the graph, the same drawn narrower (one column; shorter
    lines for the overview), and once drawn its SVG."""

    id: str
    point: TreeNode | None
    graph: graphviz.Digraph
    narrow: graphviz.Digraph | None = None
    svg: str | None = None

    @property
    def width(self) -> float:
        """The drawn width in points (0 before it is drawn)."""
        size = svg_size(self.svg or "")
        return size[0] if size else 0.0


def drawings(tree: TreeNode) -> list[Drawing]:
    """What the page draws: the whole tree when it is small; otherwise the overview of the path
    first and one graph per decision point on the path."""
    if not is_large(tree):
        return [Drawing("tree", None, whole_graph(tree, "tree"), whole_graph(tree, "tree", 1))]
    used = answers_used(tree)
    result = [Drawing("tree-overview", None, overview_graph(tree), overview_graph(tree, line_width=NARROW_LINE_WIDTH))]
    for dp in path(tree):
        prefix = stage_id(dp)
        result.append(Drawing(prefix, dp, stage_graph(dp, prefix, used), stage_graph(dp, prefix, used, 1)))
    return result


def answers_used(tree: TreeNode) -> set[str]:
    """The answers some rule that applied read (the others are drawn off the path)."""
    return {use for dp in tree.children for rule in dp.rules() for use in rule.uses}


def stage_id(dp: TreeNode) -> str:
    """An HTML id for a decision point's drawing and section ("tree-DP-8-4")."""
    return "tree-" + re.sub(r"[^A-Za-z0-9-]", "-", dp.id.removeprefix("dp-"))


# --- Running dot ------------------------------------------------------------------------------

DOT_TIMEOUT_SECONDS = 20


def _run_dot(sources: list[str]) -> list[str] | None:
    """Every graph's SVG from one run of `dot`, or None when it is not installed, fails or hangs."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 (a fixed program and arguments; the graphs go in on stdin)
            [dot, "-Tsvg"],
            input="\n".join(sources).encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as err:
        logger.warning("Graphviz dot could not run (%s); the text tree is shown instead", type(err).__name__)
        return None
    output = done.stdout.decode("utf-8", errors="replace")
    svgs = [part + "</svg>\n" for part in output.split("</svg>")[:-1]]
    svgs = [svg[svg.find("<?xml") :] if "<?xml" in svg else svg.lstrip() for svg in svgs]
    if done.returncode != 0 or len(svgs) != len(sources) or not all("<svg" in svg for svg in svgs):
        logger.warning("Graphviz dot failed (exit status %s); the text tree is shown instead", done.returncode)
        return None
    return svgs


def render_svg(tree: TreeNode) -> str | None:
    """The whole tree as one SVG document, or None when Graphviz's `dot` is not installed, fails or hangs.

    Callers fall back to the text tree; a broken `dot` must never take the result page down.
    """
    svgs = _run_dot([whole_graph(tree).source])
    return svgs[0] if svgs else None


def render_drawings(tree: TreeNode) -> list[Drawing] | None:
    """The page's drawings (see `drawings`), drawn with one run of `dot`; None as for `render_svg`."""
    result = drawings(tree)
    svgs = _run_dot([d.graph.source for d in result])
    if svgs is None:
        return None
    for drawing, svg in zip(result, svgs, strict=True):
        drawing.svg = inline_svg(svg)
    # dot spreads some graphs wider than their rows: those are drawn again narrower.
    wide = [d for d in result if d.narrow is not None and d.width > MAX_WIDTH]
    narrow = _run_dot([d.narrow.source for d in wide if d.narrow is not None]) if wide else None
    for drawing, svg in zip(wide, narrow or [], strict=False):
        drawing.svg = inline_svg(svg)
    return result


_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


def inline_svg(svg: str) -> str:
    """An SVG of dot for a page: without XML prolog and doctype, sized 1 point = 1 CSS pixel (so
    that FONT_SIZE is the text's size in pixels at 100 %), scaled down to its container by its
    viewBox (the page's style sheet)."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    return _SIZE.sub(lambda m: f'<svg width="{m.group(1)}px" height="{m.group(2)}px"', svg, count=1)


def svg_size(svg: str) -> tuple[float, float] | None:
    """The width and height an SVG of dot declares (points or pixels)."""
    found = re.search(r'<svg width="([0-9.]+)p[tx]" height="([0-9.]+)p[tx]"', svg)
    return (float(found.group(1)), float(found.group(2))) if found else None


def dot_installed() -> bool:
    return shutil.which("dot") is not None


# --- Text -------------------------------------------------------------------------------------


def _text_lines(node: TreeNode) -> Iterator[str]:
    if node.kind == "case":
        yield _("This case (%(detail)s)") % {"detail": node.detail}
    elif node.kind == "decision_point":
        yield node.label + ("" if node.status == "applied" else f" ({_(STATUS_WORDS[node.status])})")
    elif node.kind == "answer":
        yield _("Answer: %(question)s — %(answer)s") % {"question": node.label, "answer": node.detail} + (
            "" if node.on_path else " " + _("(no longer applies)")
        )
    elif node.kind == "rule":
        yield _("Rule applied: %(rule)s") % {"rule": node.label}
    elif node.kind == "not_applied":
        yield f"{_rules_not_applied(node)}: {'; '.join(node.items)}"
    else:
        yield f"→ {_(KIND_WORDS[node.measure_kind or 'flag'])}: {node.label}"
    for index, child in enumerate(node.children):
        last = index == len(node.children) - 1
        for number, line in enumerate(_text_lines(child)):
            yield ("└─ " if last else "├─ ") + line if number == 0 else ("   " if last else "│  ") + line


def to_text(tree: TreeNode) -> str:
    """The tree as indented text, the path first: what happened at each decision point it went
    through, then the decision points it did not reach (one line each), then the outcome."""
    reached = TreeNode(tree.id, tree.kind, tree.label, tree.detail, children=[d for d in tree.children if d.on_path])
    lines = list(_text_lines(reached))
    off = [dp for dp in tree.children if not dp.on_path]
    if off:
        lines += ["", _("Not reached by this case:"), *(f"  {dp.label}" for dp in off)]
    found = outcome(tree)
    lines += ["", _("Outcome:")]
    for kind in KINDS:
        for measure in found[kind]:
            lines.append(f"  {_(KIND_WORDS[kind])}: {measure.label}")
    if not any(found.values()):
        lines.append("  " + _("no measure"))
    return "\n".join(lines)
