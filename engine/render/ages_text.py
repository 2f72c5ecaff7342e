"""The ages computed from a case's dates (engine.run.ages), in words: what was derived from what,
which act the assessment is of and which acts are apart. One set of rows (`ages_summary`) for
the CLI's lines, the web pages, the decision record and the JSON record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from engine.i18n import _
from engine.load.knowledge_base import KnowledgeBase
from engine.load.life_dates import ActStanding
from engine.load.model import INTERNATIONAL_PROFILE
from engine.run.ages import AgeAtAct, DatedAges, act_standings
from engine.run.session import acts_below_minimum_age


@dataclass(frozen=True)
class AgeRow:
    """One dated act as the pages show it."""

    date: dt.date
    category: str  # the conduct category's id (the pages show its knowledge text)
    lowest: int
    highest: int
    age: str  # the age at the act in words: one age, or a range where the lowest counts
    standing: ActStanding
    note: str  # what that standing means for the act
    macr: int | None = None  # the minimum age in force for the act, when the act is below it


@dataclass(frozen=True)
class AgesSummary:
    """The ages of a case: where they come from, each act, and the age today."""

    born: str  # "Ages computed from the date of birth, ...:" or from the plausible dates of birth
    rows: tuple[AgeRow, ...]
    today: str  # "today: aged 18" or "today: aged at least 18" (empty without a reference age)

    def data(self) -> dict[str, Any]:
        """As plain data (the JSON record)."""
        return {
            "born": self.born,
            "acts": [{**asdict(row), "date": row.date.isoformat()} for row in self.rows],
            "today": self.today,
        }


def _age(lowest: int, highest: int) -> str:
    if lowest == highest:
        return str(lowest)
    return _("{lowest} to {highest} (the lowest counts)").format(lowest=lowest, highest=highest)


def _note(standing: str, macr: int | None, advice_only: bool) -> str:
    """What an act's standing means for it, with how binding a bar below the minimum age is."""
    notes = {
        "assessed": _("the act this assessment is of"),
        "other": _("assess it on its own if its age or category calls for it"),
        "adult": _(
            "not in this assessment: committed at 18 or over (GC24 para 36: States should consider "
            "rules letting the child-justice system deal with all the offences where there are "
            "reasonable grounds)"
        ),
    }
    words = [] if standing == "below_macr" else [notes[standing]]
    if macr is not None:
        words.append(
            _(
                "below the minimum age of criminal responsibility in force for this act ({macr}): no criminal "
                "proceedings for this act (CRC art 40(3)(a); GC24 paras 20-22)"
            ).format(macr=macr)
        )
        if advice_only:
            words.append(
                _(
                    "under the international reference profile that age is the CRC Committee's recommendation "
                    "(GC24 para 22): advice, not a legal bar"
                )
            )
    return "; ".join(words)


def ages_summary(
    ages: DatedAges, below: Sequence[tuple[AgeAtAct, int]] = (), advice_only: bool = False
) -> AgesSummary | None:
    """The ages in words (none without a date of birth); `below`: the acts under the minimum age
    in force for each (engine.run.session.acts_below_minimum_age); `advice_only`: that minimum
    age is the international recommendation (the reference profile), not law."""
    if ages.born is None:
        return None
    earliest, latest = ages.born
    if earliest == latest:
        born = _("Ages computed from the date of birth, {date}:").format(date=earliest.isoformat())
    else:
        born = _("Ages computed from the plausible dates of birth, {earliest} to {latest}:").format(
            earliest=earliest.isoformat(), latest=latest.isoformat()
        )
    today = ""
    if "age_now" in ages.answers:
        today = _("today: aged {age}") if earliest == latest else _("today: aged at least {age}")
        today = today.format(age=ages.answers["age_now"])
    rows = tuple(
        AgeRow(
            age.act.date,
            age.act.conduct_category,
            age.lowest,
            age.highest,
            _age(age.lowest, age.highest),
            standing,
            _note(standing, macr, advice_only),
            macr,
        )
        for age, standing, macr in act_standings(ages, below)
    )
    return AgesSummary(born, rows, today)


def case_ages_summary(
    kb: KnowledgeBase, jurisdiction: str, reference: dt.datetime, ages: DatedAges | None
) -> AgesSummary | None:
    """The ages of a case in words, the acts below the minimum age in force for each apart."""
    if ages is None:
        return None
    below = acts_below_minimum_age(kb, jurisdiction, reference, ages)
    return ages_summary(ages, below, advice_only=jurisdiction == INTERNATIONAL_PROFILE)


def ages_lines(summary: AgesSummary | None) -> list[str]:
    """The lines that say how the ages were computed (none without a date of birth)."""
    if summary is None:
        return []
    act = _("act of {date} ({category}): aged {age}")
    lines = [summary.born]
    lines += [
        "  " + act.format(date=row.date.isoformat(), category=row.category, age=row.age) + " - " + row.note
        for row in summary.rows
    ]
    if summary.today:
        lines.append("  " + summary.today)
    return lines
