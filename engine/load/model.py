"""The knowledge model: what each kind of entry in `knowledge/` is, validated with pydantic.

Unknown keys are rejected (`extra="forbid"`). Rule conditions stay raw here and are parsed by
`engine.load.conditions`, which gives clearer messages for the condition language than a schema would.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.i18n import N_
from engine.load.life_dates import MAX_ACTS, Act, ActStanding, AgeAssessment, Day

SNAKE = r"^[a-z][a-z0-9_]*$"
RULE_ID = r"^R-[A-Z]+-\d{2}[a-z]?$"
DP_ID = r"^DP-\d{1,2}(\.\d{1,2})?$"
SOURCE_ID = r"^[A-Z][A-Z0-9]*([-/][A-Z0-9]+)*$"
NE_ID = r"^NE-[a-z0-9-]+$"

BindingForce = Literal[
    "treaty",
    "eu_law",
    "security_council",
    "authoritative_interpretation",
    "non_binding_standard",
    "good_practice",
    "secondary",
]
Verification = Literal["V", "S", "NV"]
VERIFICATION_RANK = {"V": 2, "S": 1, "NV": 0}

# The normative strength of a source as applied to one conclusion, strongest first. Only the
# first three bind anyone (States parties to the treaty, EU Member States, every UN Member for a
# Chapter VII decision); a Security Council clause that "urges", "calls upon" or "encourages" is a
# recommendation even in a Chapter VII resolution. `design_inference` is the tool's own reasoning.
Strength = Literal[
    "treaty_obligation",
    "eu_law",
    "security_council_decision",
    "authoritative_interpretation",
    "security_council_recommendation",
    "non_binding_standard",
    "good_practice",
    "commentary",
    "design_inference",
]
STRENGTHS: tuple[str, ...] = get_args(Strength)
BINDING_STRENGTHS = frozenset({"treaty_obligation", "eu_law", "security_council_decision"})
# In English; translated where shown (`_(STRENGTH_LABELS[s])`, engine.i18n).
STRENGTH_LABELS = {
    "treaty_obligation": N_("binding treaty obligation"),
    "eu_law": N_("binding EU law"),
    "security_council_decision": N_("binding Security Council decision (Chapter VII)"),
    "authoritative_interpretation": N_("authoritative interpretation"),
    "security_council_recommendation": N_("Security Council recommendation (not binding)"),
    "non_binding_standard": N_("non-binding standard"),
    "good_practice": N_("good practice"),
    "commentary": N_("commentary or report"),
    "design_inference": N_("design inference (this tool's own reasoning)"),
}
# The strength a citation has when it does not say (`force:`), by the binding force of its source.
DEFAULT_FORCE = {
    "treaty": "treaty_obligation",
    "eu_law": "eu_law",
    "security_council": "security_council_recommendation",
    "authoritative_interpretation": "authoritative_interpretation",
    "non_binding_standard": "non_binding_standard",
    "good_practice": "good_practice",
    "secondary": "commentary",
}


def strongest(levels) -> str:
    """The strongest of some strengths (design inference when there is none)."""
    return min(levels, key=STRENGTHS.index, default="design_inference")


def weakest(levels) -> str | None:
    """The weakest of some strengths (None when there is none)."""
    return max(levels, key=STRENGTHS.index, default=None)


def is_binding(level: str) -> bool:
    return level in BINDING_STRENGTHS


MeasureKind = Literal["require", "recommend", "prohibit", "flag"]
MEASURE_KINDS: tuple[str, ...] = ("require", "recommend", "prohibit", "flag")
QuestionType = Literal["yes_no", "choice", "multi_choice", "integer", "date", "datetime"]
DeadlineState = Literal["met", "open", "exceeded", "ended"]
# A state as a scenario states it: "_late" when the event (or the release) came after the due moment.
ScenarioDeadlineState = Literal["met", "met_late", "open", "exceeded", "ended", "ended_late"]
MeasureTag = Literal["criminal_process", "prohibited_outcome", "deprivation_of_liberty", "security_listing"]


# The profile of the international reference values (knowledge/jurisdictions/baseline.yaml): the
# default profile, and the yardstick every national value is compared with.
INTERNATIONAL_PROFILE = "baseline"
REFERENCE_TIME_FOR_A_DATE = dt.time(12, 0)
# The reference dates a case may have (case files, the web start form): wide enough for any real
# case, and narrow enough that every date is written with four-digit years and can be read back.
# A profile's dated values cover every one of them.
EARLIEST_REFERENCE_DATE = dt.date(1990, 1, 1)
LATEST_REFERENCE_DATE = dt.date(2100, 12, 31)


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
    """A pinpoint citation of a source: which instrument, which article/paragraph, how verified.

    `text` is a paraphrase; `quote` the operative words as read (only where the text was read:
    verification V or S). `force` is the strength of the source as applied to this conclusion
    (default: from the source's binding force; never stronger than the source allows);
    `applies_to` restricts the citation to some of the rule's measures (default: all of them).
    """

    id: str
    pinpoint: str = Field(min_length=1)
    verification: Verification
    text: str | None = None
    quote: str | None = Field(default=None, min_length=1)
    force: Strength | None = None
    applies_to: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _quote_needs_reading(self) -> Citation:
        if self.quote is not None and self.verification == "NV":
            raise ValueError("a 'quote' gives words as read: it needs verification V or S, not NV")
        return self

    def force_in(self, source: Source) -> str:
        """This citation's strength as applied (its own `force`, else its source's default)."""
        return self.force or source.default_force


class Source(Strict):
    """An entry of the sources register.

    `symbol` is the official document symbol (CRC/C/GC/24, S/RES/2427 (2018)...), `url` a stable
    official link; `chapter_vii` says, for a Security Council resolution, whether it was adopted
    under Chapter VII of the Charter (only then can a clause in which the Council *decides* bind;
    when it is not said, no citation of the resolution may claim binding force).
    """

    id: str = Field(pattern=SOURCE_ID)
    title: str = Field(min_length=1)
    citation: str | None = None
    symbol: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://[^\s]+$")
    binding_force: BindingForce
    chapter_vii: bool | None = None
    verification: Verification
    note: str | None = None

    @model_validator(mode="after")
    def _chapter_vii_for_resolutions(self) -> Source:
        if self.chapter_vii is not None and self.binding_force != "security_council":
            raise ValueError("'chapter_vii' is for Security Council resolutions only")
        return self

    @property
    def default_force(self) -> str:
        return DEFAULT_FORCE[self.binding_force]

    @property
    def max_force(self) -> str:
        """The strongest strength a citation of this source may claim."""
        if self.binding_force == "security_council" and self.chapter_vii:
            return "security_council_decision"
        return self.default_force


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
    # The strength of the international reference value (baseline): a conclusion that follows from
    # it is no stronger than this under the baseline profile. Default: its strongest citation.
    reference_force: Strength | None = None
    # Which law applies when a profile dates its values: substantive law at the time of the conduct
    # (or the later law more favourable to the child), procedural law on the date of the decision.
    law: Literal["substantive", "procedural"] = "substantive"
    sources: list[Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _choices_iff_choice(self) -> Parameter:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("'choices' must be given for type choice, and only for it")
        return self


class Validity(Strict):
    """A period in force: from a date, until a date (the last day in force) or open-ended, with
    the law that sets it. The one way periods are written: a parameter's dated values
    (`Period`) and a rule's validity (`InForce`)."""

    from_: dt.date = Field(alias="from")
    until: dt.date | None = None
    source: str = Field(min_length=1)  # the law that sets it (title, section), never a period without one

    @model_validator(mode="after")
    def _from_before_until(self) -> Validity:
        if self.until is not None and self.until < self.from_:
            raise ValueError(
                f"'until' ({self.until}) is before 'from' ({self.from_}): a period ends on or after it begins"
            )
        return self

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)


