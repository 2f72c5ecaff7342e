"""The application factory, configuration, security headers, languages and privacy."""

from __future__ import annotations

import logging

import pytest

from web import ConfigError, create_app

from .conftest import SMALL, User


def test_defaults_work_without_configuration(monkeypatch):
    """`make run` needs no setup: built-in knowledge, baseline profile, a random development key."""
    for name in ("PATHWAY_ENV", "PATHWAY_SECRET_KEY", "SECRET_KEY", "PATHWAY_KNOWLEDGE_DIR"):
        monkeypatch.delenv(name, raising=False)
    first, second = create_app(), create_app()
    assert first.config["SECRET_KEY"] and first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert first.config["DEFAULT_JURISDICTION"] == "baseline"
    assert "baseline" in first.extensions["pathway_kb"].jurisdictions
    assert first.config["SESSION_COOKIE_HTTPONLY"] and not first.config["SESSION_COOKIE_SECURE"]


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("PATHWAY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PATHWAY_ENV", "production")
    with pytest.raises(ConfigError, match="PATHWAY_SECRET_KEY"):
        create_app({"KNOWLEDGE_DIR": str(SMALL)})


def test_production_with_a_secret_key_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("PATHWAY_ENV", "production")
    monkeypatch.setenv("PATHWAY_SECRET_KEY", "k" * 64)
    app = create_app({"KNOWLEDGE_DIR": str(SMALL)})
    assert app.config["SECRET_KEY"] == "k" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("path", ["/", "/resume", "/no-such-page", "/static/pathway.css"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_case_pages_are_not_cached(user):
    user.start()
    response = user.client.get("/questions/age_at_conduct")
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_scripts_or_styles(user):
    user.start()
    user.answer("age_at_conduct", "15")
    for path in ("/", "/questions/admits_facts", "/check", "/result", "/record", "/resume"):
        html = user.page(path)
        assert "<style" not in html and " style=" not in html, path
        assert "<script>" not in html and "<script " not in html.replace(
            '<script src="/static/pathway.js" defer>', ""
        ), path


def test_session_cookie_is_secure_over_https(app):
    client = app.test_client()
    page = client.get("/", base_url="https://localhost").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/",
        data={"csrf_token": token, "jurisdiction": "baseline", "reference_date": "2026-03-01"},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/"},
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_session_cookie_over_plain_http_is_not_marked_secure(user):
    response = user.start()
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_right_to_left_languages_set_dir_on_html():
    app = create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "x", "LANGUAGES": ["en", "ar"]})
    client = app.test_client()
    arabic = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert '<html lang="en" dir="ltr">' in english


def test_answers_never_reach_the_logs(user, caplog):
    caplog.set_level(logging.DEBUG)
    user.start()
    user.answer("age_at_conduct", "17")
    user.answer("admits_facts", "yes")
    user.answer("conduct", "violence")
    user.answer("arrest_datetime", "2026-02-27T08:13")
    user.page("/result")
    user.client.get("/record/download")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "violence" not in logged and "08:13" not in logged and "17" not in logged


def test_every_screen_shows_the_disclaimer(user):
    user.start()
    for path in ("/", "/questions/age_at_conduct", "/check", "/result", "/record", "/resume", "/missing"):
        html = user.client.get(path).get_data(as_text=True)
        assert "This is not a decision." in html, path


TRAINER_AND_POLICY_ROUTES = {  # tested in tests/web/test_teaching.py
    "teaching.scenarios",
    "teaching.scenario",
    "teaching.steps_start",
    "teaching.step",
    "teaching.what_if",
    "teaching.what_if_question",
    "teaching.what_would_change_page",
    "teaching.pathway_map",
    "policy.index",
    "policy.rules",
    "policy.audit_page",
    "policy.coverage",
    "policy.gaps_index",
    "policy.gaps",
}


def test_every_route_is_a_known_feature(app):
    """One blueprint per feature; a new route must be added here (and tested)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert (
        endpoints
        == {
            "static",
            "interview.start",
            "interview.resume_interview",
            "interview.question",
            "interview.check",
            "result.show",
            "result.tree_svg",
            "records.record",
            "records.save_note",
            "records.download_record",
            "records.download_case",
            "records.resume",
            "records.finish",
        }
        | TRAINER_AND_POLICY_ROUTES
        | API_ROUTES
    )


# The JSON API (web/api; tested in tests/web/test_api.py and tests/robustness/).
API_ROUTES = {
    "api.openapi",
    "api.knowledge_list",
    "api.knowledge_version",
    "api.assess",
    "api.next_question",
    "api.decision_tree",
}


def test_user_helper_reads_csrf_tokens(client):
    assert User(client).token()
