"""The structured trace and the explained measures that screens, files and trees are drawn from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any

from engine.i18n import N_, _
from engine.load.answers import answer_text
from engine.load.conditions import atoms
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import DEFAULT_FORCE, INTERNATIONAL_PROFILE, STRENGTH_LABELS, STRENGTHS, Citation, is_binding
from engine.load.validate import applies, capped, rule_strengths
from engine.run.deadlines import Deadline, deadline_for
from engine.run.program import ParameterUse, Program

# Words kept in constants are translated where they are read (engine.i18n: the current language).
VERIFICATION_WORDS = {"V": N_("verified"), "S": N_("secondary source"), "NV": N_("not verified")}
KIND_ORDER = ("require", "prohibit", "recommend", "flag")
BINDING_SCOPE = {
    "treaty_obligation": N_("binding on the States parties to the {title}"),
    "eu_law": N_("binding on the EU Member States it addresses"),
    "security_council_decision": N_("a binding decision of the Security Council under Chapter VII"),
}
# The sentence a conclusion reads as, by its kind: binding law, this tool's own inference, or the
# international standards (not binding as such).
BINDING_SENTENCES = {
    "prohibit": N_("Prohibited by {cites} ({scope})."),
    "require": N_("Required by {cites} ({scope})."),
    "recommend": N_("Recommended; rests on {cites} ({scope})."),
    "flag": N_("Flagged under {cites} ({scope})."),
}
INFERENCE_SENTENCES = {
    "prohibit": N_(
        "This tool advises against this on its own reasoning (design inference, not a rule of any instrument; closest source: {cites})."
    ),
    "require": N_(
        "This tool calls for this on its own reasoning (design inference, not a rule of any instrument; closest source: {cites})."
    ),
    "recommend": N_(
        "This tool recommends this on its own reasoning (design inference, not a rule of any instrument; closest source: {cites})."
    ),
    "flag": N_(
        "Flagged on this tool's own reasoning (design inference, not a rule of any instrument; closest source: {cites})."
    ),
}
STANDARD_SENTENCES = {
    "prohibit": N_("The international standards advise against this ({strength}: {cites}); not binding law as such."),
    "require": N_("The international standards call for this ({strength}: {cites}); not binding law as such."),
    "recommend": N_("The international standards recommend this ({strength}: {cites}); not binding law as such."),
    "flag": N_("Flagged under the international standards ({strength}: {cites}); not binding law as such."),
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
        return _(VERIFICATION_WORDS[self.verification])

    @property
    def force_words(self) -> str:
        return _(STRENGTH_LABELS[self.force])

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
        return _("{own}, applied here as {force}").format(own=_(STRENGTH_LABELS[own]), force=self.force_words)

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
    # Of a derived fact: the rules that concluded it (true), or that would have (false); pages
    # name the fact by them, never by its internal name.
    rules: tuple[str, ...] = ()


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
    variants: tuple[MeasureOutcome, ...] = ()  # near-duplicates shown with it (see `grouped_outcomes`)

    @property
    def binding(self) -> bool:
        return is_binding(self.strength)

    @property
    def strength_words(self) -> str:
        return _(STRENGTH_LABELS[self.strength])

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
    return cites or _("no source")


def strength_words(outcome: MeasureOutcome) -> str:
    """The sentence a judge can rely on: "prohibited by CRC art 37(a)" only for binding law."""
    basis, level = outcome.basis, outcome.strength
    cites = _basis_text(basis)
    if outcome.binding:
        titles = f" {_('and to the')} ".join(dict.fromkeys(v.title for v in basis if v.force == "treaty_obligation"))
        scope = _(BINDING_SCOPE[level]).format(title=titles or _("treaty"))
        sentence = _(BINDING_SENTENCES[outcome.kind]).format(cites=cites, scope=scope)
    elif level == "design_inference":
        sentence = _(INFERENCE_SENTENCES[outcome.kind]).format(cites=cites)
    else:
        sentence = _(STANDARD_SENTENCES[outcome.kind]).format(strength=_(STRENGTH_LABELS[level]), cites=cites)
    if outcome.reference_values:
        values = ", ".join(f"{use.id} = {use.international}" for use in outcome.reference_values)
        sentence += " " + _(
            "It compares the case with the international reference values ({values}), not with national law."
        ).format(values=values)
    elif outcome.national_values:
        values = ", ".join(f"{use.id} = {use.national}" for use in outcome.national_values)
        sentence += " " + _("It applies the national values given in the profile ({values}).").format(values=values)
    return sentence


@dataclass(frozen=True)
class _RuleMeasure:
    """What one rule brings to one of its measures, worked out once per program."""

    sources: tuple[tuple[tuple, SourceView], ...]  # the citations that apply, with their dedup key
    level: str  # strength as applied (capped under the international reference profile)
    basis: tuple[tuple[tuple, SourceView], ...]
    lowered: tuple[str, ...]  # reference parameters that capped it
    followed: tuple[str, ...]  # reference parameters it follows from


@dataclass(frozen=True)
class _Explained:
    """A program's source views and strengths, built on first use (the hot path only looks up)."""

    views: dict[str, tuple[SourceView, ...]]
    measures: dict[tuple[str, str], _RuleMeasure]
    reasons: dict[str, str]
    reads: dict[str, tuple[str, ...]]  # rule id -> the facts its condition reads (no parameters)
    setters: dict[str, tuple[str, ...]]  # derived fact -> the rules that set it, in knowledge order


