"""Friendly error pages: 404, 405, 500, with the disclaimer and no internals."""

from __future__ import annotations

from web import create_app

from .conftest import SMALL, text_of


def test_not_found(client):
    response = client.get("/no/such/page")
    html = text_of(response)
    assert response.status_code == 404
    assert "Page not found" in html and "Go to the start page" in html and "This is not a decision." in html


def test_method_not_allowed(client):
    response = client.get("/finish")
    assert response.status_code == 405
    assert "This page cannot be used this way" in text_of(response)


def test_server_error_is_friendly_and_hides_the_traceback():
    app = create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "t"})

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals: age_at_conduct=15")

    response = app.test_client().get("/boom")
    html = text_of(response)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret internals" not in html and "Traceback" not in html
    assert response.headers["Content-Security-Policy"]


def test_tampered_session_is_treated_as_no_case(client):
    client.set_cookie("pathway_case", "not-a-signed-value")
    response = client.get("/check")
    assert response.status_code == 302 and response.headers["Location"] == "/"
