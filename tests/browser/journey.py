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
