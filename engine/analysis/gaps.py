"""Jurisdiction gap report: where a national profile falls short of the international reference."""

from __future__ import annotations

from dataclasses import dataclass

from engine.load.conditions import atoms
from engine.load.knowledge_base import KnowledgeBase
from engine.run.explanation import SourceView, source_views


@dataclass(frozen=True)
class Gap:
    """A parameter whose national value is less protective than (or just differs from) baseline's."""

    parameter: str
    title: str
    national: object
    international: object
    falls_short: bool
    rules: list[str]
    sources: list[SourceView]
    note: str | None


def _less_protective(direction: str, national: object, international: object) -> bool:
    if national == international:
        return False
    if isinstance(national, bool) or isinstance(international, bool) or direction == "equal":
        return True  # a different yes/no or choice than the standard: shown as falling short
    if national is None or international is None:
        return True
    return national < international if direction == "higher" else national > international


def _rules_reading(kb: KnowledgeBase, parameter: str) -> list[str]:
    found = []
    for rule in kb.rules.values():
        for atom in atoms(rule.condition):
            operand = atom.operand.value if atom.operand is not None and atom.operand.kind != "literal" else None
            if parameter in (atom.name if atom.kind.startswith("param") else None, operand):
                found.append(rule.id)
                break
    return found


def gap_report(kb: KnowledgeBase, jurisdiction: str) -> list[Gap]:
    """Every parameter where the profile differs from baseline, with the rules it affects."""
    profile, baseline = kb.jurisdictions[jurisdiction], kb.international
    gaps = []
    for parameter in kb.parameters.values():
        national, international = profile.values[parameter.id], baseline.values[parameter.id]
        if national == international:
            continue
        gaps.append(
            Gap(
                parameter.id,
                parameter.title,
                national,
                international,
                _less_protective(parameter.protective_direction, national, international),
                _rules_reading(kb, parameter.id),
                source_views(kb, parameter.sources),
                profile.notes.get(parameter.id),
            )
        )
    return gaps
