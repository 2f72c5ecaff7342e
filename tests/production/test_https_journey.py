"""A whole journey in Chromium against gunicorn over TLS in production mode, as a user makes it.

Start, answer, go back and change an answer, see the result, open the record, write a note, save
the case file, clear, resume from the saved file, finish and clear. After each step: what the
page shows (never "This form has expired"), the one case cookie and its attributes, and at the
end the security headers of every response and the address of every request the browser made.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from playwright.sync_api import expect

from .conftest import BrowserUser
from .server import ProductionServer
from .user import (
    CASE_COOKIE,
    EXPIRED,
    HSTS,
    KB,
    LOOKOUT,
    REFERRER_POLICY,
    answer,
    answer_all,
    back,
    expect_not_expired,
    expect_title_names_no_question,
    shown_question,
    start_case,
    url_leaks,
)

Q = KB.questions
# Scenario 4 of the library, answered in the browser; the age is first given as 16, then changed
# to 12 by going back.
FIRST_AGE = 16
ANSWERS = LOOKOUT
NOTE = "Placed with his aunt after the hearing; the school agreed to take him back."
RESULT_HEADING = KB.routes["below_macr"].headline  # the headline: the lookout is below the minimum age
CHECK_HEADING = "Check your answers before you see the result"


def fernet_token(value: str) -> bytes:
    """The cookie value as a Fernet token: version 0x80, a recent timestamp, IV, AES blocks, HMAC."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except binascii.Error as err:
        raise AssertionError(
            f"the case cookie is not a Fernet token (not URL-safe base64: {err}): {value[:60]}…"
        ) from err
    assert raw and raw[0] == 0x80, f"the case cookie is not a Fernet token (first byte {raw[0]:#x})"
    assert len(raw) >= 1 + 8 + 16 + 16 + 32 and (len(raw) - 57) % 16 == 0, "not a Fernet token's length"
    stamp = int.from_bytes(raw[1:9], "big")
    assert abs(stamp - time.time()) < 3600, f"the Fernet timestamp {stamp} is not now"
    return raw


def check_cookies(user: BrowserUser, case_expected: bool = True) -> str | None:
    """The app sets one cookie only, the case cookie, with every attribute the spec asks for."""
    cookies = user.cookies()
    assert {c["name"] for c in cookies} <= {CASE_COOKIE}, f"cookies other than the case cookie: {cookies}"
    cookie = user.case_cookie()
    if not case_expected and cookie is None:
        return None
    assert cookie is not None, "no case cookie"
    assert cookie["secure"] is True, cookie
    assert cookie["httpOnly"] is True, cookie
    assert cookie["sameSite"] == "Lax", cookie
    assert cookie["path"] == "/", cookie
    assert cookie["expires"] == -1, f"the case cookie outlives the browser session: {cookie}"
    assert cookie["domain"] == "127.0.0.1", f"a __Host- cookie is host-only: {cookie}"
    fernet_token(cookie["value"])
    return cookie["value"]


def check_set_cookie_headers(user: BrowserUser) -> int:
    """Every Set-Cookie the app sent: the case cookie with Secure, HttpOnly, SameSite=Lax, Path=/,
    no Domain, and no Expires or Max-Age unless it deletes the cookie. Returns how many were seen."""
    seen = 0
    for response in user.app_responses:
        for header in response.header_values("set-cookie"):
            seen += 1
            name, _, rest = header.partition("=")
            value, *attributes = [part.strip() for part in rest.split(";")]
            assert name == CASE_COOKIE, header
            keys = {name.lower(): setting for name, _, setting in (a.partition("=") for a in attributes)}
            assert "secure" in keys and "httponly" in keys, header
            assert keys.get("samesite", "").lower() == "lax", header
            assert keys.get("path") == "/", header
            assert "domain" not in keys, header
            deletes = keys.get("max-age") == "0" or "1970" in keys.get("expires", "")
            assert deletes or not ({"expires", "max-age"} & set(keys)), f"a persistent case cookie: {header}"
            if not deletes:
                fernet_token(value)
    return seen


def check_headers(user: BrowserUser) -> None:
    assert user.app_responses, "no response from the app was seen"
    for response in user.app_responses:
        headers = response.headers
        assert headers.get("strict-transport-security") == HSTS, (response.url, headers)
        assert headers.get("referrer-policy") == REFERRER_POLICY, (response.url, headers)


def summary_rows(page) -> dict[str, str]:
    """The check-your-answers page as {question text: answer shown}."""
    rows = {}
    for row in page.locator(".summary-list__row").all():
        rows[row.locator(".summary-list__key").inner_text().strip()] = (
            row.locator(".summary-list__value").inner_text().strip()
        )
    return rows


def expect_check_page(page, answers: dict) -> None:
    expect(page.locator("h1")).to_have_text(CHECK_HEADING)
    expect_not_expired(page)
    rows = summary_rows(page)
    for qid in answers:
        assert Q[qid].text in rows, f"the check page does not show {qid}: {rows}"
    assert rows[Q["age_at_conduct"].text] == "12", rows
    assert rows[Q["first_contact"].text] == next(c.label for c in Q["first_contact"].choices if c.id == "not_yet")


