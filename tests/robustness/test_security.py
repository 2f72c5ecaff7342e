"""Security checks across the web app and the JSON API (see also tests/web/test_factory.py)."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.client_journey import answer_each, browser_client, token
from tests.disk_writes import writes_made
from web import create_app

from .test_faults import ANSWERS, CASE, SMALL

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def app():
    return create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "security"})


@pytest.fixture
def client(app):
    return browser_client(app)


def journey(client) -> None:
    client.post("/", data={"csrf_token": token(client), "jurisdiction": "baseline", "reference_date": "2026-03-01"})
    assert answer_each(client, ANSWERS) == list(ANSWERS)


# --- CSRF -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/", {"jurisdiction": "baseline", "reference_date": "2026-03-01"}),
        ("/step/3", {"answer": "property", "question": "conduct"}),
        ("/record/note", {"note": "changed"}),
        ("/resume", {"case_file": (io.BytesIO(b"answers: {}\n"), "case.yaml")}),
        ("/finish", {}),
    ],
)
def test_every_form_without_a_csrf_token_is_rejected_and_changes_nothing(client, path, data):
    journey(client)
    before = client.get("/check").get_data(as_text=True)
    for forged in (None, "forged-token"):
        sent = {k: (io.BytesIO(v[0].getvalue()), v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
        if forged:
            sent["csrf_token"] = forged
        response = client.post(path, data=sent, content_type="multipart/form-data")
        assert response.status_code == 400, (path, response.status_code)
        assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/check").get_data(as_text=True) == before


def test_the_api_is_csrf_exempt_and_uses_no_cookie(client):
    response = client.post("/api/v1/assess", json=CASE)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("pathway-case") is None


# --- headers on every response ----------------------------------------------------------------


def every_response(app, client):
    """One response of every kind: each GET page (with and without a case), the API, errors, static."""
    journey(client)
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments:
            yield rule.rule, client.get(rule.rule)
    yield "question", client.get("/step/3")
    yield "static", client.get("/static/pathway.css")
    yield "404", client.get("/no-such-page")
    yield "405", client.put("/")
    yield "csrf", client.post("/finish")
    yield "api assess", client.post("/api/v1/assess", json=CASE)
    yield "api 422", client.post("/api/v1/assess", json={"answers": {"age_at_conduct": 99}})
    yield "api 415", client.post("/api/v1/assess", data="x")
    yield "api 404", client.get("/api/v1/nothing")
    yield "api 405", client.delete("/api/v1/assess")
    yield "api tree", client.post("/api/v1/decision-tree", json=CASE)


def test_security_headers_on_every_response(app, client):
    seen = 0
    for name, response in every_response(app, client):
        headers = response.headers
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), name
        assert "unsafe-inline" not in headers["Content-Security-Policy"], name
        assert headers.get("X-Content-Type-Options") == "nosniff", name
        assert headers.get("X-Frame-Options") == "DENY", name
        assert headers.get("Referrer-Policy") == "same-origin", name
        if name != "static":
            assert headers.get("Cache-Control") == "no-store", name
        seen += 1
    assert seen > 20


def test_api_errors_are_problem_details_never_html(client):
    for response in (
        client.get("/api/v1/nothing"),
        client.delete("/api/v1/assess"),
        client.post("/api/v1/assess", data="x"),
        client.post("/api/v1/assess", data=b"\xff{", content_type="application/json"),
        client.post("/api/v1/assess", json={"answers": {"age_at_conduct": MARKUP}}),
    ):
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert {"type", "title", "status", "detail"} <= set(body)
        assert body["status"] == response.status_code


def test_api_server_error_is_a_problem_without_traceback(app, monkeypatch):
    import web.api as api

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(api, "assess_typed", broken)
    response = app.test_client().post("/api/v1/assess", json=CASE)
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_request_body_too_large_is_refused(client):
    body = b'{"answers": {"a": "' + b"x" * (600 * 1024) + b'"}}'
    response = client.post("/api/v1/assess", data=body, content_type="application/json")
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


# --- no answer in the logs --------------------------------------------------------------------


def test_no_answer_value_in_logs_across_a_full_journey_and_the_api(client, caplog):
    caplog.set_level(logging.DEBUG)
    journey(client)
    for path in ("/check", "/result", "/record", "/record/download", "/case-file"):
        client.get(path)
    client.post("/record/note", data={"csrf_token": token(client, "/result"), "note": "reasons-zq7"})
    for endpoint in ("assess", "next-question", "decision-tree"):
        client.post(f"/api/v1/{endpoint}", json={**CASE, "answers": {**CASE["answers"], "conduct": "violence"}})
    client.post("/api/v1/assess", json={"answers": {"conduct": "violence-zq8"}})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("violence", "08:13", "reasons-zq7", "zq8"):
        assert secret not in logged


# --- nothing written to disk -------------------------------------------------------------------


def test_nothing_is_written_to_disk_during_a_journey_and_api_calls(app, tmp_path):
    client = browser_client(app)
    client.get("/")  # imports and template compilation happen before watching
    watched = [tmp_path.parent, SMALL.parent.parent.parent]
    before = {p: sorted(p.rglob("*")) for p in watched[:1]}
    with writes_made() as writes:
        journey(client)
        for path in ("/check", "/result", "/result/tree.svg", "/record", "/record/download", "/case-file"):
            assert client.get(path).status_code == 200, path
        upload = client.get("/case-file").data
        client.post(
            "/resume",
            data={"csrf_token": token(client, "/resume"), "case_file": (io.BytesIO(upload), "case.yaml")},
            content_type="multipart/form-data",
        )
        for endpoint in ("assess", "next-question", "decision-tree", "decision-tree?format=json"):
            assert client.post(f"/api/v1/{endpoint}", json=CASE).status_code == 200
        client.post("/finish", data={"csrf_token": token(client, "/result")})
    assert writes == []
    assert {p: sorted(p.rglob("*")) for p in watched[:1]} == before


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"PATHWAY_ENV": "production"}, "PATHWAY_SECRET_KEY"),
        ({"PATHWAY_ENV": "production", "PATHWAY_SECRET_KEY": "short"}, "at least 32 bytes"),
        ({"PATHWAY_ENV": "production", "PATHWAY_SECRET_KEY": "k" * 64}, "PATHWAY_TRUSTED_HOSTS"),
        ({"PATHWAY_ENV": "Production", "PATHWAY_SECRET_KEY": "k" * 64}, "is not known"),
        ({"PATHWAY_ENV": "development"}, "PATHWAY_SECRET_KEY"),  # several workers would invent different keys
    ],
)
def test_gunicorn_refuses_to_start_on_a_configuration_that_would_weaken_silently(tmp_path, settings, reason):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAY_") and k != "SECRET_KEY"}
    env.update({"PATHWAY_KNOWLEDGE_DIR": str(SMALL), **settings})
    gunicorn = Path(sys.executable).parent / "gunicorn"
    done = subprocess.run(
        [str(gunicorn), "web:create_app()", "-w", "2", "-b", "127.0.0.1:0"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert reason in done.stderr


# --- auto-escaping ------------------------------------------------------------------------------


def test_markup_in_an_answer_is_escaped(client):
    client.post("/", data={"csrf_token": token(client), "jurisdiction": "baseline", "reference_date": "2026-03-01"})
    response = client.post(
        "/step/1",
        data={"csrf_token": token(client), "question": "age_at_conduct", "answer": MARKUP},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "&lt;script&gt;" in html
    assert MARKUP not in html and "<img src=x" not in html


def test_markup_in_the_note_and_in_a_case_file_is_escaped(client):
    journey(client)
    client.post("/record/note", data={"csrf_token": token(client, "/result"), "note": MARKUP})
    for path in ("/result", "/record"):
        html = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert" in html, path
        assert MARKUP not in html and "<img src=x" not in html, path
    bad = f"answers:\n  '{MARKUP}': yes\n  conduct: '{MARKUP}'\n".encode()
    response = client.post(
        "/resume",
        data={"csrf_token": token(client, "/resume"), "case_file": (io.BytesIO(bad), "<b>case</b>.yaml")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>case</b>" not in html
    assert re.search(r"no question with this id", html)
