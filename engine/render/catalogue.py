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
from engine.run.explanation import SourceView, source_views


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
            )
        )
    return entries


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
        out += [f"**Then:** {'; '.join(conclusions)}", "", " ".join(spec.explanation.split()), "", "**Sources**", ""]
        for view in entry.sources:
            line = f"- {view.id} {view.pinpoint} — {view.title} ({view.binding_force.replace('_', ' ')}; {view.verification_words})"
            out.append(line + (f": {view.text}" if view.text else ""))
        scenarios = entry.scenarios
        out += [
            "",
            f"**Scenarios:** {'; '.join(scenarios) if scenarios else 'none (no scenario exercises this rule)'}",
            "",
        ]
    return "\n".join(out)
