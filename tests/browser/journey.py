"""Drive the questionnaire in a browser the way a user does: read the page, answer it, continue.

Answers are given in the case-file form (what scenarios hold): true/false, a choice id, a list
of choice ids, a whole number, `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, or `unknown`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Page, expect

from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import Question

STEP_PATH = re.compile(r"^/step/\d+$")


def current_question(page: Page) -> str | None:
    """The id of the question the page shows, or None on another page.

    Addresses name a step, never a question: the page's form says which question it asks."""
    if not STEP_PATH.match(urlparse(page.url).path):
        return None
    return page.locator("input[name=question]").get_attribute("value")


def start_case(page: Page, base_url: str, jurisdiction: str, reference: dt.date | dt.datetime) -> None:
    """Start a case for a date (its time left out: noon, as a date means everywhere) or a date and time."""
    page.goto(base_url + "/")
    page.locator(f"input[name=jurisdiction][value={jurisdiction}]").check()
    day = reference.date() if isinstance(reference, dt.datetime) else reference
    page.locator("#reference_date").fill(day.isoformat())
    page.locator("#reference_time").fill(reference.strftime("%H:%M") if isinstance(reference, dt.datetime) else "")
    page.get_by_role("button", name="Start now").click()


def data_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def fill_answer(page: Page, question: Question, value: Any) -> None:
    """Put `value` into the question's controls (without submitting)."""
    value = data_text(value)
    if isinstance(value, str) and value.strip().lower() == "unknown":
        page.locator("#answer-unknown" if question.type in ("yes_no", "choice") else "#unknown").check()
        return
    if question.type == "yes_no":
        page.locator(f"input[name=answer][value={'yes' if value else 'no'}]").check()
    elif question.type == "choice":
        page.locator(f"input[name=answer][value={value}]").check()
    elif question.type == "multi_choice":
        for box in page.locator("input[name=answer]").all():
            if box.is_checked():
                box.uncheck()
        for choice in value:
            page.locator(f"input[name=answer][value={choice}]").check()
    else:
        page.locator("#answer").fill(str(value))


def answer(page: Page, question: Question, value: Any) -> None:
    """Answer the question on the page and continue."""
    expect(page.locator("h1")).to_have_text(question.text)
    fill_answer(page, question, value)
    page.get_by_role("button", name="Continue").click()


def answer_all(page: Page, kb: KnowledgeBase, answers: dict[str, Any], limit: int = 80) -> list[str]:
    """Answer every question the pages ask from `answers`; return the ids asked, in order.

    Fails, naming the question, if a page asks something `answers` does not hold.
    """
    asked: list[str] = []
    for _ in range(limit):
        qid = current_question(page)
        if qid is None:
            return asked
        assert qid in answers, (
            f"the questionnaire asked '{qid}' ({kb.questions[qid].text}), which the answers do not give; "
            f"asked so far: {asked}"
        )
        asked.append(qid)
        answer(page, kb.questions[qid], answers[qid])
    raise AssertionError(f"more than {limit} questions asked: {asked}")


# --- with the keyboard only ---------------------------------------------------------------------


def tab_to(page: Page, test: str, limit: int = 80) -> None:
    """Press Tab until the focused element passes the JavaScript test `el => ...`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    raise AssertionError(f"keyboard focus never reached an element where {test}")


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into a radio group and move to `value` the way the page's help says: Space on the first
    answer, the arrow keys to the others (a radio group is one Tab stop)."""
    radios = page.locator(f"input[name={name}][type=radio]")
    values = radios.evaluate_all("els => els.map(e => e.value)")
    checked = radios.evaluate_all("els => els.findIndex(e => e.checked)")
    tab_to(page, f"el.name === '{name}'")
    target = values.index(value)
    if checked == -1 and target == 0:
        page.keyboard.press("Space")
        return
    delta = target - max(checked, 0)
    for _ in range(abs(delta)):
        page.keyboard.press("ArrowDown" if delta > 0 else "ArrowUp")


def type_date(page: Page, day: dt.date) -> None:
    """A date field takes the date typed segment by segment (month, day, year in the en-US locale)."""
    page.keyboard.type(day.strftime("%m%d%Y"))


def type_moment(page: Page, moment: dt.datetime) -> None:
    type_date(page, moment.date())
    page.keyboard.press("Tab")
    page.keyboard.type(moment.strftime("%I%M%p"))


def answer_with_keyboard(page: Page, question: Question, value: Any) -> None:
    """Answer the question on the page with Tab, Space, the arrow keys and typing only, then Enter on Continue."""
    expect(page.locator("h1")).to_have_text(question.text)
    unknown = isinstance(value, str) and value.strip().lower() == "unknown"
    if question.type == "yes_no":
        choose_radio(page, "answer", "unknown" if unknown else ("yes" if value else "no"))
    elif question.type == "choice":
        choose_radio(page, "answer", "unknown" if unknown else value)
    elif question.type == "multi_choice":
        wanted = {"unknown"} if unknown else set(value)
        boxes = page.locator("input[name=answer][type=checkbox], input#unknown[type=checkbox]")
        tab_to(page, "el.type === 'checkbox'")
        for index in range(boxes.count()):
            box = boxes.nth(index)
            if box.is_checked() != (box.get_attribute("value") in wanted):
                page.keyboard.press("Space")
            if index < boxes.count() - 1:
                page.keyboard.press("Tab")
    elif unknown:
        tab_to(page, "el.id === 'unknown'")
        page.keyboard.press("Space")
    else:
        tab_to(page, "el.id === 'answer'")
        if question.type == "date":
            type_date(page, dt.date.fromisoformat(data_text(value)))
        elif question.type == "datetime":
            type_moment(page, dt.datetime.fromisoformat(data_text(value)))
        else:
            page.keyboard.type(str(value))
    tab_to(page, "el.textContent.trim() === 'Continue'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
