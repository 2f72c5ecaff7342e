"""The web app on the shipped knowledge base: every question it asks renders and accepts an answer."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from flask import Flask

from engine.load.model import Question
from web import create_app

from .conftest import User, asked_on, browser_client, text_of


@pytest.fixture(scope="module")
def real_app() -> Flask:
    return create_app({"SECRET_KEY": "test-secret"})


def sample(question: Question) -> dict:
    """A valid answer in form fields."""
    if question.type == "yes_no":
        return {"answer": "no"}
    if question.type == "choice":
        return {"answer": question.choice_ids[0]}
    if question.type == "multi_choice":
        return {"answer": [question.choice_ids[-1]]}
    if question.type == "integer":
        return {"answer": str(max(question.min, min(question.max, 16)))}
    if question.type == "date":
        return {"answer": "2026-02-01"}
    return {"answer": "2026-02-28T09:30"}


def test_every_question_asked_renders_and_the_result_follows(real_app):
    kb = real_app.extensions["pathway_kb"]
    user = User(browser_client(real_app))
    response = user.start("baseline", "2026-03-01")
    asked = []
    while response.headers.get("Location", "").startswith("/step/"):
        location = response.headers["Location"]
        html = user.page(location)
        qid = asked_on(html)
        assert qid not in asked, f"{qid} asked twice"
        asked.append(qid)
        question = kb.questions[qid]
        assert question.text.replace("'", "&#39;") in html
        data = {"csrf_token": user.token(), "question": qid, **sample(question)}
        response = user.client.post(location, data=data)
        assert response.status_code == 302, (qid, text_of(response)[:2000])
    assert response.headers["Location"] == "/check"
    assert len(asked) >= 5
    result = user.page("/result")
    assert "Required now" in result and "<svg" in result
    assert user.client.get("/record").status_code == 200


def test_appearance_deadline_is_computed_from_the_arrest(real_app):
    user = User(browser_client(real_app))
    content = (
        b"jurisdiction: baseline\nreference_date: 2026-03-01T12:00\nanswers:\n"
        b"  first_contact: arrested\n  arrest_datetime: 2026-03-01T08:00\n  age_at_conduct: 16\n"
    )
    response = user.client.post(
        "/resume",
        data={"csrf_token": user.token(), "case_file": (io.BytesIO(content), "case.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    html = user.page("/result")
    summary = html.split('class="result-summary"')[1].split('id="reasons"')[0]
    assert "Bring the child before a judge or other competent authority" in summary
    due = dt.datetime(2026, 3, 1, 8, 0) + dt.timedelta(hours=kb_hours(real_app))
    assert f"by {due:%Y-%m-%d %H:%M}" in summary


def kb_hours(app: Flask) -> int:
    return app.extensions["pathway_kb"].jurisdictions["baseline"].values["max_hours_before_judge"]


def test_the_gap_report_page_says_which_version_it_compares_and_lists_the_dated_changes(real_app):
    page = browser_client(real_app).get("/policy/gaps/ruritania").get_data(as_text=True)
    assert "Compared as the law stands on" in page
    changes = page.split('data-changes="macr"')[1].split("</ul>")[0]
    assert "in force from 1990-01-01 until 2026-05-31 (Ruritanian Penal Code 1978, art 10 (fictional))" in changes
    assert "in force from 2026-06-01 (Ruritanian Juvenile Justice (Amendment) Act 2026" in changes
    if dt.date.today() < dt.date(2026, 6, 1):  # the MACR gap is compared in the version in force today
        assert 'data-version="macr"' in page
    else:
        assert 'data-version="macr"' not in page
