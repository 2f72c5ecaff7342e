"""The bench card: one A4 page for the judge at the hearing at hand (screen, paper and PDF).

The page is drawn from `engine.render.bench_card` (the engine's model of it) and works without
JavaScript; web/static/bench_card.css lays it out on one A4 page in print and in the PDF, which
is made in memory by the decision record's PDF machinery (web/records.py). No question or answer
is in any address.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import gettext

from engine.render.bench_card import bench_card

from .case import Case, on_engine_thread
from .interview import with_case
from .records import PdfUnavailableError, download, render_pdf

bp = Blueprint("bench_card", __name__, url_prefix="/bench-card")


def card_context(case: Case, pdf: bool = False) -> dict[str, Any]:
    kb = case.kb
    here = case.step(weigh_disputes=True)
    assessment = here.assessment
    return {
        "case": case,
        "kb": kb,
        "assessment": assessment,
        "profile": kb.jurisdictions[assessment.jurisdiction],
        "card": on_engine_thread(bench_card, assessment, here.disputes),
        "pdf": pdf,
    }


@bp.route("")
@with_case
def show(case: Case) -> str:
    """The bench card of the case's hearing."""
    return render_template("bench_card/card.html", **card_context(case))


@bp.route("/pdf")
@with_case
def pdf(case: Case) -> Response:
    """The same page as a one-page PDF, made in memory."""
    html = render_template("bench_card/card.html", **card_context(case, pdf=True))
    try:
        body = render_pdf(html)
    except PdfUnavailableError:
        message = gettext(
            "The PDF cannot be made on this server: it needs the Pango library (make system-deps). "
            "Print the bench card from your browser instead."
        )
        return Response(message, status=503, mimetype="text/plain")
    return download(body, f"bench-card-{case.reference.date().isoformat()}.pdf", "application/pdf")
