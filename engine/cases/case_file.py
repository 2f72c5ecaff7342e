"""Case files: the answers of one case in YAML or JSON, as `pathway assess` reads and the web app saves.

```yaml
jurisdiction: baseline          # optional
reference_date: 2026-03-01      # optional (default: now); a date alone means noon that day
knowledge_version: 08c6fa8ea168 # optional: the knowledge base the answers were given under
answers:
  age_at_conduct: 15
  conduct_category: support
# optional: the decision record (what the decision-maker decided, kept with the answers)
case_reference: CJ-2026/0142
court: Juvenile court of Ruritania City
decision_maker: Judge A. Example
decision_date: 2026-03-02
note: Anything else about the decision.   # the single note of earlier versions
events:                         # optional: what has happened since (knowledge/events.yaml), any order
  - {kind: diversion_offered, date: 2026-03-04}
  - {kind: trial_start, date: 2026-05-01T09:30}
decisions:                      # per advised measure: followed, departed (with a reason) or not_decided
  - {measure: diversion, kind: recommend, decision: followed, refer: true}
  - {measure: pretrial_detention, kind: prohibit, decision: departed, reason: ...}
profile:                        # optional: a profile of the user's own, as a profile file writes it
  id: lowland
  name: Lowland (fictional)
  extends: ruritania
  values: {macr: 13}
```

A decision record downloaded from the web app (JSON) is read as its `case` part, so a record can
be resumed, assessed and replayed (`pathway diff`) like the case file it holds.

Whatever is accepted can be written back by `case_data` and read again unchanged; what cannot be
written back (a reference date in the year 226, a version of 9,000 characters) is refused with
its line and field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from engine.cases.case_schema import case_json_validator
from engine.errors import CaseFileError, KnowledgeError, Problem
from engine.load.answers import NOT_CANONICAL, answer_to_data, canonical_answer, parse_answers
from engine.load.entries import validate_entry
from engine.load.knowledge_base import KnowledgeBase
from engine.load.life_dates import MAX_ACTS, Act, AgeAssessment, Day
from engine.load.model import (
    EARLIEST_REFERENCE_DATE,
    INTERNATIONAL_PROFILE,
    LATEST_REFERENCE_DATE,
    Jurisdiction,
    Strict,
    reference_datetime,
)
from engine.load.profiles import profile_as_data, profile_from_data, with_profile
from engine.load.yaml_source import line_of, parse_yaml_text
from engine.run.ages import DatedAges, case_ages
from engine.run.deadlines import RecordedEvent, iso_moment
from engine.run.disputed import check_disputes
from engine.run.session import UnknownHearingError, hearing_for, reference_moment
from engine.suggestions import suggest

MAX_CASE_FILE_BYTES = 256 * 1024
# A knowledge version as `content_hash` or a release writes it; anything else is not one.
KNOWLEDGE_VERSION = re.compile(r"[A-Za-z0-9._+-]{1,64}")

# The decision record: what the decision-maker decided on each advised measure, and the case details.
ADVISED_KINDS = ("require", "recommend", "prohibit")  # the measures a decision is taken on (not flags)
DECISIONS = ("followed", "departed", "not_decided")
MAX_CASE_REFERENCE_CHARS = 64
MAX_NAME_CHARS = 200  # the court, the decision-maker
MAX_NOTE_CHARS = 1000
MAX_REASON_CHARS = 500
MAX_EVENTS = 100  # the events a case records (what has happened since): a case, not a register
# What marks a decision record (the web app's JSON download): its case file is under RECORD_CASE_KEY.
RECORD_KEY, RECORD_CASE_KEY = "record", "case"
RECORD_MARK = "Justice Pathway decision record"
_LINE_BREAKS = str.maketrans({"\r": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})


def reference_from(value: Any) -> dt.datetime:
    """A reference date as a case file or `pathway interview --date` gives it: a date (noon that
    day) or a date and time (local time of the case, to the minute, as the API takes it) between
    the two bounds. Raise `ValueError` saying what is allowed."""
    moment = reference_datetime(value)
    if not isinstance(moment, dt.datetime):  # a number would otherwise be read as a Unix time
        raise ValueError(f"expected a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM (given: {value!r})")
    if not EARLIEST_REFERENCE_DATE <= moment.date() <= LATEST_REFERENCE_DATE:
        raise ValueError(
            f"the reference date must be between {EARLIEST_REFERENCE_DATE} and {LATEST_REFERENCE_DATE} "
            f"(given: {moment.date()})"
        )
    return moment.replace(second=0, microsecond=0)


def record_text(value: str, limit: int, one_line: bool) -> str:
    """A text of the decision record as it is kept: line breaks as "\\n", no space around; raise
    `ValueError` saying what to change if it is longer than `limit` characters, breaks a line that
    must be one, or holds a character that cannot be written in a document (a control character)."""
    text = value.replace("\r\n", "\n").translate(_LINE_BREAKS).strip()
    if one_line and "\n" in text:
        raise ValueError("write it on one line")
    bad = next(
        (c for c in text if (c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cs")) or c in "\ufffe\uffff"),
        None,
    )
    if bad is not None:
        raise ValueError(f"remove the control character U+{ord(bad):04X} (it cannot be printed)")
    if len(text) > limit:
        raise ValueError(f"write at most {limit:,} characters (given: {len(text):,})")
    return text


def record_date(value: Any) -> dt.date:
    """The date of a decision: YYYY-MM-DD between the bounds of a reference date."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # left as text: refused below with what was given
            value = dt.date.fromisoformat(value.strip())
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(f"expected the date of the decision as YYYY-MM-DD, without a time (given: {value!r})")
    if not EARLIEST_REFERENCE_DATE <= value <= LATEST_REFERENCE_DATE:
        raise ValueError(
            f"the date of the decision must be between {EARLIEST_REFERENCE_DATE} and {LATEST_REFERENCE_DATE} "
            f"(given: {value})"
        )
    return value


