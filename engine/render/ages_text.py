"""The ages computed from a case's dates (engine.run.ages), in words: what was derived from what,
which act the assessment is of and which acts are apart."""

from __future__ import annotations

from engine.i18n import _
from engine.run.ages import AgeAtAct, DatedAges


def _age(lowest: int, highest: int) -> str:
    if lowest == highest:
        return str(lowest)
    return _("{lowest} to {highest} (the lowest counts)").format(lowest=lowest, highest=highest)


def _act(age: AgeAtAct) -> str:
    return _("act of {date} ({category}): aged {age}").format(
        date=age.act.date.isoformat(), category=age.act.conduct_category, age=_age(age.lowest, age.highest)
    )


def ages_lines(ages: DatedAges) -> list[str]:
    """The lines that say how the ages were computed (none without a date of birth)."""
    if ages.born is None:
        return []
    earliest, latest = ages.born
    if earliest == latest:
        lines = [_("Ages computed from the date of birth, {date}:").format(date=earliest.isoformat())]
    else:
        lines = [
            _("Ages computed from the plausible dates of birth, {earliest} to {latest}:").format(
                earliest=earliest.isoformat(), latest=latest.isoformat()
            )
        ]
    for age in ages.acts:
        if age == ages.assessed:
            lines.append("  " + _act(age) + " - " + _("the act this assessment is of"))
        elif age in ages.separated:
            lines.append(
                "  "
                + _act(age)
                + " - "
                + _(
                    "not in this assessment: committed at 18 or over (GC24 para 36: States should consider "
                    "rules letting the child-justice system deal with all the offences where there are "
                    "reasonable grounds)"
                )
            )
        else:
            lines.append("  " + _act(age) + " - " + _("assess it on its own if its age or category calls for it"))
    if "age_now" in ages.answers:
        today = _("today: aged {age}") if earliest == latest else _("today: aged at least {age}")
        lines.append("  " + today.format(age=ages.answers["age_now"]))
    return lines
