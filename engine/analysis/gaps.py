"""Jurisdiction gap report: where a national profile falls short of the international reference,
compared on a date (the version of each dated value in force that day), and the dated changes of
the profile (engine.load.profiles)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from engine.load.conditions import atoms
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import Jurisdiction, Period
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
    version: Period | None = None  # the dated value compared (in force on the date); None: not dated


@dataclass(frozen=True)
class DatedChange:
    """A parameter whose value the profile dates: its periods, each with its last day in force."""

    parameter: str
    title: str
    periods: tuple[tuple[Period, dt.date | None], ...]  # (period, last day: None while in force)


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


def _on(profile: Jurisdiction, name: str, day: dt.date) -> tuple[object, Period | None]:
    """The value of `name` in force on `day`, and its period when the value is dated."""
    period = profile.period_on(name, day)
    return (profile.values[name], None) if period is None else (period.value, period)


def gap_report(kb: KnowledgeBase, jurisdiction: str, day: dt.date | None = None) -> list[Gap]:
    """Every parameter where the profile differs from baseline on `day` (default: today), with the
    rules it affects: a dated value is compared in the version in force that day."""
    profile, baseline = kb.jurisdictions[jurisdiction], kb.international
    day = day or dt.date.today()
    gaps = []
    for parameter in kb.parameters.values():
        (national, version), (international, _) = _on(profile, parameter.id, day), _on(baseline, parameter.id, day)
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
                version,
            )
        )
    return gaps


def dated_changes(kb: KnowledgeBase, jurisdiction: str) -> list[DatedChange]:
    """The dated values of the profile (its own or inherited), in parameter order: each period
    lasts to its `until`, else to the day before the next begins, else it is still in force."""
    profile = kb.jurisdictions[jurisdiction]
    found = []
    for parameter in kb.parameters.values():
        periods = profile.dated.get(parameter.id, ())
        if periods:
            ends = [p.until or (nxt.from_ - dt.timedelta(days=1)) for p, nxt in itertools.pairwise(periods)]
            ends.append(periods[-1].until)
            found.append(DatedChange(parameter.id, parameter.title, tuple(zip(periods, ends, strict=True))))
    return found
