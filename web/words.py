"""Plain words for values the pages show: a parameter's value with its unit, yes or no for a flag."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext, ngettext

from engine.load.model import Parameter
from engine.run.deadlines import span_words


def parameter_value(parameter: Parameter, value: Any) -> str:
    """A jurisdiction value as a person reads it: "48 hours", "yes", "no", or the value itself."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int) and parameter.unit is not None:
        units = {
            "years": ngettext("%(num)d year", "%(num)d years", value),
            "hours": ngettext("%(num)d hour", "%(num)d hours", value),
            "days": ngettext("%(num)d day", "%(num)d days", value),
            "months": ngettext("%(num)d month", "%(num)d months", value),
        }
        return units[parameter.unit]
    return str(value)


def time_span(span: dt.timedelta) -> str:
    """A length of time as a person reads it ("5 hours", "1 day 14 hours", "3 days"), in the page's
    language: the text report's words, so that 38 hours late under a 24-hour limit is not rounded
    to "2 days"."""
    return span_words(span)
