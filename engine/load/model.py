"""The knowledge model: what each kind of entry in `knowledge/` is, validated with pydantic.

Unknown keys are rejected (`extra="forbid"`). Rule conditions stay raw here and are parsed by
`engine.load.conditions`, which gives clearer messages for the condition language than a schema would.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SNAKE = r"^[a-z][a-z0-9_]*$"
RULE_ID = r"^R-[A-Z]+-\d{2}[a-z]?$"
DP_ID = r"^DP-\d{1,2}(\.\d{1,2})?$"
SOURCE_ID = r"^[A-Z][A-Z0-9]*([-/][A-Z0-9]+)*$"
NE_ID = r"^NE-[a-z0-9-]+$"

BindingForce = Literal[
    "treaty",
    "security_council",
    "authoritative_interpretation",
    "non_binding_standard",
    "good_practice",
    "secondary",
]
Verification = Literal["V", "S", "NV"]
MeasureKind = Literal["require", "recommend", "prohibit", "flag"]
MEASURE_KINDS: tuple[str, ...] = ("require", "recommend", "prohibit", "flag")
QuestionType = Literal["yes_no", "choice", "multi_choice", "integer", "date", "datetime"]
MeasureTag = Literal["criminal_process", "prohibited_outcome", "deprivation_of_liberty"]


# The profile of the international reference values (knowledge/jurisdictions/baseline.yaml): the
# default profile, and the yardstick every national value is compared with.
INTERNATIONAL_PROFILE = "baseline"
REFERENCE_TIME_FOR_A_DATE = dt.time(12, 0)


def reference_datetime(value: Any) -> Any:
    """A reference date given without a time means noon that day, everywhere: case files,
    scenarios, the API and `pathway interview --date`. A date and time is kept as given."""
    if isinstance(value, str):
        text = value.strip()
        # A date first, so that every way of writing one ("2026-03-01", "20260301") means noon.
        for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
            try:
                value = parse(text)
                break
            except ValueError:
                continue
        else:
            return value  # left for pydantic to reject with its message
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, REFERENCE_TIME_FOR_A_DATE)
    return value


class Strict(BaseModel):
    """Base for every knowledge entry: unknown keys are errors, entries are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(Strict):
    """A pinpoint citation of a source: which instrument, which article/paragraph, how verified."""

    id: str
    pinpoint: str = Field(min_length=1)
    verification: Verification
    text: str | None = None


class Source(Strict):
    """An entry of the sources register."""

    id: str = Field(pattern=SOURCE_ID)
    title: str = Field(min_length=1)
    citation: str | None = None
    binding_force: BindingForce
    verification: Verification
    note: str | None = None


class DecisionPoint(Strict):
    """A decision point of the pathway (DP-0 ... DP-12 and sub-points)."""

    id: str = Field(pattern=DP_ID)
    title: str = Field(min_length=1)
    summary: str | None = None

    @property
    def order(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.id[3:].split("."))


