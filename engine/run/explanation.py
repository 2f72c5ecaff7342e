"""The structured trace and the explained measures that screens, files and trees are drawn from."""

from __future__ import annotations

import calendar
import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any

from engine.load.answers import answer_text
from engine.load.conditions import atoms
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import DEFAULT_FORCE, INTERNATIONAL_PROFILE, STRENGTH_LABELS, STRENGTHS, Citation, is_binding
from engine.load.validate import RuleStrength, applies, capped, rule_strengths
from engine.run.program import ParameterUse, Program

VERIFICATION_WORDS = {"V": "verified", "S": "secondary source", "NV": "not verified"}
KIND_ORDER = ("require", "prohibit", "recommend", "flag")
BINDING_SCOPE = {
    "treaty_obligation": "binding on the States parties to the {title}",
    "eu_law": "binding on the EU Member States it addresses",
    "security_council_decision": "a binding decision of the Security Council under Chapter VII",
}


@dataclass(frozen=True)
class SourceView:
    """A citation with what a reader needs to weigh it: the source's binding force, the strength
    with which this citation is applied (`force`), how it was verified, and the words it rests on."""

    id: str
    title: str
    pinpoint: str
    binding_force: str
    verification: str
    text: str | None = None
    force: str = "design_inference"
    quote: str | None = None
    symbol: str | None = None
    url: str | None = None

    @property
    def verification_words(self) -> str:
        return VERIFICATION_WORDS[self.verification]

    @property
    def force_words(self) -> str:
        return STRENGTH_LABELS[self.force]

    @property
    def binding(self) -> bool:
        return is_binding(self.force)

    @property
    def force_note(self) -> str:
        """The strength as applied, saying so when it is below what the instrument itself has
        (a treaty article cited for the tool's own inference is still a treaty)."""
        own = DEFAULT_FORCE[self.binding_force]
        if self.force == own or (
            self.binding_force == "security_council" and self.force == "security_council_decision"
        ):
            return self.force_words
        return f"{STRENGTH_LABELS[own]}, applied here as {self.force_words}"

    @property
    def cite(self) -> str:
        return f"{self.id} {self.pinpoint}"

    def label(self) -> str:
        return f"{self.id} {self.pinpoint} ({self.force_note}; {self.verification_words})"


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
    """A measure reached, with its kind, the rules behind it and their sources.

    `strength` is the normative strength of the conclusion: the strongest with which any of its
    rules supports it, from the sources as applied (`basis`: the citations at that strength);
    under the international reference profile no stronger than the reference values it follows
    from (`reference_values`: those that lowered it). `international` says the profile is the
    international reference one, whose values are not any State's law. `reasons` are the rules'
    reasons for keeping a non-binding prohibition.
    """

    id: str
    kind: str
    title: str
    description: str | None
    decision_point: str
    rules: list[str]
    sources: list[SourceView]
    deadline: Deadline | None = None
    tags: tuple[str, ...] = ()
    strength: str = "design_inference"
    basis: tuple[SourceView, ...] = ()
    reference_values: tuple[ParameterUse, ...] = ()
    national_values: tuple[ParameterUse, ...] = ()
    international: bool = False
    reasons: tuple[str, ...] = ()

    @property
    def binding(self) -> bool:
        return is_binding(self.strength)

    @property
    def strength_words(self) -> str:
        return STRENGTH_LABELS[self.strength]

    @property
    def words(self) -> str:
        """What the strength allows one to say of this conclusion, in plain words."""
        return strength_words(self)


def source_view(kb: KnowledgeBase, cite: Citation) -> SourceView:
    source = kb.sources[cite.id]
    return SourceView(
        cite.id,
        source.title,
        cite.pinpoint,
        source.binding_force,
        cite.verification,
        cite.text,
        cite.force_in(source),
        cite.quote,
        source.symbol,
        source.url,
    )


def source_views(kb: KnowledgeBase, citations: list[Citation]) -> list[SourceView]:
    return [source_view(kb, cite) for cite in citations]


def _basis_text(basis: tuple[SourceView, ...]) -> str:
    cites = "; ".join(
        view.cite + ("" if view.verification == "V" else f" ({view.verification_words})") for view in basis
    )
    return cites or "no source"


