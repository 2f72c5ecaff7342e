"""Interview: start a case, one question per page (addressed by step number), check your answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from engine.errors import KnowledgeError, Problem
from engine.load.hearings import WHOLE_PATHWAY
from engine.load.profiles import MAX_PROFILE_BYTES, profile_as_data, read_profile_text
from engine.run.session import InterviewStep

from .case import (
    Case,
    following_question,
    knowledge,
    load_case,
    previous_question,
    progress,
    save_case,
    start_case,
    step_url,
)
from .case_cookie import CaseTooLargeError
from .dates import ACT_SLOTS, GivenDates, act_slots, dates_given, fill_dates, offer_categories, read_dates
from .forms import (
    ActionForm,
    AnswerProblem,
    DatesForm,
    StartForm,
    dispute_value,
    form_value,
    read_answer,
    read_dispute,
    submitted_value,
)
from .rejected import redirect_back, take_rejected
from .texts import kt

bp = Blueprint("interview", __name__)
# The hidden field that says which question a posted answer is for: a step number alone could
# name another question if the case changed in another window since the page was shown.
QUESTION_FIELD = "question"


def with_case(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the session's case to the view; without one, go to the start page and say why."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        case = load_case()
        if case is None:
            flash(no_case_message(), "notice")
            return redirect(url_for("interview.start"))
        if case.dropped:
            flash(
                gettext("Some saved answers are no longer accepted by the knowledge base and were left out."), "notice"
            )
            save_case(case)
        return view(case, *args, **kwargs)

    return wrapped


def no_case_message() -> str:
    """Why there is no case: it timed out, or none was started in this browser."""
    if getattr(session, "expired", False):
        minutes = current_app.config["CASE_IDLE_SECONDS"] // 60
        return gettext(
            "The case was cleared from this browser after %(minutes)d minutes without activity. "
            "Resume it from its case file, or start a new case.",
            minutes=minutes,
        )
    return gettext("Start a case first, or resume one from a case file.")


def too_large_message(error: CaseTooLargeError) -> str:
    return gettext(
        "This change was not kept: the case would need %(size)d bytes, and a browser keeps at most %(limit)d "
        "for it. Your earlier answers and note are unchanged. Shorten the note, or save the case as a file.",
        size=error.size,
        limit=error.limit,
    )


def profile_too_large(error: CaseTooLargeError) -> str:
    return gettext(
        "This profile was not used: with it the case would need %(size)d bytes, and a browser keeps at most "
        "%(limit)d for it. Shorten the profile (its description and notes), or assess the case with the command "
        "line (`pathway assess --profile`).",
        size=error.size,
        limit=error.limit,
    )


def next_page(case: Case) -> Response:
    """The engine's next question, or the check-your-answers page when none is open."""
    step = case.step()
    following = step.assessment.next_question
    if following is not None:
        return redirect(step_url(step, following.question.id))
    return redirect(url_for("interview.check"))


