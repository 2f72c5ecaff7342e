"""Forms. Fixed forms are Flask-WTF classes (CSRF included); a question's answer is read from the
form here and checked by the engine's own parser, so the web and the CLI accept the same answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError

from engine.cases.case_file import (
    EARLIEST_REFERENCE_DATE,
    LATEST_REFERENCE_DATE,
    MAX_CASE_REFERENCE_CHARS,
    MAX_EVENTS,
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    MAX_REASON_CHARS,
    DecisionRecord,
    MeasureDecision,
    record_date,
    record_text,
)
from engine.errors import AnswerError
from engine.load.answers import AnswerValueError, exclusive_clash, parse_answer
from engine.load.conditions import UNKNOWN
from engine.load.model import Choice, Question, reference_datetime
from engine.run.disputed import dispute_problem
from engine.run.explanation import MeasureOutcome

from .config import NOTE_MAX_CHARS
from .dates import DatesFields
from .texts import kt_plain

UNKNOWN_VALUE = "unknown"


def given_moment(date: dt.date, time: dt.time | None) -> dt.datetime:
    """The moment given; a date without a time means noon, as everywhere (engine.load.model)."""
    return reference_datetime(dt.datetime.combine(date, time) if time else date)


class StartForm(DatesFields, FlaskForm):
    """Start a case: the decision at hand, the jurisdiction profile and the reference moment, and
    optionally the dates of the case (web.dates)."""

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
    # A profile of the user's own (YAML), used instead of the one chosen; checked in the view.
    profile_file = FileField(lazy_gettext("A profile file of your own"), validators=[Optional()])

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
        return given_moment(self.reference_date.data, self.reference_time.data)


ASSESS_ON = [
    ("now", lazy_gettext("Now: the case has moved on since it was saved")),
    ("saved", lazy_gettext("The reference date saved in the file")),
    ("date", lazy_gettext("Another date:")),
]


class DatesForm(DatesFields, FlaskForm):
    """Change the dates of the case in progress (web.dates)."""


class UploadForm(FlaskForm):
    """Resume a case from a case file, assessed now (the case has moved on), at its saved date or at a date given."""

    case_file = FileField(
        lazy_gettext("Case file"), validators=[FileRequired(message=lazy_gettext("Choose a case file to upload"))]
    )
    assess_on = RadioField(
        lazy_gettext("Assess the case on"),
        choices=ASSESS_ON,
        default="now",
        validators=[Optional()],
    )
    reference_date = DateField(lazy_gettext("Date"), validators=[Optional()], format="%Y-%m-%d")
    reference_time = TimeField(lazy_gettext("Time"), validators=[Optional()], format="%H:%M")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.assess_on.data == "date" and self.reference_date.data is None and not self.reference_date.errors:
            self.reference_date.errors = [gettext("Enter the date to assess the case on")]
            return False
        return valid

    def validate_reference_date(self, field: DateField) -> None:
        if self.assess_on.data == "date" and not EARLIEST_REFERENCE_DATE <= field.data <= LATEST_REFERENCE_DATE:
            raise ValueError(
                gettext(
                    "Enter a reference date between %(first)s and %(last)s",
                    first=EARLIEST_REFERENCE_DATE.isoformat(),
                    last=LATEST_REFERENCE_DATE.isoformat(),
                )
            )

    @property
    def assess_on_items(self) -> list[tuple[str, str, None]]:
        """The choices as the radios macro takes them (value, label, hint)."""
        return [(value, label, None) for value, label in ASSESS_ON]

    def reference_moment(self) -> dt.datetime | None:
        """The moment to assess at: now, the one given, or None for the file's own reference date."""
        if self.assess_on.data == "saved":
            return None
        if self.assess_on.data == "date":
            return given_moment(self.reference_date.data, self.reference_time.data)
        return dt.datetime.now().replace(second=0, microsecond=0)


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


class RecordText:
    """A text of the decision record, checked as a case file checks it (length, one line, printable)."""

    def __init__(self, limit: int, one_line: bool):
        self.limit, self.one_line = limit, one_line

    def __call__(self, form: FlaskForm, field: Field) -> None:
        try:
            field.data = record_text(field.data or "", self.limit, self.one_line)
        except ValueError as err:
            message = str(err)
            raise ValidationError(message[:1].upper() + message[1:]) from None


def _decision_date(form: FlaskForm, field: DateField) -> None:
    if field.data is not None:
        try:
            record_date(field.data)
        except ValueError as err:
            raise ValidationError(
                gettext(
                    "Enter a date of the decision between %(first)s and %(last)s",
                    first=EARLIEST_REFERENCE_DATE.isoformat(),
                    last=LATEST_REFERENCE_DATE.isoformat(),
                )
            ) from err


DECISION_CHOICES = (
    ("not_decided", lazy_gettext("Not decided")),
    ("followed", lazy_gettext("Followed")),
    ("departed", lazy_gettext("Departed")),
)


