"""Every page of the web app, at 1280 px and at 390 px: axe-core finds no WCAG 2.2 AA violation,
and at 390 px nothing scrolls sideways (WCAG 1.4.10).

The pages are those of the app's own routes: a test below fails if a route that answers HTML is
neither visited here nor listed as a file download. The case pages are seen with a vignette
loaded (V8, the detention hearing: a question of every kind), with the states a user meets:
a rejected answer, a rejected start form, a what-if comparison."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from werkzeug.exceptions import NotFound

from .accessibility import WIDTHS, assert_accessible, assert_fits_the_width
from .conftest import LiveServer
from .journey import current_question
from .test_tree import vignette_number

# Routes that answer a file, not a page (their links are checked on the pages that offer them).
FILES = {
    "static",
    "result.tree_svg",
    "records.record_pdf",
    "records.download_letter",
    "records.download_record",
    "records.download_case",
    "records.download_deadlines",
    "bench_card.pdf",
    "interview.resume_interview",  # a redirect to the question the case stands at
}


@dataclass(frozen=True)
class Visit:
    """A page to check: its address, and what the user does there first (submit a bad answer...)."""

    name: str
    address: str
    then: Callable[[Page], None] | None = None


def rejected_answer(page: Page) -> None:
    page.locator("#answer").fill("200")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_visible()


def rejected_start(page: Page) -> None:
    page.locator("#reference_date").fill("")
    page.get_by_role("button", name="Start now").click()
    expect(page.locator(".error-summary")).to_be_visible()


def rejected_start_dates(page: Page) -> None:
    page.get_by_text("Dates of the case (optional)").click()
    page.locator("#date_of_birth").fill("2010-01-01")
    page.locator("#act_1_date").fill("2009-06-01")  # before the birth
    page.locator("#act_1_category").select_option("travel")
    page.locator("#act_2_date").fill("2026-01-01")  # no category
    page.get_by_role("button", name="Start now").click()
    expect(page.locator(".error-summary")).to_be_visible()


def dated_result(page: Page) -> None:
    """The dates of the case given (acts at 13, 15 and 18 under a minimum age of 14), then its result."""
    page.locator("#date_of_birth").fill("2005-05-10")
    for slot, (day, category) in enumerate(
        [("2018-07-01", "expression"), ("2020-07-01", "travel"), ("2023-07-01", "association")], start=1
    ):
        page.locator(f"#act_{slot}_date").fill(day)
        page.locator(f"#act_{slot}_category").select_option(category)
    page.get_by_role("button", name="Save the dates").click()
    page.goto(page.url.split("/check")[0] + "/result")
    expect(page.locator("section.ages")).to_be_visible()


def event_added(page: Page) -> None:
    """An event recorded on the events page: listed, with its remove button."""
    page.locator("#kind").select_option("diversion_offered")
    page.locator("#date").fill("2026-01-05")
    page.get_by_role("button", name="Add the event").click()
    expect(page.locator("#recorded-events")).to_contain_text("Diversion offered")


def rejected_event(page: Page) -> None:
    page.locator("#kind").select_option("judgement")
    page.locator("#date").fill("")
    page.get_by_role("button", name="Add the event").click()
    expect(page.locator(".error-summary")).to_be_visible()


def what_if_comparison(page: Page) -> None:
    radios = page.locator("input[name=answer][type=radio]")
    if radios.count():
        radios.nth(1).check()
    else:
        page.locator("#answer").fill("12")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#comparison")).to_be_visible()


@pytest.fixture(scope="module")
def with_case(browser: Browser, live_server: LiveServer) -> Iterator[tuple[BrowserContext, dict[str, int]]]:
    """A browser holding V8 as its case, and a step number for each kind of question it asks."""
    kb = live_server.app.extensions["pathway_kb"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/scenarios/{vignette_number(live_server, 'V8')}")
    page.get_by_role("button", name="Load as my current case").click()
    steps: dict[str, int] = {}
    for number in range(1, 60):
        page.goto(f"{live_server.url}/step/{number}")
        qid = current_question(page)
        if qid is None:
            break
        question = kb.questions[qid]
        steps.setdefault(question.type, number)
        if question.allow_unknown:
            steps.setdefault(f"{question.type} or I don't know", number)
    page.close()
    yield context, steps
    context.close()


# What has happened since (web/events.py): the page, a rejected event, an event recorded.
EVENT_VISITS = (
    Visit("what has happened since", "/events"),
    Visit("what has happened since, rejected", "/events", rejected_event),
    Visit("what has happened since, an event added", "/events", event_added),
)


def visits(steps: dict[str, int], v8: int) -> list[Visit]:
    """Every page, in the states a user meets (the what-if pages on the loaded case)."""
    scenario = f"?scenario={v8}"
    return [
        Visit("start", "/"),
        Visit("start, rejected", "/", rejected_start),
        Visit("start, rejected dates", "/", rejected_start_dates),
        Visit("resume from a file", "/resume"),
        *(Visit(f"question: {kind}", f"/step/{n}") for kind, n in sorted(steps.items())),
        Visit("question, rejected answer", f"/step/{steps['integer']}", rejected_answer),
        Visit("check your answers", "/check"),
        Visit("result", "/result"),
        Visit("decision record", "/record"),
        Visit("bench card", "/bench-card"),
        Visit("scenario library", "/scenarios"),
        Visit("scenario", f"/scenarios/{v8}"),
        Visit("step-through, the facts", "/steps" + scenario),
        Visit("step-through, a firing", "/steps/1" + scenario),
        Visit("what-if list", "/what-if"),
        Visit("what-if question", "/what-if/1"),
        Visit("what-if comparison", "/what-if/1", what_if_comparison),
        Visit("what would change", "/what-would-change"),
        Visit("pathway map", "/map"),
        Visit("pathway map, one stage", "/map/DP-8"),
        Visit("policy pages", "/policy"),
        Visit("rule catalogue", "/policy/rules"),
        Visit("audit", "/policy/audit"),
        Visit("coverage", "/policy/coverage"),
        Visit("gaps, the profiles", "/policy/gaps"),
        Visit("gaps of a profile", "/policy/gaps/ruritania"),
        Visit("dates of the case", "/dates"),
        *EVENT_VISITS,
        # last: it gives the loaded case dates (the pages above see V8 as it is)
        Visit("result with the ages at the acts", "/dates", dated_result),
        Visit("check your answers, with dates", "/check"),
        Visit("page not found", "/no-such-page"),
    ]


def test_every_page_at_both_widths_has_no_violation_and_no_sideways_scroll(
    with_case: tuple[BrowserContext, dict[str, int]], live_server: LiveServer
):
    context, steps = with_case
    assert {"integer", "date", "datetime", "yes_no", "choice", "multi_choice"} <= set(steps), steps
    page = context.new_page()
    problems: list[str] = []
    seen = 0
    try:
        for visit in visits(steps, vignette_number(live_server, "V8")):
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(live_server.url + visit.address)
                if visit.then is not None:
                    visit.then(page)
                seen += 1
                for check in (assert_accessible, *((assert_fits_the_width,) if width < 1280 else ())):
                    try:
                        check(page)
                    except AssertionError as err:
                        problems.append(f"[{visit.name} at {width} px] {err}")
    finally:
        page.close()
    assert not problems, f"{len(problems)} problems on {seen} page views:\n" + "\n".join(problems)


def test_the_list_covers_every_page_of_the_app(
    with_case: tuple[BrowserContext, dict[str, int]], live_server: LiveServer
):
    adapter = live_server.app.url_map.bind("localhost")
    visited = set()
    for visit in visits(with_case[1], 1):
        try:
            visited.add(adapter.match(visit.address.split("?")[0], method="GET")[0])
        except NotFound:
            assert visit.name == "page not found", visit
    pages = {
        rule.endpoint
        for rule in live_server.app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.endpoint.startswith("api.") and rule.endpoint not in FILES
    }
    assert pages - visited == set(), "pages of the app that the accessibility test does not visit"
