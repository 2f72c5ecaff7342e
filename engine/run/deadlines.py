"""Time limits of a case: when each is due, and whether it was met, is open or is exceeded.

A deadline counts from the latest answered date of its `from` questions (a detention review
restarts the clock of the next one) and is met by its `met_by` answers: a date or date-time
question answered (met on that date) or a yes/no question answered yes (met, on a date not
given). A deadline not met is open until it is due and exceeded after, unless its clock was
stopped first: the child released (`ended_by`, the detention limits) before the event that
meets it, the deadline is "ended" on the release date - never exceeded after the release; if the
release came after the due moment, by how much is kept (`late`). Under a national profile
whose limit differs from the international reference value, the international due date and
state are worked out too.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.i18n import _, ngettext
from engine.load.model import Duration, Question

STATES = ("met", "open", "exceeded", "ended")


# A moment as the case gives it: a date and time, or a date alone (a day, no time given). It is
# kept as given, so that a day is shown as a day ("met on 2026-03-20", not "... 00:00"), and
# counted from the start of its day.
Moment = dt.date | dt.datetime


def as_datetime(value: Moment) -> dt.datetime:
    """A date answer counts from the start of its day; a date and time as given."""
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(0, 0))


def iso_moment(value: Moment) -> str:
    """A moment in ISO form as given: YYYY-MM-DDTHH:MM, or YYYY-MM-DD for a day."""
    return value.isoformat(timespec="minutes") if isinstance(value, dt.datetime) else value.isoformat()


def add_time(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """`start` plus `amount` hours, days or calendar months (the 31st + 1 month is the month's last day)."""
    if unit != "months":
        return start + dt.timedelta(**{unit: amount})
    month_index = start.month - 1 + amount
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Limit:
    """One limit (national or international) applied to the same start and event."""

    amount: int
    due: dt.datetime
    state: str  # met | open | exceeded | ended
    late: dt.timedelta | None = None  # met, or ended, after it was due: by how much


@dataclass(frozen=True)
class Deadline:
    """A time limit of one measure in this case, measured at the reference moment `now`.

    `start` is what it counts from (the answer to `from_question`); `met_on` when the event that
    meets it happened (None when met on a date not given, or not met); `international` the same
    limit with the international reference value when the profile's differs; `ended_on` when
    its clock was stopped (the child's release), whether or not that ended it. These three are
    moments as given (a day stays a day); `due` and `now` are dates and times.
    """

    start: Moment
    due: dt.datetime
    state: str
    from_question: str
    parameter: str
    unit: str
    amount: int
    now: dt.datetime
    met_on: Moment | None = None
    met_question: str | None = None
    late: dt.timedelta | None = None
    international: Limit | None = None
    ended_on: Moment | None = None

    @property
    def exceeded(self) -> bool:
        return self.state == "exceeded"

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def remaining(self) -> dt.timedelta:
        """Time left before it is due (negative once past)."""
        return self.due - self.now

    @property
    def overdue(self) -> dt.timedelta:
        """How far past the due moment it is now (exceeded) or was when met or ended (late)."""
        if self.state == "exceeded":
            return self.now - self.due
        return self.late or dt.timedelta(0)


def _state(
    due: dt.datetime, now: dt.datetime, met: bool, met_on: Moment | None, ended_on: Moment | None
) -> tuple[str, dt.timedelta | None]:
    met_on = None if met_on is None else as_datetime(met_on)
    ended_on = None if ended_on is None else as_datetime(ended_on)
    if met and (met_on is None or ended_on is None or met_on <= ended_on):
        return "met", (met_on - due if met_on is not None and met_on > due else None)
    if ended_on is not None:  # the clock stopped before the event: nothing can be exceeded after
        return "ended", (ended_on - due if ended_on > due else None)
    return ("exceeded" if now > due else "open"), None


def _met(spec: Duration, answers: dict[str, Any]) -> tuple[bool, Moment | None, str | None]:
    """Whether an answer says the event happened, when (as given, if a date was) and which answer."""
    dated = [(as_datetime(answers[q]), q) for q in spec.met_by if isinstance(answers.get(q), dt.date)]
    if dated:
        question = min(dated)[1]
        return True, answers[question], question
    said = next((q for q in spec.met_by if answers.get(q) is True), None)
    return said is not None, None, said


def _ended(spec: Duration, answers: dict[str, Any]) -> Moment | None:
    """When the clock was stopped (the earliest `ended_by` date given, as given), if it was."""
    dates = [answers[q] for q in spec.ended_by if isinstance(answers.get(q), dt.date)]
    return min(dates, key=as_datetime, default=None)


def deadline_for(
    spec: Duration, answers: dict[str, Any], amount: Any, international: Any, now: dt.datetime
) -> Deadline | None:
    """The deadline of `spec` in this case (None while what it counts from is not answered)."""
    starts = [(as_datetime(answers[q]), q) for q in spec.counts_from if isinstance(answers.get(q), dt.date)]
    if not starts or not isinstance(amount, int) or isinstance(amount, bool):
        return None
    counted_from, from_question = max(starts)
    start = answers[from_question]
    met, met_on, met_question = _met(spec, answers)
    ended_on = _ended(spec, answers)
    due = add_time(counted_from, amount, spec.unit)
    state, late = _state(due, now, met, met_on, ended_on)
    other = None
    if isinstance(international, int) and not isinstance(international, bool) and international != amount:
        other_due = add_time(counted_from, international, spec.unit)
        other = Limit(international, other_due, *_state(other_due, now, met, met_on, ended_on))
    return Deadline(
        start,
        due,
        state,
        from_question,
        spec.param,
        spec.unit,
        amount,
        now,
        met_on,
        met_question,
        late,
        international=other,
        ended_on=ended_on,
    )


def span_words(span: dt.timedelta) -> str:
    """A length of time in the largest sensible unit: "5 hours", "3 days", "1 day 4 hours"."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days >= 3 or (days and not hours):
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if days:
        return (
            (ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
            + " "
            + (ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
        )
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def moment_text(moment: Moment) -> str:
    """A moment as given: "2026-03-02 09:00", or "2026-03-20" for a day."""
    return iso_moment(moment).replace("T", " ")


def state_words(
    deadline: Deadline | Limit, now: dt.datetime, met_on: Moment | None = None, ended_on: Moment | None = None
) -> str:
    """The state in plain words: met (on which date), open (due in N, at when), exceeded (by how
    much) or ended (the child released, on which date; how long after the limit if it was)."""
    if deadline.state == "ended":
        text = _("ended: the child was released on %(date)s") % {"date": moment_text(ended_on)}
        if deadline.late:
            text += ", " + _("%(span)s after the time limit (due %(due)s)") % {
                "span": span_words(deadline.late),
                "due": moment_text(deadline.due),
            }
        return text
    if deadline.state == "met":
        text = _("met on %(date)s") % {"date": moment_text(met_on)} if met_on is not None else _("met (date not given)")
        if deadline.late:
            text += ", " + _("late by %(span)s") % {"span": span_words(deadline.late)}
        return text
    if deadline.state == "open":
        return _("open: due in %(span)s, at %(due)s") % {
            "span": span_words(deadline.due - now),
            "due": moment_text(deadline.due),
        }
    return _("EXCEEDED by %(span)s (was due %(due)s)") % {
        "span": span_words(now - deadline.due),
        "due": moment_text(deadline.due),
    }


def deadline_words(deadline: Deadline) -> str:
    """The national (profile's) state, and the international one when it differs."""
    text = state_words(deadline, deadline.now, deadline.met_on, deadline.ended_on)
    other = deadline.international
    if other is not None:
        text += "; " + _("international limit (%(amount)d %(unit)s): %(state)s") % {
            "amount": other.amount,
            "unit": _(deadline.unit),
            "state": state_words(other, deadline.now, deadline.met_on, deadline.ended_on),
        }
    return text


@dataclass(frozen=True)
class RecordedEvent:
    """An event the case records (knowledge/events.yaml): a decision taken, of `kind`, on a date
    (`when` a date) or at a date and time (`when` a datetime). It sets or meets no time limit."""

    kind: str
    when: dt.date


@dataclass(frozen=True)
class Event:
    """A dated event of the case: the answer to a date or date-time question (`question_id`), or
    an event the case records (`kind`, knowledge/events.yaml)."""

    moment: dt.datetime
    question_id: str | None
    has_time: bool
    kind: str | None = None


def event_moment(event: Event, separator: str = " ") -> str:
    """When an event happened as it was given: a date, or a date and time."""
    return event.moment.strftime(f"%Y-%m-%d{separator}%H:%M" if event.has_time else "%Y-%m-%d")


def event_log(
    questions: dict[str, Question], answers: dict[str, Any], recorded: Sequence[RecordedEvent] = ()
) -> list[Event]:
    """The case's dated events - the answered dates and the recorded events - in the order they
    happened (the order they were entered in does not matter)."""
    events = [
        Event(as_datetime(value), qid, isinstance(value, dt.datetime))
        for qid, value in answers.items()
        if qid in questions and questions[qid].type in ("date", "datetime") and isinstance(value, dt.date)
    ]
    events += [Event(as_datetime(r.when), None, isinstance(r.when, dt.datetime), r.kind) for r in recorded]
    return sorted(events, key=lambda e: (e.moment, e.question_id or e.kind))