@bp.route("/", methods=["GET", "POST"])
def start() -> Any:
    """What the tool is and is not; choose a jurisdiction profile and a reference moment."""
    kb = knowledge()
    recalled = take_rejected() if request.method == "GET" else None
    if recalled is not None:
        recalled["csrf_token"] = generate_csrf()  # the token is never kept with the rejected fields
    form = StartForm() if recalled is None else StartForm(formdata=recalled)
    form.jurisdiction.choices = [(j.id, j.name) for j in kb.jurisdictions.values()]
    form.hearing.choices = [(h.id, h.title) for h in kb.hearings.values()] or [(WHOLE_PATHWAY, WHOLE_PATHWAY)]
    offer_categories(form, kb)
    if recalled is not None:
        _start_checked(form)  # the errors of the submission rejected just before (see web/rejected.py)
    elif request.method == "GET":
        now = dt.datetime.now().replace(second=0, microsecond=0)
        form.jurisdiction.data = current_app.config["DEFAULT_JURISDICTION"]
        form.hearing.data = WHOLE_PATHWAY
        form.reference_date.data, form.reference_time.data = now.date(), now.time()
    problems: list[Problem] = []
    given = _start_checked(form) if request.method == "POST" and form.is_submitted() else None
    if given is not None:
        hearing = form.hearing.data if form.hearing.data in kb.hearings else None
        jurisdiction, profile_data = form.jurisdiction.data, None
        upload = form.profile_file.data
        name = upload.filename if upload is not None and upload.filename else ""
        if name:
            try:  # at most one byte over the limit is read: read_profile_text refuses it with the size
                profile, written = read_profile_text(kb, upload.read(MAX_PROFILE_BYTES + 1), name)
                jurisdiction, profile_data = profile.id, profile_as_data(written)
            except KnowledgeError as err:
                problems = err.problems
        if not problems:
            moment = form.reference_moment()
            try:
                case = start_case(
                    jurisdiction, moment, hearing, given.answers, given.conduct_date, given.life, profile_data
                )
            except CaseTooLargeError as err:
                problems = [Problem(name, None, None, None, profile_too_large(err))]
            else:
                return next_page(case)
    if request.method == "POST" and not problems and "csrf_token" not in form.errors:
        kept = redirect_back(request.form)  # shown by the GET, so Back never lands on a POST
        if kept is not None:
            return kept
    status = 400 if request.method == "POST" or form.errors else 200
    return render_template(
        "interview/start.html",
        form=form,
        kb=kb,
        existing=load_case(),
        clear_form=ActionForm(),
        dates_open=dates_given(form),
        acts=act_slots(form),
        profile_problems=problems,
    ), status


def _start_checked(form: StartForm) -> GivenDates | None:
    """The start form checked, its dates by the engine at its reference moment (None: refused,
    the errors on their fields)."""
    valid = form.validate()
    if form.reference_date.errors or form.reference_date.data is None or form.reference_time.errors:
        return None  # the dates are checked against the reference moment: once it is one
    given = read_dates(form, form.reference_moment())
    return given if valid else None


@bp.route("/dates", methods=["GET", "POST"])
@with_case
def dates(case: Case) -> Any:
    """Change the dates of the case in progress: the ages they give replace those the earlier
    dates gave (an age answered by hand stays until the dates give one)."""
    kb = knowledge()
    if case.life is not None and len(case.life.acts) > ACT_SLOTS:
        flash(
            gettext(
                "This case has %(count)d dated acts; this page shows %(slots)d. Change them in the case file.",
                count=len(case.life.acts),
                slots=ACT_SLOTS,
            ),
            "notice",
        )
        return redirect(url_for("interview.check"))
    recalled = take_rejected() if request.method == "GET" else None
    if recalled is not None:
        recalled["csrf_token"] = generate_csrf()
    form = DatesForm() if recalled is None else DatesForm(formdata=recalled)
    offer_categories(form, kb)
    if recalled is None and request.method == "GET":
        fill_dates(form, case.dates(), case.conduct_date)
    given = read_dates(form, case.reference) if recalled is not None or form.validate_on_submit() else None
    if given is not None and request.method == "POST":
        earlier = case.dates()
        for qid in earlier.ages.answers if earlier is not None else ():
            case.answers.pop(qid, None)
        case.answers.update(given.answers)
        case.conduct_date, case.life = given.conduct_date, given.life
        try:
            save_case(case)
        except CaseTooLargeError as err:
            flash(too_large_message(err), "notice")
        return redirect(url_for("interview.check"))
    if request.method == "POST" and "csrf_token" not in form.errors:
        kept = redirect_back(request.form)
        if kept is not None:
            return kept
    return render_template(
        "interview/dates.html", form=form, kb=kb, acts=act_slots(form), back_url=url_for("interview.check")
    ), (400 if form.errors else 200)


@bp.route("/next")
def resume_interview() -> Response:
    """Continue where the engine says the case stands."""
    case = load_case()
    if case is None:
        flash(no_case_message(), "notice")
        return redirect(url_for("interview.start"))
    return next_page(case)


