"""The rule catalogue for policy teams: every rule next to its sources, in plain words.

Each entry carries the condition rendered as plain words, what the rule concludes, the
exceptions linked to it, the sources with pinpoints, binding force and verification level,
the paraphrase of the provision where the knowledge gives one, and the scenarios that
exercise the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.cases.scenarios import run_scenario
from engine.load.conditions import render
from engine.load.knowledge_base import KnowledgeBase, Rule
from engine.load.model import STRENGTH_LABELS, is_binding
from engine.load.validate import capped, rule_strengths
from engine.run.explanation import SourceView, source_view, source_views


@dataclass(frozen=True)
class ConclusionStrength:
    """The strength with which a rule concludes one measure: from its sources as applied, and
    under the international reference profile (no stronger than the reference values it follows)."""

    kind: str
    measure: str
    level: str
    basis: list[SourceView]
    international_level: str
    capped_by: tuple[str, ...]

    @property
    def binding(self) -> bool:
        return is_binding(self.level)


@dataclass(frozen=True)
class CatalogueEntry:
    """One rule as a policy officer reads it."""

    rule: Rule
    condition_words: str
    concludes: list[tuple[str, str]]
    sets: list[str]
    exception_to: list[str]
    defeated_by: list[str]
    sources: list[SourceView]
    scenarios: list[str]
    strengths: list[ConclusionStrength] = ()

    @property
    def only_unverified_sources(self) -> bool:
        return all(view.verification == "NV" for view in self.sources)


def scenario_coverage(kb: KnowledgeBase) -> dict[str, list[str]]:
    """For each rule id, the names of the scenarios in which it applies."""
    covered: dict[str, list[str]] = {rule_id: [] for rule_id in kb.rules}
    for entry in kb.scenarios:
        outcome = run_scenario(kb, entry)
        if outcome.assessment is None:
            continue
        for step in outcome.assessment.trace:
            covered[step.rule_id].append(entry.scenario.name)
    return covered


def catalogue(kb: KnowledgeBase) -> list[CatalogueEntry]:
    """Every rule, in decision-point order then file order."""
    coverage = scenario_coverage(kb)
    table = rule_strengths(kb)
    defeated_by: dict[str, list[str]] = {}
    for rule in kb.rules.values():
        for target in rule.spec.exception_to:
            defeated_by.setdefault(target, []).append(rule.id)
    entries = []
    for rule in sorted(kb.rules.values(), key=lambda r: (kb.point_order(r.spec.decision_point), r.order)):
        spec = rule.spec
        entries.append(
            CatalogueEntry(
                rule=rule,
                condition_words=render(rule.condition),
                concludes=spec.then.measures(),
                sets=list(spec.then.set),
                exception_to=list(spec.exception_to),
                defeated_by=defeated_by.get(rule.id, []),
                sources=source_views(kb, spec.sources),
                scenarios=coverage[rule.id],
                strengths=[_strength(kb, table[(rule.id, m)], kind, m) for kind, m in spec.then.measures()],
            )
        )
    return entries


def _strength(kb: KnowledgeBase, strength, kind: str, measure: str) -> ConclusionStrength:
    level, lowered = capped(kb, strength)
    return ConclusionStrength(
        kind, measure, strength.level, [source_view(kb, c) for c in strength.basis], level, lowered
    )


def _strength_line(item: ConclusionStrength) -> str:
    cites = ", ".join(v.cite for v in item.basis) or "no source"
    line = f"- {item.kind} `{item.measure}`: {STRENGTH_LABELS[item.level]} ({cites})"
    if item.capped_by:
        line += (
            f"; under the international reference profile {STRENGTH_LABELS[item.international_level]}, "
            f"as it follows from the reference value of {', '.join(item.capped_by)}"
        )
    return line


def catalogue_markdown(kb: KnowledgeBase) -> str:
    """The catalogue as Markdown (`pathway rules`)."""
    out = [f"# Rule catalogue (knowledge version {kb.version})", ""]
    current_dp = None
    for entry in catalogue(kb):
        spec = entry.rule.spec
        if spec.decision_point != current_dp:
            current_dp = spec.decision_point
            out += [f"## {current_dp} {kb.decision_points[current_dp].title}", ""]
        out += [
            f"### {spec.id} {spec.title}",
            "",
            f"*{entry.rule.where.file}:{entry.rule.where.line}*",
            "",
            "**When**",
            "",
            "```",
            entry.condition_words,
            "```",
            "",
        ]
        if entry.exception_to:
            out.append(f"**Exception to:** {', '.join(entry.exception_to)} (when this rule applies, they do not)")
        if entry.defeated_by:
            out.append(f"**Does not apply when:** {', '.join(entry.defeated_by)} applies")
        conclusions = [f"{kind} `{measure}`" for kind, measure in entry.concludes] + [
            f"sets `{fact}`" for fact in entry.sets
        ]
        out += [f"**Then:** {'; '.join(conclusions)}", "", " ".join(spec.explanation.split()), ""]
        if entry.strengths:
            out += ["**Strength of each conclusion**", ""]
            out += [_strength_line(item) for item in entry.strengths]
            out.append("")
        if spec.non_binding_prohibition:
            out += [f"**Why still a prohibition:** {' '.join(spec.non_binding_prohibition.split())}", ""]
        if spec.scope_parameters:
            out += [f"**Scope only (not a reference value it follows from):** {', '.join(spec.scope_parameters)}", ""]
        out += ["**Sources**", ""]
        for view in entry.sources:
            line = f"- {view.id} {view.pinpoint} — {view.title} ({view.force_note}; {view.verification_words})"
            if view.symbol:
                line += f" [{view.symbol}]"
            line += f": {view.text}" if view.text else ""
            out.append(line)
            if view.quote:
                out.append(f"  > “{view.quote}”")
        scenarios = entry.scenarios
        out += [
            "",
            f"**Scenarios:** {'; '.join(scenarios) if scenarios else 'none (no scenario exercises this rule)'}",
            "",
        ]
    return "\n".join(out)
