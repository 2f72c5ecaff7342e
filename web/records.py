"""Records: the decision record (print view, PDF and file), the referral letter, the case file (save
and resume), finish and clear.

The decision-maker records, per advised measure (required, recommended, prohibited), the decision
actually taken (followed, departed with the reason, not decided) and the case reference, court,
decision-maker and date; they travel in the case (the cookie) and in the case file. The record
is one template (records/record.html) for the screen, the printer and the PDF (WeasyPrint, made in
memory). The JSON record holds the case file under `case`, so it can be resumed, assessed and
replayed. The referral letter to child-protection services is a DOCX made from the editable text
template web/templates/letters/referral.md.

Every document is made in memory and sent as a download: nothing is written to the server's disk.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from engine.cases.case_file import (
    MAX_CASE_FILE_BYTES,
    RECORD_CASE_KEY,
    RECORD_KEY,
    RECORD_MARK,
    case_data,
    kept_life,
    parse_case,
)
from engine.errors import CaseFileError, Problem
from engine.load.answers import answer_text, answer_to_data
from engine.render.calendar_file import deadlines_ics
from engine.render.headline import headline
from engine.render.report import DISCLAIMER, to_data
from engine.run.explanation import MeasureOutcome
from engine.run.session import Assessment

from .busy import expensive
from .case import Case, clear_case, knowledge, load_case, save_case
from .case_cookie import CaseTooLargeError
from .forms import ActionForm, DecisionRecordForm, UploadForm, decision_record_form
from .interview import next_page, with_case
from .result import result_context

bp = Blueprint("records", __name__)
# The measures a decision is recorded on, in the order of the result page (flags are not decided).
ADVISED_ORDER = ("require", "prohibit", "recommend")
PDF_BASE_URL = "https://record.invalid/"  # where the PDF's page "is": only its static files are fetched


def app_version() -> str:
    try:
        return metadata.version("justice-pathway")
    except metadata.PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown"


def download(body: str | bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def advised(assessment: Assessment) -> list[MeasureOutcome]:
    """The measures a decision is taken on: required, prohibited, recommended."""
    return [m for kind in ADVISED_ORDER for m in assessment.measures_of(kind)]


@bp.app_template_global()
def record_form_for(case: Case, assessment: Assessment) -> DecisionRecordForm:
    """The decision record form of the result page, filled with what the case holds."""
    return decision_record_form(advised(assessment), case.record)


def decision_words(decision: str) -> str:
    return {
        "followed": gettext("Followed"),
        "departed": gettext("Departed"),
        "not_decided": gettext("Not decided"),
    }[decision]


def _record_context(case: Case, pdf: bool = False) -> dict[str, Any]:
    """What the decision record shows (no tree, no detail: the result page has those)."""
    kb = case.kb
    assessment = case.assess()
    measures = advised(assessment)
    reasons = {rule_id for m in measures for rule_id in m.rules}
    return {
        "case": case,
        "kb": kb,
        "assessment": assessment,
        "ages": case.ages(),
        "profile": kb.jurisdictions[assessment.jurisdiction],
        "headline": headline(assessment),
        "steps": {step.rule_id: step for step in assessment.trace},
        "groups": [
            (kind, [(m, case.record.decision_on(m.kind, m.id)) for m in measures if m.kind == kind])
            for kind in ADVISED_ORDER
            if any(m.kind == kind for m in measures)
        ],
        "reasons": [step for step in assessment.trace if step.rule_id in reasons],  # each rule once, in order
        "decision_words": decision_words,
        "app_version": app_version(),
        "printed": dt.datetime.now().replace(second=0, microsecond=0),
        "pdf": pdf,
    }


@bp.route("/record")
@with_case
def record(case: Case) -> Any:
    """The decision record: one page to read and print."""
    return render_template("records/record.html", **_record_context(case))


@bp.route("/record/pdf")
@with_case
def record_pdf(case: Case) -> Any:
    """The same page as the print view, as a PDF made in memory."""
    html = render_template("records/record.html", **_record_context(case, pdf=True))
    name = f"pathway-record-{case.reference.date().isoformat()}.pdf"
    try:
        pdf = render_pdf(html)
    except PdfUnavailableError:
        message = gettext(
            "The PDF cannot be made on this server: it needs the Pango library (make system-deps). "
            "Use the print view of the record and your browser's print command instead."
        )
        return Response(message, status=503, mimetype="text/plain")
    return download(pdf, name, "application/pdf")


class PdfUnavailableError(RuntimeError):
    """WeasyPrint cannot run here (the Pango library is missing)."""


@expensive
def render_pdf(html: str) -> bytes:
    """The page as a PDF, made in memory; only the app's own static files are fetched."""
    try:
        from weasyprint import HTML  # imported on first use: it takes about a second
    except OSError as err:  # WeasyPrint loads Pango when imported
        raise PdfUnavailableError(str(err)) from err

    # WeasyPrint warns of every screen-only CSS property it skips; only its errors are worth a log line.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_static_fetcher()).write_pdf()