def event_date(value: Any) -> dt.date:
    """When a recorded event happened: a date YYYY-MM-DD, or a date and time YYYY-MM-DDTHH:MM (to
    the minute, local time of the case), between the bounds of a reference date."""
    moment = value
    if isinstance(value, str):
        text = value.strip()
        with contextlib.suppress(ValueError):  # left as text: refused below with what was given
            moment = dt.datetime.fromisoformat(text) if "T" in text or " " in text else dt.date.fromisoformat(text)
    if isinstance(moment, dt.datetime):
        moment = moment.replace(tzinfo=None, second=0, microsecond=0)
    if not isinstance(moment, dt.date):
        raise ValueError(f"expected a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM (given: {value!r})")
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    if not EARLIEST_REFERENCE_DATE <= day <= LATEST_REFERENCE_DATE:
        raise ValueError(
            f"the date must be between {EARLIEST_REFERENCE_DATE} and {LATEST_REFERENCE_DATE} (given: {day})"
        )
    return moment


class EventEntry(Strict):
    """One event the case records, as a case file writes it: its kind and when it happened."""

    kind: str
    date: dt.date  # a date, or a date and time (a datetime)

    @field_validator("date", mode="wrap")
    @classmethod
    def _a_moment(cls, value: Any, handler: Any) -> dt.date:
        return event_date(value)  # pydantic would cut a datetime to its date: read here instead


def event_data(event: RecordedEvent) -> dict[str, str]:
    """A recorded event as a case file writes it (as `EventEntry` reads it back)."""
    return {"kind": event.kind, "date": iso_moment(event.when)}


class DecisionEntry(Strict):
    """The decision taken on one advised measure, as a case file writes it."""

    measure: str
    kind: Literal["require", "recommend", "prohibit"]
    decision: Literal["followed", "departed", "not_decided"]
    reason: str | None = None  # required when the decision departs from the advice
    refer: bool = False  # listed in the referral letter to child-protection services

    @field_validator("reason")
    @classmethod
    def _a_reason(cls, value: str | None) -> str | None:
        return None if value is None else record_text(value, MAX_REASON_CHARS, one_line=False)


@dataclass(frozen=True)
class MeasureDecision:
    """What the decision-maker decided on one advised measure."""

    kind: str  # require, recommend or prohibit: what the result advised
    measure: str
    decision: str  # followed, departed or not_decided
    reason: str = ""  # why the decision departs (required when it does)
    refer: bool = False  # referred to child-protection services (the referral letter)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.measure)


@dataclass(frozen=True)
class DecisionRecord:
    """The decision record kept with a case: the case details, the decision per measure, a note."""

    case_reference: str = ""
    court: str = ""
    decision_maker: str = ""
    decision_date: dt.date | None = None
    note: str = ""  # anything else; the only text of earlier versions ("I decided differently, because…")
    decisions: tuple[MeasureDecision, ...] = ()

    def decision_on(self, kind: str, measure: str) -> MeasureDecision | None:
        return next((d for d in self.decisions if d.key == (kind, measure)), None)

    def __bool__(self) -> bool:
        return self != DecisionRecord()


