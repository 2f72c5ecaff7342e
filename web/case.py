"""The case in the browser session, and the engine calls the views make on it.

A case is the jurisdiction profile, the reference moment, the answers (in the order they were
given) and an optional note. It lives only in the encrypted session cookie (web.case_cookie);
the server keeps nothing. Every reasoning step (which question is next, what applies, what no
longer applies) is the engine's: this module only carries answers to it and back.

Pages of the interview are addressed by step number, never by question: the next question
depends on the answers, so its id in a URL (the access log, the history) would tell them.
Step n is the n-th answer in the order given (those that no longer apply keep their number);
the step after the last answer is the engine's next question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app, session, url_for

from engine.answers import AnswerValueError, answer_to_data, parse_answer
from engine.case_file import EARLIEST_REFERENCE_DATE, LATEST_REFERENCE_DATE
from engine.knowledge_base import KnowledgeBase
from engine.session import (
    Assessment,
    NextQuestion,
    asked_question,
    assess_typed,
    pending_questions,
    program_for,
    unused_answers,
)

SESSION_KEY = "case"
T = TypeVar("T")

# The engine keeps one compiled experta engine per thread (building one takes ~0.2 s). Web servers
# start a thread per request, so engine calls run on a few long-lived threads that keep theirs.
_ENGINE_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pathway-engine")


def on_engine_thread(function: Callable[..., T], *args: Any) -> T:
    """Run an engine call on one of the long-lived engine threads and wait for its result."""
    return _ENGINE_THREADS.submit(function, *args).result()


@dataclass
class Case:
    """One case as the views see it: typed answers in the order they were given."""

    jurisdiction: str
    reference: dt.datetime
    answers: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    dropped: list[str] = field(default_factory=list)  # answers the current knowledge base no longer accepts
    # Assessments made while handling this request (a view may ask for the same one several times);
    # it lives and dies with this object, so no case data outlives the request.
    _assessed: dict = field(default_factory=dict, repr=False, compare=False)
    # The answers that no longer apply as the cookie carries them, with the answers they were
    # worked out for: a page that only reads the case need not replay the interview.
    _stored_unused: tuple[tuple, list[str]] | None = field(default=None, repr=False, compare=False)

    def assess(self, kb: KnowledgeBase, without: str | None = None) -> Assessment:
        answers = {k: v for k, v in self.answers.items() if k != without}
        key = (id(kb), without, tuple(answers.items()))
        if key not in self._assessed:
            # An incomplete interview's result is the compiled evaluator's ("auto" gives the same),
            # made right here; only experta's final run needs a long-lived engine thread.
            found = assess_typed(kb, answers, self.jurisdiction, self.reference, "direct")
            if found.complete:
                found = on_engine_thread(assess_typed, kb, answers, self.jurisdiction, self.reference)
            self._assessed[key] = found
        return self._assessed[key]

    def next_question(self, kb: KnowledgeBase) -> NextQuestion | None:
        """The engine's next question for this case (without assessing the whole case)."""
        pending = pending_questions(kb, self.answers, self.jurisdiction, self.reference)
        return pending[0] if pending else None

    def unused(self, kb: KnowledgeBase) -> list[str]:
        """The answers the interview would not ask for now (without assessing the whole case)."""
        answers = tuple(self.answers.items())
        if self._stored_unused is not None and self._stored_unused[0] == answers:
            return self._stored_unused[1]
        key = (id(kb), None, answers)
        if key in self._assessed:
            return self._assessed[key].unused_answers
        unused_key = ("unused", *key)
        if unused_key not in self._assessed:
            program = program_for(kb, self.jurisdiction)
            self._assessed[unused_key] = unused_answers(kb, program, self.answers, self.reference)
        return self._assessed[unused_key]


def knowledge() -> KnowledgeBase:
    """The knowledge base this app was created with."""
    return current_app.extensions["pathway_kb"]


def start_case(jurisdiction: str, reference: dt.datetime) -> Case:
    case = Case(jurisdiction, reference)
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