class Period(Validity):
    """A value of a parameter in force from a date: until the next period begins (or `until`)."""

    value: Any


class InForce(Validity):
    """When a rule is in force (`in_force:` of a rule), and how its date is chosen.

    `law: procedural`: the rule applies when in force on the date of the decision. `law:
    substantive` (the default): it applies by the law at the time of the conduct, with the later
    more favourable law (engine.run.law_in_force) - so `effect` must say whether the rule protects
    the child (its safeguards apply if in force on any day from the conduct to the decision) or
    restricts the child (only if in force on every day from the conduct to the decision).
    """

    law: Literal["substantive", "procedural"] = "substantive"
    effect: Literal["protective", "restrictive"] | None = None

    @model_validator(mode="after")
    def _effect_for_substantive(self) -> InForce:
        if self.law == "substantive" and self.effect is None:
            raise ValueError(
                "a substantive rule in force for a period needs 'effect: protective' or 'effect: restrictive' "
                "(which law is more favourable to the child depends on it)"
            )
        if self.law == "procedural" and self.effect is not None:
            raise ValueError("'effect' is for substantive rules only: procedure applies the law on the decision date")
        return self


class Jurisdiction(Strict):
    """A jurisdiction profile: a value for every parameter, its own or inherited (`extends`).

    A value may be a list of dated periods (`[{from: 2026-06-01, value: 14, source: ...}]`); the
    loader keeps the list in `dated` and the value in force last in `values`.
    """

    id: str = Field(pattern=SNAKE)
    name: str = Field(min_length=1)
    description: str | None = None
    fictional: bool = False
    extends: str | None = None
    values: dict[str, Any]
    notes: dict[str, str] = Field(default_factory=dict)
    dated: dict[str, tuple[Period, ...]] = Field(default_factory=dict)  # filled by the loader

    def period_on(self, name: str, day: dt.date) -> Period | None:
        """The dated value of `name` in force on `day` (None: not dated, or no period covers it)."""
        found = None
        for period in self.dated.get(name, ()):
            if period.covers(day):
                found = period
        return found