class CaseFile(Strict):
    """The content of a case file."""

    jurisdiction: str | None = None
    hearing: str | None = None  # the decision prepared (knowledge/hearings.yaml); none: the whole pathway
    reference_date: dt.datetime | None = None
    conduct_date: dt.date | None = None  # when the alleged conduct took place: the substantive law in force then
    # Dates instead of ages (engine.load.life_dates): the ages at each act are computed from them.
    date_of_birth: Day | None = None
    age_assessment: AgeAssessment | None = None
    acts: list[Act] = Field(default_factory=list, max_length=MAX_ACTS)
    knowledge_version: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    disputed: dict[str, Any] = Field(default_factory=dict)  # question id -> the other side's value
    case_reference: str | None = None
    court: str | None = None
    decision_maker: str | None = None
    decision_date: dt.date | None = None
    note: str | None = None
    decisions: list[DecisionEntry] = Field(default_factory=list)
    events: list[EventEntry] = Field(default_factory=list, max_length=MAX_EVENTS)
    # A jurisdiction profile of the user's own, carried with the case (engine.load.profiles): the
    # case is assessed under it; checked like the shipped profiles when the file is read.
    profile: dict[str, Any] | None = None

    @field_validator("reference_date", mode="before")
    @classmethod
    def _as_datetime(cls, value: Any) -> Any:
        return None if value is None else reference_from(value)

    @field_validator("decision_date", "conduct_date", mode="before")
    @classmethod
    def _a_date(cls, value: Any) -> Any:
        return None if value is None else record_date(value)

    @field_validator("case_reference")
    @classmethod
    def _a_reference(cls, value: str | None) -> str | None:
        return None if value is None else record_text(value, MAX_CASE_REFERENCE_CHARS, one_line=True)

    @field_validator("court", "decision_maker")
    @classmethod
    def _a_name(cls, value: str | None) -> str | None:
        return None if value is None else record_text(value, MAX_NAME_CHARS, one_line=True)

    @field_validator("note")
    @classmethod
    def _a_note(cls, value: str | None) -> str | None:
        return None if value is None else record_text(value, MAX_NOTE_CHARS, one_line=False)

    @field_validator("knowledge_version")
    @classmethod
    def _a_version(cls, value: str | None) -> str | None:
        if value is not None and not KNOWLEDGE_VERSION.fullmatch(value):
            shown = value if len(value) <= 20 else value[:20] + "…"
            raise ValueError(
                "expected the version of the knowledge base the answers were given under: at most 64 letters, "
                f"digits or . _ + - (given: {shown!r}, {len(value):,} characters)"
            )
        return value


@dataclass(frozen=True)
class ParsedCase:
    """A case file checked against the knowledge base: typed answers ready to assess."""

    jurisdiction: str
    reference: dt.datetime
    answers: dict[str, Any]
    knowledge_version: str | None = None
    hearing: str | None = None
    record: DecisionRecord = DecisionRecord()
    saved_reference: dt.datetime | None = None  # the file's own reference date, when another was asked for
    disputes: dict[str, Any] = field(default_factory=dict)  # question id -> the other side's typed value
    conduct_date: dt.date | None = None
    life: LifeDates | None = None  # the dates the ages were computed from (none: whole-year ages as given)
    profile: Jurisdiction | None = None  # the profile the file carries, resolved (None: a shipped one)
    profile_data: dict[str, Any] | None = None  # that profile as written, to save it again with the case
    events: tuple[RecordedEvent, ...] = ()  # what has happened since (in the order the file lists them)

    def knowledge(self, kb: KnowledgeBase) -> KnowledgeBase:
        """The knowledge base to assess this case with: with the profile it carries, if any."""
        return kb if self.profile is None else with_profile(kb, self.profile)


LIFE_FIELDS = frozenset({"date_of_birth", "age_assessment", "acts"})


