"""A jurisdiction profile supplied by the user (issue 14): inline in an API request, uploaded on the
start page; checked like the knowledge (422 with the field path; file:line on the page, nothing
typed lost); carried with the case - in the encrypted case cookie and in the saved case file - and
never kept on the server; the result says whose profile it is."""

from __future__ import annotations

import io
import random
import re
import string

import pytest
import yaml
from flask import Flask

from web import create_app

from .conftest import User, browser_client, text_of

LOWERED = {
    "id": "lowland_2026",
    "name": "Lowland 2026 (fictional)",
    "fictional": True,
    "extends": "ruritania",
    "values": {
        "macr": [
            {"from": "1990-01-01", "value": 12, "source": "Penal Code, art 10 (fictional)"},
            {"from": "2026-06-01", "value": 10, "source": "Amendment Act 2026, s 1 (fictional)"},
        ]
    },
}
CASE = {
    "reference_date": "2026-09-01",
    "conduct_date": "2026-03-10",
    "answers": {"age_at_conduct": 11, "first_contact": "summoned"},
}


@pytest.fixture(scope="module")
def real_app() -> Flask:
    return create_app({"SECRET_KEY": "test-secret"})


def test_the_api_assesses_under_an_inline_profile_and_says_it_was_supplied(real_app):
    client = browser_client(real_app)
    found = client.post("/api/v1/assess", json={**CASE, "profile": LOWERED})
    assert found.status_code == 200, found.get_data(as_text=True)
    data = found.get_json()
    assert data["jurisdiction"] == "lowland_2026"
    assert data["profile"] == {
        "id": "lowland_2026",
        "name": "Lowland 2026 (fictional)",
        "fictional": True,
        "supplied_by_user": True,
    }
    # the law at the time of the act (12), not the later, less favourable 10 (and Ruritania's custody limit, procedure)
    assert [(law["value"], law["reason"]) for law in data["law_applied"]] == [(48, "procedural"), (12, "at_conduct")]
    shipped = client.post("/api/v1/assess", json={**CASE, "jurisdiction": "ruritania"}).get_json()
    assert shipped["profile"]["supplied_by_user"] is False
    following = client.post("/api/v1/next-question", json={**CASE, "profile": LOWERED})
    assert following.status_code == 200 and following.get_json()["jurisdiction"] == "lowland_2026"


def test_a_bad_inline_profile_is_refused_with_the_field_paths(real_app):
    client = browser_client(real_app)
    bad = {
        **LOWERED,
        "values": {
            "macr": [{"from": "1990-01-01", "value": 12, "source": "A"}, {"from": "2026-06-01", "value": 10}],
            "no_such_parameter": 3,
        },
    }
    refused = client.post("/api/v1/assess", json={**CASE, "profile": bad})
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["type"] == "urn:justice-pathway:problem:invalid-profile"
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert "profile.values.macr.1.source" in fields
    assert "unknown parameter 'no_such_parameter'" in fields["profile.values.no_such_parameter"]
    reference = client.post("/api/v1/assess", json={**CASE, "profile": {**LOWERED, "id": "baseline"}})
    assert reference.status_code == 422 and reference.get_json()["errors"][0]["field"] == "profile.id"
    shape = client.post("/api/v1/assess", json={**CASE, "profile": ["not", "an", "object"]})
    assert shape.status_code == 422 and shape.get_json()["errors"][0]["field"] == "profile"


PROFILE_FILE = yaml.safe_dump(LOWERED, sort_keys=False).replace("'1990-01-01'", "1990-01-01")
BAD_FILE = """id: bad_profile
name: Bad
extends: ruritania
values:
  macr:
    - {from: 1990-01-01, value: 12, source: A}
    - {from: 2026-06-01, value: 10}
  no_such_parameter: 3
"""


def start_with_profile(user: User, text: str, **fields: str):
    return user.client.post(
        "/",
        data={
            "csrf_token": user.token(),
            "jurisdiction": "baseline",
            "hearing": "charging_and_diversion",
            "reference_date": "2026-09-01",
            "profile_file": (io.BytesIO(text.encode()), "lowland.yaml"),
            **fields,
        },
        content_type="multipart/form-data",
    )