class Duration(Strict):
    """A time limit counted from a date answer, in hours, days or months of a parameter.

    `from` names one date question or several (the latest answered counts: a detention review
    restarts the clock of the next); `met_by` the answers that say the deadline was met - a date
    question (met on that date) or a yes/no question (yes: met on a date not given); `ended_by`
    the date questions that stop the clock before it is met (the child's release ends the
    detention limits).
    """

    from_: str | list[str] = Field(alias="from")
    met_by: list[str] = Field(default_factory=list)
    ended_by: list[str] = Field(default_factory=list)
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
    def counts_from(self) -> tuple[str, ...]:
        return (self.from_,) if isinstance(self.from_, str) else tuple(self.from_)

    @property
    def unit(self) -> str:
        return next(u for u in ("hours", "days", "months") if getattr(self, u) is not None)

    @property
    def param(self) -> str:
        return getattr(self, self.unit)["param"]


class EventKind(Strict):
    """A kind of event a case may record as it moves on (knowledge/events.yaml): a decision taken
    (diversion offered, a judgement...) that no rule sets a time limit on, so it is recorded, not
    asked; `timed` says whether a time of day is usually known (a trial opens at an hour)."""

    id: str = Field(pattern=SNAKE)
    title: str = Field(min_length=1)
    timed: bool = False


class Measure(Strict):
    """An outcome a rule can conclude; the rule chooses its kind."""

    id: str = Field(pattern=SNAKE)
    decision_point: str = Field(pattern=DP_ID)
    title: str = Field(min_length=1)
    description: str | None = None
    tags: list[MeasureTag] = Field(default_factory=list)
    deadline: Duration | None = None
    # A near-duplicate of another measure ("offer diversion" of "diversion"): rules keep concluding
    # it on their own, but a result reached with both shows them as one item, with every rule and source.
    variant_of: str | None = Field(default=None, pattern=SNAKE)


