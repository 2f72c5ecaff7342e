"""Real-browser fixtures: the app in a background thread, driven in the run's one Chromium
(the `browser` fixture of tests/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from web import create_app

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


class LiveServer:
    """The app served on 127.0.0.1 at a free port, in a daemon thread."""

    def __init__(self, config: dict):
        self.app = create_app({"SECRET_KEY": "browser-tests", **config})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The app on the shipped knowledge base (embedded defaults)."""
    with LiveServer({}) as server:
        yield server


@pytest.fixture(scope="session")
def small_server() -> Iterator[LiveServer]:
    """The app on the small fixture knowledge base (fast, stable journeys)."""
    with LiveServer({"KNOWLEDGE_DIR": str(SMALL)}) as server:
        yield server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (its own cookies) per test."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    # Form pages answer a rejected answer with status 400, which Chromium reports as a failed load: not an error here.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error"
            and not msg.text.startswith("Failed to load resource: the server responded with a status of 400")
            else None
        ),
    )
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    # A CSP violation or a script error shows up as a console error: none is acceptable.
    assert not errors, f"browser console errors: {errors}"