def _static_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static = Path(current_app.static_folder or "").resolve()
    prefix = PDF_BASE_URL + "static/"

    class StaticFetcher(URLFetcher):
        """The stylesheets of the page from the app's static folder; nothing from the network or the disk elsewhere."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = url.split("?")[0].removeprefix(prefix)
            path = (static / name).resolve()
            if not url.startswith(prefix) or not path.is_relative_to(static) or path.suffix != ".css":
                raise ValueError("only the app's stylesheets are fetched")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "text/css"})

    return StaticFetcher()


@bp.route("/record/note", methods=["POST"])
@with_case
def save_note(case: Case) -> Any:
    """Keep the decision record with the case: the details, the decision on each advised measure, the note."""
    assessment = case.assess()
    form = decision_record_form(advised(assessment), case.record)
    if form.validate_on_submit():
        kept = case.record
        case.record = form.record(kept)
        try:
            save_case(case)
        except CaseTooLargeError as err:
            case.record = kept
            form.note.errors = [
                gettext(
                    "This change was not kept: with this record the case would need %(size)d bytes, and a browser "
                    "keeps at most %(limit)d for it. The record saved before is unchanged. Shorten the note or the "
                    "reasons, or download the record now.",
                    size=err.size,
                    limit=err.limit,
                )
            ]
        else:
            flash(gettext("Your reasons were saved and will appear in the decision record."), "success")
            return redirect(url_for("result.show") + "#record")
    kb = case.kb
    return render_template(
        "result/result.html",
        note_form=form,
        record_form=form,
        clear_form=ActionForm(),
        **result_context(kb, case, assessment),
    ), 400


def record_data(case: Case) -> dict[str, Any]:
    """The downloadable decision record: the case file it holds (under `case`: what is loaded back),
    then for reading: the decisions with the measures' titles, answers, result, versions."""
    kb = case.kb
    assessment = case.assess()
    profile = kb.jurisdictions[case.jurisdiction]
    kept = case.record
    return {
        RECORD_KEY: RECORD_MARK,
        "disclaimer": gettext(DISCLAIMER),
        "created": dt.datetime.now().isoformat(timespec="minutes"),
        RECORD_CASE_KEY: saved_case(case),
        "reference_date": case.reference.isoformat(timespec="minutes"),
        "jurisdiction": {
            "id": profile.id,
            "name": profile.name,
            "fictional": profile.fictional,
            "supplied_by_user": kb.supplied_profile == profile.id,
        },
        "versions": {"knowledge_base": kb.version, "app": app_version()},
        "case_reference": kept.case_reference or None,
        "court": kept.court or None,
        "decision_maker": kept.decision_maker or None,
        "decision_date": kept.decision_date.isoformat() if kept.decision_date else None,
        "decisions": [
            {
                "kind": m.kind,
                "measure": m.id,
                "title": m.title,
                "decision": taken.decision if taken else "not_decided",
                "reason": (taken.reason or None) if taken else None,
                "referred_to_child_protection": bool(taken and taken.refer),
            }
            for m in advised(assessment)
            for taken in [kept.decision_on(m.kind, m.id)]
        ],
        "decided_differently_because": case.note or None,
        "answers": [
            {
                "question": qid,
                "text": kb.questions[qid].text,
                "answer": answer_to_data(value),
                "answer_text": answer_text(kb.questions[qid], value),
                "still_applies": qid not in assessment.unused_answers,
            }
            for qid, value in sorted(case.answers.items(), key=lambda item: kb.question_sort_key(item[0]))
        ],
        "result": to_data(assessment, ages=case.ages()),
    }


def saved_case(case: Case) -> dict[str, Any]:
    """The case as a case file: answers, profile, hearing, reference date, the decision record and
    the events it records."""
    return case_data(
        case.answers,
        case.jurisdiction,
        case.reference,
        knowledge().version,
        case.hearing,
        case.record,
        case.live_disputes(),
        case.conduct_date,
        kept_life(case.life, case.answers),
        case.profile_data,
        case.events,
    )


@bp.route("/record/referral-letter")
@with_case
def download_letter(case: Case) -> Response:
    """The referral letter to child-protection services as a DOCX file."""
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return download(referral_letter(case), f"referral-letter-{case.reference.date().isoformat()}.docx", mimetype)


@bp.route("/record/download")
@with_case
def download_record(case: Case) -> Response:
    """The decision record as a JSON file (its case part can be loaded again)."""
    day = case.reference.date().isoformat()
    body = json.dumps(record_data(case), indent=2, ensure_ascii=False, default=str)
    return download(body, f"pathway-record-{day}.json", "application/json")


# --- the referral letter -------------------------------------------------------------------------

BLANK = "________________"
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def referred(case: Case, assessment: Assessment) -> list[MeasureOutcome]:
    """The advised measures the decision-maker marked to refer to child-protection services."""
    return [m for m in advised(assessment) if (taken := case.record.decision_on(m.kind, m.id)) and taken.refer]


