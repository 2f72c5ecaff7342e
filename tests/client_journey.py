"""What a browser does on the test client: send its page's Origin with a form, read the form's
token, answer whichever question each step asks. Shared by the web and robustness tests."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Flask
from flask.testing import FlaskClient

TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
QUESTION = re.compile(r'name="question" value="([^"]+)"')
MAX_STEPS = 80


def browser_client(app: Flask, origin: str = "http://localhost") -> FlaskClient:
    """A test client that sends what a browser sends with a form post: its page's Origin."""
    client = app.test_client()
    client.environ_base["HTTP_ORIGIN"] = origin
    return client


def token(client: FlaskClient, path: str = "/") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def asked_on(html: str) -> str | None:
    """The question a question page asks (its form says which, in a hidden field)."""
    match = QUESTION.search(html)
    return match.group(1) if match else None


def answer_each(client: FlaskClient, answers: Mapping[str, str]) -> list[str]:
    """Answer the questions the interview asks, in its order, from `answers`; stop at the first
    question without an answer there or at the check page. Returns the questions answered."""
    answered: list[str] = []
    location = client.get("/next").headers.get("Location", "")
    for _ in range(MAX_STEPS):
        if not location.startswith("/step/"):
            break
        html = client.get(location).get_data(as_text=True)
        question = asked_on(html)
        if question not in answers:
            break
        match = TOKEN.search(html)
        assert match, f"no CSRF token on {location}"
        response = client.post(
            location, data={"csrf_token": match.group(1), "question": question, "answer": answers[question]}
        )
        assert response.status_code == 302, (question, response.status_code)
        answered.append(question)
        location = response.headers.get("Location", "")
    return answered
