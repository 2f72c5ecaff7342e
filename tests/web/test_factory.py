"""The application factory, configuration, security headers, languages and privacy."""

from __future__ import annotations

import logging

import pytest

from web import ConfigError, create_app

from .conftest import SMALL, User


def test_defaults_work_with_only_a_key_and_no_key_is_ever_invented(monkeypatch):
    """`make run` needs no setup (`pathway serve` makes a key for its one process); the factory never
    invents a key, since processes that each made their own would refuse each other's cookies."""
    for name in ("PATHWAY_ENV", "PATHWAY_SECRET_KEY", "SECRET_KEY", "PATHWAY_KNOWLEDGE_DIR", "PATHWAY_TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="PATHWAY_SECRET_KEY"):
        create_app()
    app = create_app({"SECRET_KEY": "a-development-key"})
    assert app.config["DEFAULT_JURISDICTION"] == "baseline"
    assert "baseline" in app.extensions["pathway_kb"].jurisdictions
    assert not app.config["SESSION_COOKIE_SECURE"]


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("PATHWAY_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PATHWAY_ENV", "production")
    with pytest.raises(ConfigError, match="PATHWAY_SECRET_KEY"):
        create_app({"KNOWLEDGE_DIR": str(SMALL)})


def test_production_with_a_secret_key_and_hosts_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("PATHWAY_ENV", "production")
    monkeypatch.setenv("PATHWAY_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("PATHWAY_TRUSTED_HOSTS", "pathway.example, localhost")
    app = create_app({"KNOWLEDGE_DIR": str(SMALL)})
    assert app.config["SECRET_KEY"] == "k" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["TRUSTED_HOSTS"] == ["pathway.example", "localhost"]


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
    response = user.client.get("/step/1")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_no_inline_scripts_or_styles(user):
    user.start()
    user.answer("age_at_conduct", "15")
    for path in ("/", user.step_of("admits_facts"), "/check", "/result", "/record", "/resume"):
        html = user.page(path)
        assert "<style" not in html and " style=" not in html, path
        assert "<script>" not in html and "<script " not in html.replace(
            '<script src="/static/pathway.js" defer>', ""
        ), path


def test_session_cookie_is_a_host_only_session_cookie_over_https(app):
    """Over HTTPS, as a browser posts (its Origin, no Referer under a strict policy): accepted, and the
    cookie is `__Host-`, Secure, HttpOnly, Lax, without Expires or Max-Age."""
    client = app.test_client()
    client.environ_base["HTTP_ORIGIN"] = "https://localhost"
    page = client.get("/", base_url="https://localhost").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/",
        data={"csrf_token": token, "jurisdiction": "baseline", "reference_date": "2026-03-01"},
        base_url="https://localhost",
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-pathway-case=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie and "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["Referrer-Policy"] == "same-origin"


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
    for path in ("/", "/step/1", "/check", "/dates", "/result", "/record", "/bench-card", "/resume", "/missing"):
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
            "interview.step",
            "interview.check",
            "interview.dates",  # tested in tests/web/test_dates_form.py
            "events.events",  # tested in tests/web/test_recorded_events.py
            "events.remove",
            "result.show",
            "result.tree_svg",
            "records.record",
            "records.record_pdf",
            "records.download_letter",
            "records.save_note",
            "records.download_record",
            "records.download_case",
            "records.download_deadlines",
            "records.resume",
            "records.finish",
            "bench_card.show",  # tested in tests/browser/test_bench_card.py and tests/web/test_bench_card_vignettes.py
            "bench_card.pdf",
            "language.choose",  # tested in tests/web/test_languages.py
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
