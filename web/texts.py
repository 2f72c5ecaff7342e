"""Knowledge texts on the pages, in the page's language (`kt` in templates).

Every text of the knowledge base a page shows goes through `kt(kind, id, field)`: the translation
in the locale Flask-Babel selected, or the English marked as English (`lang="en"` and a visible
"English — no translation yet"). A translated legal text carries "translation not yet reviewed"
until a legal translator has reviewed it; the marker sits on the entry's first text (a rule's
title, a question's text) so that an entry is marked once. `quiet=True` leaves the review marker
out where the same entry is marked further down the page (the headline's links to the details).
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from engine.load.answers import answer_text
from engine.load.model import Question
from engine.load.translations import KINDS, SOURCE_LANGUAGE, Text


def page_language() -> str:
    """The language of the page (the locale's language part: "pt" for pt_BR)."""
    locale = get_locale()
    return locale.language if locale is not None else SOURCE_LANGUAGE


def text_of(kind: str, entry_id: str, field: str) -> Text:
    return current_app.extensions["pathway_kb"].text(kind, entry_id, field, page_language())


def kt_plain(kind: str, entry_id: str, field: str) -> str:
    """The text alone, for places that take no markup (an attribute, an option, a caption)."""
    return text_of(kind, entry_id, field).text


def kt(kind: str, entry_id: str, field: str, quiet: bool = False) -> Markup:
    """The text with its language and status marked (see the module docstring)."""
    found = text_of(kind, entry_id, field)
    if found.status == "source" or (found.status == "reviewed"):
        return escape(found.text)
    if found.fallback:
        marker = (
            gettext("English — translation out of date")
            if found.status == "outdated"
            else gettext("English — no translation yet")
        )
        return Markup(
            '<span lang="en">{}</span> <span class="tag tag--grey kt-marker kt-marker--english">{}</span>'
        ).format(found.text, marker)
    if quiet or not found.legal or field != KINDS[kind].fields[0]:
        return escape(found.text)
    return Markup('{} <span class="tag tag--yellow kt-marker kt-marker--unreviewed">{}</span>').format(
        found.text, gettext("translation not yet reviewed")
    )


def answer_words(question: Question, value: Any) -> str:
    """An answer as the user reads it, with the choice labels in the page's language."""
    lang = page_language()
    if lang == SOURCE_LANGUAGE or not question.choices:
        return answer_text(question, value)
    kb = current_app.extensions["pathway_kb"]
    return answer_text(question, value, kb.translations.choice_labels(question, lang))


def profile_name(kb: Any, profile_id: str) -> str:
    """A profile's name in the page's language; a profile supplied by the user, as the user wrote it
    (the knowledge texts know only the shipped profiles)."""
    if kb.supplied_profile == profile_id:
        return kb.jurisdictions[profile_id].name
    return kt_plain("jurisdictions", profile_id, "name")


RULE_ID = re.compile(r"\bR-[A-Z]+-\d{2}\b|\bNE-[a-z]+(?:-[a-z]+)*\b")  # a rule, or a point left to judgement


def rule_ids(text: Any) -> Markup:
    """A text with each rule id it names set in small print (`.rule-id`): the ids are details for
    whoever looks a rule up, the words around them are for the reader."""
    html = str(text if isinstance(text, Markup) else escape(text))
    # Only the ids' own characters ([A-Z0-9-]) go into the inserted markup, around escaped text.
    return Markup(RULE_ID.sub(lambda m: f'<span class="rule-id">{m.group(0)}</span>', html))  # noqa: S704


def init_app(app: Any) -> None:
    app.add_template_filter(rule_ids, "rule_ids")
    app.add_template_global(kt, "kt")
    app.add_template_global(kt_plain, "kt_plain")
    app.add_template_global(profile_name, "profile_name")
    app.add_template_global(answer_words, "answer_text")
    app.add_template_global(page_language, "page_language")