@dataclass(frozen=True)
class LifeDates:
    """The dates of a case file the ages were computed from, and what was computed."""

    date_of_birth: dt.date | None
    age_assessment: AgeAssessment | None
    acts: tuple[Act, ...]
    ages: DatedAges

    def data(self) -> dict[str, Any]:
        """These dates as case-file fields (as `CaseFile` reads them back)."""
        return {
            **({"date_of_birth": self.date_of_birth.isoformat()} if self.date_of_birth else {}),
            **(
                {"age_assessment": self.age_assessment.model_dump(mode="json", exclude_none=True)}
                if self.age_assessment
                else {}
            ),
            **({"acts": [act.model_dump(mode="json") for act in self.acts]} if self.acts else {}),
        }


def life_from_data(data: Any, reference: dt.datetime, conduct_date: dt.date | None = None) -> LifeDates | None:
    """The dates a case kept (as `LifeDates.data` writes them, e.g. in the web app's cookie) and
    the ages they give at `reference` (with no act dated, at `conduct_date`, the date of the one
    conduct); none if they are not such dates or no longer stand."""
    if not isinstance(data, dict) or not set(data) <= LIFE_FIELDS:
        return None
    try:
        case = CaseFile.model_validate(data)
    except ValidationError:
        return None
    conduct = None if case.acts else conduct_date
    ages, problems = case_ages(case.date_of_birth, case.age_assessment, case.acts, {}, conduct, reference.date())
    if ages is None or problems:
        return None
    return LifeDates(case.date_of_birth, case.age_assessment, tuple(case.acts), ages)


def kept_life(life: LifeDates | None, answers: dict[str, Any]) -> LifeDates | None:
    """The dates to save with these answers: only while every answer they give still stands (an
    age changed by hand replaces what the dates gave, and is saved as answered)."""
    if life is None or any(answers.get(qid) != value for qid, value in life.ages.answers.items()):
        return None
    return life


def _life_dates(case: CaseFile, data: Any, name: str, reference: dt.datetime) -> tuple[LifeDates | None, list[Problem]]:
    """The ages computed from the case file's dates (engine.run.ages), and what contradicts them."""
    ages, found = case_ages(
        case.date_of_birth, case.age_assessment, case.acts, case.answers, case.conduct_date, reference.date()
    )
    problems = [Problem(name, line_of(data, path), None, ".".join(map(str, path)), message) for path, message in found]
    if ages is None:
        return None, problems
    return LifeDates(case.date_of_birth, case.age_assessment, tuple(case.acts), ages), problems


def _too_large(name: str, size: int | None) -> Problem:
    """The file is over the limit: `size` bytes, or (a pipe or device) more than the limit."""
    limit = f"{MAX_CASE_FILE_BYTES:,} bytes"
    found = (
        f"{size:,} bytes; a case file holds at most {limit}"
        if size is not None
        else f"more than {limit}, the most a case file holds"
    )
    advice = "give the case file itself (the answers of one case); for many cases use `pathway batch`"
    return Problem(name, None, None, None, f"the file is too large ({found}): {advice}")


def read_case_text(text: str | bytes, name: str) -> tuple[Any, list[Problem]]:
    """Parse the raw content of a case file (size-limited; UTF-8; YAML or JSON)."""
    if len(text) > MAX_CASE_FILE_BYTES:
        return None, [_too_large(name, len(text))]
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            return None, [Problem(name, None, None, None, f"the file is not UTF-8 text (byte {err.start})")]
    return parse_yaml_text(text, name)


def parse_case(
    kb: KnowledgeBase,
    text: str | bytes,
    name: str,
    jurisdiction: str | None = None,
    reference: dt.datetime | None = None,
) -> ParsedCase:
    """Read and check a case file; raise `CaseFileError` listing every problem (file, line, field).

    `reference`: assess the case at this moment instead of the file's reference date (a case
    resumed as it moves on); its answers are checked against that moment."""
    data, problems = read_case_text(text, name)
    if problems:
        raise CaseFileError(problems)
    return check_case_data(kb, data, name, jurisdiction, reference=reference)


def check_case_data(
    kb: KnowledgeBase,
    data: Any,
    name: str,
    jurisdiction: str | None = None,
    line: int | None = None,
    reference: dt.datetime | None = None,
) -> ParsedCase:
    """Check already-parsed case data (from YAML, or one JSON line of a batch file at `line`)."""
    try:
        return _check_case_data(kb, data, name, jurisdiction, reference)
    except CaseFileError as err:
        if line is None:
            raise
        raise CaseFileError([replace(p, line=p.line or line) for p in err.problems]) from None


