"""A whole journey with the keyboard only (Tab, Space, the arrow keys within a radio group as the
help says, typing, Enter; no click): the start page, every question of vignette V6 on the shipped
knowledge base, the check page, and the result's headline."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from .conftest import LiveServer
from .journey import answer_with_keyboard, choose_radio, current_question, tab_to, type_date


def test_a_vignette_from_start_to_result_with_the_keyboard_only(browser: Browser, live_server: LiveServer):
    kb = live_server.app.extensions["pathway_kb"]
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == "V6")
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        choose_radio(page, "jurisdiction", scenario.jurisdiction)
        choose_radio(page, "hearing", scenario.hearing)
        tab_to(page, "el.id === 'reference_date'")
        type_date(page, scenario.reference_date.date())
        tab_to(page, "el.id === 'reference_time'")
        page.keyboard.type(scenario.reference_date.strftime("%I%M%p"))
        tab_to(page, "el.textContent.includes('Start now')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        asked = []
        while (qid := current_question(page)) is not None:
            assert qid in scenario.answers and qid not in asked, (qid, asked)
            asked.append(qid)
            if kb.questions[qid].type in ("yes_no", "choice"):
                expect(page.locator("#answer-hint")).to_contain_text("the arrow keys move between them")
            answer_with_keyboard(page, kb.questions[qid], scenario.answers[qid])
        expect(page).to_have_url(re.compile(r"/check$"))
        assert asked, "the keyboard answered the questions"
        tab_to(page, "/^See the (provisional )?result$/.test(el.textContent.trim())")
        page.keyboard.press("Enter")
        expect(page.locator("h1#headline-title")).to_have_text("Diversion is the expected route")
        expect(page.locator("[data-measure='recommend:diversion']")).to_have_count(1)
    finally:
        context.close()
