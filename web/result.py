"""Result: the explained recommendation, its decision tree (SVG and text), and what is still open."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import gettext
from markupsafe import Markup

from engine.analysis.sensitivity import unknown_facts
from engine.load.knowledge_base import KnowledgeBase
from engine.render.decision_tree import (
    Drawing,
    TreeNode,
    build_tree,
    dot_installed,
    kind_counts,
    render_drawings,
    render_svg,
    stage_id,
)
from engine.render.headline import headline
from engine.run.disputed import DisputeAnalysis
from engine.run.explanation import grouped_outcomes
from engine.run.session import Assessment

from .busy import expensive
from .case import Case, on_engine_thread
from .forms import ActionForm, NoteForm
from .interview import with_case
from .texts import page_language

bp = Blueprint("result", __name__, url_prefix="/result")
KINDS = ("require", "prohibit", "recommend", "flag")


def summary_context(kb: KnowledgeBase, assessment: Assessment) -> dict[str, Any]:
    """What result/_summary.html and result/_reasons.html need: the outcomes as shown, near-duplicates
    grouped (`grouped_outcomes`), by kind."""
    shown = grouped_outcomes(kb, assessment.measures)
    return {
        "kb": kb,
        "assessment": assessment,
        "kinds": KINDS,
        "shown": shown,
        "by_kind": {kind: [m for m in shown if m.kind == kind] for kind in KINDS},
        "exceeded": [m for m in assessment.measures if m.deadline is not None and m.deadline.exceeded],
    }


def result_context(
    kb: KnowledgeBase, case: Case, assessment: Assessment, disputes: DisputeAnalysis | None = None
) -> dict[str, Any]:
    """Everything the result page and the print record show, computed by the engine (with
    disputed facts: each conclusion's verdict across them)."""
    tree = build_tree(kb, assessment, page_language())
    drawn = render_drawings(tree)
    judgement_other = [n for n in kb.not_encoded if n not in assessment.not_encoded]
    steps = {step.rule_id: step for step in assessment.trace}
    return {
        **summary_context(kb, assessment),
        "case": case,
        "ages": case.ages(),
        "disputes": disputes,
        "profile": kb.jurisdictions[assessment.jurisdiction],
        "headline": headline(assessment),
        "steps": steps,
        "unknowns": on_engine_thread(unknown_facts, kb, assessment),
        "judgement_here": assessment.not_encoded,
        "judgement_other": judgement_other,
        **tree_context(tree, drawn),
    }


def tree_context(tree: TreeNode, drawn: list[Drawing] | None) -> dict[str, Any]:
    """What result/_tree.html needs: the tree, its drawings (None: Graphviz missing or failed)."""
    if drawn is not None:
        for drawing in drawn:
            # dot wrote the SVG and XML-escaped every label (built from escaped text only);
            # inline_svg changed nothing but dot's size attributes.
            drawing.svg = Markup(drawing.svg)  # noqa: S704
    return {
        "tree": tree,
        "tree_drawings": drawn,
        "tree_kind_counts": kind_counts,
        "tree_stage_id": stage_id,
        "dot_installed": drawn is not None or dot_installed(),
    }


@bp.route("")
@with_case
def show(case: Case) -> str:
    """The explained recommendation: summary at the top, the reasons below."""
    kb = case.kb
    here = case.step(weigh_disputes=True)
    return render_template(
        "result/result.html",
        note_form=NoteForm(note=case.note),
        clear_form=ActionForm(),
        **result_context(kb, case, here.assessment, here.disputes),
    )


@bp.route("/tree.svg")
@expensive
@with_case
def tree_svg(case: Case) -> Response:
    """The decision tree alone, as an SVG file (404 when Graphviz is not installed)."""
    kb = case.kb
    svg = render_svg(build_tree(kb, case.assess(), page_language()))
    if svg is None:
        if dot_installed():
            return Response(gettext("Graphviz failed on this server."), status=503, mimetype="text/plain")
        return Response(gettext("Graphviz is not installed on this server."), status=404, mimetype="text/plain")
    return Response(svg, mimetype="image/svg+xml")