class DecisionRecordForm(FlaskForm):
    """The decision record: the case details, the decision taken on each advised measure (fields
    added per case by `decision_record_form`) and a note. The note keeps its old field name."""

    case_reference = StringField(
        lazy_gettext("Case reference"), validators=[RecordText(MAX_CASE_REFERENCE_CHARS, one_line=True)]
    )
    court = StringField(lazy_gettext("Court"), validators=[RecordText(MAX_NAME_CHARS, one_line=True)])
    decision_maker = StringField(lazy_gettext("Decision-maker"), validators=[RecordText(MAX_NAME_CHARS, one_line=True)])
    decision_date = DateField(
        lazy_gettext("Date of the decision"),
        validators=[Optional(), _decision_date],
        format="%Y-%m-%d",
    )
    note = TextAreaField(
        lazy_gettext("Other reasons or remarks (optional)"),
        validators=[RecordText(MAX_NOTE_CHARS, one_line=False)],
    )
    measures: Sequence[MeasureOutcome] = ()

    @staticmethod
    def key(measure: MeasureOutcome) -> str:
        return f"{measure.kind}_{measure.id}"

    decision_choices = DECISION_CHOICES

    def decision_field(self, measure: MeasureOutcome) -> StringField:
        return self["decision_" + self.key(measure)]

    def reason_field(self, measure: MeasureOutcome) -> StringField:
        return self["reason_" + self.key(measure)]

    def refer_field(self, measure: MeasureOutcome) -> BooleanField | None:
        name = "refer_" + self.key(measure)
        return self._fields.get(name)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for measure in self.measures:
            reason = self.reason_field(measure)
            if self.decision_field(measure).data == "departed" and not reason.data and not reason.errors:
                reason.errors = [
                    *reason.errors,
                    gettext("Give the reason for departing from “%(measure)s”", measure=measure.title),
                ]
                valid = False
        return valid

    def record(self, kept: DecisionRecord) -> DecisionRecord:
        """The decision record as submitted (`kept`: the decisions on measures this form does not show)."""
        shown = {(m.kind, m.id) for m in self.measures}
        decisions = []
        for measure in self.measures:
            decision, reason = self.decision_field(measure).data, self.reason_field(measure).data or ""
            refer = self.refer_field(measure)
            referred = bool(refer and refer.data)
            if decision != "not_decided" or reason or referred:
                decisions.append(MeasureDecision(measure.kind, measure.id, decision, reason, referred))
        others = [d for d in kept.decisions if d.key not in shown]
        return DecisionRecord(
            self.case_reference.data or "",
            self.court.data or "",
            self.decision_maker.data or "",
            self.decision_date.data,
            self.note.data or "",
            (*decisions, *others),
        )


def decision_record_form(measures: Sequence[MeasureOutcome], record: DecisionRecord) -> DecisionRecordForm:
    """The decision record form for these advised measures, filled with `record`. On a POST it
    reads the submitted values; a field the submission leaves out keeps the recorded value."""

    class Form(DecisionRecordForm):
        pass

    data: dict[str, Any] = {
        "case_reference": record.case_reference,
        "court": record.court,
        "decision_maker": record.decision_maker,
        "decision_date": record.decision_date,
        "note": record.note,
    }
    for measure in measures:
        key = DecisionRecordForm.key(measure)
        taken = record.decision_on(measure.kind, measure.id)
        setattr(
            Form,
            "decision_" + key,
            StringField(
                measure.title,
                default="not_decided",
                validators=[AnyOf([value for value, _ in DECISION_CHOICES], message=lazy_gettext("Choose a decision"))],
            ),
        )
        setattr(
            Form,
            "reason_" + key,
            StringField(
                lazy_gettext("Reason, if you departed"), validators=[RecordText(MAX_REASON_CHARS, one_line=False)]
            ),
        )
        data["decision_" + key] = taken.decision if taken else "not_decided"
        data["reason_" + key] = taken.reason if taken else ""
        if measure.kind != "prohibit":  # a prohibited measure is not referred
            setattr(Form, "refer_" + key, BooleanField(lazy_gettext("Refer to child-protection services")))
            data["refer_" + key] = bool(taken and taken.refer)
    form = Form(data=data)
    form.measures = tuple(measures)
    return form


class ActionForm(FlaskForm):
    """A button that changes state (finish and clear): CSRF token only."""


def _event_day(form: FlaskForm, field: DateField) -> None:
    """The day of an event: within the bounds of a reference date (engine.cases.case_file.event_date)."""
    if field.data is not None and not EARLIEST_REFERENCE_DATE <= field.data <= LATEST_REFERENCE_DATE:
        raise ValidationError(
            gettext(
                "Enter a date between %(first)s and %(last)s",
                first=EARLIEST_REFERENCE_DATE.isoformat(),
                last=LATEST_REFERENCE_DATE.isoformat(),
            )
        )


