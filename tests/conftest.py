"""Shared fixtures: the real knowledge base (loaded once), the small fixture knowledge base, and the
one Chromium of the run (Playwright's sync API allows one per process: the browser and the
production tests share it)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from engine import load_knowledge
from engine.load.knowledge_base import KnowledgeBase

pytest_plugins = ["pytester"]

# Debian's Chromium (Playwright's own download cannot be fetched here); `make system-deps` installs it.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped knowledge base."""
    return load_knowledge()


@pytest.fixture(scope="session")
def small_kb() -> KnowledgeBase:
    """A six-rule knowledge base for engine tests that must not depend on the law."""
    return load_knowledge(SMALL)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield found
        finally:
            found.close()


def small_copy_with(tmp_path: Path, overlay: str | None = None, layer: Path | None = None) -> Path:
    """A copy of the small knowledge base with the files of `fixtures/broken/<overlay>` (or of the
    folder `layer`) laid over it."""
    target = tmp_path / "knowledge"
    shutil.copytree(SMALL, target)
    if overlay:
        layer = FIXTURES / "broken" / overlay
    if layer is not None:
        shutil.copytree(layer, target, dirs_exist_ok=True)
    return target


DATED = FIXTURES / "dated"


@pytest.fixture(scope="session")
def dated_kb(tmp_path_factory) -> KnowledgeBase:
    """The small knowledge base with rules in force for a period (fixtures/dated: fictional laws)."""
    return load_knowledge(small_copy_with(tmp_path_factory.mktemp("dated"), layer=DATED))


def pytest_configure(config):
    # The interface catalogues are compiled at install (Makefile) and package build (setup.py), never
    # committed: compile them here too, so a run after a change of a .po file reads that change.
    from babel.messages.frontend import CommandLineInterface

    from engine.i18n import DOMAIN, LOCALE_DIR

    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(LOCALE_DIR), "-D", DOMAIN])

    # Hypothesis failure reports print their arguments; the knowledge base fixture is huge.
    from hypothesis import settings

    settings.register_profile("pathway", print_blob=False)
    settings.load_profile("pathway")