def _check_case_data(
    kb: KnowledgeBase, data: Any, name: str, jurisdiction: str | None, reference: dt.datetime | None
) -> ParsedCase:
    """A case file, or the case part of a decision record (its problems then name `case.<field>`)."""
    if not (isinstance(data, dict) and RECORD_KEY in data):
        return _check_case_file(kb, data, name, jurisdiction, reference)
    inner = data.get(RECORD_CASE_KEY)
    if not isinstance(inner, dict):
        raise CaseFileError(
            [
                Problem(
                    name,
                    line_of(data, (RECORD_CASE_KEY,)) or line_of(data, (RECORD_KEY,)),
                    None,
                    RECORD_CASE_KEY,
                    "this decision record holds no case part (`case:` with the answers), as records of earlier "
                    "versions do not: load the case file saved with it",
                )
            ]
        )
    try:
        return _check_case_file(kb, inner, name, jurisdiction, reference)
    except CaseFileError as err:
        raise CaseFileError(
            [replace(p, field=f"{RECORD_CASE_KEY}.{p.field}" if p.field else RECORD_CASE_KEY) for p in err.problems]
        ) from None


def _check_case_file(
    kb: KnowledgeBase, data: Any, name: str, jurisdiction: str | None, moment: dt.datetime | None
) -> ParsedCase:
    case, problems = validate_entry(CaseFile, data, name)
    if case is None:
        raise CaseFileError(problems)
    profile = _carried_profile(kb, data, name) if case.profile is not None and jurisdiction is None else None
    chosen = jurisdiction or (profile.id if profile is not None else case.jurisdiction) or INTERNATIONAL_PROFILE
    if chosen not in kb.jurisdictions and profile is None:
        known = ", ".join(sorted(kb.jurisdictions))
        raise CaseFileError(
            [
                Problem(
                    name,
                    line_of(data, ("jurisdiction",)),
                    None,
                    "jurisdiction",
                    f"unknown jurisdiction '{chosen}' (known: {known})",
                )
            ]
        )
    try:
        hearing_for(kb, case.hearing)
    except UnknownHearingError as err:
        raise CaseFileError([Problem(name, line_of(data, ("hearing",)), None, "hearing", str(err))]) from None
    reference = moment or reference_moment(case.reference_date)
    typed, errors = parse_answers(kb.questions, case.answers, reference)
    record, problems = _decision_record(kb, case, data, name)
    events, event_problems = _recorded_events(kb, case, data, name, reference)
    problems += event_problems
    life, life_problems = _life_dates(case, data, name, reference)
    problems = (
        life_problems
        + [
            Problem(
                name,
                line_of(data, ("answers", e.question_id)),
                None,
                f"answers.{e.question_id}",
                f"{e.message} (given: {e.given!r}; allowed: {e.allowed})",
                e.suggestion,
            )
            for e in errors
        ]
        + problems
    )
    disputes, disputed_problems = check_disputes(kb.questions, typed, case.disputed, reference)
    problems += [
        Problem(
            name,
            line_of(data, ("disputed", qid)),
            None,
            f"disputed.{qid}",
            message,
            None if qid in kb.questions else suggest(qid, kb.questions),
        )
        for qid, message in disputed_problems
    ]
    if problems:
        raise CaseFileError(problems)
    saved = case.reference_date if moment is not None else None
    conduct = case.conduct_date
    if life is not None:
        typed = {**typed, **life.ages.answers}
        conduct = life.ages.conduct_date
    return ParsedCase(
        chosen,
        reference,
        typed,
        case.knowledge_version,
        case.hearing,
        record,
        saved,
        disputes,
        conduct,
        life,
        profile,
        None if profile is None else profile_as_data(data["profile"]),
        events,
    )


def check_events(
    kb: KnowledgeBase, entries: list[EventEntry], reference: dt.datetime
) -> tuple[tuple[RecordedEvent, ...], list[tuple[str, str, str | None]]]:
    """The recorded events of a case (a case file's, the API's), and (field, message, suggestion)
    for each that cannot stand: an unknown kind (with the nearest known one), an event after the
    reference moment (a date alone: after its day)."""
    problems, events = [], []
    for index, entry in enumerate(entries):
        event = RecordedEvent(entry.kind, entry.date)
        if entry.kind not in kb.events:
            known = ", ".join(kb.events) or "none"
            message = f"unknown kind of event '{entry.kind}' (known: {known})"
            problems.append((f"events.{index}.kind", message, suggest(entry.kind, kb.events)))
        after = entry.date > reference if isinstance(entry.date, dt.datetime) else entry.date > reference.date()
        if after:
            message = (
                f"an event after the reference date ({iso_moment(entry.date)} is after "
                f"{iso_moment(reference)}): record what has happened only"
            )
            problems.append((f"events.{index}.date", message, None))
        events.append(event)
    return tuple(events), problems