def expect_result_page(page) -> None:
    expect(page.locator("h1")).to_have_text(RESULT_HEADING)
    expect_not_expired(page)
    for measure in ("require:no_criminal_proceedings", "prohibit:prosecution", "require:child_protection_referral"):
        expect(page.locator(f"[data-measure='{measure}']")).to_have_count(1)


def test_https_journey(browser_user: Callable[[], BrowserUser], server: ProductionServer, tmp_path: Path):
    user = browser_user()
    page = user.page

    # The start page, over HTTPS.
    response = page.goto(server.url + "/")
    assert response is not None and response.status == 200
    assert response.headers["strict-transport-security"] == HSTS
    assert response.headers["referrer-policy"] == REFERRER_POLICY
    expect(page.locator("h1")).to_have_text("Justice Pathway")
    check_cookies(user, case_expected=False)

    # Start now: the bug this test exists for ("This form has expired" in production).
    start_case(page, server.url, "baseline", "2026-03-01")
    first = shown_question(page)
    assert first is not None and first.id == "age_at_conduct", (  # age first: an adult is told at once
        f"after Start now the page shows {page.locator('h1').all_inner_texts()}"
    )
    started = check_cookies(user)

    # Answer the age, then go back and change it.
    answer(page, Q["age_at_conduct"], FIRST_AGE)
    after_age = shown_question(page)
    assert after_age is not None, "after the age the page asks no question"
    check_cookies(user)
    back(page)
    expect(page.locator("h1")).to_have_text(Q["age_at_conduct"].text)
    expect(page.locator("#answer")).to_have_value(str(FIRST_AGE))
    expect_title_names_no_question(page)
    answer(page, Q["age_at_conduct"], ANSWERS["age_at_conduct"])
    asked = answer_all(page, ANSWERS)
    assert len(asked) >= 4, f"only {asked} asked after the change"
    changed = check_cookies(user)
    assert changed != started

    # Check your answers, then the result.
    expect(page).to_have_url(re.compile(r"/check$"))
    expect_check_page(page, ANSWERS)
    page.get_by_role("button", name="See the result").click()
    expect(page).to_have_url(re.compile(r"/result$"))
    expect_result_page(page)
    check_cookies(user)

    # The decision-maker's note, kept with the case and shown in the record.
    page.locator("#note").fill(NOTE)
    page.get_by_role("button", name="Save to the record").click()
    expect_not_expired(page)
    expect(page.locator("body")).to_contain_text("Your reasons were saved")
    expect(page.locator("#note")).to_have_value(NOTE)
    check_cookies(user)
    page.get_by_role("link", name="Print view of the decision record").click()
    expect(page).to_have_url(re.compile(r"/record$"))
    expect(page.locator("h1")).to_have_text("Decision record")
    expect(page.locator(".note")).to_have_text(NOTE)
    expect(page.locator("main")).to_contain_text(Q["age_at_conduct"].text)
    check_cookies(user)

    # Save the case file (a download).
    back(page)
    expect_result_page(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Save your answers as a case file").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".yaml"
    case_file = yaml.safe_load(saved.read_text())
    assert case_file["jurisdiction"] == "baseline"
    assert str(case_file["reference_date"]).startswith("2026-03-01")
    assert case_file["answers"] == ANSWERS, case_file["answers"]

    # Finish and clear: the case is gone from this browser.
    page.get_by_role("button", name="Finish and clear").click()
    expect_not_expired(page)
    expect(page.locator("body")).to_contain_text("The case was cleared")
    check_cookies(user, case_expected=False)
    page.goto(server.url + "/check")
    expect(page.get_by_role("button", name="Start now")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Start a case first")

    # Resume from the downloaded file: the same answers are back.
    page.get_by_role("link", name="Or resume a case from a case file").click()
    expect(page).to_have_url(re.compile(r"/resume$"))
    page.locator("#case_file").set_input_files(str(saved))
    page.get_by_role("button", name="Upload and continue").click()
    expect_not_expired(page)
    expect(page).to_have_url(re.compile(r"/check$"))
    expect(page.locator("body")).to_contain_text("The case file was loaded")
    expect_check_page(page, ANSWERS)
    check_cookies(user)
    page.get_by_role("button", name="See the result").click()
    expect_result_page(page)

    # Finish and clear, for good.
    page.get_by_role("button", name="Finish and clear").click()
    expect_not_expired(page)
    expect(page.locator("body")).to_contain_text("The case was cleared")
    check_cookies(user, case_expected=False)
    page.goto(server.url + "/result")
    expect(page.get_by_role("button", name="Start now")).to_be_visible()
    assert EXPIRED not in page.content()

    # Every response carried HSTS and the referrer policy; every cookie set was the case cookie as specified.
    check_headers(user)
    assert check_set_cookie_headers(user) >= 3
    # No address the browser asked for (pages, redirects, forms, downloads, assets) tells the case.
    leaks = {url: found for url in user.requested if (found := url_leaks(url, {**ANSWERS, "first_age": FIRST_AGE}))}
    assert not leaks, f"URLs that show the case: {leaks}"
    assert any("/step/" in url for url in user.requested), "no question page at /step/<n> was visited"
