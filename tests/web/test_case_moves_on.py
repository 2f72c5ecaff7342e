"""A case resumed as it moves on (issue 14): assessed now by default, at the saved date or at a date
given; the record shows the event log; the open deadlines download as a calendar file that carries
the case reference only."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import yaml
from flask import Flask
from icalendar import Calendar

from tests.conftest import DATED, small_copy_with
from tests.custody_story import FRIDAY_ARREST
from web import create_app

from .conftest import User, browser_client, text_of
from .test_record_documents import pdf_text

CASE = {
    "jurisdiction": "baseline",
    "reference_date": "2026-03-02T09:00",
    "hearing": "police_custody_review",
    "case_reference": "CJ-2026/0142",
    "answers": {**FRIDAY_ARREST, "brought_before_judge": False, "charged_formally": False},
}


@pytest.fixture(scope="module")
def real_app() -> Flask:
    return create_app({"SECRET_KEY": "test-secret"})


def resume(app: Flask, case: dict = CASE, **fields: str) -> tuple[User, object]:
    user = User(browser_client(app))
    response = user.client.post(
        "/resume",
        data={
            "csrf_token": user.token("/resume"),
            "case_file": (io.BytesIO(yaml.safe_dump(case).encode()), "case.yaml"),
            **fields,
        },
        content_type="multipart/form-data",
    )
    return user, response


def recorded_reference(user: User) -> str:
    page = user.page("/record")
    return page.split("Reference date</dt>")[1].split("</dd>")[0].rsplit(">", 1)[1]


def test_a_resumed_case_is_assessed_now_by_default_and_says_so(real_app):
    before = dt.datetime.now().replace(second=0, microsecond=0)
    user, response = resume(real_app)
    assert response.status_code == 302
    assert "The case was saved for 2026-03-02 09:00; it is now assessed at" in user.page(response.headers["Location"])
    shown = dt.datetime.strptime(recorded_reference(user), "%Y-%m-%d %H:%M")
    assert before <= shown <= dt.datetime.now()


def test_a_resumed_case_can_keep_its_saved_date_or_take_another(real_app):
    user, response = resume(real_app, assess_on="saved")
    assert response.status_code == 302 and recorded_reference(user) == "2026-03-02 09:00"
    user, response = resume(real_app, assess_on="date", reference_date="2026-02-28", reference_time="08:30")
    assert response.status_code == 302 and recorded_reference(user) == "2026-02-28 08:30"
    result = user.page("/result")
    assert 'data-deadline-state="open"' in result  # 24 hours from Friday 19:00 are still open on Saturday 08:30


def test_a_date_before_an_event_of_the_case_is_refused_naming_the_answer(real_app):
    _, response = resume(real_app, assess_on="date", reference_date="2026-02-20")
    assert response.status_code == 400
    assert "arrest_datetime" in text_of(response)
    _, response = resume(real_app, assess_on="date")
    assert response.status_code == 400 and "Enter the date to assess the case on" in text_of(response)


def test_the_record_lists_the_events_in_the_order_they_happened(real_app):
    user, _ = resume(real_app, assess_on="saved")
    page = user.page("/record")
    events = page.split("record-events")[1].split("</ol>")[0]
    assert events.index('data-event="detention_start_date"') < events.index('data-event="arrest_datetime"')
    assert "2026-02-27 19:00" in events


def test_the_calendar_holds_the_open_deadlines_and_the_case_reference_only(real_app):
    user, _ = resume(real_app, assess_on="saved")
    assert "deadlines.ics" in user.page("/result")
    response = user.client.get("/record/deadlines.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    summaries = [str(e["summary"]) for e in events]
    # the appearance limit is exceeded (not open), so it is not in the calendar; charge, decision, review are
    assert all(s.startswith("CJ-2026/0142: ") for s in summaries), summaries
    assert not any("before a judge" in s for s in summaries)
    assert any("Charge formally" in s for s in summaries)
    due = {str(e["summary"]): e.decoded("dtstart") for e in events}
    assert due["CJ-2026/0142: Review the detention regularly with a view to ending it"] == dt.datetime(2026, 3, 13)
    unfolded = response.data.decode().replace("\r\n ", "")
    body = "\n".join(line for line in unfolded.splitlines() if not line.startswith("DTSTAMP"))
    for answer in ("20260227", "2026-02-27", "arrested", "notified", "16"):  # no answer, no start of a count
        assert answer not in body


def test_the_record_says_which_version_of_a_dated_law_applied(real_app):
    case = {
        "jurisdiction": "ruritania",
        "reference_date": "2026-09-01",
        "conduct_date": "2026-03-10",
        "hearing": "charging_and_diversion",
        "answers": {"age_at_conduct": 13, "first_contact": "summoned"},
    }
    user, response = resume(real_app, case, assess_on="saved")
    assert response.status_code == 302
    page = user.page("/record")
    row = page.split('data-law="macr"')[1].split("</div>")[0]
    assert "14" in row and "in force from 2026-06-01" in row and "more favourable to the child" in row
    assert "2026-03-10" in page  # the date of the conduct is kept with the case
    assert yaml.safe_load(user.client.get("/case-file").get_data())["conduct_date"] == "2026-03-10"


def _macr(applied: list[dict]) -> list[tuple]:
    """The version of the minimum age applied (Ruritania's custody limit is dated too: procedure)."""
    return [(law["value"], law["reason"]) for law in applied if law["parameter"] == "macr"]


def test_the_api_applies_the_law_in_force_at_the_date_of_the_conduct(real_app):
    client = browser_client(real_app)
    case = {
        "jurisdiction": "ruritania",
        "reference_date": "2026-09-01",
        "answers": {"age_at_conduct": 13, "first_contact": "summoned"},
    }
    later = client.post("/api/v1/assess", json={**case, "conduct_date": "2026-03-10"}).get_json()
    assert _macr(later["law_applied"]) == [(14, "later_favourable")]
    assert later["conduct_date"] == "2026-03-10"
    before = client.post("/api/v1/assess", json={**case, "reference_date": "2026-04-15", "conduct_date": "2026-03-10"})
    assert _macr(before.get_json()["law_applied"]) == [(12, "at_conduct")]
    bad = client.post("/api/v1/assess", json={**case, "conduct_date": "1800-01-01"})
    assert bad.status_code in (400, 422) and "conduct_date" in bad.get_data(as_text=True)


def test_the_api_computes_the_ages_from_a_date_of_birth_and_the_dated_acts(real_app):
    client = browser_client(real_app)
    case = {
        "jurisdiction": "ruritania",
        "reference_date": "2026-09-15",
        "date_of_birth": "2012-09-01",
        "acts": [{"date": "2026-04-20", "conduct_category": "nonviolent_support"}],
        "answers": {"evidence_sufficient": True},
    }
    done = client.post("/api/v1/assess", json=case)
    assert done.status_code == 200, done.get_data(as_text=True)
    result = done.get_json()
    assert result["conduct_date"] == "2026-04-20"  # the act's date: Ruritania's later MACR of 14 applies
    assert _macr(result["law_applied"]) == [(14, "later_favourable")]
    assert "R-MACR-01" in {step["rule"] for step in result["trace"]}
    assert result["answers"]["age_at_conduct"] == 13  # the age at the act, computed
    # Ruritania's MACR of 14 from June 2026 applies to the act of April (more favourable): below it, aged 13
    assert [(a["date"], a["age"], a["standing"], a["macr"]) for a in result["ages"]["acts"]] == [
        ("2026-04-20", "13", "assessed", 14)
    ]
    assert "no criminal proceedings for this act" in result["ages"]["acts"][0]["note"]
    both = client.post("/api/v1/assess", json={**case, "answers": {"age_at_conduct": 15}})
    assert both.status_code == 422
    assert [e["field"] for e in both.get_json()["errors"]] == ["answers.age_at_conduct"]
    backwards = {"born_earliest": "2013-01-01", "born_latest": "2012-01-01", "method": "documents"}
    bad = client.post("/api/v1/assess", json={**case, "date_of_birth": None, "age_assessment": backwards})
    assert bad.status_code in (400, 422) and "(born_earliest) is after the latest (born_latest)" in bad.get_data(
        as_text=True
    )


DATED_CASE = {
    "jurisdiction": "baseline",
    "reference_date": "2026-11-02",
    "date_of_birth": "2008-05-10",
    "acts": [
        {"date": "2026-07-01", "conduct_category": "travel"},
        {"date": "2026-03-01", "conduct_category": "nonviolent_support"},
    ],
    "answers": {"evidence_sufficient": True},
}


def test_a_dated_case_resumed_in_the_web_app_keeps_its_dates_in_the_case_file_it_saves(real_app):
    user, response = resume(real_app, DATED_CASE, assess_on="saved")
    assert response.status_code == 302
    saved = yaml.safe_load(user.client.get("/case-file").get_data())
    assert saved["date_of_birth"] == "2008-05-10"
    assert saved["acts"] == DATED_CASE["acts"]  # as given
    assert saved["answers"] == {"evidence_sufficient": True}  # the ages are computed again, not saved
    assert "conduct_date" not in saved


def test_an_age_changed_by_hand_in_the_web_app_is_saved_as_answered_instead_of_the_dates(real_app):
    user, response = resume(real_app, DATED_CASE, assess_on="saved")
    assert response.status_code == 302
    user.answer("age_at_conduct", "16")
    saved = yaml.safe_load(user.client.get("/case-file").get_data())
    assert saved["answers"]["age_at_conduct"] == 16
    assert "date_of_birth" not in saved and "acts" not in saved
    assert saved["conduct_date"] == "2026-03-01"


def test_the_result_and_the_record_say_which_rules_in_force_for_a_period_applied(tmp_path):
    app = create_app({"KNOWLEDGE_DIR": str(small_copy_with(tmp_path, layer=DATED)), "SECRET_KEY": "test-secret"})
    case = {
        "jurisdiction": "lowland",
        "reference_date": "2026-09-01",
        "conduct_date": "2026-03-10",
        "answers": {"age_at_conduct": 15, "conduct": "expression", "admits_facts": False},
    }
    user, response = resume(app, case, assess_on="saved")
    assert response.status_code == 302
    for path in ("/result", "/record"):
        page = user.page(path)
        applied = page.split('data-rule-law="R-LAW-01" data-applies="yes"')[1].split("</div>")[0]
        assert "in force from 2026-06-01 (Lowland Children (Legal Aid) Act 2026, s 2 (fictional))" in applied
        assert "the later law, more favourable to the child, applies" in applied
        repealed = page.split('data-rule-law="R-LAW-02" data-applies="no"')[1].split("</div>")[0]
        assert "in force from 2010-01-01 until 2026-05-31" in repealed and "no longer in force" in repealed
    record = user.client.get("/record/download").get_json()["result"]
    assert [(r["rule"], r["applies"]) for r in record["rules_in_force"]] == [
        ("R-LAW-01", True),
        ("R-LAW-02", False),
        ("R-LAW-03", True),
    ]
    pdf = " ".join(pdf_text(user.client.get("/record/pdf").get_data()).split())
    assert "Rule in force for a period: R-LAW-02" in pdf and "until 2026-05-31" in pdf
    api = browser_client(app).post("/api/v1/assess", json=case).get_json()
    assert [(r["rule"], r["applies"], r["reason"]) for r in api["rules_in_force"]] == [
        ("R-LAW-01", True, "later_favourable"),
        ("R-LAW-02", False, "repealed"),
        ("R-LAW-03", True, "procedural"),
    ]


RELEASED = {
    **CASE,
    "reference_date": "2026-09-15",
    "hearing": "detention_hearing",
    "answers": {
        **CASE["answers"],
        "brought_before_judge": True,
        "judge_appearance_datetime": "2026-02-28T10:00",
        "charged_formally": True,
        "charge_date": "2026-03-20",
        "currently_detained": False,
        "detention_end_date": "2026-04-10",
    },
}


def test_a_case_resumed_after_the_release_shows_the_detention_limits_ended_and_every_event_in_order(real_app):
    """The result page, the record and the JSON record: the appearance met on its date, the charge
    met on its date, the six months ended with the release (not exceeded), the events by date."""
    user, response = resume(real_app, RELEASED, assess_on="saved")
    assert response.status_code == 302
    result = user.page("/result")
    assert 'data-deadline-state="exceeded"' not in result
    assert 'data-deadline-state="ended"' in result and "the child was released on" in result
    assert 'data-deadline-state="met"' in result
    order = [
        "detention_start_date",
        "arrest_datetime",
        "judge_appearance_datetime",
        "charge_date",
        "detention_end_date",
    ]
    for page in (result.split('id="events"')[1], user.page("/record").split("record-events")[1]):
        events = page.split("</ol>")[0]
        assert [events.index(f'data-event="{q}"') for q in order] == sorted(
            events.index(f'data-event="{q}"') for q in order
        )
    record = json.loads(user.client.get("/record/download").data)
    assert [e["question"] for e in record["result"]["events"]] == order
    assert [e["at"] for e in record["result"]["events"]][1:3] == ["2026-02-27T19:00", "2026-02-28T10:00"]
    states = {m["id"]: m["deadline"]["state"] for m in record["result"]["measures"] if m["deadline"]}
    assert states["final_decision_or_release_within_time_limit"] == "ended"
    assert states["charge_or_release_within_time_limit"] == "met"
    calendar = Calendar.from_ical(user.client.get("/record/deadlines.ics").data)
    assert not list(calendar.walk("VEVENT"))  # nothing open: met and ended limits are not in the calendar