_explained: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _key(cite: Citation) -> tuple:
    return (cite.id, cite.pinpoint, cite.force)


def _build(program: Program) -> _Explained:
    kb = program.kb
    international = program.profile.id == INTERNATIONAL_PROFILE and not program.overrides
    table = rule_strengths(kb)
    views = {rid: tuple(source_view(kb, c) for c in rule.spec.sources) for rid, rule in kb.rules.items()}
    measures = {}
    for rid, rule in kb.rules.items():
        by_cite = dict(zip((id(c) for c in rule.spec.sources), views[rid], strict=True))
        for _kind, measure_id in rule.spec.then.measures():
            strength = table[(rid, measure_id)]
            level, lowered = capped(kb, strength) if international else (strength.level, ())
            if lowered:  # the basis of a capped conclusion: the reference values' sources at that strength
                cites = [c for name in lowered for c in kb.parameters[name].sources]
                at_level = [c for c in cites if c.force_in(kb.sources[c.id]) == level] or cites
                basis = tuple((_key(c), source_view(kb, c)) for c in at_level)
            else:
                basis = tuple((_key(c), by_cite[id(c)]) for c in strength.basis)
            measures[(rid, measure_id)] = _RuleMeasure(
                tuple((_key(c), by_cite[id(c)]) for c in rule.spec.sources if applies(c, measure_id)),
                level,
                basis,
                lowered,
                strength.reference_parameters,
            )
    reasons = {
        rid: " ".join(rule.spec.non_binding_prohibition.split())
        for rid, rule in kb.rules.items()
        if rule.spec.non_binding_prohibition
    }
    reads = {
        rid: tuple(dict.fromkeys(a.name for a in atoms(rule.condition) if a.kind not in ("param", "param_compare")))
        for rid, rule in kb.rules.items()
    }
    setters: dict[str, list[str]] = {}
    for rid, rule in kb.rules.items():
        for name in rule.spec.then.set:
            setters.setdefault(name, []).append(rid)
    return _Explained(views, measures, reasons, reads, {name: tuple(ids) for name, ids in setters.items()})


def _explained_for(program: Program) -> _Explained:
    found = _explained.get(program)
    if found is None:
        found = _explained[program] = _build(program)
    return found


def _fact_use(
    kb: KnowledgeBase, explained: _Explained, name: str, answers: dict, derived: dict, fired: set[str]
) -> FactUse | None:
    """The fact as the rule used it; None when the case has no value for it (a question not
    asked, a derived fact still open): the rule applied without it, so it is no reason."""
    if name in kb.questions:
        if name not in answers:
            return None
        question = kb.questions[name]
        return FactUse(name, question.text, answers[name], answer_text(question, answers[name]))
    if derived.get(name) is not None:
        setters = explained.setters.get(name, ())
        rules = tuple(r for r in setters if r in fired) if derived[name] else tuple(setters)
        return FactUse(name, name.replace("_", " "), derived[name], "yes" if derived[name] else "no", True, rules)
    return None


