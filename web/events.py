"""What has happened since: the events a case records (knowledge/events.yaml) - diversion offered,
accepted, refused or completed, the trial, the judgement, the sentence - added and removed on
their own page, kept in the case cookie and the case file, shown in the event log.

They are not interview questions (no rule sets a time limit on them, and asking them would
lengthen every interview) and they change no conclusion. The page posts its forms (CSRF, a
rejected form travels to the GET: web/rejected.py); its address names no question nor answer.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf

from engine.run.deadlines import RecordedEvent, as_datetime

from .case import Case, knowledge, save_case
from .case_cookie import CaseTooLargeError
from .forms import EventForm, RemoveEventForm
from .interview import too_large_message, with_case
from .rejected import redirect_back, take_rejected
from .texts import kt_plain

bp = Blueprint("events", __name__, url_prefix="/events")


def _event_form(case: Case, formdata: Any = None) -> EventForm:
    form = EventForm() if formdata is None else EventForm(formdata=formdata)
    form.kind.choices = [(kind, kt_plain("events", kind, "title")) for kind in knowledge().events]
    form.reference, form.recorded = case.reference, len(case.events)
    return form


def _saved(case: Case) -> None:
    try:
        save_case(case)
    except CaseTooLargeError as err:  # the case stays as it was: nothing half-saved
        flash(too_large_message(err), "notice")


@bp.route("", methods=["GET", "POST"])
@with_case
def events(case: Case) -> Any:
    """The events recorded so far, in the order they happened, and a form to add one."""
    recalled = take_rejected() if request.method == "GET" else None
    if recalled is not None:
        recalled["csrf_token"] = generate_csrf()  # the token is never kept with the rejected fields
    form = _event_form(case, recalled)
    if recalled is not None:
        form.validate()  # the errors of the submission rejected just before
    elif form.validate_on_submit():
        case.events = (*case.events, RecordedEvent(form.kind.data, form.moment()))
        _saved(case)
        return redirect(url_for("events.events"), code=303)
    elif request.method == "POST" and "csrf_token" not in form.errors:
        kept = redirect_back(request.form)
        if kept is not None:
            return kept
    listed = sorted(enumerate(case.events), key=lambda item: (as_datetime(item[1].when), item[1].kind))
    return render_template(
        "interview/events.html",
        form=form,
        listed=listed,
        remove_form=RemoveEventForm(formdata=None),
        case=case,
        back_url=url_for("interview.check"),
    ), (400 if form.errors else 200)


@bp.post("/remove")
@with_case
def remove(case: Case) -> Any:
    """Remove one recorded event (its place in the list is in the POST body)."""
    form = RemoveEventForm()
    if form.validate_on_submit() and form.index.data < len(case.events):
        case.events = tuple(e for i, e in enumerate(case.events) if i != form.index.data)
        _saved(case)
    return redirect(url_for("events.events"), code=303)
