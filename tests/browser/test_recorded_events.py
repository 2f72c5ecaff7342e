"""What has happened since, in a real browser (issue 14): "diversion offered" recorded on a date
from the check page is listed in the result page's event log among the answered dates, in the
order they happened; the events page (empty, rejected, with an event) has no axe violation."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .accessibility import WIDTHS, assert_accessible, assert_fits_the_width
from .conftest import LiveServer
from .test_accessibility import EVENT_VISITS
from .test_events import start_friday_case


def test_diversion_offered_on_a_date_is_in_the_result_event_log_in_order(page: Page, live_server: LiveServer):
    start_friday_case(page, live_server)
    page.get_by_role("link", name="Record what has happened since (diversion, trial, judgement, sentence)").click()
    page.get_by_label("What happened").select_option(label="Diversion offered")
    page.get_by_label("Date", exact=True).fill("2026-02-28")
    page.get_by_role("button", name="Add the event").click()
    expect(page.locator("#recorded-events")).to_contain_text("Diversion offered")
    page.get_by_role("link", name="See the result").click()
    events = page.locator("#events li")
    expect(events.first).to_have_attribute("data-event", "detention_start_date")
    expect(events.nth(1)).to_have_attribute("data-event", "arrest_datetime")  # 2026-02-27 19:00
    expect(events.nth(2)).to_have_attribute("data-event", "diversion_offered")
    expect(events.nth(2)).to_contain_text("2026-02-28 Diversion offered")
    expect(events.nth(3)).to_have_attribute("data-event", "judge_appearance_datetime")  # 2026-03-02 09:00


def test_the_events_page_in_each_state_has_no_axe_violation(page: Page, live_server: LiveServer):
    start_friday_case(page, live_server)
    problems = []
    for visit in EVENT_VISITS:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + visit.address)
            if visit.then is not None:
                visit.then(page)
            for check in (assert_accessible, *((assert_fits_the_width,) if width < 1280 else ())):
                try:
                    check(page)
                except AssertionError as err:
                    problems.append(f"[{visit.name} at {width} px] {err}")
    assert not problems, "\n".join(problems)