def referral_letter(case: Case) -> bytes:
    """The referral letter as DOCX bytes: the text template rendered, then written with python-docx.

    The template (web/templates/letters/referral.md) is plain text a court can edit: `# ` and `## `
    start headings, `- ` a bullet, a blank line ends a paragraph, a line break inside one is kept,
    `**words**` are bold. It is given the case reference, court, decision-maker, date and the
    measures referred, and nothing else of the case (no answer)."""
    from docx import Document  # imported on first use
    from docx.shared import Pt

    assessment = case.assess()
    kept = case.record
    text = render_template(
        "letters/referral.md",
        case_reference=kept.case_reference or BLANK,
        court=kept.court or BLANK,
        decision_maker=kept.decision_maker or BLANK,
        date=(kept.decision_date or dt.date.today()).isoformat(),
        measures=referred(case, assessment),
        knowledge_version=assessment.knowledge_version,
    )
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in block.strip("\n").split("\n")]
        if lines[0].startswith("# "):
            document.add_heading(lines[0][2:].strip(), level=1)
            lines = lines[1:]
        elif lines[0].startswith("## "):
            document.add_heading(lines[0][3:].strip(), level=2)
            lines = lines[1:]
        if lines and all(line.startswith("- ") for line in lines):
            for line in lines:
                _add_runs(document.add_paragraph(style="List Bullet"), line[2:].strip())
        elif lines:
            paragraph = document.add_paragraph()
            for number, line in enumerate(lines):
                if number:
                    paragraph.add_run().add_break()
                _add_runs(paragraph, line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_runs(paragraph: Any, line: str) -> None:
    for number, part in enumerate(_BOLD.split(line)):
        if part:
            paragraph.add_run(part).bold = number % 2 == 1


# --- the case file ------------------------------------------------------------------------------


@bp.route("/case-file")
@with_case
def download_case(case: Case) -> Response:
    """The case as a case file, in the form `pathway assess` reads and the resume page accepts."""
    body = "# Justice Pathway case file: resume it in the web app or run `pathway assess` on it.\n" + yaml.safe_dump(
        saved_case(case), sort_keys=False, allow_unicode=True
    )
    name = f"pathway-case-{case.reference.date().isoformat()}.yaml"
    return download(body, name, "application/x-yaml")


@bp.route("/record/deadlines.ics")
@with_case
def download_deadlines(case: Case) -> Response:
    """The open deadlines as a calendar file: the case reference and the knowledge's words only."""
    body = deadlines_ics(case.assess(), case.record.case_reference)
    return download(body, f"pathway-deadlines-{case.reference.date().isoformat()}.ics", "text/calendar")


def too_large_to_resume(error: CaseTooLargeError) -> str:
    return gettext(
        "This file was not loaded: the case would need %(size)d bytes, and a browser keeps at most %(limit)d "
        "for it. Shorten the note or the reasons in the file, or assess it with the command line "
        "(`pathway assess`).",
        size=error.size,
        limit=error.limit,
    )


@bp.route("/resume", methods=["GET", "POST"])
def resume() -> Any:
    """Resume from a case file or a decision record; a bad file is explained and the current answers are kept."""
    kb = knowledge()
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        upload = form.case_file.data
        name = upload.filename or "case file"
        try:
            # At most one byte over the limit is read: parse_case refuses it with the size.
            parsed = parse_case(kb, upload.read(MAX_CASE_FILE_BYTES + 1), name, reference=form.reference_moment())
            case = Case(
                parsed.jurisdiction,
                parsed.reference,
                dict(parsed.answers),
                hearing=parsed.hearing,
                record=parsed.record,
                disputes=dict(parsed.disputes),
                conduct_date=parsed.conduct_date,
                life=parsed.life,
                profile_data=parsed.profile_data,
                events=parsed.events,
            )
            save_case(case)
        except CaseFileError as err:
            problems = err.problems
        except CaseTooLargeError as err:
            problems = [Problem(name, None, None, None, too_large_to_resume(err))]
        else:
            saved_version = parsed.knowledge_version
            flash(gettext("The case file was loaded."), "success")
            if parsed.saved_reference is not None and parsed.saved_reference != parsed.reference:
                flash(
                    gettext(
                        "The case was saved for %(saved)s; it is now assessed at %(now)s: the time limits are counted "
                        "up to then.",
                        saved=parsed.saved_reference.strftime("%Y-%m-%d %H:%M"),
                        now=parsed.reference.strftime("%Y-%m-%d %H:%M"),
                    ),
                    "notice",
                )
            if saved_version and saved_version != kb.version:
                flash(
                    gettext(
                        "This case file was saved with knowledge base version %(saved)s; this is version %(current)s. "
                        "The answers were checked again and the result may differ.",
                        saved=saved_version,
                        current=kb.version,
                    ),
                    "notice",
                )
            return next_page(case)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "records/resume.html", form=form, problems=problems, existing=load_case() is not None
    ), status


@bp.route("/finish", methods=["POST"])
def finish() -> Response:
    """Finish and clear: remove the case from this browser."""
    form = ActionForm()
    if form.validate_on_submit():
        clear_case()
        flash(gettext("The case was cleared from this browser. Nothing was kept on the server."), "success")
    return redirect(url_for("interview.start"))
