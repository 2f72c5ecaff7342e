"""Production fixtures: gunicorn over TLS in production mode, and Debian's Chromium driven by Playwright.

`server` (one per session) is the app exactly as production runs it (see `server.py`);
`browser_user` opens a fresh browser context (its own cookies) that accepts the test
certificate, and records every URL it requested and every response the app sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response

from .server import ProductionServer

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == HERE:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionServer]:
    """gunicorn over TLS, PATHWAY_ENV=production, a fresh random key; stopped by pid at the end."""
    production = ProductionServer(tmp_path_factory.mktemp("production"))
    production.start()
    try:
        yield production
    finally:
        production.stop()


@pytest.fixture(scope="session")
def chromium(browser: Browser) -> Browser:
    """The run's one Chromium (tests/conftest.py)."""
    return browser


@dataclass
class BrowserUser:
    """One browser context (one user, one cookie jar) and what it sent and received."""

    context: BrowserContext
    page: Page
    origin: str
    requested: list[str] = field(default_factory=list)  # every URL the browser asked for, in order
    app_responses: list[Response] = field(default_factory=list)  # every response from the app
    errors: list[str] = field(default_factory=list)

    def cookies(self) -> list[dict]:
        return self.context.cookies(self.origin)

    def case_cookie(self) -> dict | None:
        found = [c for c in self.cookies() if c["name"] == "__Host-pathway-case"]
        return found[0] if found else None


@pytest.fixture
def browser_user(chromium: Browser, server: ProductionServer) -> Iterator[Callable[[], BrowserUser]]:
    """A factory of fresh browser contexts (several users in one test); all closed at the end."""
    users: list[BrowserUser] = []

    def open_user() -> BrowserUser:
        context = chromium.new_context(
            ignore_https_errors=True,  # the test certificate; a court's own CA would be trusted on its PCs
            accept_downloads=True,
            viewport={"width": 1100, "height": 900},
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.set_default_navigation_timeout(30_000)
        user = BrowserUser(context, page, server.origin)
        context.on("request", lambda request: user.requested.append(request.url))
        context.on("response", lambda response: _keep_app_response(user, response))
        page.on("console", lambda message: _keep_console_error(user, message))
        page.on("pageerror", lambda error: user.errors.append(str(error)))
        users.append(user)
        return user

    yield open_user
    errors = []
    for user in users:
        errors.extend(user.errors)
        user.context.close()
    # A CSP violation or a script error on an app page shows up as a console error: none is acceptable.
    assert not errors, f"browser console errors on the app's pages: {errors}"


def _same_origin(url: str, origin: str) -> bool:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}" == origin


def _keep_app_response(user: BrowserUser, response: Response) -> None:
    if _same_origin(response.url, user.origin):
        user.app_responses.append(response)


def _keep_console_error(user: BrowserUser, message: ConsoleMessage) -> None:
    if message.type != "error":
        return
    url = (message.location or {}).get("url", "")
    if url and not _same_origin(url, user.origin):
        return  # an attacker's page (tests/production/test_csrf.py) is not the app
    # A refused form (CSRF, a rejected answer) answers 400, which Chromium reports as a failed load.
    if message.text.startswith("Failed to load resource: the server responded with a status of 400"):
        return
    user.errors.append(message.text)
