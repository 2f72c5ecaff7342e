"""Bad input in a real browser: contradictory ticks refused with a message that names them, Back
after an error without ERR_CACHE_MISS, and a case page without a case says why."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from engine.load.knowledge_base import KnowledgeBase

from .conftest import LiveServer
from .journey import answer, current_question, start_case
from .test_journeys import KB as SMALL_KB

DAY = dt.date(2026, 3, 1)


def scenario_answers(kb: KnowledgeBase, vignette: str) -> tuple[dict[str, Any], dt.datetime]:
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == vignette)
    return scenario.answers, scenario.reference_date


def answer_until(page: Page, kb: KnowledgeBase, answers: dict[str, Any], target: str) -> None:
    """Answer the questions the pages ask from `answers` until the page asks `target`."""
    for _ in range(60):
        qid = current_question(page)
        assert qid is not None, f"the interview ended before asking {target}"
        if qid == target:
            return
        assert qid in answers, f"asked {qid}, which the answers do not give"
        answer(page, kb.questions[qid], answers[qid])
    raise AssertionError(f"{target} was never asked")


def test_contradictory_ticks_are_refused_with_a_message_naming_them(browser: Browser, live_server: LiveServer):
    kb = live_server.app.extensions["pathway_kb"]
    answers, reference = scenario_answers(kb, "V1")
    # Without JavaScript nothing unticks a box for the user: the server must refuse the contradiction.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        start_case(page, live_server.url, "baseline", reference)
        answer_until(page, kb, answers, "custody_conditions")
        page.locator("input[name=answer][value=with_adults]").check()
        page.locator("input[name=answer][value=none_of_these]").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".error-summary")).to_contain_text(
            "“None of these” cannot be ticked together with “Held together with adults”"
        )
        expect(page.locator("#answer-error")).to_contain_text("Untick “None of these”, or untick the other answers.")
        assert current_question(page) == "custody_conditions", "nothing was kept: the same question again"
        expect(page.locator("input[name=answer][value=with_adults]")).to_be_checked()  # what was ticked is shown
    finally:
        context.close()


def test_with_javascript_an_exclusive_choice_unticks_the_others(page: Page, live_server: LiveServer):
    kb = live_server.app.extensions["pathway_kb"]
    answers, reference = scenario_answers(kb, "V1")
    start_case(page, live_server.url, "baseline", reference)
    answer_until(page, kb, answers, "custody_conditions")
    expect(page.locator(".checkboxes__divider").first).to_have_text("or")
    adults = page.locator("input[name=answer][value=with_adults]")
    alone = page.locator("input[name=answer][value=none_of_these]")
    adults.check()
    alone.check()
    expect(adults).not_to_be_checked()
    adults.check()
    expect(alone).not_to_be_checked()


def test_back_after_an_error_shows_the_page_again(page: Page, small_server: LiveServer):
    start_case(page, small_server.url, "baseline", DAY)
    page.locator("#answer").fill("30")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_contain_text("Out of range")
    answer(page, SMALL_KB.questions["age_at_conduct"], 15)
    assert current_question(page) == "admits_facts"
    response = page.go_back()  # ERR_CACHE_MISS would raise here: the error page was a POST result
    assert response is not None
    expect(page.locator("h1")).to_have_text(SMALL_KB.questions["age_at_conduct"].text)
    expect(page.locator("#answer")).to_have_value("15")  # the answer kept, the error shown only once
    expect(page.locator(".error-summary")).to_have_count(0)
    # the start page's own errors likewise
    page.goto(small_server.url + "/")
    page.locator("#reference_date").fill("")
    page.get_by_role("button", name="Start now").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.locator("#reference_date").fill(DAY.isoformat())
    page.get_by_role("button", name="Start now").click()
    assert current_question(page) is not None
    assert page.go_back() is not None
    expect(page).to_have_url(re.compile(r"/$"))


def test_a_case_page_without_a_case_says_why(page: Page, small_server: LiveServer):
    for path in ("/result", "/check", "/record", "/step/3"):
        page.goto(small_server.url + path)
        expect(page).to_have_url(small_server.url + "/")
        expect(page.locator(".notification, .notice, [role=status], [role=alert]").first).to_contain_text(
            "Start a case first, or resume one from a case file."
        )