class Choice(Strict):
    """One allowed answer of a choice question."""

    id: str = Field(pattern=SNAKE)
    label: str = Field(min_length=1)
    # Of a multi_choice question: a choice that stands alone ("None known"): ticked with any
    # other choice, the answer contradicts itself and is refused.
    exclusive: bool = False

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
    # A follow-up (the date of an event already answered yes): asked only while this condition
    # holds and a rule in scope needs it (engine.run.evaluator.Relevance).
    ask_when: Any = None

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
        if self.type != "multi_choice" and any(c.exclusive for c in self.choices or []):
            raise ValueError("'exclusive' is for the choices of multi_choice questions only")
        return self

    @cached_property
    def choice_ids(self) -> list[str]:
        return [c.id for c in self.choices or []]

    @cached_property
    def choice_id_set(self) -> frozenset[str]:
        return frozenset(self.choice_ids)

    @cached_property
    def exclusive_ids(self) -> frozenset[str]:
        """The choices that stand alone (`exclusive: true`)."""
        return frozenset(c.id for c in self.choices or [] if c.exclusive)


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
    # Why the rule still concludes `prohibit` although no binding source supports the prohibition
    # (it then reads "the international standards advise against"); `pathway check` requires it.
    non_binding_prohibition: str | None = Field(default=None, min_length=1)
    # Parameters the condition reads only to say when the rule applies (for example whether national
    # law provides diversion at all): its conclusions do not follow from their values, so under the
    # international reference profile they do not limit the conclusions' strength.
    scope_parameters: list[str] = Field(default_factory=list)
    # When the rule is in force (None: always); see `InForce` and engine.run.law_in_force.
    in_force: InForce | None = None


class NotEncoded(Strict):
    """A point the standards leave to the decision-maker's judgement."""

    id: str = Field(pattern=NE_ID)
    decision_point: str = Field(pattern=DP_ID)
    title: str = Field(min_length=1)
    why: str = Field(min_length=1)
    sources: list[Citation] = Field(default_factory=list)
    # When the point arises in a case, in the condition language of rules (answers and derived
    # facts); a result lists it only when the condition holds. None: it arises in every case.
    applies_when: Any = None


class Expectation(Strict):
    """Measures (by kind) and rules that a scenario expects, or forbids."""

    require: list[str] = Field(default_factory=list)
    recommend: list[str] = Field(default_factory=list)
    prohibit: list[str] = Field(default_factory=list)
    flag: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
    # The normative strength each measure comes out with (expect), or must not come out with
    # (must_not), by measure id, e.g. {death_penalty: treaty_obligation}.
    strength: dict[str, Strength] = Field(default_factory=dict)
    # The state each deadline is in at the reference date (expect), or must not be in (must_not),
    # by measure id, e.g. {appearance_before_judge: exceeded}, met_late / ended_late when the event
    # or the release came after the due moment; `international` the same for the international
    # limit where the profile's differs.
    deadlines: dict[str, ScenarioDeadlineState] = Field(default_factory=dict)
    international_deadlines: dict[str, ScenarioDeadlineState] = Field(default_factory=dict)
    # How each dated act stands (expect only), by the act's date, e.g. {2024-07-01: below_macr}:
    # assessed, other, below_macr (apart: under the minimum age in force for it), adult (apart).
    acts: dict[Day, ActStanding] = Field(default_factory=dict)

    def measures(self) -> list[tuple[str, str]]:
        return [(kind, m) for kind in MEASURE_KINDS for m in getattr(self, kind)]


class Scenario(Strict):
    """A policy-readable test case."""

    name: str = Field(min_length=10)
    vignette: str | None = Field(default=None, pattern=r"^V\d{1,2}$")
    narrative: str | None = None
    jurisdiction: str = INTERNATIONAL_PROFILE
    hearing: str | None = None  # the decision the story is about (knowledge/hearings.yaml); none: the whole pathway
    reference_date: dt.datetime
    conduct_date: dt.date | None = None  # when the alleged conduct took place (the substantive law in force then)
    # Dates instead of ages (engine.load.life_dates, engine.run.ages), as a case file gives them.
    date_of_birth: Day | None = None
    age_assessment: AgeAssessment | None = None
    acts: list[Act] = Field(default_factory=list, max_length=MAX_ACTS)
    answers: dict[str, Any]
    expect: Expectation = Field(default_factory=Expectation)
    must_not: Expectation = Field(default_factory=Expectation)
    complete: bool | None = None

    @field_validator("reference_date", mode="before")
    @classmethod
    def _as_datetime(cls, value: Any) -> dt.datetime:
        return reference_datetime(value)
