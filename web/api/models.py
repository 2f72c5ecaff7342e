"""Request and response models of the JSON API. The OpenAPI document is generated from these.

Requests are checked by pydantic for shape (types, sizes, counts) and then by the engine for
meaning (is this a question id, is the answer allowed): the same checks `pathway assess` makes.
Responses are built through these models too, so a response that drifts from the document fails
in the view, not in a client.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from engine.cases.case_file import MAX_EVENTS, EventEntry
from engine.load.life_dates import MAX_ACTS, Act, AgeAssessment, Day
from engine.load.model import INTERNATIONAL_PROFILE, Strength, reference_datetime

MAX_ANSWERS = 300
MAX_DISPUTED = 8  # each disputed fact costs one or more assessments of the case
MAX_TEXT = 200
MAX_LIST = 50
MAX_INT = 10**12  # far beyond any question's range; keeps every value printable and JSON-safe
EARLIEST = dt.datetime(1990, 1, 1)
LATEST = dt.datetime(2100, 12, 31, 23, 59)

QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")]
AnswerValue = Annotated[
    bool
    | Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]
    | Annotated[str, StringConstraints(max_length=MAX_TEXT)]
    | Annotated[list[Annotated[str, StringConstraints(max_length=MAX_TEXT)]], Field(max_length=MAX_LIST)],
    Field(
        description=(
            "yes/no: true or false; choice: a choice id; multi_choice: a list of choice ids; integer: a whole "
            'number; date: "YYYY-MM-DD"; datetime: "YYYY-MM-DDTHH:MM". "unknown" where the question allows '
            "it. See GET /api/v1/knowledge for each question's type and choices."
        )
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseRequest(_Model):
    """A case: the answers so far, with the jurisdiction profile and the reference moment."""

    jurisdiction: Annotated[str, StringConstraints(min_length=1, max_length=80)] = Field(
        default=INTERNATIONAL_PROFILE, description="Jurisdiction profile id (GET /api/v1/knowledge lists them)."
    )
    reference_date: dt.datetime | None = Field(
        default=None,
        description=(
            "The moment deadlines are measured at: YYYY-MM-DD or YYYY-MM-DDTHH:MM, between 1990 and 2100; "
            "a date without a time means noon (12:00) that day, as in case files and the command line. Default: now."
        ),
        json_schema_extra=lambda schema: schema.update(
            anyOf=[{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}, {"type": "null"}]
        ),
    )
    conduct_date: dt.date | None = Field(
        default=None,
        description=(
            "When the alleged conduct took place (YYYY-MM-DD, 1990-2100): under a profile with dated values, "
            "the substantive law in force then applies, or a later law more favourable to the child."
        ),
    )
    date_of_birth: Day | None = Field(
        default=None,
        description="The date of birth if established (YYYY-MM-DD): the ages at each act and today are computed.",
    )
    age_assessment: AgeAssessment | None = Field(
        default=None,
        description=(
            "An uncertain age: born_earliest and born_latest, or lowest_age, highest_age and assessed_on, with the "
            "method; the lowest plausible age counts."
        ),
    )
    acts: list[Act] = Field(
        default_factory=list,
        max_length=MAX_ACTS,
        description=(
            "The alleged acts, each with its date and conduct category: the latest committed before 18 is assessed "
            "(age_at_conduct, conduct_category and conduct_date are derived and must not be given too)."
        ),
    )
    answers: dict[QuestionId, AnswerValue] = Field(
        default_factory=dict, max_length=MAX_ANSWERS, description="Answers keyed by question id."
    )
    events: list[EventEntry] = Field(
        default_factory=list,
        max_length=MAX_EVENTS,
        description=(
            "What has happened in the case, in any order: {kind, date}, a kind of GET /api/v1/knowledge's `events` "
            "(diversion_offered, trial_start, judgement...) and a date YYYY-MM-DD or YYYY-MM-DDTHH:MM, not after the "
            "reference date. Shown in the event log; they change no conclusion."
        ),
    )
    profile: dict[str, Any] | None = Field(
        default=None,
        description=(
            "A jurisdiction profile of your own, in the form of a profile file (id, name, values; it may "
            "extends: a profile of GET /api/v1/knowledge and list only what differs; dated values as lists of "
            "periods {from, value, source}), checked like the shipped profiles and used for this request only "
            "(nothing is kept). When given, it is the case's profile and `jurisdiction` is not read."
        ),
    )

    @field_validator("conduct_date", mode="before")
    @classmethod
    def _a_day(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError("expected a date YYYY-MM-DD")
        return value

    @field_validator("conduct_date")
    @classmethod
    def _day_in_range(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not EARLIEST.date() <= value <= LATEST.date():
            raise ValueError("the date of the conduct must be between 1990-01-01 and 2100-12-31")
        return value

    @field_validator("reference_date", mode="before")
    @classmethod
    def _as_datetime(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):  # pydantic would read a number as Unix time
            raise ValueError("expected a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM")
        return reference_datetime(value)

    @field_validator("reference_date")
    @classmethod
    def _in_range(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=None, second=0, microsecond=0)  # local time of the case, to the minute
        if not EARLIEST <= value <= LATEST:
            raise ValueError("the reference date must be between 1990-01-01 and 2100-12-31")
        return value


class AssessRequest(CaseRequest):
    """A case to assess, with any answers the other side disputes."""

    disputed: dict[QuestionId, AnswerValue] = Field(
        default_factory=dict,
        max_length=MAX_DISPUTED,
        description=(
            "Disputed answers: question id -> the value the other side asserts. Each must be an answer given, "
            "with another value (not unknown). The first three are combined in every way; each further one is "
            "varied alone."
        ),
    )


# --- problem details (RFC 9457) ---------------------------------------------------------------


class FieldError(_Model):
    """One thing wrong in the request, naming the field at fault."""

    field: str = Field(description='Where in the request: "answers.<question id>", "reference_date", "body", …')
    message: str
    question: str | None = Field(default=None, description="The question id, for an answer.")
    given: Any = Field(default=None, description="What was given (answers only; long text is cut).")
    allowed: str | None = Field(default=None, description="What may be given instead, in words.")
    suggestion: str | None = Field(default=None, description='A "did you mean" id, when one is close.')


class Problem(_Model):
    """An error, as `application/problem+json` (RFC 9457)."""

    type: str = Field(description='A URI naming the kind of problem ("about:blank" for plain HTTP errors).')
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


# --- assessment (the JSON of `pathway assess --json`) ------------------------------------------


class SourceOut(_Model):
    id: str
    title: str
    pinpoint: str
    binding_force: str = Field(
        description="The force of the instrument itself (treaty, eu_law, security_council, ...)."
    )
    force: str = Field(description="The strength with which this citation is applied to the conclusion.")
    force_label: str
    binding: bool = Field(
        description="Whether the citation, as applied, is binding law (treaty, EU law, Chapter VII decision)."
    )
    verification: str
    verified: bool
    text: str | None = Field(default=None, description="A paraphrase of the provision.")
    quote: str | None = Field(
        default=None, description="The operative words, as read (verified or secondary citations only)."
    )
    symbol: str | None = Field(default=None, description="The official document symbol, e.g. CRC/C/GC/24.")
    url: str | None = Field(default=None, description="A stable official link, where known.")


class ReferenceValueOut(_Model):
    parameter: str
    international: Any


class NationalValueOut(_Model):
    parameter: str
    national: Any


class BasisOut(_Model):
    id: str
    pinpoint: str
    force: str | None = None


class StrengthOut(_Model):
    """How binding a conclusion is, derived from its sources as applied."""

    level: Strength
    label: str
    binding: bool
    words: str = Field(description='What may be said of it: "Prohibited by CRC art 37(a) ..." only for binding law.')
    basis: list[BasisOut]
    reference_values: list[ReferenceValueOut] = Field(
        description="International reference values the conclusion follows from (baseline profile): not national law."
    )
    national_values: list[NationalValueOut]
    why_still_prohibited: list[str]


class LimitOut(_Model):
    amount: int
    unit: Literal["hours", "days", "months"]


class InternationalLimitOut(_Model):
    limit: LimitOut
    due: str
    state: Literal["met", "open", "exceeded", "ended"]


class DeadlineOut(_Model):
    from_question: str
    start: str
    due: str
    state: Literal["met", "open", "exceeded", "ended"]
    exceeded: bool
    met_on: str | None = None
    met_by: str | None = None
    ended_on: str | None = None
    late_hours: float | None = None
    hours_left: float | None = None
    hours_over: float | None = None
    parameter: str
    limit: LimitOut
    international: InternationalLimitOut | None = None
    words: str


class MeasureOut(_Model):
    id: str
    kind: Literal["require", "prohibit", "recommend", "flag"]
    title: str
    description: str | None = None
    decision_point: str
    tags: list[str]
    rules: list[str]
    strength: StrengthOut
    sources: list[SourceOut]
    deadline: DeadlineOut | None = None


class ParameterOut(_Model):
    id: str
    national: Any
    international: Any


class ConclusionOut(_Model):
    kind: str
    measure: str


class TraceStepOut(_Model):
    rule: str
    title: str
    decision_point: str
    stratum: int
    facts: dict[str, Any]
    parameters: list[ParameterOut]
    sets: list[str]
    concludes: list[ConclusionOut]
    sources: list[SourceOut]


class GapOut(_Model):
    parameter: str
    national: Any
    international: Any
    rules: list[str]


class OpenQuestionOut(_Model):
    id: str
    text: str
    waiting_rules: list[str]


class JudgementOut(_Model):
    id: str
    title: str
    why: str


class LawAppliedOut(_Model):
    parameter: str
    value: Any
    since: str
    source: str
    reason: Literal["procedural", "at_conduct", "later_favourable", "no_conduct_date"]
    why: str


class AgeRowOut(_Model):
    date: str
    category: str = Field(description="The act's conduct category (a choice of the question conduct_category).")
    lowest: int
    highest: int
    age: str = Field(description="The age at the act in words: one age, or a range where the lowest counts.")
    standing: Literal["assessed", "other", "below_macr", "adult"] = Field(
        description="The act assessed; another act as a child; below the minimum age in force for it (apart: "
        "no criminal proceedings for it); at 18 or over (apart)."
    )
    note: str
    macr: int | None = Field(default=None, description="The minimum age in force for the act, when it is below it.")


class AgesOut(_Model):
    born: str
    acts: list[AgeRowOut]
    today: str


class RuleInForceOut(_Model):
    rule: str
    applies: bool
    since: str
    until: str | None
    source: str
    law: Literal["substantive", "procedural"]
    effect: Literal["protective", "restrictive"] | None
    reason: Literal[
        "procedural",
        "procedural_not_in_force",
        "at_conduct",
        "later_favourable",
        "not_in_force",
        "not_at_conduct",
        "repealed",
        "no_conduct_date",
        "no_conduct_date_not_in_force",
    ]
    why: str


class ProfileUsedOut(_Model):
    id: str
    name: str
    fictional: bool
    supplied_by_user: bool = Field(
        description="True when the profile came with the request (or a file), not shipped with the tool."
    )


class EventOut(_Model):
    question: str | None = Field(description="The date or date-and-time question whose answer dates the event.")
    kind: str | None = Field(default=None, description="Or the kind of a recorded event (the request's `events`).")
    text: str
    at: str = Field(description="When it happened: YYYY-MM-DD, or YYYY-MM-DDTHH:MM when a time was given.")


class AssessmentOut(_Model):
    """The explained recommendation: measures with their rules and sources, the trace, what is still open."""

    disclaimer: str
    language: str = Field(description="The language of the knowledge texts (titles, explanations, questions).")
    jurisdiction: str
    international_reference: bool = Field(
        description="True under the international reference profile: the values compared are recommended, not national law."
    )
    profile: ProfileUsedOut
    reference_date: str
    conduct_date: str | None = None
    law_applied: list[LawAppliedOut] = Field(
        default_factory=list,
        description="The version applied of each dated value of the profile (the law in force), and why.",
    )
    rules_in_force: list[RuleInForceOut] = Field(
        default_factory=list,
        description="Each rule with a validity period: whether it applies to the case (the law in force), and why.",
    )
    knowledge_version: str
    complete: bool
    answers: dict[str, Any]
    measures: list[MeasureOut]
    trace: list[TraceStepOut]
    national_vs_international: list[GapOut]
    open_questions: list[OpenQuestionOut]
    answers_no_longer_relevant: list[str]
    events: list[EventOut] = Field(
        default_factory=list, description="The case's dated events, in the order they happened (not the order entered)."
    )
    left_to_judgement: list[JudgementOut]
    in_english: list[str] = Field(
        description='The knowledge texts given in English for want of a current translation ("kind:id.field").'
    )
    disputes: DisputesOut | None = Field(
        default=None,
        description="With disputed answers: whether each conclusion holds either way, and on what it turns.",
    )
    ages: AgesOut | None = Field(
        default=None,
        description="With a date of birth or an age assessment: the age at each act and how each act stands.",
    )


class VerdictOut(_Model):
    kind: str
    measure: str
    title: str
    reached_with_answers_given: bool
    holds_either_way: bool
    turns_on: list[str] = Field(description="The disputed questions whose value alone changes this conclusion.")


class DisputesOut(_Model):
    disputed: dict[str, Any] = Field(description="Question id -> the other side's value.")
    combined: list[str] = Field(description="The disputed questions combined in every way (at most three).")
    varied_alone: list[str] = Field(description="Those beyond the bound, each varied alone against the answers given.")
    must_establish: list[str] = Field(description="The disputed questions on which some conclusion turns.")
    conclusions: list[VerdictOut]


# --- knowledge ----------------------------------------------------------------------------------


class ChoiceOut(_Model):
    id: str
    label: str


class QuestionOut(_Model):
    id: str
    decision_point: str
    text: str
    help: str | None = None
    type: Literal["yes_no", "choice", "multi_choice", "integer", "date", "datetime"]
    choices: list[ChoiceOut] | None = None
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    allow_unknown: bool
    past: bool
    allowed: str = Field(description="What may be answered, in words.")


class CitationOut(_Model):
    id: str
    pinpoint: str
    verification: str


class RuleOut(_Model):
    id: str
    decision_point: str
    title: str
    explanation: str
    exception_to: list[str]
    sets: list[str]
    concludes: list[ConclusionOut]
    sources: list[CitationOut]


class KnowledgeSourceOut(_Model):
    id: str
    title: str
    citation: str | None = None
    binding_force: str
    verification: str
    note: str | None = None


class ProfileOut(_Model):
    id: str
    name: str
    description: str | None = None
    fictional: bool
    values: dict[str, Any]


class VersionOut(_Model):
    knowledge_version: str = Field(description="Hash of the knowledge files: the same files give the same version.")
    app_version: str


class EventKindOut(_Model):
    """A kind of event a case may record (a request's `events`)."""

    id: str
    title: str
    timed: bool = Field(description="A time of day is usually known (a date alone is accepted too).")


class KnowledgeOut(_Model):
    knowledge_version: str
    questions: list[QuestionOut]
    rules: list[RuleOut]
    sources: list[KnowledgeSourceOut]
    profiles: list[ProfileOut]
    events: list[EventKindOut] = Field(default_factory=list)


# --- next question ------------------------------------------------------------------------------


class WaitingRuleOut(_Model):
    id: str
    title: str


class NextQuestionOut(_Model):
    """What to ask next for these answers (null when the interview is complete)."""

    knowledge_version: str
    jurisdiction: str
    reference_date: str
    complete: bool
    question: QuestionOut | None
    waiting_rules: list[WaitingRuleOut] = Field(description="The undecided rules that wait on this answer.")
    open_questions: int = Field(description="How many relevant questions are still unanswered.")
    answers_no_longer_relevant: list[str]


# --- decision tree ------------------------------------------------------------------------------


class TreeNodeOut(_Model):
    id: str
    kind: Literal["case", "decision_point", "answer", "rule", "not_applied", "measure"]
    label: str
    detail: str
    on_path: bool
    measure_kind: str | None = None
    uses: list[str]
    items: list[str]
    children: list[TreeNodeOut]


class TreeOut(_Model):
    knowledge_version: str
    tree: TreeNodeOut