def strength_words(outcome: MeasureOutcome) -> str:
    """The sentence a judge can rely on: "prohibited by CRC art 37(a)" only for binding law."""
    basis, level = outcome.basis, outcome.strength
    cites = _basis_text(basis)
    if outcome.binding:
        titles = " and to the ".join(dict.fromkeys(v.title for v in basis if v.force == "treaty_obligation"))
        scope = BINDING_SCOPE[level].format(title=titles or "treaty")
        verb = {
            "prohibit": "Prohibited by",
            "require": "Required by",
            "recommend": "Recommended; rests on",
            "flag": "Flagged under",
        }
        sentence = f"{verb[outcome.kind]} {cites} ({scope})."
    elif level == "design_inference":
        verb = {
            "prohibit": "This tool advises against this on its own reasoning",
            "require": "This tool calls for this on its own reasoning",
            "recommend": "This tool recommends this on its own reasoning",
            "flag": "Flagged on this tool's own reasoning",
        }
        sentence = f"{verb[outcome.kind]} (design inference, not a rule of any instrument; closest source: {cites})."
    else:
        verb = {
            "prohibit": "The international standards advise against this",
            "require": "The international standards call for this",
            "recommend": "The international standards recommend this",
            "flag": "Flagged under the international standards",
        }
        sentence = f"{verb[outcome.kind]} ({STRENGTH_LABELS[level]}: {cites}); not binding law as such."
    if outcome.reference_values:
        values = ", ".join(f"{use.id} = {use.international}" for use in outcome.reference_values)
        sentence += f" It compares the case with the international reference values ({values}), not with national law."
    elif outcome.national_values:
        values = ", ".join(f"{use.id} = {use.national}" for use in outcome.national_values)
        sentence += f" It applies the national values given in the profile ({values})."
    return sentence


_strength_tables: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _strengths(program: Program) -> dict[tuple[str, str], RuleStrength]:
    table = _strength_tables.get(program)
    if table is None:
        table = _strength_tables[program] = rule_strengths(program.kb)
    return table


def _measure_strength(program: Program, rule_ids: list[str], measure_id: str):
    """(strength, basis citations, reference parameters that lowered it, parameters followed) for one measure."""
    kb, table = program.kb, _strengths(program)
    international = program.profile.id == INTERNATIONAL_PROFILE and not program.overrides
    best: list[tuple[str, RuleStrength, tuple[str, ...]]] = []
    for rule_id in rule_ids:
        strength = table[(rule_id, measure_id)]
        level, lowered_by = capped(kb, strength) if international else (strength.level, ())
        best.append((level, strength, lowered_by))
    top = min((level for level, _, _ in best), key=STRENGTHS.index)
    winners = [(s, lowered) for level, s, lowered in best if level == top]
    basis: dict[tuple, Citation] = {}
    lowered: dict[str, None] = {}
    followed: dict[str, None] = {}
    for strength, lowered_by in winners:
        if not lowered_by:
            for cite in strength.basis:
                basis.setdefault((cite.id, cite.pinpoint, cite.force), cite)
        lowered.update(dict.fromkeys(lowered_by))
        followed.update(dict.fromkeys(strength.reference_parameters))
    if lowered:  # the basis of a capped conclusion is the sources of the reference values, at that strength
        for name in lowered:
            cites = kb.parameters[name].sources
            at_level = [c for c in cites if c.force_in(kb.sources[c.id]) == top] or cites
            for cite in at_level:
                basis.setdefault((cite.id, cite.pinpoint, cite.force), cite)
    return top, list(basis.values()), list(lowered), list(followed)


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
    international = program.profile.id == INTERNATIONAL_PROFILE and not program.overrides
    for (kind, measure_id), by in reached.items():
        measure = kb.measures[measure_id]
        seen: set[tuple] = set()
        sources = []
        for step in by:
            for cite in kb.rules[step.rule_id].spec.sources:
                key = (cite.id, cite.pinpoint, cite.force)
                if applies(cite, measure_id) and key not in seen:
                    seen.add(key)
                    sources.append(source_view(kb, cite))
        rule_ids = [s.rule_id for s in by]
        level, basis, lowered, followed = _measure_strength(program, rule_ids, measure_id)
        uses = {p: ParameterUse(p, program.values[p], program.international[p]) for p in followed}
        direct = {use.id: use for step in by for use in step.parameters}
        reasons = tuple(
            dict.fromkeys(
                " ".join(kb.rules[r].spec.non_binding_prohibition.split())
                for r in rule_ids
                if kind == "prohibit" and kb.rules[r].spec.non_binding_prohibition and not is_binding(level)
            )
        )
        outcomes.append(
            MeasureOutcome(
                measure_id,
                kind,
                measure.title,
                measure.description,
                measure.decision_point,
                rule_ids,
                sources,
                _deadline(kb, program, measure_id, answers, now) if kind != "prohibit" else None,
                tuple(measure.tags),
                level,
                tuple(source_view(kb, c) for c in basis),
                tuple(uses[p] for p in lowered if p in uses),
                () if international else tuple(direct.values()),
                international,
                reasons,
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
