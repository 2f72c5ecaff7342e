"""What has happened since (issue 14), in the web app: the events page adds and removes recorded
events (POST bodies only, CSRF, a rejected form back on the GET); the cookie, the saved case file,
the JSON record and the result page's event log carry them, in the order they happened; they
change no conclusion."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from flask import Flask

from web import create_app

from .conftest import User, browser_client
from .test_case_moves_on import CASE, resume


@pytest.fixture(scope="module")
def real_app() -> Flask:
    return create_app({"SECRET_KEY": "test-secret"})


def add(user: User, kind: str, date: str, time: str = ""):
    return user.client.post(
        "/events", data={"csrf_token": user.token("/events"), "kind": kind, "date": date, "time": time}
    )


def test_events_added_on_their_page_are_in_the_event_log_the_case_file_and_the_record_in_order(real_app):
    user, _ = resume(real_app, assess_on="saved")
    before = json.loads(user.client.get("/record/download").data)["result"]
    assert add(user, "trial_start", "2026-03-01", "09:30").status_code == 303
    assert add(user, "diversion_offered", "2026-02-28").status_code == 303
    page = user.page("/events")
    assert page.index("Diversion offered") < page.index("Trial started")
    result = user.page("/result").split('id="events"')[1].split("</ol>")[0]
    marks = ['data-event="arrest_datetime"', 'data-event="diversion_offered"', 'data-event="trial_start"']
    assert [result.index(m) for m in marks] == sorted(result.index(m) for m in marks)
    assert "2026-03-01 09:30</strong> Trial started" in result
    record = json.loads(user.client.get("/record/download").data)
    kinds = [e["kind"] for e in record["result"]["events"] if e["kind"]]
    assert kinds == ["diversion_offered", "trial_start"]
    assert record["case"]["events"] == [
        {"kind": "trial_start", "date": "2026-03-01T09:30"},
        {"kind": "diversion_offered", "date": "2026-02-28"},
    ]
    assert record["result"]["measures"] == before["measures"]  # the record of what happened, not a fact
    saved = yaml.safe_load(user.client.get("/case-file").data)
    assert saved["events"] == record["case"]["events"]
    again, response = resume(real_app, saved, assess_on="saved")
    assert response.status_code == 302 and "Trial started" in again.page("/events")


def test_an_event_after_the_reference_date_or_without_a_date_is_refused_on_the_page(real_app):
    user, _ = resume(real_app, assess_on="saved")
    refused = add(user, "judgement", "2026-03-02", "09:01")  # the reference moment is 09:00
    assert refused.status_code == 303 and refused.headers["Location"] == "/events"
    shown = user.client.get("/events")  # the rejected form, shown once by the GET with its errors
    page = shown.get_data(as_text=True)
    assert shown.status_code == 400 and "after the reference date of the case" in page
    assert "No events recorded yet." in page and 'value="09:01"' in page  # nothing lost
    add(user, "judgement", "")
    assert "Enter the date it happened" in user.client.get("/events").get_data(as_text=True)
    assert add(user, "judgement", "2026-03-02").status_code == 303  # that day, without a time: not after it
    assert "Judgement given" in user.page("/events")


def test_an_event_is_removed_by_its_place_in_the_body_and_the_url_names_nothing(real_app):
    user, _ = resume(real_app, assess_on="saved")
    add(user, "diversion_offered", "2026-02-28")
    add(user, "diversion_refused", "2026-03-01")
    token = user.token("/events")
    removed = user.client.post("/events/remove", data={"csrf_token": token, "index": "0"})
    assert removed.status_code == 303 and removed.headers["Location"] == "/events"
    listed = user.page("/events").split('id="recorded-events"')[1].split("</dl>")[0]
    assert "Diversion refused" in listed and "Diversion offered" not in listed
    without_token = user.client.post("/events/remove", data={"index": "0"})
    assert without_token.status_code == 400
    assert "Diversion refused" in user.page("/events").split('id="recorded-events"')[1].split("</dl>")[0]


def test_the_check_and_result_pages_link_to_the_events_page(real_app):
    user, _ = resume(real_app, assess_on="saved")
    assert 'href="/events"' in user.page("/check") and 'href="/events"' in user.page("/result")


def test_a_case_file_with_an_unknown_event_is_refused_on_resume_naming_it(real_app):
    user = User(browser_client(real_app))
    case = {**CASE, "events": [{"kind": "trial_stat", "date": "2026-03-01"}]}
    response = user.client.post(
        "/resume",
        data={
            "csrf_token": user.token("/resume"),
            "case_file": (io.BytesIO(yaml.safe_dump(case).encode()), "case.yaml"),
            "assess_on": "saved",
        },
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert "events.0.kind" in text and "trial_start" in text


def test_events_that_no_longer_fit_the_cookie_are_refused_saying_so_and_the_case_is_kept(real_app):
    user, _ = resume(real_app, assess_on="saved")
    added = 0
    for day in range(1, 200):  # far more than a case records: the cookie or MAX_EVENTS stops it first
        response = add(user, "diversion_offered", f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}")
        page = user.client.get("/events").get_data(as_text=True)
        if "A case records at most 100 events" in page or "This change was not kept" in page:
            break
        added += 1
    else:
        raise AssertionError("200 events were all kept")
    assert response.status_code == 303
    kept = json.loads(user.client.get("/record/download").data)["case"]["events"]
    assert len(kept) == added  # the case as it was before the refused one
    saved = yaml.safe_load(user.client.get("/case-file").data)
    again, resumed = resume(real_app, saved, assess_on="saved")
    assert resumed.status_code == 302  # whatever the page saved loads again
    assert len(json.loads(again.client.get("/record/download").data)["case"]["events"]) == added
