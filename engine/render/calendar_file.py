"""The open deadlines of a case as a calendar file (iCalendar, `.ics`), made with `icalendar`.

The file carries the case reference and the knowledge's own words only (the measure, its rule
and source), never a name or an answer: a calendar is shared and synchronised far beyond the
case file. Times are floating (no time zone), as the answers are. Each event's UID is derived
from the case reference and the measure, so that importing a later export updates the event.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from engine.i18n import _
from engine.run.session import Assessment

ALARM_BEFORE = dt.timedelta(hours=1)


def _uid(case_reference: str, measure_id: str, which: str) -> str:
    digest = hashlib.sha256(f"{case_reference}\x00{measure_id}\x00{which}".encode()).hexdigest()[:32]
    return f"{digest}@justice-pathway"


def deadlines_ics(assessment: Assessment, case_reference: str, stamp: dt.datetime | None = None) -> bytes:
    """One event per open deadline (and per open international limit where the profile's differs)."""
    from icalendar import Alarm, Calendar, Event  # imported when a calendar is made, like Graphviz

    label = case_reference.strip() or _("case without a reference")
    calendar = Calendar()
    calendar.add("prodid", "-//Justice Pathway//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Time limits: {case}").format(case=label))
    made = (stamp or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    for measure in assessment.measures:
        deadline = measure.deadline
        if deadline is None:
            continue
        limits = [("national", deadline.due, deadline.state)]
        if deadline.international is not None:
            limits.append(("international", deadline.international.due, deadline.international.state))
        for which, due, state in limits:
            if state != "open":
                continue
            event = Event()
            event.add("uid", _uid(label, measure.id, which))
            event.add("dtstamp", made)
            event.add("dtstart", due)
            event.add("dtend", due + dt.timedelta(minutes=30))
            title = (
                measure.title if which == "national" else _("{title} (international limit)").format(title=measure.title)
            )
            event.add("summary", f"{label}: {title}")
            sources = "; ".join(view.cite for view in measure.sources)
            event.add(
                "description",
                _("Due by {due}. Rules: {rules}. Sources: {sources}. Decision support only.").format(
                    due=due.strftime("%Y-%m-%d %H:%M"), rules=", ".join(measure.rules), sources=sources
                ),
            )
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{label}: {title}")
            alarm.add("trigger", -ALARM_BEFORE)
            event.add_component(alarm)
            calendar.add_component(event)
    return calendar.to_ical()
