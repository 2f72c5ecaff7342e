"""For policy teams: the rule catalogue, the audit, scenario coverage and the jurisdiction gap report.

These pages depend only on the knowledge base, so each is computed once per knowledge version
(see `web.knowledge_cache`) and never per request; the gap report once per day too (it compares
the law in force today).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, render_template
from flask_babel import gettext

from engine.analysis.audit import audit
from engine.analysis.gaps import dated_changes, gap_report
from engine.i18n import current_language
from engine.render.catalogue import catalogue, scenario_coverage

from .busy import expensive
from .case import knowledge, on_engine_thread
from .knowledge_cache import cached
from .teaching import PageError

bp = Blueprint("policy", __name__, url_prefix="/policy")
DEFAULT_AUDIT_SAMPLES = 300


@bp.route("")
def index() -> str:
    kb = knowledge()
    return render_template("policy/index.html", kb=kb)


@bp.route("/rules")
def rules() -> str:
    """Every rule in plain words, next to its sources and the scenarios that exercise it."""
    kb = knowledge()
    # The conditions are written out in the page's language (engine.load.conditions.render).
    entries = cached("catalogue", current_language(), compute=lambda: on_engine_thread(catalogue, kb))
    groups: dict[str, list] = {}
    for entry in entries:
        groups.setdefault(entry.rule.spec.decision_point, []).append(entry)
    numbers = {entry.scenario.name: n for n, entry in enumerate(kb.scenarios, 1)}
    return render_template("policy/rules.html", kb=kb, groups=groups, count=len(entries), numbers=numbers)


@bp.route("/audit")
@expensive
def audit_page() -> str:
    """Exhaustive proofs of the invariants, static checks, and a sampled search of generated interviews."""
    kb = knowledge()
    samples = int(current_app.config.get("AUDIT_SAMPLES", DEFAULT_AUDIT_SAMPLES))
    report = cached("audit", samples, compute=lambda: on_engine_thread(audit, kb, samples))
    return render_template(
        "policy/audit.html",
        kb=kb,
        report=report,
        samples=samples,
        profiles=sorted(kb.jurisdictions),
    )


@bp.route("/coverage")
def coverage() -> str:
    """A matrix of rules × scenarios; rules no scenario exercises are listed first."""
    kb = knowledge()
    covered = cached("coverage", compute=lambda: on_engine_thread(scenario_coverage, kb))
    names = [entry.scenario.name for entry in kb.scenarios]
    missing = [rid for rid, found in covered.items() if not found]
    return render_template(
        "policy/coverage.html",
        kb=kb,
        covered={rid: set(found) for rid, found in covered.items()},
        names=names,
        missing=missing,
    )


@bp.route("/gaps")
def gaps_index() -> str:
    kb = knowledge()
    today = dt.date.today()
    counts = {
        j: len(cached("gaps", (j, today), compute=lambda j=j: gap_report(kb, j, today))) for j in kb.jurisdictions
    }
    return render_template("policy/gaps_index.html", kb=kb, counts=counts)


@bp.route("/gaps/<jurisdiction>")
def gaps(jurisdiction: str) -> Any:
    """Where a profile differs from the international reference values today (the version of each
    dated value in force), the rules affected, and the profile's dated changes."""
    kb = knowledge()
    if jurisdiction not in kb.jurisdictions:
        raise PageError(
            404,
            gettext("There is no such jurisdiction profile"),
            gettext(
                "The knowledge base has no jurisdiction profile “%(id)s”. Known profiles: %(known)s.",
                id=jurisdiction[:40],
                known=", ".join(sorted(kb.jurisdictions)),
            ),
        )
    today = dt.date.today()
    report = cached("gaps", (jurisdiction, today), compute=lambda: gap_report(kb, jurisdiction, today))
    return render_template(
        "policy/gaps.html",
        kb=kb,
        profile=kb.jurisdictions[jurisdiction],
        gaps=report,
        today=today,
        changes=dated_changes(kb, jurisdiction),
    )