def trace_steps(program: Program, fired: list[str], answers: dict, derived: dict) -> list[TraceStep]:
    """Trace steps for the rules that applied, in stratum order (the same in every process)."""
    kb = program.kb
    explained = _explained_for(program)
    fired_set = set(fired)
    steps = []
    for rule in program.ordered_rules:
        if rule.id not in fired_set:
            continue
        uses = (_fact_use(kb, explained, n, answers, derived, fired_set) for n in explained.reads[rule.id])
        facts = [use for use in uses if use is not None]
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
                list(explained.views[rule.id]),
            )
        )
    return steps


def _deadline(kb: KnowledgeBase, program: Program, measure_id: str, answers: dict, now: dt.datetime) -> Deadline | None:
    spec = kb.measures[measure_id].deadline
    if spec is None:
        return None
    return deadline_for(spec, answers, program.values.get(spec.param), program.international.get(spec.param), now)


def measure_outcomes(program: Program, steps: list[TraceStep], answers: dict, now: dt.datetime) -> list[MeasureOutcome]:
    """Every measure reached, grouped by kind, each with the rules and sources behind it."""
    kb = program.kb
    reached: dict[tuple[str, str], list[TraceStep]] = {}
    for step in steps:
        for kind, measure_id in step.conclusions:
            reached.setdefault((kind, measure_id), []).append(step)
    outcomes = []
    explained = _explained_for(program)
    international = program.profile.id == INTERNATIONAL_PROFILE and not program.overrides
    for (kind, measure_id), by in reached.items():
        measure = kb.measures[measure_id]
        rule_ids = [s.rule_id for s in by]
        parts = [explained.measures[(rid, measure_id)] for rid in rule_ids]
        seen: dict[tuple, SourceView] = {}
        for part in parts:
            for key, view in part.sources:
                seen.setdefault(key, view)
        sources = list(seen.values())
        level = min((part.level for part in parts), key=STRENGTHS.index)
        winners = [part for part in parts if part.level == level]
        basis: dict[tuple, SourceView] = {}
        for part in winners:
            for key, view in part.basis:
                basis.setdefault(key, view)
        if len(winners) == 1:  # most measures: one rule at the winning strength (no merging)
            lowered, followed = winners[0].lowered, winners[0].followed
        else:
            lowered = tuple(dict.fromkeys(p for part in winners for p in part.lowered))
            followed = tuple(dict.fromkeys(p for part in winners for p in part.followed))
        uses = {p: ParameterUse(p, program.values[p], program.international[p]) for p in followed}
        direct = {use.id: use for step in by for use in step.parameters}
        binding = is_binding(level)
        reasons = (
            tuple(dict.fromkeys(explained.reasons[r] for r in rule_ids if r in explained.reasons))
            if kind == "prohibit" and not binding
            else ()
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
                tuple(basis.values()),
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


def grouped_outcomes(kb: KnowledgeBase, outcomes: list[MeasureOutcome]) -> list[MeasureOutcome]:
    """The outcomes as a reader sees them: a measure and its near-duplicates (`variant_of` in
    measures.yaml) reached with the same kind become one item, led by the measure they vary (or
    the first variant reached), with every rule and source of each and the strongest strength;
    the others ride along in `variants`. The assessment itself keeps every outcome."""
    family = {m.id: m.variant_of or m.id for m in kb.measures.values()}
    groups: dict[tuple[str, str], list[MeasureOutcome]] = {}
    for outcome in outcomes:
        groups.setdefault((outcome.kind, family.get(outcome.id, outcome.id)), []).append(outcome)
    shown = []
    for outcome in outcomes:
        members = groups[(outcome.kind, family.get(outcome.id, outcome.id))]
        if len(members) == 1:
            shown.append(outcome)
            continue
        if outcome is not members[0]:
            continue
        lead = next((m for m in members if m.id == family[m.id]), members[0])
        others = tuple(m for m in members if m is not lead)
        strongest = min(members, key=lambda m: STRENGTHS.index(m.strength))
        shown.append(
            dataclasses.replace(
                lead,
                rules=list(dict.fromkeys(r for m in (lead, *others) for r in m.rules)),
                sources=list({(v.id, v.pinpoint, v.force): v for m in (lead, *others) for v in m.sources}.values()),
                strength=strongest.strength,
                basis=strongest.basis,
                reference_values=strongest.reference_values,
                national_values=strongest.national_values,
                reasons=tuple(dict.fromkeys(r for m in members for r in m.reasons)),
                variants=others,
            )
        )
    return shown
