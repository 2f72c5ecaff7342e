"""A jurisdiction profile supplied by the user (issue 14): inline in an API request, uploaded on the
start page; checked like the knowledge (422 with the field path; file:line on the page, nothing
typed lost); carried with the case - in the encrypted case cookie and in the saved case file - and
never kept on the server; the result says whose profile it is."""

from __future__ import annotations

import pytest
from flask import Flask

from web import create_app

from .conftest import browser_client

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