class Parameter(Strict):
    """A jurisdiction parameter: its type and which direction protects the child more."""

    id: str = Field(pattern=SNAKE)
    title: str = Field(min_length=1)
    type: Literal["integer", "boolean", "choice"]
    unit: Literal["years", "hours", "days", "months"] | None = None
    choices: list[str] | None = None
    protective_direction: Literal["higher", "lower", "equal"]
    description: str | None = None
    sources: list[Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _choices_iff_choice(self) -> Parameter:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("'choices' must be given for type choice, and only for it")
        return self


class Jurisdiction(Strict):
    """A jurisdiction profile: a value for every parameter."""

    id: str = Field(pattern=SNAKE)
    name: str = Field(min_length=1)
    description: str | None = None
    fictional: bool = False
    values: dict[str, Any]
    notes: dict[str, str] = Field(default_factory=dict)


class Duration(Strict):
    """A time limit counted from a date answer, in hours, days or months of a parameter."""

    from_: str = Field(alias="from")
    hours: dict[str, str] | None = None
    days: dict[str, str] | None = None
    months: dict[str, str] | None = None

    @model_validator(mode="after")
    def _one_unit(self) -> Duration:
        given = [u for u in ("hours", "days", "months") if getattr(self, u) is not None]
        if len(given) != 1:
            raise ValueError("a deadline needs exactly one of 'hours', 'days', 'months'")
        if set(getattr(self, given[0])) != {"param"}:
            raise ValueError(f"'{given[0]}' must be written {{param: <parameter id>}}")
        return self

    @property
    def unit(self) -> str:
        return next(u for u in ("hours", "days", "months") if getattr(self, u) is not None)

    @property
    def param(self) -> str:
        return getattr(self, self.unit)["param"]


class Measure(Strict):
    """An outcome a rule can conclude; the rule chooses its kind."""

    id: str = Field(pattern=SNAKE)
    decision_point: str = Field(pattern=DP_ID)
    title: str = Field(min_length=1)
    description: str | None = None
    tags: list[MeasureTag] = Field(default_factory=list)
    deadline: Duration | None = None


class Choice(Strict):
    """One allowed answer of a choice question."""

    id: str = Field(pattern=SNAKE)
    label: str = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _not_unknown(cls, value: str) -> str:
        if value == "unknown":  # the answer "unknown" always means "I don't know"
            raise ValueError("'unknown' is reserved for the answer \"I don't know\"; give the choice another id")
        return value


class Question(Strict):
    """A question asked of the decision-maker, identified by the fact it sets."""

    id: str = Field(pattern=SNAKE)
    decision_point: str = Field(pattern=DP_ID)
    text: str = Field(min_length=1)
    help: str | None = None
    type: QuestionType
    choices: list[Choice] | None = None
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    allow_unknown: bool = False
    past: bool = False

    @model_validator(mode="after")
    def _type_fields(self) -> Question:
        has_choices = self.type in ("choice", "multi_choice")
        if has_choices != bool(self.choices):
            raise ValueError("'choices' must be given for choice and multi_choice questions, and only for them")
        if self.type != "integer" and (self.min is not None or self.max is not None):
            raise ValueError("'min' and 'max' are for integer questions only")
        if self.type == "integer" and (self.min is None or self.max is None):
            raise ValueError("integer questions need 'min' and 'max'")
        if self.past and self.type not in ("date", "datetime"):
            raise ValueError("'past' is for date and datetime questions only")
        if self.choices and len({c.id for c in self.choices}) != len(self.choices):
            raise ValueError("choice ids must be unique within a question")
        return self

    @cached_property
    def choice_ids(self) -> list[str]:
        return [c.id for c in self.choices or []]

    @cached_property
    def choice_id_set(self) -> frozenset[str]:
        return frozenset(self.choice_ids)


class Conclusions(Strict):
    """What a rule concludes: derived facts made true and measures of each kind."""

    set: list[str] = Field(default_factory=list)
    require: list[str] = Field(default_factory=list)
    recommend: list[str] = Field(default_factory=list)
    prohibit: list[str] = Field(default_factory=list)
    flag: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> Conclusions:
        if not any((self.set, self.require, self.recommend, self.prohibit, self.flag)):
            raise ValueError("a rule must conclude something: set, require, recommend, prohibit or flag")
        return self

    def measures(self) -> list[tuple[str, str]]:
        """(kind, measure id) pairs in a stable order."""
        return [(kind, m) for kind in MEASURE_KINDS for m in getattr(self, kind)]


class RuleSpec(Strict):
    """A rule as written in a knowledge file (its condition still raw)."""

    id: str = Field(pattern=RULE_ID)
    decision_point: str = Field(pattern=DP_ID)
    title: str = Field(min_length=1)
    when: Any
    then: Conclusions
    exception_to: list[str] = Field(default_factory=list)
    explanation: str = Field(min_length=1)
    sources: list[Citation] = Field(min_length=1)


class NotEncoded(Strict):
    """A point the standards leave to the decision-maker's judgement."""

    id: str = Field(pattern=NE_ID)
    decision_point: str = Field(pattern=DP_ID)
    title: str = Field(min_length=1)
    why: str = Field(min_length=1)
    sources: list[Citation] = Field(default_factory=list)


class Expectation(Strict):
    """Measures (by kind) and rules that a scenario expects, or forbids."""

    require: list[str] = Field(default_factory=list)
    recommend: list[str] = Field(default_factory=list)
    prohibit: list[str] = Field(default_factory=list)
    flag: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)

    def measures(self) -> list[tuple[str, str]]:
        return [(kind, m) for kind in MEASURE_KINDS for m in getattr(self, kind)]


class Scenario(Strict):
    """A policy-readable test case."""

    name: str = Field(min_length=10)
    vignette: str | None = Field(default=None, pattern=r"^V\d{1,2}$")
    narrative: str | None = None
    jurisdiction: str = INTERNATIONAL_PROFILE
    reference_date: dt.datetime
    answers: dict[str, Any]
    expect: Expectation = Field(default_factory=Expectation)
    must_not: Expectation = Field(default_factory=Expectation)
    complete: bool | None = None

    @field_validator("reference_date", mode="before")
    @classmethod
    def _as_datetime(cls, value: Any) -> dt.datetime:
        return reference_datetime(value)
