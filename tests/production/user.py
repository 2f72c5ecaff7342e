"""What a user does in the browser, in words: start a case, answer what the page asks, go back.

Question pages are told apart by what they show (the heading is the question's text), never by
their address: in production the address is a step number and names no question.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qsl, urlparse

import yaml
from playwright.sync_api import Page, expect

from engine import load_knowledge
from engine.load.answers import answer_to_data, parse_answers
from engine.load.model import Question
from engine.run.session import interview_step
from tests.browser.journey import fill_answer

KB = load_knowledge()  # the shipped knowledge base: what the production server runs on
BY_TEXT = {q.text: q for q in KB.questions.values()}
EXPIRED = "This form has expired"
CASE_COOKIE = "__Host-pathway-case"
HSTS = "max-age=31536000; includeSubDomains"
REFERRER_POLICY = "same-origin"
STEP_PATH = re.compile(r"^/step/[0-9]+$")


def shown_question(page: Page) -> Question | None:
    """The question the page asks (by its heading), or None on any other page."""
    heading = page.locator("h1")
    if heading.count() != 1:
        return None
    return BY_TEXT.get(heading.inner_text().strip())


def expect_not_expired(page: Page) -> None:
    expect(page.locator("body")).not_to_contain_text(EXPIRED)


def expect_title_names_no_question(page: Page) -> None:
    title = page.title()
    named = [q.id for q in KB.questions.values() if q.text in title or q.id in title]
    assert not named, f"the page title {title!r} names questions {named}"


def start_case(
    page: Page, origin: str, jurisdiction: str = "baseline", day: str = "2026-03-01", hearing: str | None = None
) -> None:
    page.goto(origin + "/")
    expect(page.get_by_role("button", name="Start now")).to_be_visible()
    page.locator(f"input[name=jurisdiction][value={jurisdiction}]").check()
    page.locator(f"input[name=hearing][value={hearing or LOOKOUT_HEARING}]").check()
    page.locator("#reference_date").fill(day)
    if page.locator("#reference_time").count():
        page.locator("#reference_time").fill("")  # a date alone means noon
    page.get_by_role("button", name="Start now").click()
    expect_not_expired(page)


def answer(page: Page, question: Question, value: Any) -> None:
    """Answer the question on the page and continue."""
    expect(page.locator("h1")).to_have_text(question.text)
    expect_title_names_no_question(page)
    fill_answer(page, question, value)
    page.get_by_role("button", name="Continue").click()
    expect_not_expired(page)
    expect(page.locator(".error-summary")).to_have_count(0)


def answer_all(page: Page, answers: dict[str, Any], limit: int = 60) -> list[str]:
    """Answer every question the pages ask from `answers`; return the ids asked, in order."""
    asked: list[str] = []
    for _ in range(limit):
        page.wait_for_load_state()
        question = shown_question(page)
        if question is None:
            return asked
        assert question.id in answers, (
            f"the questionnaire asked '{question.id}' ({question.text}), which the answers do not give; "
            f"asked so far: {asked}"
        )
        asked.append(question.id)
        answer(page, question, answers[question.id])
    raise AssertionError(f"more than {limit} questions asked: {asked}")


def back(page: Page) -> None:
    page.get_by_role("link", name="Back", exact=True).click()


def answer_words(value: Any) -> set[str]:
    """The texts an answer could show as in a URL (choice ids, numbers, dates, yes/no)."""
    if isinstance(value, bool):
        return {"yes" if value else "no", str(value).lower()}
    if isinstance(value, list | tuple | set):
        return set().union(*(answer_words(v) for v in value)) if value else set()
    if isinstance(value, dt.datetime):
        return {value.strftime("%Y-%m-%dT%H:%M"), value.date().isoformat()}
    if isinstance(value, dt.date):
        return {value.isoformat()}
    return {str(value)}


def url_leaks(url: str, answers: dict[str, Any]) -> list[str]:
    """What of the case a URL shows: any question id of the knowledge, or any answer given.

    The origin is left out (its port is a number); a step number after `/step/` is allowed.
    Question ids, choice ids and dates are looked for anywhere in the path, query and fragment;
    numbers and yes/no as whole words.
    """
    parsed = urlparse(url)
    path = "/step/" if STEP_PATH.match(parsed.path) else parsed.path
    rest = path + ("?" + parsed.query if parsed.query else "") + ("#" + parsed.fragment if parsed.fragment else "")
    found = [f"question id {qid!r}" for qid in KB.questions if qid in rest]
    words = set(re.findall(r"[A-Za-z0-9_]+", rest))
    words.update(value for _, value in parse_qsl(parsed.query, keep_blank_values=True))
    for qid, value in answers.items():
        for text in answer_words(value):
            whole_word = text.isdigit() or text in ("yes", "no", "true", "false", "unknown")
            if (text in words) if whole_word else (text in rest):
                found.append(f"answer {text!r} to {qid}")
    return found


def vignette_scenario(vignette: str):
    """The first scenario of a vignette in the shipped knowledge."""
    return next(e.scenario for e in KB.scenarios if e.scenario.vignette == vignette)


def journey_answers(vignette: str) -> dict[str, Any]:
    """The answers the interview for the vignette's hearing asks for, in its order, from its scenario in
    the knowledge (in case-file form): the journey follows the knowledge as it changes, and a question
    the scenario does not answer fails here, by name."""
    scenario = vignette_scenario(vignette)
    typed, errors = parse_answers(KB.questions, scenario.answers, scenario.reference_date)
    assert not errors, errors
    asked: dict[str, Any] = {}
    for _ in range(60):
        step = interview_step(KB, asked, scenario.jurisdiction, scenario.reference_date, hearing=scenario.hearing)
        following = step.assessment.next_question
        if following is None:
            return {qid: answer_to_data(value) for qid, value in asked.items()}
        qid = following.question.id
        assert qid in typed, f"the {vignette} scenario does not answer '{qid}', which the interview asks"
        asked[qid] = typed[qid]
    raise AssertionError(f"the {vignette} interview does not end")


# The 12-year-old lookout (V3, baseline profile): a complete case, below the minimum age.
LOOKOUT = journey_answers("V3")
LOOKOUT_HEARING = vignette_scenario("V3").hearing  # the decision the prosecutor prepares


def case_file(
    answers: dict[str, Any], jurisdiction: str = "baseline", day: str = "2026-03-01", comment: str = ""
) -> bytes:
    """A case file as `pathway assess` and the resume page read it."""
    head = f"# {comment}\n" if comment else ""
    case = {"jurisdiction": jurisdiction, "reference_date": day, "hearing": LOOKOUT_HEARING, "answers": answers}
    body = yaml.safe_dump(case, sort_keys=False)
    return (head + body).encode()


def resume(page: Page, origin: str, content: bytes, name: str = "case.yaml") -> None:
    """Upload a case file on the resume page; it must be accepted."""
    page.goto(origin + "/resume")
    page.locator("#case_file").set_input_files(
        files=[{"name": name, "mimeType": "application/x-yaml", "buffer": content}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    expect_not_expired(page)
    expect(page.locator("body")).to_contain_text("The case file was loaded")
