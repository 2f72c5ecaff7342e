"""The interface language: the user's choice (kept in the case cookie), else the browser's Accept-Language.

Every page carries a small form with one button per language (base.html); choosing posts it here
(from this site only: the Origin check of web.security),
which keeps the choice in the session (the encrypted cookie, beside the case: finishing and clearing
the case keeps it) and returns to the page it came from. The address holds no question and no
answer: pages are addressed by step number. Each request then sets the engine's language too, so
the words the engine draws (the decision tree) follow.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, g, redirect, request, session, url_for
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from engine.i18n import LANGUAGE_NAMES, reset_language, set_language, supported, text_direction

bp = Blueprint("language", __name__)
SESSION_KEY = "l"


class LanguageForm(FlaskForm):
    """The language switch: the language (one submit button each) and the page to return to.

    It carries no CSRF token (a token would make every page differ, and set the cookie, for a
    choice that changes no case): web.security's Origin check refuses a post from another site."""

    class Meta:
        csrf = False

    language = SelectField(choices=list(LANGUAGE_NAMES))
    back_to = HiddenField()


def select_locale() -> str:
    """Flask-Babel's locale: the language chosen on a page, else the best of Accept-Language, else English."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get(SESSION_KEY)
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def language() -> str:
    """This request's interface language ("fr", "ar", …)."""
    return supported(str(get_locale())) or "en"


def _local(address: str | None) -> str | None:
    """`address` if it is a path of this site (never another host: no open redirect)."""
    if not address or not address.startswith("/") or address.startswith("//") or "\\" in address:
        return None
    parts = urlsplit(address)
    return address if not parts.scheme and not parts.netloc else None


@bp.route("/language", methods=["POST"])
def choose() -> Response:
    form = LanguageForm()
    if form.validate_on_submit() and form.language.data in current_app.config["LANGUAGES"]:
        session[SESSION_KEY] = form.language.data
    return redirect(_local(form.back_to.data) or url_for("interview.start"), code=303)


def switch_form() -> LanguageForm:
    """The switch for this page, returning to it."""
    form = LanguageForm(formdata=None, language=language())
    form.back_to.data = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return form


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def engine_language() -> None:
        g.engine_language = set_language(language())

    @app.teardown_request
    def engine_language_done(_error: BaseException | None) -> None:
        token = g.pop("engine_language", None)
        if token is not None:
            reset_language(token)

    @app.context_processor
    def language_context() -> dict[str, object]:
        current = language()
        return {
            "html_lang": current,
            "html_dir": text_direction(current),
            # An arrow that points forward in the page's direction (the next step, what follows).
            "forward_arrow": "←" if text_direction(current) == "rtl" else "→",
            "language_names": {code: LANGUAGE_NAMES[code] for code in app.config["LANGUAGES"]},
            "language_switch": switch_form,
        }
