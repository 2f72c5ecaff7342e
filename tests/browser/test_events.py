"""Events in a real browser (issue 14): "when?" comes right after "brought before a judge: yes",
and the result page says the limit was met on that date and how late, in the national and the
international words; the events are listed in the order they happened."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from engine import load_knowledge
from engine.load.answers import parse_answers
from tests.custody_story import FRIDAY_ARREST

from .conftest import LiveServer
from .journey import answer_all

KB = load_knowledge()
# The Friday-evening arrest first seen by a judge on Monday morning (knowledge/scenarios/t_dated_stories.yaml)
FRIDAY = {
    **parse_answers(KB.questions, FRIDAY_ARREST, dt.datetime(2026, 3, 2, 9, 0))[0],
    "brought_before_judge": True,
    "judge_appearance_datetime": dt.datetime(2026, 3, 2, 9, 0),
    "charged_formally": False,
    # the rest of the police-custody review, as the story has it (released with conditions, no emergency)
    "release_possible": "release_with_conditions",
    "monetary_bail_set": False,
    "public_health_emergency": False,
    "administrative_detention": False,
    "witness_self_incrimination_risk": False,
    "informant_approach": False,
    "conduct_category": "nonviolent_support",
    "victim_or_witness_role": False,
}


def start_friday_case(page: Page, live_server: LiveServer) -> list[str]:
    """The Friday-evening story answered on the pages, for the police-custody review on Monday at
    noon; the questions asked, in order."""
    page.goto(live_server.url + "/")
    page.locator("input[name=jurisdiction][value=baseline]").check()
    page.locator("#reference_date").fill("2026-03-02")
    page.locator("#reference_time").fill("12:00")
    page.locator("input[name=hearing][value=police_custody_review]").check()
    page.get_by_role("button", name="Start now").click()
    return answer_all(page, KB, FRIDAY)


def test_the_date_of_the_first_appearance_is_asked_after_the_yes_and_dates_the_limit(
    page: Page, live_server: LiveServer
):
    asked = start_friday_case(page, live_server)
    assert asked.index("judge_appearance_datetime") == asked.index("brought_before_judge") + 1, asked
    page.get_by_role("button", name="See the result", exact=True).click()  # complete: every question answered
    appearance = page.locator("[data-deadline-state]").filter(has_text="late by").first
    expect(appearance).to_contain_text("met")
    expect(appearance).to_contain_text("on 2026-03-02 09:00, late by 1 day 14 hours")  # 38 hours, not "2 days"
    events = page.locator("#events li")
    expect(events.first).to_have_attribute("data-event", "detention_start_date")
    expect(events.nth(1)).to_contain_text("2026-02-27 19:00")
    expect(events.nth(2)).to_have_attribute("data-event", "judge_appearance_datetime")
    expect(events.nth(2)).to_contain_text("2026-03-02 09:00")