def _recorded_events(
    kb: KnowledgeBase, case: CaseFile, data: Any, name: str, reference: dt.datetime
) -> tuple[tuple[RecordedEvent, ...], list[Problem]]:
    """The events a checked case file records, and their problems with their lines."""
    events, found = check_events(kb, case.events, reference)
    problems = [
        Problem(name, line_of(data, tuple(int(p) if p.isdigit() else p for p in where.split("."))), None, where, m, s)
        for where, m, s in found
    ]
    return events, problems


def _carried_profile(kb: KnowledgeBase, data: Any, name: str) -> Jurisdiction:
    """The profile a case file carries, checked like a profile file (its problems under `profile.`)."""
    try:
        return profile_from_data(kb, data["profile"], name)
    except KnowledgeError as err:
        raise CaseFileError(
            [replace(p, entry=None, field="profile" + (f".{p.field}" if p.field else "")) for p in err.problems]
        ) from None


def _decision_record(kb: KnowledgeBase, case: CaseFile, data: Any, name: str) -> tuple[DecisionRecord, list[Problem]]:
    """The decision record of a checked case file, and its problems: a decision on an unknown
    measure, a second one on the same measure, a departure without its reason, a prohibited
    measure referred."""
    problems, seen, decisions = [], {}, []
    for index, entry in enumerate(case.decisions):
        where = ("decisions", index)
        if entry.measure not in kb.measures:
            problems.append(
                Problem(
                    name,
                    line_of(data, (*where, "measure")),
                    None,
                    f"decisions.{index}.measure",
                    f"unknown measure '{entry.measure}' (the measures are listed in measures.yaml)",
                    suggest(entry.measure, kb.measures),
                )
            )
        key = (entry.kind, entry.measure)
        if key in seen:
            problems.append(
                Problem(
                    name,
                    line_of(data, where),
                    None,
                    f"decisions.{index}",
                    f"a second decision on the {entry.kind} measure '{entry.measure}' (the first is "
                    f"decisions.{seen[key]}): keep one",
                )
            )
        seen.setdefault(key, index)
        if entry.decision == "departed" and not entry.reason:
            problems.append(
                Problem(
                    name,
                    line_of(data, where),
                    None,
                    f"decisions.{index}.reason",
                    "the decision departs from the advice: give the reason (reason: ...)",
                )
            )
        if entry.refer and entry.kind == "prohibit":
            problems.append(
                Problem(
                    name,
                    line_of(data, (*where, "refer")),
                    None,
                    f"decisions.{index}.refer",
                    "a prohibited measure is not referred to child-protection services: remove `refer`",
                )
            )
        decisions.append(MeasureDecision(entry.kind, entry.measure, entry.decision, entry.reason or "", entry.refer))
    return DecisionRecord(
        case.case_reference or "",
        case.court or "",
        case.decision_maker or "",
        case.decision_date,
        case.note or "",
        tuple(decisions),
    ), problems


class CaseChecker:
    """Checks the JSON lines of a batch, with the same results and problems as `check_case_data`.

    A line is parsed and checked in one pass by `engine.cases.case_schema`, and the case's header
    (profile, reference date, knowledge version) is checked once per distinct header. A line the
    schema refuses, a header not seen before and any problem go through `check_case_data`, which
    words the problems. A header without a reference date is never remembered: its reference
    moment is "now"."""

    def __init__(self, kb: KnowledgeBase, jurisdiction: str | None = None, limit: int = 10_000):
        self.kb, self.jurisdiction, self.limit = kb, jurisdiction, limit
        self._validator = case_json_validator(kb)
        self._dated = [(qid, q) for qid, q in kb.questions.items() if q.type in ("date", "datetime")]
        self._headers: dict[tuple, ParsedCase] = {}

    def _typed_dates(self, answers: dict[str, Any], reference: dt.datetime) -> bool:
        """Convert the date answers in place; False if one is not canonical (or in the future)."""
        for qid, question in self._dated:
            value = answers.get(qid)
            if value is not None:
                typed = canonical_answer(question, value, reference)
                if typed is NOT_CANONICAL:
                    return False
                answers[qid] = typed
        return True

    def check_json(self, text: bytes | str, name: str, line: int | None = None) -> ParsedCase:
        try:
            case = self._validator.validate_json(text)
        except ValidationError:
            case = header = None
        else:
            header = tuple(case.get(key) for key in ("jurisdiction", "reference_date", "knowledge_version", "hearing"))
            known = self._headers.get(header)
            if known is not None:
                answers = case.get("answers", {})
                if self._typed_dates(answers, known.reference):
                    return replace(known, answers=answers)
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as err:  # not JSON, a number too long to read, nested too deep
            where = f"{err.msg} (column {err.colno})" if isinstance(err, json.JSONDecodeError) else str(err)
            raise CaseFileError([Problem(name, line, None, None, f"not a JSON object: {where}")]) from None
        parsed = check_case_data(self.kb, data, name, self.jurisdiction, line)
        if header is not None and header[1] is not None:
            if len(self._headers) >= self.limit:
                self._headers.clear()
            self._headers[header] = replace(parsed, answers={})
        return parsed


