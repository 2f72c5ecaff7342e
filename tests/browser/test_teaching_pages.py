"""Step-through and what-if in a real browser: keyboard only, without JavaScript, and axe-core finds 0 violations."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .accessibility import assert_accessible
from .conftest import LiveServer

SCENARIO = "?scenario=1"


def step_number(page: Page) -> int:
    match = re.search(r"/steps/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def test_step_through_with_the_keyboard(page: Page, live_server: LiveServer):
    page.goto(live_server.url + "/steps" + SCENARIO)
    expect(page.locator("h1")).to_contain_text("step 0 of")
    assert_accessible(page)
    # arrow keys (JavaScript enhancement)
    page.keyboard.press("ArrowRight")
    expect(page.locator("h1")).to_contain_text("step 1 of")
    page.keyboard.press("ArrowRight")
    expect(page.locator("h1")).to_contain_text("step 2 of")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("h1")).to_contain_text("step 1 of")
    expect(page.locator("#step-title")).to_contain_text("Rule fired:")
    assert_accessible(page)
    # plain Tab and Enter on the "Next step" link
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Next step":
            break
    else:
        raise AssertionError("the Next step link cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("step 2 of")
    assert "scenario=1" in page.url
    # the last step has no "Next step"
    last = page.locator(".step-list a").last
    last.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-step-next]")).to_have_count(0)
    expect(page.locator(".step-list a[aria-current=step]")).to_have_count(1)
    assert_accessible(page)


def test_step_through_without_javascript(browser: Browser, live_server: LiveServer):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/steps/0" + SCENARIO)
        seen = []
        while page.locator("[data-step-next]").count():
            page.locator("[data-step-next]").click()
            seen.append(page.locator("#step-title").inner_text())
        assert len(seen) == step_number(page) >= 5
        page.locator("[data-step-prev]").click()
        assert page.locator("#step-title").inner_text() == seen[-2]
    finally:
        context.close()


def test_what_if_with_the_keyboard(page: Page, live_server: LiveServer):
    page.goto(live_server.url + "/what-if" + SCENARIO)
    assert_accessible(page)
    link = page.get_by_role("link", name=re.compile(r"Try another answer to: How old was the person"))
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/what-if/\d+\?scenario=1$"))
    assert_accessible(page)
    # "I don't know" first (the exclusive box clears the number), then a number again, with the keyboard only
    page.locator("#unknown").focus()
    page.keyboard.press("Space")
    expect(page.locator("#unknown")).to_be_checked()
    page.locator("#answer").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    expect(page.locator("#unknown")).not_to_be_checked()  # JS unticks the exclusive box as one types
    page.keyboard.press("Enter")
    comparison = page.locator("#comparison")
    expect(comparison).to_be_visible()
    expect(comparison).to_contain_text("16 → 12")
    expect(comparison.locator(".change--added").first).to_be_visible()
    expect(comparison.locator(".change--removed").first).to_be_visible()
    expect(comparison).to_be_focused()
    assert_accessible(page)
    # a rejected answer is reported, accessibly
    page.locator("#answer").fill("99")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
