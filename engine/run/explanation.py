"""The structured trace and the explained measures that screens, files and trees are drawn from."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.load.answers import answer_text
from engine.load.conditions import atoms
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import Citation
from engine.run.program import ParameterUse, Program

VERIFICATION_WORDS = {"V": "verified", "S": "secondary source", "NV": "not verified"}
KIND_ORDER = ("require", "prohibit", "recommend", "flag")


@dataclass(frozen=True)
class SourceView:
    """A citation with what a reader needs to weigh it."""

    id: str
    title: str
    pinpoint: str
    binding_force: str
    verification: str
    text: str | None = None

    @property
    def verification_words(self) -> str:
        return VERIFICATION_WORDS[self.verification]

    def label(self) -> str:
        return f"{self.id} {self.pinpoint} ({self.binding_force.replace('_', ' ')}; {self.verification_words})"


@dataclass(frozen=True)
class FactUse:
    """A fact a rule read, with its value in this case."""

    id: str
    label: str
    value: Any
    text: str
    derived: bool = False


@dataclass(frozen=True)
class TraceStep:
    """One rule that applied: what it read, what it concluded, on what authority."""

    rule_id: str
    title: str
    decision_point: str
    stratum: int
    explanation: str
    facts: list[FactUse]
    parameters: list[ParameterUse]
    sets: list[str]
    conclusions: list[tuple[str, str]]
    sources: list[SourceView]


@dataclass(frozen=True)
class Deadline:
    """A time limit computed from a date answer."""

    start: dt.datetime
    due: dt.datetime
    exceeded: bool
    from_question: str
    parameter: str


@dataclass(frozen=True)
class MeasureOutcome:
    """A measure reached, with its kind, the rules behind it and their sources."""

    id: str
    kind: str
    title: str
    description: str | None
    decision_point: str
    rules: list[str]
    sources: list[SourceView]
    deadline: Deadline | None = None
    tags: tuple[str, ...] = ()


def source_views(kb: KnowledgeBase, citations: list[Citation]) -> list[SourceView]:
    views = []
    for cite in citations:
        source = kb.sources[cite.id]
        views.append(
            SourceView(cite.id, source.title, cite.pinpoint, source.binding_force, cite.verification, cite.text)
        )
    return views


def _fact_use(kb: KnowledgeBase, name: str, answers: dict, derived: dict) -> FactUse | None:
    if name in kb.questions:
        question = kb.questions[name]
        if name not in answers:
            return FactUse(name, question.text, None, "not answered")
        return FactUse(name, question.text, answers[name], answer_text(question, answers[name]))
    if name in derived:
        return FactUse(name, name.replace("_", " "), derived[name], "yes" if derived[name] else "no", derived=True)
    return None


def trace_steps(program: Program, fired: list[str], answers: dict, derived: dict) -> list[TraceStep]:
    """Trace steps for the rules that applied, in stratum order (the same in every process)."""
    kb = program.kb
    fired_set = set(fired)
    steps = []
    for rule in program.ordered_rules:
        if rule.id not in fired_set:
            continue
        names = dict.fromkeys(a.name for a in atoms(rule.condition) if a.kind not in ("param", "param_compare"))
        facts = [use for use in (_fact_use(kb, n, answers, derived) for n in names) if use is not None]
        spec = rule.spec
        steps.append(
            TraceStep(
                rule.id,
                spec.title,
                spec.decision_point,
                program.strata[rule.id],
                spec.explanation.strip(),
                facts,
                program.parameters_read(rule.id),
                list(spec.then.set),
                spec.then.measures(),
                source_views(kb, spec.sources),
            )
        )
    return steps


def _deadline(kb: KnowledgeBase, program: Program, measure_id: str, answers: dict, now: dt.datetime) -> Deadline | None:
    spec = kb.measures[measure_id].deadline
    if spec is None:
        return None
    start = answers.get(spec.from_)
    amount = program.values.get(spec.param)
    if not isinstance(start, dt.date) or not isinstance(amount, int):
        return None
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time(0, 0))
    if spec.unit == "months":
        month_index = start.month - 1 + amount
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        due = start.replace(year=year, month=month, day=day)
    else:
        due = start + dt.timedelta(**{spec.unit: amount})
    return Deadline(start, due, now > due, spec.from_, spec.param)


def measure_outcomes(program: Program, steps: list[TraceStep], answers: dict, now: dt.datetime) -> list[MeasureOutcome]:
    """Every measure reached, grouped by kind, each with the rules and sources behind it."""
    kb = program.kb
    reached: dict[tuple[str, str], list[TraceStep]] = {}
    for step in steps:
        for kind, measure_id in step.conclusions:
            reached.setdefault((kind, measure_id), []).append(step)
    outcomes = []
    for (kind, measure_id), by in reached.items():
        measure = kb.measures[measure_id]
        seen: set[tuple[str, str]] = set()
        sources = []
        for step in by:
            for view in step.sources:
                if (view.id, view.pinpoint) not in seen:
                    seen.add((view.id, view.pinpoint))
                    sources.append(view)
        outcomes.append(
            MeasureOutcome(
                measure_id,
                kind,
                measure.title,
                measure.description,
                measure.decision_point,
                [s.rule_id for s in by],
                sources,
                _deadline(kb, program, measure_id, answers, now) if kind != "prohibit" else None,
                tuple(measure.tags),
            )
        )
    outcomes.sort(
        key=lambda o: (
            KIND_ORDER.index(o.kind),
            kb.point_order(o.decision_point),
            o.id,
        )
    )
    return outcomes
