"""Dates instead of ages in a real browser (issue 14): a date of birth and two dated acts, at 17
and at 18, typed on the start page without any script; the result page shows the age at each
act, the act assessed and the act at 18 listed apart."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .journey import current_question


def test_a_date_of_birth_and_acts_at_17_and_18_give_the_ages_on_the_result_page(page: Page, live_server: LiveServer):
    page.goto(live_server.url + "/")
    page.locator("input[name=jurisdiction][value=baseline]").check()
    page.locator("#reference_date").fill("2026-11-02")
    page.get_by_text("Dates of the case (optional)").click()  # the section opens without a script
    page.get_by_label("Date of birth").fill("2008-05-10")
    page.locator("#act_1_date").fill("2026-03-01")
    page.locator("#act_1_category").select_option("nonviolent_support")
    page.locator("#act_2_date").fill("2026-07-01")
    page.locator("#act_2_category").select_option("travel")
    page.get_by_role("button", name="Start now").click()
    assert current_question(page) not in {None, "age_at_conduct", "age_lowest_plausible", "age_now"}
    page.goto(live_server.url + "/check")
    page.get_by_role("button", name="See the provisional result").click()
    ages = page.locator("section.ages")
    expect(ages).to_contain_text("Ages computed from the date of birth, 2008-05-10:")
    expect(ages).to_contain_text("today: aged 18")
    assessed = ages.locator("tr[data-act-standing=assessed]")
    expect(assessed).to_contain_text("2026-03-01")
    expect(assessed.locator("td").nth(2)).to_have_text("17")
    expect(assessed).to_contain_text("the act this assessment is of")
    apart = ages.locator("tr[data-act-standing=adult]")
    expect(apart.locator("td").nth(2)).to_have_text("18")
    expect(apart).to_contain_text("2026-07-01")
    expect(ages.get_by_role("heading", name="Listed apart: committed at 18 or over")).to_be_visible()
