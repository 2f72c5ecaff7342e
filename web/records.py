"""Records: the decision record (print view and file), the case file (save and resume), finish and clear."""

from __future__ import annotations

import datetime as dt
import json
from importlib import metadata
from typing import Any

import yaml
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from engine.cases.case_file import MAX_CASE_FILE_BYTES, case_data, parse_case
from engine.errors import CaseFileError, Problem
from engine.load.answers import answer_text, answer_to_data
from engine.render.report import DISCLAIMER, to_data

from .case import Case, clear_case, knowledge, load_case, save_case
from .case_cookie import CaseTooLargeError
from .forms import ActionForm, NoteForm, UploadForm
from .interview import next_page, too_large_message, with_case
from .result import result_context

bp = Blueprint("records", __name__)


def app_version() -> str:
    try:
        return metadata.version("justice-pathway")
    except metadata.PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown"


def _download(body: str, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/record")
@with_case
def record(case: Case) -> str:
    """The decision record as one printable page."""
    kb = knowledge()
    assessment = case.assess()
    return render_template(
        "records/record.html",
        app_version=app_version(),
        printed=dt.datetime.now().replace(second=0, microsecond=0),
        **result_context(kb, case, assessment),
    )


@bp.route("/record/note", methods=["POST"])
@with_case
def save_note(case: Case) -> Any:
    """Keep the decision-maker's reasons for deciding differently with the case (it goes into the record)."""
    form = NoteForm()
    if form.validate_on_submit():
        kept = case.note
        case.note = (form.note.data or "").strip()
        try:
            save_case(case)
        except CaseTooLargeError as err:
            case.note = kept
            form.note.errors = [too_large_message(err)]
        else:
            flash(gettext("Your reasons were saved and will appear in the decision record."), "success")
            return redirect(url_for("result.show") + "#record")
    kb = knowledge()
    return render_template(
        "result/result.html",
        note_form=form,
        clear_form=ActionForm(),
        **result_context(kb, case, case.assess()),
    ), 400


def record_data(case: Case) -> dict[str, Any]:
    """The downloadable decision record: answers, result, versions, profile, date and the decision-maker's note."""
    kb = knowledge()
    assessment = case.assess()
    profile = kb.jurisdictions[case.jurisdiction]
    return {
        "record": "Justice Pathway decision record",
        "disclaimer": DISCLAIMER,
        "created": dt.datetime.now().isoformat(timespec="minutes"),
        "reference_date": case.reference.isoformat(timespec="minutes"),
        "jurisdiction": {"id": profile.id, "name": profile.name, "fictional": profile.fictional},
        "versions": {"knowledge_base": kb.version, "app": app_version()},
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
        "result": to_data(assessment),
    }


@bp.route("/record/download")
@with_case
def download_record(case: Case) -> Response:
    """The decision record as a JSON file."""
    body = json.dumps(record_data(case), indent=2, ensure_ascii=False, default=str)
    name = f"pathway-record-{case.reference.date().isoformat()}.json"
    return _download(body, name, "application/json")


@bp.route("/case-file")
@with_case
def download_case(case: Case) -> Response:
    """The answers as a case file, in the form `pathway assess` reads and the resume page accepts."""
    kb = knowledge()
    data = case_data(case.answers, case.jurisdiction, case.reference, kb.version)
    body = "# Justice Pathway case file: resume it in the web app or run `pathway assess` on it.\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True
    )
    name = f"pathway-case-{case.reference.date().isoformat()}.yaml"
    return _download(body, name, "application/x-yaml")


@bp.route("/resume", methods=["GET", "POST"])
def resume() -> Any:
    """Resume from a case file; a bad file is explained and the current answers are kept."""
    kb = knowledge()
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        upload = form.case_file.data
        name = upload.filename or "case file"
        try:
            # At most one byte over the limit is read: parse_case refuses it with the size.
            parsed = parse_case(kb, upload.read(MAX_CASE_FILE_BYTES + 1), name)
            case = Case(parsed.jurisdiction, parsed.reference, dict(parsed.answers))
            save_case(case)
        except CaseFileError as err:
            problems = err.problems
        except CaseTooLargeError as err:
            problems = [Problem(name, None, None, None, too_large_message(err))]
        else:
            saved_version = parsed.knowledge_version
            flash(gettext("The case file was loaded."), "success")
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
