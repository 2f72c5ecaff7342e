"""Dates instead of ages (issue 14): a date of birth or an age assessment, and the dated acts.

A case file or a scenario may give, instead of (or besides) whole-year ages:

```yaml
date_of_birth: 2009-04-12          # established (documents)
# or, when the age is uncertain, a range with the method that produced it:
age_assessment: {born_earliest: 2008-01-01, born_latest: 2010-06-30, method: holistic}
age_assessment: {lowest_age: 14, highest_age: 16, assessed_on: 2026-02-01, method: medical}
acts:                              # each alleged act, in any order
  - {date: 2026-05-30, conduct_category: nonviolent_support}
  - {date: 2026-07-02, conduct_category: travel}
```

These are the entries only; `engine.run.ages` computes the ages at each act and today.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from engine.i18n import _

# How an age was assessed (GC24 paras 33-34: documents, then statements, then a holistic assessment).
AgeMethod = Literal["documents", "statements", "psychosocial_interview", "holistic", "medical", "other"]
# The dates a person's life is told in: a birth from 1900 (an age assessment's range reaches back
# from the day of the assessment), nothing after the last reference date.
EARLIEST_LIFE_DATE, LATEST_LIFE_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def _a_day(value: Any) -> dt.date:
    """A date written YYYY-MM-DD (or read as one by YAML), between the bounds: not a date and time,
    not a number (which pydantic would read as a Unix time)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a date YYYY-MM-DD (given: {value!r})") from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(f"expected a date YYYY-MM-DD, without a time (given: {value!r})")
    if not EARLIEST_LIFE_DATE <= value <= LATEST_LIFE_DATE:
        raise ValueError(f"the date must be between {EARLIEST_LIFE_DATE} and {LATEST_LIFE_DATE} (given: {value})")
    return value


Day = Annotated[dt.date, BeforeValidator(_a_day)]
MAX_ACTS = 20  # more alleged acts than a case file can reasonably list one by one
# The conduct categories of dp06_conduct (C0..C5), the value of `conduct_category`.
CONDUCT_CATEGORIES = (
    "expression",
    "association",
    "nonviolent_support",
    "travel",
    "preparatory_or_violent_minor",
    "violent_serious",
)

# How an act stands in a dated assessment (engine.run.ages.act_standings): the act assessed,
# another act committed as a child, an act below the minimum age of criminal responsibility in
# force for it (apart: no criminal proceedings for it), an act at 18 or over (apart).
ActStanding = Literal["assessed", "other", "below_macr", "adult"]


class Strict(BaseModel):
    """Unknown keys are errors, entries immutable: engine.load.model's Strict, which cannot be
    imported here (the scenarios of engine.load.model read these entries)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AgeAssessment(Strict):
    """An uncertain age: the plausible dates of birth, given as dates or as ages on a date."""

    method: AgeMethod
    born_earliest: Day | None = None
    born_latest: Day | None = None
    lowest_age: int | None = Field(default=None, ge=0, le=40)
    highest_age: int | None = Field(default=None, ge=0, le=40)
    assessed_on: Day | None = None

    @model_validator(mode="after")
    def _one_form(self) -> AgeAssessment:
        dates = (self.born_earliest, self.born_latest)
        ages = (self.lowest_age, self.highest_age, self.assessed_on)
        if all(v is not None for v in dates) and all(v is None for v in ages):
            if self.born_earliest > self.born_latest:
                raise ValueError(
                    _(
                        "the earliest plausible date of birth (born_earliest) is after the latest (born_latest): "
                        "give the earlier date first"
                    )
                )
            return self
        if all(v is not None for v in ages) and all(v is None for v in dates):
            if self.lowest_age > self.highest_age:
                raise ValueError(_("the lowest plausible age (lowest_age) is above the highest (highest_age)"))
            return self
        raise ValueError(
            _(
                "give either born_earliest and born_latest (the plausible dates of birth), or lowest_age, "
                "highest_age and assessed_on (the plausible ages on the day of the assessment)"
            )
        )

    def born_range(self) -> tuple[dt.date, dt.date]:
        """The earliest and the latest plausible date of birth."""
        if self.born_earliest is not None and self.born_latest is not None:
            return self.born_earliest, self.born_latest
        on = self.assessed_on
        # Aged at least `lowest` on that day: born on or before the day `lowest` years earlier;
        # aged at most `highest`: born after the day `highest + 1` years earlier.
        return _years_before(on, self.highest_age + 1) + dt.timedelta(days=1), _years_before(on, self.lowest_age)


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 February: 28 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Act(Strict):
    """One alleged act: its date and its conduct category (C0..C5)."""

    date: Day
    conduct_category: Literal[CONDUCT_CATEGORIES]  # type: ignore[valid-type]
