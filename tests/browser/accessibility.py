"""The accessibility checks every browser test shares: axe-core on the WCAG 2.2 AA rules, and no
sideways scroll (the page fits the window's width, WCAG 1.4.10 reflow at 390 px)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

AXE = Axe()
# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core's tags), and axe's best practices.
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
TAGS = [*WCAG22_AA, "best-practice"]
WIDTHS = (1280, 390)  # a laptop, a phone


def violations(page: Page, context: dict | None = None) -> list[dict]:
    """axe-core's WCAG 2.2 AA (and best-practice) violations on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    return AXE.run(page, context=context, options=options).response["violations"]


def assert_accessible(page: Page, context: dict | None = None) -> None:
    found = violations(page, context)
    report = [
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(n["target"][0] for n in v["nodes"][:5])
        for v in found
    ]
    assert not found, f"{page.url}: axe-core WCAG 2.2 AA violations:\n" + "\n".join(report)


def sideways_scroll(page: Page) -> int:
    """How many pixels the page is wider than the window (0: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def assert_fits_the_width(page: Page) -> None:
    extra = sideways_scroll(page)
    if extra > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(el => !el.closest('[data-zoom-region], .table-scroll, pre'))
                .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))"""
        )
        raise AssertionError(f"{page.url}: {extra} px of sideways scroll at {page.viewport_size['width']} px: {wide}")


@contextmanager
def page_with_script(browser: Browser, state: dict) -> Iterator[Page]:
    """A page with JavaScript holding the cookies (the same case) of a test run without it:
    axe-core is a script."""
    context = browser.new_context(storage_state=state, viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()
