"""The case in the browser session, and the one engine call a page makes on it.

A case is the jurisdiction profile, the reference moment, the answers (in the order they were
given) and the decision record (case reference, court, decision-maker, date, the decision taken
on each advised measure, a note: `engine.cases.case_file.DecisionRecord`). It lives only in the
encrypted session cookie (web.case_cookie); the server keeps nothing. Every reasoning step (which
question is next, what applies, what no longer applies) is the engine's: a page asks for one
`engine.run.session.interview_step` and reads everything it shows from it.

Pages of the interview are addressed by step number, never by question: the next question
depends on the answers, so its id in a URL (the access log, the history) would tell them.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar

from flask import current_app, session, url_for

from engine.cases.case_file import (
    EARLIEST_REFERENCE_DATE,
    LATEST_REFERENCE_DATE,
    DecisionRecord,
    LifeDates,
    MeasureDecision,
    event_data,
    event_date,
    kept_life,
    life_from_data,
)
from engine.errors import KnowledgeError
from engine.load.answers import AnswerValueError, answer_to_data, parse_answer
from engine.load.knowledge_base import KnowledgeBase
from engine.load.profiles import profile_from_data, with_profile
from engine.render.ages_text import AgesSummary, case_ages_summary
from engine.run.deadlines import RecordedEvent, as_datetime
from engine.run.disputed import check_disputes
from engine.run.session import Assessment, InterviewStep, interview_step

from .language import SESSION_KEY as LANGUAGE_KEY

SESSION_KEY = "case"
# The decision record in the cookie, in few bytes: a kind and a decision by one letter.
_KIND_CODES = {"require": "r", "recommend": "c", "prohibit": "p"}
_DECISION_CODES = {"followed": "f", "departed": "d", "not_decided": "n"}
_KINDS = {code: kind for kind, code in _KIND_CODES.items()}
_DECIDED = {code: decision for decision, code in _DECISION_CODES.items()}
T = TypeVar("T")

# The engine keeps one compiled experta engine per thread (building one takes ~0.2 s). Web servers
# start a thread per request, so engine calls run on a few long-lived threads that keep theirs.
_ENGINE_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pathway-engine")


def on_engine_thread(function: Callable[..., T], *args: Any) -> T:
    """Run an engine call on one of the long-lived engine threads and wait for its result (in the
    request's context: its language)."""
    return _ENGINE_THREADS.submit(contextvars.copy_context().run, function, *args).result()


@dataclass
class Case:
    """One case as the views see it: typed answers in the order they were given."""

    jurisdiction: str
    reference: dt.datetime
    answers: dict[str, Any] = field(default_factory=dict)
    hearing: str | None = None  # the decision prepared (knowledge/hearings.yaml); None: the whole pathway
    dropped: list[str] = field(default_factory=list)  # answers the current knowledge base no longer accepts
    record: DecisionRecord = field(default_factory=DecisionRecord)  # what the decision-maker decided
    disputes: dict[str, Any] = field(default_factory=dict)  # disputed answers: question id -> the other side's value
    conduct_date: dt.date | None = None  # from a case file: the substantive law in force then
    life: LifeDates | None = None  # from a case file: the dates its ages were computed from
    # A profile of the user's own (uploaded, or carried by a case file), as written: it travels
    # with the case (the cookie, the case file) and is resolved again for each request.
    profile_data: dict[str, Any] | None = None
    events: tuple[RecordedEvent, ...] = ()  # what has happened since (web/events.py): shown, never assessed

    @cached_property
    def kb(self) -> KnowledgeBase:
        """The knowledge base of this case: the app's, with the case's own profile if it has one
        (a copy for this request; `KnowledgeError` if the knowledge no longer accepts the profile)."""
        base = knowledge()
        if self.profile_data is None:
            return base
        return with_profile(base, profile_from_data(base, self.profile_data, "profile"))

    @property
    def note(self) -> str:
        """The decision-maker's note (the only text of the record in earlier versions)."""
        return self.record.note

    @note.setter
    def note(self, value: str) -> None:
        self.record = replace(self.record, note=value)

    def step(self, number: int | None = None, weigh_disputes: bool = False) -> InterviewStep:
        """The engine's view of this case for one page (and the question at step `number`); with
        `weigh_disputes`, the conclusions compared across the disputed values too (result, bench card)."""
        kb = self.kb
        disputes = self.live_disputes() if weigh_disputes else None
        return on_engine_thread(
            interview_step,
            kb,
            self.answers,
            self.jurisdiction,
            self.reference,
            number,
            self.hearing,
            disputes,
            self.conduct_date,
            self.events,
        )

    def live_disputes(self) -> dict[str, Any]:
        """The disputes that still stand: of an answer given, with another value."""
        return {q: v for q, v in self.disputes.items() if q in self.answers and self.answers[q] != v}

    def assess(self) -> Assessment:
        return self.step().assessment

    def dates(self) -> LifeDates | None:
        """The dates the ages were computed from, while every answer they give stands."""
        return kept_life(self.life, self.answers)

    def ages(self) -> AgesSummary | None:
        """The ages the dates give, in words: each act, its age, how it stands (engine.render.ages_text)."""
        life = self.dates()
        return None if life is None else case_ages_summary(self.kb, self.jurisdiction, self.reference, life.ages)


def knowledge() -> KnowledgeBase:
    """The knowledge base this app was created with."""
    return current_app.extensions["pathway_kb"]


def start_case(
    jurisdiction: str,
    reference: dt.datetime,
    hearing: str | None,
    answers: dict[str, Any] | None = None,
    conduct_date: dt.date | None = None,
    life: LifeDates | None = None,
    profile_data: dict[str, Any] | None = None,
) -> Case:
    """A new case; with dates, the answers they give (the ages, the category of the assessed act);
    with `profile_data`, under a profile of the user's own (as written)."""
    case = Case(
        jurisdiction,
        reference,
        dict(answers or {}),
        hearing=hearing,
        conduct_date=conduct_date,
        life=life,
        profile_data=profile_data,
    )
    save_case(case)
    return case


def _reference(value: Any) -> dt.datetime | None:
    """The reference moment kept in the cookie, if it is one the start page could have made."""
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None or not EARLIEST_REFERENCE_DATE <= moment.date() <= LATEST_REFERENCE_DATE:
        return None
    return moment


def _conduct_date(value: Any) -> dt.date | None:
    """The date of the conduct kept in the cookie, if it is one a case file could have given."""
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return day if day is not None and EARLIEST_REFERENCE_DATE <= day <= LATEST_REFERENCE_DATE else None


def load_case() -> Case | None:
    """The case of this browser session, if one was started (answers re-checked against the knowledge base).

    Anything in the cookie that is not a case this app wrote (it can only come from a server with
    the key, e.g. an older version) counts as no case, never as an error."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    kb = knowledge()
    jurisdiction, reference, own = data.get("j"), _reference(data.get("r")), data.get("p")
    if not isinstance(jurisdiction, str) or reference is None or not isinstance(own, dict | None):
        return None
    note, items, hearing = data.get("n", ""), data.get("a", []), data.get("h")
    case = Case(
        jurisdiction,
        reference,
        hearing=hearing if isinstance(hearing, str) and hearing in kb.hearings else None,
        record=_record_from(data.get("x"), note if isinstance(note, str) else "", kb),
        conduct_date=_conduct_date(data.get("c")),
        life=life_from_data(data.get("d"), reference, _conduct_date(data.get("c"))),
        profile_data=own,
        events=_events_from(data.get("e"), reference, kb),
    )
    try:
        if jurisdiction not in case.kb.jurisdictions:
            return None
    except KnowledgeError:  # a profile of the user's own that this knowledge base no longer accepts
        return None
    for item in items if isinstance(items, list) else []:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and item[0] in kb.questions):
            continue
        try:
            case.answers[item[0]] = parse_answer(kb.questions[item[0]], item[1], reference)
        except AnswerValueError:
            case.dropped.append(item[0])
    disputed = data.get("q")
    raw = (
        {i[0]: i[1] for i in disputed if isinstance(i, list) and len(i) == 2 and isinstance(i[0], str)}
        if isinstance(disputed, list)
        else {}
    )
    case.disputes, _problems = check_disputes(
        kb.questions, case.answers, raw, reference
    )  # one that no longer stands is left out
    return case


def _events_from(data: Any, reference: dt.datetime, kb: KnowledgeBase) -> tuple[RecordedEvent, ...]:
    """The recorded events kept in the cookie ("e": [kind, date] pairs, as case files write them);
    one this knowledge base has no kind for, or after the reference moment, is left out."""
    events = []
    for item in data if isinstance(data, list) else []:
        if not (isinstance(item, list) and len(item) == 2 and item[0] in kb.events):
            continue
        try:
            when = event_date(item[1])
        except ValueError:
            continue
        if as_datetime(when) <= reference:
            events.append(RecordedEvent(item[0], when))
    return tuple(events)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _record_from(data: Any, note: str, kb: KnowledgeBase) -> DecisionRecord:
    """The decision record kept in the cookie ("x"; a cookie with only the note "n" has just that).
    A decision this knowledge base cannot place (an unknown measure) is left out."""
    if not isinstance(data, dict):
        return DecisionRecord(note=note)
    try:
        date = dt.date.fromisoformat(data["t"]) if isinstance(data.get("t"), str) else None
    except ValueError:
        date = None
    decisions, seen = [], set()
    for item in data.get("d") if isinstance(data.get("d"), list) else []:
        if not (isinstance(item, list) and 3 <= len(item) <= 5 and all(isinstance(v, str) for v in item[:4])):
            continue
        kind, measure, decision = _KINDS.get(item[0]), item[1], _DECIDED.get(item[2])
        reason, refer = (item[3] if len(item) > 3 else ""), len(item) > 4 and item[4] is True
        if kind is None or decision is None or measure not in kb.measures or (kind, measure) in seen:
            continue
        seen.add((kind, measure))
        decisions.append(MeasureDecision(kind, measure, decision, reason, refer))
    return DecisionRecord(
        _text(data.get("c")), _text(data.get("o")), _text(data.get("m")), date, note, tuple(decisions)
    )


def _record_data(record: DecisionRecord) -> dict[str, Any]:
    """The decision record as compact cookie data (empty parts left out)."""
    decisions = []
    for d in record.decisions:
        item: list[Any] = [_KIND_CODES[d.kind], d.measure, _DECISION_CODES[d.decision]]
        if d.reason or d.refer:
            item.append(d.reason)
        if d.refer:
            item.append(True)
        decisions.append(item)
    parts = {
        "c": record.case_reference,
        "o": record.court,
        "m": record.decision_maker,
        "t": record.decision_date.isoformat() if record.decision_date else "",
        "d": decisions,
    }
    return {key: value for key, value in parts.items() if value}


def save_case(case: Case) -> None:
    """Write the case into the session as compact plain data (a list keeps the answering order).

    A case that would not fit the cookie raises `CaseTooLargeError` and the session keeps the
    case it had."""
    data = {
        "j": case.jurisdiction,
        "r": case.reference.isoformat(timespec="minutes"),
        "a": [[qid, answer_to_data(value)] for qid, value in case.answers.items()],
        "n": case.note,
        **({"h": case.hearing} if case.hearing else {}),
        **({"q": [[q, answer_to_data(v)] for q, v in case.live_disputes().items()]} if case.disputes else {}),
        **({"c": case.conduct_date.isoformat()} if case.conduct_date else {}),
        **({"d": case.life.data()} if case.life else {}),
        **({"p": case.profile_data} if case.profile_data is not None else {}),
        **({"e": [list(event_data(e).values()) for e in case.events]} if case.events else {}),
    }
    record = _record_data(case.record)
    if record:
        data["x"] = record
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.session_interface.check_fits(app, {**session, SESSION_KEY: data})
    session[SESSION_KEY] = data


def clear_case() -> None:
    """Forget the case (and everything else of the session) but the interface language chosen."""
    chosen = session.get(LANGUAGE_KEY)
    session.clear()
    if chosen:
        session[LANGUAGE_KEY] = chosen


def step_url(step: InterviewStep, question_id: str, **args: Any) -> str:
    """The address of a question's page: its step number, never its id."""
    return url_for("interview.step", number=step.step_of(question_id), **args)


def path(step: InterviewStep) -> list[str]:
    """The questions this case went through, in the order they were answered, without those no longer relevant."""
    unused = step.assessment.unused_answers
    return [q for q in step.assessment.answers if q not in unused]


def previous_question(step: InterviewStep, question_id: str) -> str | None:
    """Where the back link of a question page goes: the answered question before it on the path."""
    answered = path(step)
    if question_id in answered:
        index = answered.index(question_id)
        return answered[index - 1] if index > 0 else None
    return answered[-1] if answered else None


def following_question(step: InterviewStep, question_id: str) -> str | None:
    """Where to go after answering: the engine's next open question, else the next answered one on the path."""
    following = step.assessment.next_question
    if following is not None:
        return following.question.id
    answered = path(step)
    if question_id in answered and answered.index(question_id) + 1 < len(answered):
        return answered[answered.index(question_id) + 1]
    return None


def progress(step: InterviewStep, question_id: str) -> tuple[int, int]:
    """(number, about how many) of a question: its place among the answers that apply, and those
    answers with the questions still open (an honest estimate: answers can open or close others)."""
    answered = path(step)
    number = answered.index(question_id) + 1 if question_id in answered else len(answered) + 1
    return number, max(number, len(answered) + len(step.assessment.open_questions))
