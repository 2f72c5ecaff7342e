"""The interface's own words in the user's language (gettext): the engine's, the CLI's and the web app's.

One catalogue set for the whole interface: `engine/locale/<lang>/LC_MESSAGES/messages.po`, compiled
to `.mo` when the project is installed or built (Makefile, setup.py); the web app's Flask-Babel reads
the same files. Knowledge texts are translated by id under knowledge/, not here.

The language is per context (a ContextVar): the CLI sets it once (`--lang`, or `PATHWAY_LANG`), the
web app for each request (the user's choice, else Accept-Language). Words kept in module constants
are marked with `N_` and translated where they are shown. A language without a compiled catalogue
reads English.
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime, format_time

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
# The languages of the interface, each by its own name (the language switch shows these).
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "pt": "Português",
    "id": "Bahasa Indonesia",
}
LANGUAGES = tuple(LANGUAGE_NAMES)
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
ISO_MOMENT, ISO_DAY = "yyyy-MM-dd HH:mm", "yyyy-MM-dd"  # Babel (CLDR) patterns


def supported(language: str | None) -> str | None:
    """The interface language for a tag such as "fr", "fr_FR" or "pt-BR", or None if there is none."""
    base = (language or "").replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGE_NAMES else None


def text_direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


@cache
def translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def default_language() -> str:
    """The language of PATHWAY_LANG, else English."""
    return supported(os.environ.get("PATHWAY_LANG")) or SOURCE_LANGUAGE


# A new thread starts from the default language.
_language: ContextVar[str] = ContextVar("pathway_language", default=default_language())  # noqa: B039 (a str: immutable)


def current_language() -> str:
    return _language.get()


def set_language(language: str) -> Token[str]:
    """Use `language` for this context's words from now on (one CLI run, one web request); the
    token given back restores the language before."""
    return _language.set(supported(language) or SOURCE_LANGUAGE)


def reset_language(token: Token[str]) -> None:
    """Back to the language before the `set_language` that gave `token`."""
    _language.reset(token)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Use `language` inside the block only."""
    token = set_language(language)
    try:
        yield
    finally:
        reset_language(token)


def _(message: str) -> str:
    return translation(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translation(_language.get()).ngettext(singular, plural, n)


def format_moment(moment: dt.date | dt.datetime) -> str:
    """A date and time as this context's language writes them (Babel: the medium date, the short
    time); English keeps the ISO form the pages, records and case files have always used. A date
    without a time (a day given as such) is written as a day."""
    if not isinstance(moment, dt.datetime):
        return format_day(moment)
    language = _language.get()
    if language == SOURCE_LANGUAGE:
        return format_datetime(moment, ISO_MOMENT, locale=language)
    return f"{format_date(moment, 'medium', locale=language)} {format_time(moment, 'short', locale=language)}"


def format_day(day: dt.date) -> str:
    """A date as this context's language writes it (Babel: the medium date; ISO in English)."""
    language = _language.get()
    return format_date(day, ISO_DAY if language == SOURCE_LANGUAGE else "medium", locale=language)


def N_(message: str) -> str:  # noqa: N802 (the gettext name xgettext and pybabel know)
    """Mark a constant's words for the catalogue; `_()` translates them where they are shown."""
    return message
