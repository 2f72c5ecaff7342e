"""The page templates' gettext: Flask-Babel's translations, looked up once per request.

Flask-Babel's Jinja callables find the locale and the catalogue again on every call, and Jinja's
`_` alias and "newstyle" wrapper add two more calls and a formatting pass to each: with dozens of
strings per page, that was about a fifth of a question page's time. These callables take the translations
object from `flask.g` (found once per request) and format only when there is something to
format, with the same results: the request's locale (and any catalogue added later) is followed
exactly as before, markup is escaped the same way, and `%%` still becomes `%`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def _translations() -> Any:
    try:
        found = g._pathway_translations
    except AttributeError:  # first string of this request
        found = g._pathway_translations = get_translations()
    except RuntimeError:  # no request: Flask-Babel's default
        return get_translations()
    return found


def _finish(context: Context, text: str, variables: dict[str, Any]) -> str:
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (our own catalogue text, as in Jinja's i18n; variables are escaped by %)
    return text % variables if variables or "%" in text else text


@pass_context
def _gettext(context: Context, string: str, /, **variables: Any) -> str:
    return _finish(context, _translations().ugettext(string), variables)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _finish(context, _translations().ungettext(singular, plural, num), variables)


def install(app: Flask) -> None:
    """Put these in place of Flask-Babel's Jinja callables (call after `Babel.init_app`, which
    adds Jinja's i18n extension in newstyle mode; its pgettext and npgettext stay as they are)."""
    # `_` directly too, instead of the i18n extension's alias, which looks `gettext` up and calls it again.
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
