"""Justice Pathway web app: a GOV.UK-style questionnaire over the engine's session API.

`create_app(config)` builds the app; `pathway serve` runs it under waitress on its embedded
defaults (baseline profile, built-in knowledge). Blueprints: `interview` (start, questions by
step, check your answers), `result` (the explained recommendation and its tree), `records`
(decision record, case file save/resume, finish and clear), `errors`, and the trainer, policy
and API pages. No case data is stored on the server: the case lives in one encrypted cookie.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, get_flashed_messages
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import load_knowledge
from engine.i18n import format_day, format_moment
from engine.run.explanation import source_views

from . import (
    api,
    bench_card,
    busy,
    errors,
    events,
    interview,
    language,
    policy,
    records,
    result,
    security,
    teaching,
    texts,
    words,
)
from .config import ConfigError, build_config

__all__ = ["ConfigError", "create_app"]
csrf = CSRFProtect()
babel = Babel()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory. `config` overrides the defaults (see `web.config`)."""
    app = Flask(__name__)
    app.config.update(build_config(config))
    knowledge_dir = app.config["KNOWLEDGE_DIR"]
    app.extensions["pathway_kb"] = load_knowledge(Path(knowledge_dir) if knowledge_dir else None)

    if app.config["PROXIES"]:
        # Behind N reverse proxies, trust exactly their X-Forwarded-* headers (scheme and host for
        # the Secure cookie, HSTS and the origin check); without proxies, trust none.
        count = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    security.init_app(app)
    busy.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=language.select_locale)
    language.init_app(app)
    # The request log shows routes and step numbers only: no URL names a question or an answer.
    logging.getLogger("werkzeug").setLevel(
        logging.WARNING if app.config["PATHWAY_ENV"] == "production" else logging.INFO
    )

    app.register_blueprint(interview.bp)
    app.register_blueprint(result.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(bench_card.bp)
    app.register_blueprint(errors.bp)
    app.register_blueprint(teaching.bp)
    app.register_blueprint(policy.bp)
    # The JSON API is stateless (no cookie, so nothing for CSRF to protect); see web.api.
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)
    csrf.exempt(language.bp)  # the language switch changes no case; the Origin check guards it

    kb = app.extensions["pathway_kb"]
    texts.init_app(app)  # kt(), kt_plain() and answer_text() in the page's language (before the macros)
    # Dates and times as the page's language writes them (Babel; engine.i18n follows the request's language).
    app.add_template_global(format_moment, "format_moment")
    app.add_template_global(format_day, "format_day")
    # The shared macros, loaded once: `{% from "_macros.html" import ... %}` on every render
    # cost a comparison of every template global (templates write `{% set x = ui.x %}`).
    app.add_template_global(words.time_span, "time_span")  # before the macros that use them
    app.add_template_global(words.parameter_value, "parameter_value")
    app.add_template_global(app.jinja_env.get_template("_macros.html").module, "ui")
    app.add_template_global(lambda citations: source_views(kb, citations), "sources_of")
    app.add_template_filter(lambda ids: sorted(ids, key=kb.question_sort_key), "sort_questions")

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        return {
            "pathway_kb": kb,
            "idle_minutes": app.config["CASE_IDLE_SECONDS"] // 60,
            "flashed": lambda: get_flashed_messages(with_categories=True),
        }

    return app
