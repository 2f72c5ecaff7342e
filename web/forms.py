"""Forms. Fixed forms are Flask-WTF classes (CSRF included); a question's answer is read from the
form here and checked by the engine's own parser, so the web and the CLI accept the same answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import DateField, RadioField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from engine.cases.case_file import EARLIEST_REFERENCE_DATE, LATEST_REFERENCE_DATE
from engine.errors import AnswerError
from engine.load.answers import AnswerValueError, parse_answer
from engine.load.conditions import UNKNOWN
from engine.load.model import Question, reference_datetime

from .config import NOTE_MAX_CHARS

UNKNOWN_VALUE = "unknown"


class StartForm(FlaskForm):
    """Start a case: the decision at hand, the jurisdiction profile and the reference moment."""

    hearing = RadioField(
        lazy_gettext("What are you preparing?"),
        validators=[Optional()],  # none chosen: the whole pathway, as the page preselects
    )

    jurisdiction = RadioField(
        lazy_gettext("Jurisdiction profile"),
        validators=[InputRequired(message=lazy_gettext("Select a jurisdiction profile"))],
    )
    reference_date = DateField(
        lazy_gettext("Reference date"),
        validators=[InputRequired(message=lazy_gettext("Enter the reference date"))],
        format="%Y-%m-%d",
    )
    reference_time = TimeField(
        lazy_gettext("Time"),
        validators=[Optional()],
        format="%H:%M",
    )

    def validate_reference_date(self, field: DateField) -> None:
        if field.data is not None and not EARLIEST_REFERENCE_DATE <= field.data <= LATEST_REFERENCE_DATE:
            raise ValueError(
                gettext(
                    "Enter a reference date between %(first)s and %(last)s",
                    first=EARLIEST_REFERENCE_DATE.isoformat(),
                    last=LATEST_REFERENCE_DATE.isoformat(),
                )
            )

    def reference_moment(self) -> dt.datetime:
        """The moment given; a date without a time means noon, as everywhere (engine.load.model)."""
        return reference_datetime(
            dt.datetime.combine(self.reference_date.data, self.reference_time.data)
            if self.reference_time.data
            else self.reference_date.data
        )


class UploadForm(FlaskForm):
    """Resume a case from a case file."""

    case_file = FileField(
        lazy_gettext("Case file"), validators=[FileRequired(message=lazy_gettext("Choose a case file to upload"))]
    )


class NoteForm(FlaskForm):
    """The decision-maker's own reasons for deciding differently."""

    note = TextAreaField(
        lazy_gettext("I decided differently, because…"),
        validators=[
            Length(
                max=NOTE_MAX_CHARS,
                message=lazy_gettext("Write at most %(max)d characters", max=NOTE_MAX_CHARS),
            )
        ],
    )


class ActionForm(FlaskForm):
    """A button that changes state (finish and clear): CSRF token only."""


@dataclass(frozen=True)
class AnswerProblem:
    """Why an answer was not accepted: the engine's error, or a missing answer."""

    message: str
    detail: str | None = None


def read_answer(question: Question, form: MultiDict, reference: dt.datetime) -> tuple[Any, AnswerProblem | None]:
    """The typed answer to `question` from a submitted form, or what is wrong with it."""
    values = [v for v in form.getlist("answer") if v.strip()]
    unknown = form.get("unknown") == UNKNOWN_VALUE or values == [UNKNOWN_VALUE]
    if unknown and question.allow_unknown:
        if question.type in ("integer", "date", "datetime", "multi_choice") and [
            v for v in values if v != UNKNOWN_VALUE
        ]:
            return None, AnswerProblem(gettext("Either give an answer or choose “I don't know”, not both"))
        return UNKNOWN, None
    if question.type == "multi_choice":
        raw: Any = values
    elif not values:
        return None, AnswerProblem(_missing_message(question))
    else:
        raw = values[0]
        if question.type == "datetime" and "T" not in raw and " " not in raw.strip():
            raw = raw.strip() + "T"  # a date without a time: let the engine say what is expected
    try:
        return parse_answer(question, raw, reference), None
    except AnswerValueError as err:
        return None, problem_from_engine(question, err.error)


def problem_from_engine(question: Question, error: AnswerError) -> AnswerProblem:
    """The engine's message, then what to do (and its suggestion when it has one)."""
    detail = what_to_enter(question)
    if error.suggestion:
        detail += " " + gettext("Did you mean %(suggestion)s?", suggestion=error.suggestion)
    message = error.message[:1].upper() + error.message[1:]
    return AnswerProblem(message, detail)


def what_to_enter(question: Question) -> str:
    """What to do, in words, for a question's kind of answer ("Enter a whole number from 0 to 25, …")."""
    if question.type == "integer":
        low, high = question.min, question.max
        text = gettext(
            "Enter a whole number from %(low)d to %(high)d%(unit)s, for example %(example)d",
            low=low,
            high=high,
            unit=f" ({question.unit})" if question.unit else "",
            example=low + (high - low) // 2,
        )
    elif question.type == "date":
        text = gettext("Enter a date, for example 2026-03-27")
    elif question.type == "datetime":
        text = gettext("Enter a date and a time, for example 2026-03-27 14:30")
    elif question.type == "multi_choice":
        text = gettext("Choose one or more of the answers shown")
    else:
        text = gettext("Choose one of the answers shown")
    if question.allow_unknown:
        text += gettext(", or choose “I don't know”")
    return text + "."


def _missing_message(question: Question) -> str:
    if question.type in ("yes_no", "choice"):
        return gettext("Select an answer")
    if question.type == "integer":
        return gettext("Enter a whole number")
    if question.type == "date":
        return gettext("Enter a date")
    return gettext("Enter a date and a time")


def form_value(question: Question, value: Any) -> dict[str, Any]:
    """How an answer shows in the form when a question is asked again (change or back)."""
    if value is None:
        return {"values": [], "unknown": False}
    if value is UNKNOWN:
        return {"values": [], "unknown": True}
    if question.type == "yes_no":
        return {"values": ["yes" if value else "no"], "unknown": False}
    if question.type == "multi_choice":
        return {"values": sorted(value), "unknown": False}
    if question.type == "datetime":
        return {"values": [value.isoformat(timespec="minutes")], "unknown": False}
    if isinstance(value, dt.date):
        return {"values": [value.isoformat()], "unknown": False}
    return {"values": [str(value)], "unknown": False}


def submitted_value(form: MultiDict) -> dict[str, Any]:
    """The values just submitted, shown again with the error."""
    return {"values": form.getlist("answer"), "unknown": form.get("unknown") == UNKNOWN_VALUE}