def test_an_uploaded_profile_travels_with_the_case_in_the_cookie_and_the_case_file(real_app):
    user = User(browser_client(real_app))
    started = start_with_profile(user, PROFILE_FILE)
    assert started.status_code == 302, text_of(started)
    assert "profile supplied by the user" in user.page("/check")
    answered = user.answer("age_at_conduct", "11")  # the interview runs under the supplied profile
    assert answered.status_code in (302, 303), text_of(answered)
    result = user.page("/result")
    assert "Profile: Lowland 2026 (fictional)" in result
    assert "profile supplied by the user, not shipped with the tool" in result
    assert 'data-law="macr"' in result  # the law applied: the dated MACR of the supplied profile
    assert "profile supplied by the user" in user.page("/record")
    saved = yaml.safe_load(user.client.get("/case-file").get_data())
    assert saved["jurisdiction"] == "lowland_2026" and saved["profile"]["extends"] == "ruritania"
    assert saved["profile"]["values"]["macr"][1] == {
        "from": "2026-06-01",
        "value": 10,
        "source": "Amendment Act 2026, s 1 (fictional)",
    }
    record = user.client.get("/record/download").get_json()
    assert record["jurisdiction"]["supplied_by_user"] is True
    # resumed in another browser, the case is assessed under the profile it carries
    other = User(browser_client(real_app))
    resumed = other.client.post(
        "/resume",
        data={
            "csrf_token": other.token("/resume"),
            "case_file": (io.BytesIO(yaml.safe_dump(saved).encode()), "case.yaml"),
            "assess_on": "saved",
        },
        content_type="multipart/form-data",
    )
    assert resumed.status_code == 302, text_of(resumed)
    assert "Profile: Lowland 2026 (fictional)" in other.page("/result")
    assert "Lowland" not in user.client.get("/policy/gaps").get_data(as_text=True)  # nothing kept on the server


def test_a_bad_profile_file_is_shown_with_its_lines_and_nothing_chosen_is_lost(real_app):
    user = User(browser_client(real_app))
    refused = start_with_profile(user, BAD_FILE, reference_date="2026-08-15")
    assert refused.status_code == 400
    page = text_of(refused)
    assert "The profile file cannot be used" in page
    assert "lowland.yaml:7" in page and "values.macr.1.source" in page
    assert "unknown parameter" in page and "no_such_parameter" in page
    assert 'value="2026-08-15"' in page  # the date typed is kept
    assert re.search(r'value="charging_and_diversion"\s+checked', page)  # and the decision chosen
    assert user.client.get("/result").status_code == 302  # no case was started
    not_yaml = start_with_profile(user, "id: [unclosed")
    assert not_yaml.status_code == 400 and "lowland.yaml:1" in text_of(not_yaml)


def test_a_profile_too_large_for_the_case_cookie_is_refused_with_the_sizes(real_app):
    user = User(browser_client(real_app))
    rng = random.Random(14)
    noise = "".join(rng.choice(string.ascii_letters) for _ in range(6000))  # letters at random: no compression
    refused = start_with_profile(user, PROFILE_FILE + f"description: {noise}\n")
    assert refused.status_code == 400
    page = " ".join(text_of(refused).split())
    assert "This profile was not used: with it the case would need" in page and "at most" in page
    assert user.client.get("/result").status_code == 302  # no case was started


def test_the_trainer_views_of_a_case_work_under_its_supplied_profile(real_app):
    user = User(browser_client(real_app))
    assert start_with_profile(user, PROFILE_FILE).status_code == 302
    user.answer("age_at_conduct", "11")
    for path in ("/steps/0", "/what-if", "/what-would-change", "/map?overlay=case", "/bench-card"):
        page = user.page(path)
        assert "Lowland 2026 (fictional)" in page, path
    assert "Lowland 2026 (fictional)" in user.page("/what-if/1")
