"""Ages computed from dates (issue 14): the age at each alleged act and today, with the benefit
of the doubt over an assessed range, and the whole-year answers the age rules read.

The age rules (knowledge/rules/dp01_age.yaml, dp02_macr.yaml) read `age_at_conduct`,
`age_lowest_plausible` and `age_now` in whole years. From a date of birth (or an assessed range
of dates of birth) and the dated acts these are derived here, in the engine, so that every front
end (case files, scenarios, the CLI, the web app) assesses the same ages:

- the age at an act runs from the latest plausible date of birth: the lowest plausible age
  counts (GC24 paras 33-34, benefit of the doubt); where the range leaves the age at the act
  open, `age_at_conduct` is unknown and `age_lowest_plausible` carries the lowest age;
- an act before 18 keeps child-justice treatment (GC24 paras 29-31); acts either side of 18 are
  separated: the assessment is of the acts committed as a child, the others are listed apart
  (whether national rules let the child-justice system deal with all of them is GC24 para 36,
  NE-straddling-offences);
- the assessed act is the latest of those acts (the oldest age among them, so that a lower age
  at an earlier act is never used for a later one), and its date is the date of the conduct
  (the substantive law in force then, engine.run.law_in_force);
- an act committed below the minimum age of criminal responsibility in force for it (the
  lowest plausible age counts) is listed apart: no criminal proceedings for that act (CRC art
  40(3)(a); GC24 paras 20-22), whichever act the assessment is of (`below_minimum_age`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.i18n import _
from engine.load.conditions import UNKNOWN
from engine.load.life_dates import CONDUCT_CATEGORIES, Act, ActStanding, AgeAssessment

MAJORITY = 18  # CRC art 1; the profiles' age_of_majority is 18 everywhere
# The answers derived from dates: given alongside the dates they would contradict them.
DERIVED_ANSWERS = ("age_at_conduct", "age_lowest_plausible", "age_now", "conduct_category")


def years_between(born: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` of a person born on `born` (a 29 February birthday counts
    from 1 March in a common year)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class AgeAtAct:
    """One act with the lowest and the highest plausible age of the person on its date."""

    act: Act
    lowest: int
    highest: int

    @property
    def as_child(self) -> bool:
        """Committed before 18, with the benefit of the doubt (the lowest plausible age)."""
        return self.lowest < MAJORITY


@dataclass(frozen=True)
class DatedAges:
    """The ages of a case computed from its dates, and the answers the age rules read."""

    acts: tuple[AgeAtAct, ...]  # every act, by date (then category)
    assessed: AgeAtAct | None  # the act the assessment is of (none: no act dated)
    answers: dict[str, Any]
    conduct_date: dt.date | None
    born: tuple[dt.date, dt.date] | None = None  # the earliest and latest plausible date of birth

    @property
    def separated(self) -> tuple[AgeAtAct, ...]:
        """The acts committed at 18 or over when others were committed as a child: not in this assessment."""
        if self.assessed is None or not self.assessed.as_child:
            return ()
        return tuple(a for a in self.acts if not a.as_child)


def below_minimum_age(ages: DatedAges, macr_on: Callable[[dt.date], int]) -> tuple[tuple[AgeAtAct, int], ...]:
    """The acts committed, with the benefit of the doubt (the lowest plausible age), below the
    minimum age of criminal responsibility in force for each (`macr_on` an act's date: the value
    engine.run.law_in_force applies to it), each with that minimum age."""
    found = ((age, macr_on(age.act.date)) for age in ages.acts)
    return tuple((age, macr) for age, macr in found if age.lowest < macr)


def act_standings(
    ages: DatedAges, below: Sequence[tuple[AgeAtAct, int]] = ()
) -> tuple[tuple[AgeAtAct, ActStanding, int | None], ...]:
    """Each act, by date, with how it stands (the assessed act stays `assessed` even below the
    minimum age: the assessment then concludes no criminal proceedings) and, when it is below
    the minimum age in force for it (`below`, from `below_minimum_age`), that minimum age."""
    under = dict(below)
    found: list[tuple[AgeAtAct, ActStanding, int | None]] = []
    for age in ages.acts:
        macr = under.get(age)
        if age == ages.assessed:
            standing: ActStanding = "assessed"
        elif macr is not None:
            standing = "below_macr"
        elif age in ages.separated:
            standing = "adult"
        else:
            standing = "other"
        found.append((age, standing, macr))
    return tuple(found)


def born_range(date_of_birth: dt.date | None, assessment: AgeAssessment | None) -> tuple[dt.date, dt.date] | None:
    """The earliest and latest plausible date of birth (none when neither is given)."""
    if date_of_birth is not None:
        return date_of_birth, date_of_birth
    return None if assessment is None else assessment.born_range()


def age_at(born: tuple[dt.date, dt.date], day: dt.date) -> tuple[int, int]:
    """The lowest and highest plausible whole-year age on `day`."""
    earliest, latest = born
    return years_between(latest, day), years_between(earliest, day)


def _age_answers(lowest: int, highest: int) -> dict[str, Any]:
    """The age at the conduct in whole years; where the range leaves it open below 18, unknown
    with its lowest plausible value (the benefit of the doubt, R-AGE-01, R-MACR-*)."""
    if lowest == highest or lowest >= MAJORITY:
        return {"age_at_conduct": lowest}
    return {"age_at_conduct": UNKNOWN, "age_lowest_plausible": lowest}


def dated_ages(
    date_of_birth: dt.date | None,
    assessment: AgeAssessment | None,
    acts: Sequence[Act],
    today: dt.date,
    conduct_date: dt.date | None = None,
) -> DatedAges:
    """The ages at every act and today, and the whole-year answers they give (the order in which
    the acts are given does not matter). Without acts, `conduct_date` (the date of the one
    conduct, as case files of the first dated version give it) is the date of the act."""
    ordered = sorted(acts, key=lambda a: (a.date, CONDUCT_CATEGORIES.index(a.conduct_category)))
    born = born_range(date_of_birth, assessment)
    answers: dict[str, Any] = {}
    if born is None:  # acts without a date of birth: the category and the date only
        ages: tuple[AgeAtAct, ...] = ()
        assessed = None
        if ordered:
            answers["conduct_category"] = ordered[-1].conduct_category
        return DatedAges(ages, assessed, answers, ordered[-1].date if ordered else None)
    ages = tuple(AgeAtAct(act, *age_at(born, act.date)) for act in ordered)
    answers["age_now"] = age_at(born, today)[0]
    if not ordered and conduct_date is not None:
        answers.update(_age_answers(*age_at(born, conduct_date)))
        return DatedAges((), None, answers, conduct_date, born)
    as_child = [a for a in ages if a.as_child]
    assessed = (as_child or list(ages))[-1] if ages else None
    if assessed is not None:
        answers.update(_age_answers(assessed.lowest, assessed.highest))
        answers["conduct_category"] = assessed.act.conduct_category
    return DatedAges(ages, assessed, answers, None if assessed is None else assessed.act.date, born)


def case_ages(
    date_of_birth: dt.date | None,
    assessment: AgeAssessment | None,
    acts: Sequence[Act],
    answers: Mapping[str, Any],
    conduct_date: dt.date | None,
    today: dt.date,
) -> tuple[DatedAges | None, list[tuple[tuple[str | int, ...], str]]]:
    """The ages of a case file or a scenario from its dates (none: whole-year ages as given, as
    in every case file before dates), and what contradicts them, by field path: a date of birth
    and an assessment both given, or an answer (or the conduct date) the dates already give."""
    if date_of_birth is None and assessment is None and not acts:
        return None, []
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if date_of_birth is not None and assessment is not None:
        problems.append(
            (
                ("age_assessment",),
                _(
                    "a date of birth and an age assessment are both given: keep the date of birth if it is "
                    "established, or the assessment if the age is uncertain"
                ),
            )
        )
    if acts and conduct_date is not None:
        problems.append(
            (
                ("conduct_date",),
                _("the acts are dated: remove conduct_date (the date of the assessed act is the date of the conduct)"),
            )
        )
    born = born_range(date_of_birth, assessment)
    field = ("date_of_birth",) if date_of_birth is not None else ("age_assessment",)
    if born is not None and born[1] > today:
        problems.append(
            (
                field,
                _("the latest plausible date of birth, {date}, is after the reference date").format(
                    date=born[1].isoformat()
                ),
            )
        )
    for index, act in enumerate(acts):
        if act.date > today:
            problems.append((("acts", index, "date"), _("an alleged act after the reference date: check the date")))
        elif born is not None and act.date < born[1]:
            problems.append(
                (
                    ("acts", index, "date"),
                    _("the act is dated before the latest plausible date of birth ({date}): check both dates").format(
                        date=born[1].isoformat()
                    ),
                )
            )
    if not acts and conduct_date is not None and born is not None and conduct_date < born[1]:
        problems.append(
            (
                ("conduct_date",),
                _("the conduct is dated before the latest plausible date of birth ({date})").format(
                    date=born[1].isoformat()
                ),
            )
        )
    if problems:
        return None, problems
    ages = dated_ages(date_of_birth, assessment, acts, today, conduct_date)
    problems += [
        (
            ("answers", qid),
            f"'{qid}' is computed from the dates given (date of birth or age assessment, acts): "
            "remove the answer or the dates",
        )
        for qid in DERIVED_ANSWERS
        if qid in ages.answers and qid in answers
    ]
    return ages, problems