@bp.route("/step/<int:number>", methods=["GET", "POST"])
@with_case
def step(case: Case, number: int) -> Any:
    """One question per page; the answer is checked by the engine and kept in the session."""
    kb = case.kb
    here = case.step(number)
    if here.asking is None:
        return next_page(case)  # a step this case does not have (any more): go where it stands
    question_id = here.asking_id
    from_check = request.args.get("from") == "check"
    back_to = {"from": "check"} if from_check else {}
    problem = None
    item = kb.questions[question_id]
    submitted = request.form if request.method == "POST" else take_rejected()
    if submitted is not None and submitted.get(QUESTION_FIELD) != question_id:
        if request.method == "POST":
            flash(gettext("The case changed in another window. Check this question again."), "notice")
            return redirect(step_url(here, question_id, **back_to))
        submitted = None  # a rejected answer kept for a question this step no longer asks
    if submitted is not None:
        value, problem = read_answer(item, submitted, case.reference)
        other = None
        if problem is None:
            other, problem = read_dispute(item, submitted, value, case.reference)
        if problem is not None and request.method == "POST":
            kept = redirect_back(submitted)  # shown by the GET, so Back never lands on a POST
            if kept is not None:
                return kept
        if problem is None and request.method == "POST":
            changed = question_id in case.answers and case.answers[question_id] != value
            case.answers[question_id] = value
            if other is None:
                case.disputes.pop(question_id, None)
            else:
                case.disputes[question_id] = other
            try:
                save_case(case)
            except CaseTooLargeError as err:
                problem = AnswerProblem(too_large_message(err))
            else:
                return _after_answer(case, question_id, here if changed else None, from_check)
        if problem is None:
            submitted = None  # a kept answer that is fine now (the knowledge changed): ask again
    unused = here.assessment.unused_answers
    back_id = previous_question(here, question_id)
    if from_check:
        back_url = url_for("interview.check")
    elif back_id is not None:
        back_url = step_url(here, back_id)
    else:
        back_url = url_for("interview.start")
    position, count = progress(here, question_id)
    shown = submitted_value(submitted) if problem else form_value(item, case.answers.get(question_id))
    return render_template(
        "interview/question.html",
        question=item,
        step_number=number,
        action_url=step_url(here, question_id, **back_to),
        decision_point=kb.decision_points[item.decision_point],
        position=position,
        count=count,
        waiting=[kb.rules[r] for r in here.asking.waiting_rules],
        shown=shown,
        choice_items=[(c.id, kt("questions", item.id, f"choices.{c.id}"), None) for c in item.choices or []],
        check_items=[(c.id, kt("questions", item.id, f"choices.{c.id}"), c.exclusive) for c in item.choices or []],
        problem=problem,
        dispute=dispute_value(item, submitted if problem else None, case.disputes.get(question_id)),
        back_url=back_url,
        from_check=from_check,
        no_longer_applies=question_id in unused,
        answered_count=len([q for q in case.answers if q not in unused]),
    ), (400 if problem else 200)


def _after_answer(case: Case, question_id: str, before: InterviewStep | None, from_check: bool) -> Response:
    """Where an accepted answer leads: the next open question, the next answered step, or the check page.
    `before` is the step before a changed answer (None for a first answer)."""
    after = case.step()
    if before is not None:
        _tell_what_changed(before.assessment.unused_answers, after.assessment.unused_answers, question_id)
    target = following_question(after, question_id)
    if target is None or (from_check and after.assessment.next_question is None):
        return redirect(url_for("interview.check"))
    return redirect(step_url(after, target))


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
    kb = case.kb
    here = case.step()
    assessment = here.assessment
    applying = [q for q in case.answers if q not in assessment.unused_answers]
    groups: dict[str, list[str]] = {}
    for qid in sorted(applying, key=kb.question_sort_key):
        groups.setdefault(kb.questions[qid].decision_point, []).append(qid)
    life = case.dates()
    change_urls = {qid: step_url(here, qid, **{"from": "check"}) for qid in case.answers}
    change_urls.update({qid: url_for("interview.dates") for qid in (life.ages.answers if life else ())})
    return render_template(
        "interview/check.html",
        case=case,
        kb=kb,
        assessment=assessment,
        groups=groups,
        life=life,
        ages=case.ages(),
        change_urls=change_urls,
        back_url=step_url(here, applying[-1]) if applying else url_for("interview.start"),
    )
