"""Configuration: embedded defaults that work with no setup, and what production must provide.

Every setting can be given to `create_app(config)`; the environment adds `PATHWAY_ENV`,
`PATHWAY_SECRET_KEY` (or `SECRET_KEY`) and `PATHWAY_KNOWLEDGE_DIR`. In development a random
secret key is made per process (sessions end when the server stops); in production the app
refuses to start without one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

# Locales with a catalogue in web/translations (English is the source language).
# Right-to-left scripts get dir="rtl" on <html>.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
NOTE_MAX_CHARS = 1000


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def default_config() -> dict[str, Any]:
    return {
        "PATHWAY_ENV": os.environ.get("PATHWAY_ENV", "development"),
        "SECRET_KEY": os.environ.get("PATHWAY_SECRET_KEY") or os.environ.get("SECRET_KEY"),
        "KNOWLEDGE_DIR": os.environ.get("PATHWAY_KNOWLEDGE_DIR") or None,
        "LANGUAGES": ["en"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": "translations",
        "BABEL_DOMAIN": "messages",
        # The signed session cookie is the only place a case lives on the way to the browser.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "pathway_case",
        "SESSION_COOKIE_SECURE": False,  # forced on for HTTPS requests (see web.security)
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        # The cookie is signed and sent again only when the case changes (8 hours from the last
        # change), not on every page: re-signing it was a tenth of a question page's time.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "MAX_CONTENT_LENGTH": 512 * 1024,  # case files are at most 256 KiB (engine.case_file)
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "WTF_CSRF_SSL_STRICT": True,
        "DEFAULT_JURISDICTION": "baseline",
    }


def build_config(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults, then the caller's settings; check what production needs."""
    config = default_config()
    for key, value in (overrides or {}).items():
        if value is not None or key not in ("KNOWLEDGE_DIR", "SECRET_KEY"):
            config[key] = value
    production = config["PATHWAY_ENV"] == "production"
    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigError(
                "PATHWAY_ENV=production needs a secret key: set PATHWAY_SECRET_KEY to a long random value "
                '(for example the output of: python -c "import secrets; print(secrets.token_hex(32))").'
            )
        config["SECRET_KEY"] = secrets.token_hex(32)
    if production:
        config["SESSION_COOKIE_SECURE"] = True
    return config
