"""Configuration: embedded defaults that work with no setup, and what production must provide.

Every setting can be given to `create_app(config)`; the environment adds `PATHWAY_ENV`
(`development` or `production`, nothing else), `PATHWAY_SECRET_KEY` (or `SECRET_KEY`),
`PATHWAY_TRUSTED_HOSTS`, `PATHWAY_PROXIES` and `PATHWAY_KNOWLEDGE_DIR`.

The secret key is never invented here: several processes (gunicorn workers) that each made
their own would refuse each other's cookies. `pathway serve`, a single process, makes one for
itself when none is set; any other server must be given one. Production refuses to start on
anything that would weaken it silently: an unknown environment name, a key shorter than 32
bytes, no trusted host names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from engine.i18n import LANGUAGES, LOCALE_DIR
from engine.load.model import INTERNATIONAL_PROFILE

ENVIRONMENTS = ("development", "production")
NOTE_MAX_CHARS = 1000
MIN_SECRET_KEY_BYTES = 32
# A case is forgotten after this long without a change or a page view (checked on the server
# from the time inside the encrypted cookie); the cookie itself ends with the browser session.
CASE_IDLE_SECONDS = 2 * 3600
# Largest request body: a case file (engine.cases.case_file.MAX_CASE_FILE_BYTES) plus the form around it.
MAX_REQUEST_BYTES = 256 * 1024 + 16 * 1024


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def _listed(value: str | None) -> list[str] | None:
    names = [part.strip() for part in (value or "").split(",") if part.strip()]
    return names or None


def default_config() -> dict[str, Any]:
    return {
        "PATHWAY_ENV": os.environ.get("PATHWAY_ENV", "development"),
        "SECRET_KEY": os.environ.get("PATHWAY_SECRET_KEY") or os.environ.get("SECRET_KEY"),
        "KNOWLEDGE_DIR": os.environ.get("PATHWAY_KNOWLEDGE_DIR") or None,
        # Host names this app answers to (Flask refuses any other Host header with 400).
        "TRUSTED_HOSTS": _listed(os.environ.get("PATHWAY_TRUSTED_HOSTS")),
        # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: none, trust no such header).
        "PROXIES": os.environ.get("PATHWAY_PROXIES", "0") or "0",
        # The interface languages (engine.i18n: one catalogue set in engine/locale for the engine,
        # the CLI and the web app; English is the source language).
        "LANGUAGES": list(LANGUAGES),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(LOCALE_DIR),
        "BABEL_DOMAIN": "messages",
        "CASE_IDLE_SECONDS": CASE_IDLE_SECONDS,
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,  # the largest text field (a note) is far smaller
        # The form's token proves the page came from this app; the Origin check (web.security)
        # proves the browser sent it from this app. Flask-WTF's own HTTPS check reads the Referer,
        # which a browser may leave out, so it is off.
        "WTF_CSRF_SSL_STRICT": False,
        "WTF_CSRF_TIME_LIMIT": CASE_IDLE_SECONDS,
        "DEFAULT_JURISDICTION": INTERNATIONAL_PROFILE,
        # Expensive pages (what would change, audit, the tree file) running at once per process;
        # more get 503 with Retry-After, so they cannot starve the question pages.
        "EXPENSIVE_PAGES_AT_ONCE": 1,
    }


def build_config(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Defaults, then the caller's settings; refuse what would run weaker than it says."""
    config = default_config()
    for key, value in (overrides or {}).items():
        if value is not None or key not in ("KNOWLEDGE_DIR", "SECRET_KEY"):
            config[key] = value
    proxies = str(config["PROXIES"])
    if not proxies.isdigit():
        raise ConfigError(
            f"PATHWAY_PROXIES={proxies!r} is not a number: give how many reverse proxies are in front (0 for none)."
        )
    config["PROXIES"] = int(proxies)
    environment = config["PATHWAY_ENV"]
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"PATHWAY_ENV={environment!r} is not known: set it to exactly 'development' or 'production'.")
    key = config.get("SECRET_KEY")
    if not key:
        raise ConfigError(
            "No secret key: set PATHWAY_SECRET_KEY to a long random value, the same for every process of the "
            'server (for example the output of: python -c "import secrets; print(secrets.token_hex(32))"). '
            "`pathway serve` makes one for its own process when none is set."
        )
    if environment == "production":
        if len(key.encode() if isinstance(key, str) else key) < MIN_SECRET_KEY_BYTES:
            raise ConfigError(
                f"PATHWAY_ENV=production needs a secret key of at least {MIN_SECRET_KEY_BYTES} bytes in "
                'PATHWAY_SECRET_KEY (for example the output of: python -c "import secrets; print(secrets.token_hex(32))").'
            )
        if not config.get("TRUSTED_HOSTS"):
            raise ConfigError(
                "PATHWAY_ENV=production needs the host names the app answers to: set PATHWAY_TRUSTED_HOSTS, "
                "for example PATHWAY_TRUSTED_HOSTS=pathway.court.example."
            )
    config["SESSION_COOKIE_SECURE"] = environment == "production"
    return config