class EventForm(FlaskForm):
    """An event that has happened in the case (knowledge/events.yaml): its kind, date and, if known,
    time. `reference` (the case's reference moment) is set by the view: nothing after it is recorded."""

    kind = SelectField(lazy_gettext("What happened"), validators=[InputRequired(lazy_gettext("Choose what happened"))])
    date = DateField(
        lazy_gettext("Date"),
        validators=[InputRequired(lazy_gettext("Enter the date it happened, as YYYY-MM-DD")), _event_day],
        format="%Y-%m-%d",
    )
    time = TimeField(lazy_gettext("Time (24-hour clock, optional)"), validators=[Optional()])
    reference: dt.datetime | None = None
    recorded = 0  # the events the case records already: a case file holds at most MAX_EVENTS

    def validate_kind(self, field: SelectField) -> None:
        if self.recorded >= MAX_EVENTS:
            raise ValidationError(
                gettext("A case records at most %(limit)d events: remove one first", limit=MAX_EVENTS)
            )

    def moment(self) -> dt.date:
        """When it happened: the date, or the date and time if a time was given."""
        return dt.datetime.combine(self.date.data, self.time.data) if self.time.data else self.date.data

    def validate_date(self, field: DateField) -> None:
        if field.data is None or self.reference is None or self.time.errors:
            return
        moment = self.moment()
        after = moment > self.reference if isinstance(moment, dt.datetime) else moment > self.reference.date()
        if after:
            raise ValidationError(
                gettext(
                    "This is after the reference date of the case (%(reference)s): record what has happened only",
                    reference=self.reference.strftime("%Y-%m-%d %H:%M"),
                )
            )


class RemoveEventForm(FlaskForm):
    """Remove one recorded event: its place in the list travels in the POST body, never the URL."""

    index = IntegerField(validators=[InputRequired(), NumberRange(min=0)])


@dataclass(frozen=True)
class AnswerProblem:
    """Why an answer was not accepted: the engine's error, or a missing answer. `field` is the
    field it is about: the answer, or the other side's value of a disputed fact."""

    message: str
    detail: str | None = None
    field: str = "answer"


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
    given = error.given if isinstance(error.given, (list, tuple, set, frozenset)) else ()
    clash = exclusive_clash(question, given) if question.type == "multi_choice" else None
    if clash is not None:
        alone, others = clash

        def label(choice: Choice) -> str:
            return kt_plain("questions", question.id, f"choices.{choice.id}")

        return AnswerProblem(
            gettext(
                "“%(alone)s” cannot be ticked together with %(others)s",
                alone=label(alone),
                others=gettext(" or ").join(f"“{label(c)}”" for c in others),
            ),
            gettext("Untick “%(alone)s”, or untick the other answers.", alone=label(alone)),
        )
    detail = what_to_enter(question)
    if error.suggestion:
        detail += " " + gettext("Did you mean %(suggestion)s?", suggestion=error.suggestion)
    message = error.message[:1].upper() + error.message[1:]
    return AnswerProblem(message, detail)


def what_to_enter(question: Question) -> str:
    """What to do, in words, for a question's kind of answer ("Enter a whole number from 0 to 25, …")."""
    if question.type == "integer":
        low, high = question.min, question.max
        unit = f" ({question.unit})" if question.unit else ""
        text = gettext(
            "Enter a whole number from %(low)d to %(high)d%(unit)s, for example %(example)d",
            low=low,
            high=high,
            unit=unit,
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


DISPUTED_FIELD, OTHER_FIELD = "disputed", "other"


def read_dispute(
    question: Question, form: MultiDict, given: Any, reference: dt.datetime
) -> tuple[Any, AnswerProblem | None]:
    """The other side's value of a fact marked disputed on the question page (None: not marked),
    or what is wrong with it; read like the answer itself, without "I don't know"."""
    if form.get(DISPUTED_FIELD) != "yes":
        return None, None
    other, problem = read_answer(question, MultiDict([("answer", v) for v in form.getlist(OTHER_FIELD)]), reference)
    if problem is not None:
        message = gettext("The other side’s value: %(message)s", message=problem.message)
        return None, AnswerProblem(message, problem.detail, OTHER_FIELD)
    why = dispute_problem(question, given, other)
    if why is not None:
        return None, AnswerProblem(gettext("The other side’s value: %(message)s", message=why), None, OTHER_FIELD)
    return other, None


def dispute_value(question: Question, form: MultiDict | None, other: Any) -> dict[str, Any]:
    """How the disputed-fact control shows: ticked or not, and the other side's value."""
    if form is not None:
        return {"disputed": form.get(DISPUTED_FIELD) == "yes", "values": form.getlist(OTHER_FIELD)}
    return {"disputed": other is not None, "values": form_value(question, other)["values"]}


def submitted_value(form: MultiDict) -> dict[str, Any]:
    """The values just submitted, shown again with the error."""
    return {"values": form.getlist("answer"), "unknown": form.get("unknown") == UNKNOWN_VALUE}
