"""Interview: start a case, one question per page, check your answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from .case import (
    Case,
    following_question,
    knowledge,
    load_case,
    previous_question,
    progress,
    question_state,
    save_case,
    start_case,
)
from .forms import ActionForm, StartForm, form_value, read_answer, submitted_value

bp = Blueprint("interview", __name__)


def with_case(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the session's case to the view; without one, go to the start page and say why."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        case = load_case()
        if case is None:
            flash(gettext("Start a case first, or resume one from a case file."), "notice")
            return redirect(url_for("interview.start"))
        if case.dropped:
            flash(
                gettext("Some saved answers are no longer accepted by the knowledge base and were left out."), "notice"
            )
            save_case(case)
        return view(case, *args, **kwargs)

    return wrapped


def reference_moment(day: dt.date) -> dt.datetime:
    """Today means now (to the minute), so deadlines are counted from the present; another day means its noon."""
    now = dt.datetime.now().replace(second=0, microsecond=0)
    return now if day == now.date() else dt.datetime.combine(day, dt.time(12, 0))


def next_page(case: Case) -> Response:
    """The engine's next question, or the check-your-answers page when none is open."""
    following = case.next_question(knowledge())
    if following is not None:
        return redirect(url_for("interview.question", question_id=following.question.id))
    return redirect(url_for("interview.check"))


@bp.route("/", methods=["GET", "POST"])
def start() -> Any:
    """What the tool is and is not; choose a jurisdiction profile and a reference date."""
    kb = knowledge()
    form = StartForm()
    form.jurisdiction.choices = [(j.id, j.name) for j in kb.jurisdictions.values()]
    if request.method == "GET":
        form.jurisdiction.data = current_app.config["DEFAULT_JURISDICTION"]
        form.reference_date.data = dt.date.today()
    if form.validate_on_submit():
        case = start_case(form.jurisdiction.data, reference_moment(form.reference_date.data))
        return next_page(case)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "interview/start.html", form=form, kb=kb, existing=load_case(), clear_form=ActionForm()
    ), status


@bp.route("/next")
def resume_interview() -> Response:
    """Continue where the engine says the case stands."""
    case = load_case()
    if case is None:
        return redirect(url_for("interview.start"))
    return next_page(case)


@bp.route("/questions/<question_id>", methods=["GET", "POST"])
@with_case
def question(case: Case, question_id: str) -> Any:
    """One question per page; the answer is checked by the engine and kept in the session."""
    kb = knowledge()
    if question_id not in kb.questions:
        abort(404)
    state = question_state(kb, case, question_id)
    if state is None and question_id not in case.answers:
        # Not asked for this case (any more): go where the case stands instead.
        return next_page(case)
    item = kb.questions[question_id]
    from_check = request.args.get("from") == "check"
    problem = None
    if request.method == "POST":
        value, problem = read_answer(item, request.form, case.reference)
        if problem is None:
            changed = question_id in case.answers and case.answers[question_id] != value
            before = case.unused(kb) if changed else []
            case.answers[question_id] = value
            save_case(case)
            after = case.unused(kb)
            if changed:
                _tell_what_changed(before, after, question_id)
            following = case.next_question(kb)
            target = following_question(case, following and following.question.id, after, question_id)
            if from_check and following is None:
                target = None
            if target is None:
                return redirect(url_for("interview.check"))
            return redirect(url_for("interview.question", question_id=target))
    unused = case.unused(kb)
    back_id = previous_question(case, unused, question_id)
    if from_check:
        back_url = url_for("interview.check")
    elif back_id is not None:
        back_url = url_for("interview.question", question_id=back_id)
    else:
        back_url = url_for("interview.start")
    position, count = progress(kb, item.decision_point)
    shown = submitted_value(request.form) if problem else form_value(item, case.answers.get(question_id))
    return render_template(
        "interview/question.html",
        question=item,
        decision_point=kb.decision_points[item.decision_point],
        position=position,
        count=count,
        waiting=[kb.rules[r] for r in (state.waiting_rules if state else [])],
        shown=shown,
        choice_items=[(c.id, c.label, None) for c in item.choices or []],
        check_items=[(c.id, c.label) for c in item.choices or []],
        problem=problem,
        back_url=back_url,
        from_check=from_check,
        no_longer_applies=question_id in unused,
        answered_count=len([q for q in case.answers if q not in unused]),
    ), (400 if problem else 200)


def _tell_what_changed(before: list[str], after: list[str], question_id: str) -> None:
    """After a change, say which earlier answers no longer apply (they are kept) and which apply again."""
    gone = [q for q in after if q not in before and q != question_id]
    back = [q for q in before if q not in after and q != question_id]
    if gone:
        flash("\n".join(gone), "no_longer_apply")
    if back:
        flash("\n".join(back), "apply_again")
    if not gone and not back:
        flash(gettext("Your answer was changed. Your other answers still apply."), "notice")


@bp.route("/check")
@with_case
def check(case: Case) -> Any:
    """Check your answers, grouped by decision point, with change links."""
    kb = knowledge()
    assessment = case.assess(kb)
    groups: dict[str, list[str]] = {}
    for qid in sorted(case.answers, key=kb.question_sort_key):
        if qid not in assessment.unused_answers:
            groups.setdefault(kb.questions[qid].decision_point, []).append(qid)
    last = [q for q in case.answers if q not in assessment.unused_answers]
    return render_template(
        "interview/check.html",
        case=case,
        kb=kb,
        assessment=assessment,
        groups=groups,
        back_url=url_for("interview.question", question_id=last[-1]) if last else url_for("interview.start"),
    )