def load_case() -> Case | None:
    """The case of this browser session, if one was started (answers re-checked against the knowledge base).

    Anything in the cookie that is not a case this app wrote (it can only come from a server with
    the key, e.g. an older version) counts as no case, never as an error."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    kb = knowledge()
    jurisdiction, reference = data.get("j"), _reference(data.get("r"))
    if not isinstance(jurisdiction, str) or jurisdiction not in kb.jurisdictions or reference is None:
        return None
    note, items = data.get("n", ""), data.get("a", [])
    case = Case(jurisdiction, reference, note=note if isinstance(note, str) else "")
    for item in items if isinstance(items, list) else []:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and item[0] in kb.questions):
            continue
        try:
            case.answers[item[0]] = parse_answer(kb.questions[item[0]], item[1], reference)
        except AnswerValueError:
            case.dropped.append(item[0])
    positions = data.get("u")
    if data.get("k") == kb.version and not case.dropped and isinstance(positions, list):
        ids = list(case.answers)
        if all(type(p) is int and 0 <= p < len(ids) for p in positions):
            case._stored_unused = (tuple(case.answers.items()), [ids[p] for p in positions])
    return case


def save_case(case: Case) -> None:
    """Write the case into the session as compact plain data (a list keeps the answering order).

    With it go the positions of the answers that no longer apply and the knowledge version they
    were worked out with: derived data, trusted only under the same knowledge base. A case that
    would not fit the cookie raises `CaseTooLargeError` and the session keeps the case it had."""
    kb = knowledge()
    unused = set(case.unused(kb))
    data = {
        "j": case.jurisdiction,
        "r": case.reference.isoformat(timespec="minutes"),
        "a": [[qid, answer_to_data(value)] for qid, value in case.answers.items()],
        "n": case.note,
        "u": [position for position, qid in enumerate(case.answers) if qid in unused],
        "k": kb.version,
    }
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.session_interface.check_fits(app, {**session, SESSION_KEY: data})
    session[SESSION_KEY] = data


def clear_case() -> None:
    session.clear()


def question_state(kb: KnowledgeBase, case: Case, question_id: str) -> NextQuestion | None:
    """The question as the engine would ask it now (with the rules waiting on it), or None if it does not apply."""
    without = {k: v for k, v in case.answers.items() if k != question_id}
    return asked_question(kb, without, case.jurisdiction, case.reference, question_id)


def path(case: Case, unused: list[str]) -> list[str]:
    """The questions this case went through, in the order they were answered, without those no longer relevant."""
    return [q for q in case.answers if q not in unused]


def steps(case: Case, next_id: str | None) -> list[str]:
    """The questions by step number (step n is item n - 1): every answer as given, then the engine's next question."""
    answered = list(case.answers)
    return [*answered, next_id] if next_id is not None and next_id not in case.answers else answered


def step_url(step_list: list[str], question_id: str, **args: Any) -> str:
    """The address of a question's page: its step number, never its id."""
    return url_for("interview.step", number=step_list.index(question_id) + 1, **args)


def previous_question(case: Case, unused: list[str], question_id: str) -> str | None:
    """Where the back link of a question page goes: the answered question before it on the path."""
    answered = path(case, unused)
    if question_id in answered:
        index = answered.index(question_id)
        return answered[index - 1] if index > 0 else None
    return answered[-1] if answered else None


def following_question(case: Case, next_id: str | None, unused: list[str], question_id: str) -> str | None:
    """Where to go after answering: the engine's next open question, else the next answered one on the path."""
    if next_id is not None:
        return next_id
    answered = path(case, unused)
    if question_id in answered and answered.index(question_id) + 1 < len(answered):
        return answered[answered.index(question_id) + 1]
    return None


def progress(kb: KnowledgeBase, decision_point: str) -> tuple[int, int]:
    """(position, count) of a decision point among those that have questions."""
    points = sorted({q.decision_point for q in kb.questions.values()}, key=lambda p: kb.decision_points[p].order)
    return points.index(decision_point) + 1, len(points)