def read_case_file(
    kb: KnowledgeBase, path: Path, jurisdiction: str | None = None, reference: dt.datetime | None = None
) -> ParsedCase:
    """Read and check a case file, reading no more than the size limit allows: a regular file is
    refused by its size; a pipe or a device (/dev/zero never ends) after one byte too many."""
    name = str(path)
    try:
        with path.open("rb") as stream:
            info = os.fstat(stream.fileno())  # of the file opened, not of whatever the path names now
            if stat.S_ISREG(info.st_mode) and info.st_size > MAX_CASE_FILE_BYTES:
                raise CaseFileError([_too_large(name, info.st_size)])
            raw = stream.read(MAX_CASE_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as err:
        raise CaseFileError([Problem(name, None, None, None, f"cannot read the file: {err.strerror}")]) from err
    if len(raw) > MAX_CASE_FILE_BYTES:
        raise CaseFileError([_too_large(name, None)])
    return parse_case(kb, raw, name, jurisdiction, reference)


def case_data(
    answers: dict[str, Any],
    jurisdiction: str,
    reference: dt.datetime,
    knowledge_version: str,
    hearing: str | None = None,
    record: DecisionRecord | None = None,
    disputes: dict[str, Any] | None = None,
    conduct_date: dt.date | None = None,
    life: LifeDates | None = None,
    profile: dict[str, Any] | None = None,
    events: tuple[RecordedEvent, ...] = (),
) -> dict[str, Any]:
    """A case as plain data, in the form `parse_case` reads back (the decision record's fields and
    the disputed answers only where they hold something). With `life`, its dates are written and
    what they give (the ages, the category and date of the act) is not: it is computed again.
    With `profile` (a profile of the user's own, as written), the profile travels with the case."""
    if life is not None:
        answers = {key: value for key, value in answers.items() if key not in life.ages.answers}
        conduct_date = None if life.acts else conduct_date
    return {
        "jurisdiction": jurisdiction,
        **({"hearing": hearing} if hearing is not None else {}),
        "reference_date": reference.isoformat(timespec="minutes"),  # strftime writes the year 226 as "226"
        **({"conduct_date": conduct_date.isoformat()} if conduct_date is not None else {}),
        **(life.data() if life is not None else {}),
        "knowledge_version": knowledge_version,
        **record_data(record or DecisionRecord()),
        **({"events": [event_data(e) for e in events]} if events else {}),
        "answers": {key: answer_to_data(value) for key, value in answers.items()},
        **({"disputed": {key: answer_to_data(value) for key, value in disputes.items()}} if disputes else {}),
        **({"profile": profile} if profile is not None else {}),
    }


def record_data(record: DecisionRecord) -> dict[str, Any]:
    """The decision record's fields of a case file (none for an empty record)."""
    data: dict[str, Any] = {
        key: value
        for key, value in (
            ("case_reference", record.case_reference),
            ("court", record.court),
            ("decision_maker", record.decision_maker),
            ("decision_date", record.decision_date.isoformat() if record.decision_date else ""),
            ("note", record.note),
        )
        if value
    }
    if record.decisions:
        data["decisions"] = [
            {
                "measure": d.measure,
                "kind": d.kind,
                "decision": d.decision,
                **({"reason": d.reason} if d.reason else {}),
                **({"refer": True} if d.refer else {}),
            }
            for d in record.decisions
        ]
    return data
