"""Back and change without loss, save and resume, a broken case file, keyboard-only, no JavaScript, print."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Browser, Page, expect

from engine import load_knowledge

from .conftest import SMALL, LiveServer
from .journey import answer, answer_all, current_question, start_case, tab_to

KB = load_knowledge(SMALL)
Q = KB.questions
DAY = dt.date(2026, 3, 1)
CASE = {"age_at_conduct": 15, "admits_facts": True, "conduct": "violence", "arrest_datetime": "2026-02-27T08:00"}


def back(page: Page) -> None:
    page.get_by_role("link", name="Back", exact=True).click()


def test_back_and_change_never_lose_answers(page: Page, small_server: LiveServer):
    start_case(page, small_server.url, "baseline", DAY)
    answer(page, Q["age_at_conduct"], 15)
    answer(page, Q["admits_facts"], True)
    answer(page, Q["conduct"], "violence")
    assert current_question(page) == "arrest_datetime"
    back(page)
    expect(page.locator("input[name=answer][value=violence]")).to_be_checked()
    back(page)
    expect(page.locator("input[name=answer][value=yes]")).to_be_checked()
    back(page)
    expect(page.locator("#answer")).to_have_value("15")
    # continuing from the first page returns to where the user was
    page.get_by_role("button", name="Continue").click()
    assert current_question(page) == "arrest_datetime"
    answer(page, Q["arrest_datetime"], "2026-02-27T08:00")
    expect(page).to_have_url(re.compile(r"/check$"))

    # change the age below the minimum: the conduct answer no longer applies but is kept
    page.get_by_role("link", name="Change Age at the conduct?").click()
    expect(page.locator("#answer")).to_have_value("15")
    answer(page, Q["age_at_conduct"], 12)
    expect(page).to_have_url(re.compile(r"/check$"))
    notice = page.locator(".notification--important")
    expect(notice).to_contain_text("Some of your answers no longer apply")
    expect(notice).to_contain_text("What conduct?")
    muted = page.locator(".summary-list--muted")
    expect(muted).to_contain_text("What conduct?")
    expect(muted).to_contain_text("Violence")

    # change it back: everything applies again, nothing was lost
    page.get_by_role("link", name="Change Age at the conduct?").first.click()
    answer(page, Q["age_at_conduct"], 15)
    expect(page.locator(".notification")).to_contain_text("Some earlier answers apply again")
    expect(page.locator(".summary-list--muted")).to_have_count(0)
    for text in ("15", "yes", "Violence", "2026-02-27 08:00"):
        expect(page.locator(".summary-list").first.locator("..")).to_contain_text(text)


def test_bad_answer_shows_the_error_summary_and_keeps_earlier_answers(page: Page, small_server: LiveServer):
    start_case(page, small_server.url, "baseline", DAY)
    answer(page, Q["age_at_conduct"], 15)
    page.get_by_role("button", name="Continue").click()  # nothing selected
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Select an answer")
    expect(summary).to_be_focused()  # progressive enhancement moves focus to it
    summary.get_by_role("link", name="Select an answer").click()
    back(page)
    expect(page.locator("#answer")).to_have_value("15")


def test_save_and_resume_with_a_case_file(page: Page, small_server: LiveServer, tmp_path):
    start_case(page, small_server.url, "lowland", DAY)
    answer_all(page, KB, CASE)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Save your answers as a case file").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    page.get_by_role("button", name="See the result").click()
    page.get_by_role("button", name="Finish and clear").click()
    expect(page.locator(".notification--success")).to_contain_text("The case was cleared")

    page.get_by_role("link", name="Or resume a case from a case file").click()
    page.locator("#case_file").set_input_files(str(saved))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page).to_have_url(re.compile(r"/check$"))
    expect(page.locator("main")).to_contain_text("Lowland (fictional)")
    expect(page.locator("main")).to_contain_text("2026-02-27 08:00")


def test_a_case_resumed_later_is_assessed_now_or_on_the_date_chosen(page: Page, small_server: LiveServer):
    case = b"jurisdiction: baseline\nreference_date: 2026-03-01\nanswers:\n  age_at_conduct: 15\n"
    upload = [{"name": "case.yaml", "mimeType": "application/x-yaml", "buffer": case}]
    page.goto(small_server.url + "/resume")
    expect(page.get_by_label("Now: the case has moved on since it was saved")).to_be_checked()
    page.locator("#case_file").set_input_files(files=upload)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator("body")).to_contain_text("The case was saved for 2026-03-01 12:00; it is now assessed at")
    page.goto(small_server.url + "/resume")
    page.get_by_label("Another date:").check()
    page.locator("#reference_date").fill("2026-03-04")
    page.locator("#reference_time").fill("15:30")
    page.locator("#case_file").set_input_files(files=upload)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator("body")).to_contain_text("it is now assessed at 2026-03-04 15:30")


def test_a_broken_case_file_is_explained_and_answers_are_kept(page: Page, small_server: LiveServer):
    start_case(page, small_server.url, "baseline", DAY)
    answer(page, Q["age_at_conduct"], 16)
    answer(page, Q["admits_facts"], False)
    page.goto(small_server.url + "/resume")
    broken = b"jurisdiction: baseline\nanswers:\n  age_at_conduct: sixteen\n  admits_facts: maybe\n"
    page.locator("#case_file").set_input_files(
        files=[{"name": "broken.yaml", "mimeType": "application/x-yaml", "buffer": broken}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("The case file cannot be used")
    problems = page.locator(".case-problem")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("Line 3")
    expect(problems.nth(0)).to_contain_text("answers.age_at_conduct")
    expect(problems.nth(0)).to_contain_text("expected a whole number")
    expect(problems.nth(1)).to_contain_text("Line 4")
    page.goto(small_server.url + "/check")
    expect(page.locator("main")).to_contain_text("16")
    expect(page.locator("main")).to_contain_text("Does the child admit the facts?")


def test_keyboard_only_completion(browser: Browser, small_server: LiveServer):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(small_server.url + "/")
    tab_to(page, "el.textContent.includes('Start now')")
    page.keyboard.press("Enter")
    # age: type the number, Enter submits
    expect(page.locator("h1")).to_have_text("Age at the conduct?")
    tab_to(page, "el.id === 'answer'")
    page.keyboard.type("15")
    page.keyboard.press("Enter")
    # yes/no radios: tab into the group, Space selects, then tab to Continue
    expect(page.locator("h1")).to_have_text("Does the child admit the facts?")
    tab_to(page, "el.name === 'answer'")
    page.keyboard.press("Space")
    tab_to(page, "el.textContent.trim() === 'Continue'")
    page.keyboard.press("Enter")
    # choice: arrow keys move within the radio group
    expect(page.locator("h1")).to_have_text("What conduct?")
    tab_to(page, "el.name === 'answer'")
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=answer][value=violence]")).to_be_checked()
    tab_to(page, "el.textContent.trim() === 'Continue'")
    page.keyboard.press("Enter")
    # date and time typed segment by segment
    expect(page.locator("h1")).to_have_text("When arrested?")
    tab_to(page, "el.id === 'answer'")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    page.keyboard.type(yesterday.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type("0800AM")
    tab_to(page, "el.textContent.trim() === 'Continue'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/check$"))
    tab_to(page, "el.textContent.trim() === 'See the result'")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("What the standards say for this case")
    expect(page.locator("[data-measure='recommend:prosecution']")).to_have_count(0)
    expect(page.locator("[data-measure='require:legal_assistance']")).to_have_count(1)
    context.close()


def test_works_without_javascript(browser: Browser, small_server: LiveServer):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    start_case(page, small_server.url, "baseline", DAY)
    answer_all(page, KB, {**CASE, "age_at_conduct": "unknown"})
    page.get_by_role("button", name="See the result").click()
    expect(page.locator("[data-measure='require:no_criminal_proceedings']")).to_have_count(1)
    page.locator("#note").fill("Release to the family pending the hearing.")
    page.get_by_role("button", name="Save to the record").click()
    page.get_by_role("link", name="Print view of the decision record").click()
    expect(page.locator(".note")).to_have_text("Release to the family pending the hearing.")
    context.close()


def test_print_view_hides_controls(page: Page, small_server: LiveServer):
    start_case(page, small_server.url, "baseline", DAY)
    answer_all(page, KB, CASE)
    page.goto(small_server.url + "/record")
    print_button = page.get_by_role("button", name="Print this record")
    expect(print_button).to_be_visible()  # shown by the script, hidden without it
    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(page.locator(".back-link")).to_be_hidden()
    expect(page.locator(".disclaimer")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Decision record")
