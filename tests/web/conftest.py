"""Test-client fixtures: the app on the small fixture knowledge base, with CSRF protection on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.client_journey import MAX_STEPS, TOKEN, asked_on, browser_client
from web import create_app

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small"
__all__ = ["SMALL", "User", "asked_on", "browser_client", "text_of"]


@pytest.fixture
def app() -> Flask:
    return create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "test-secret", "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return browser_client(app)


class User:
    """What a user does, in words (start a case, answer, look at a page), on the test client."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def token(self, path: str = "/") -> str:
        match = TOKEN.search(self.client.get(path).get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def start(self, jurisdiction: str = "baseline", date: str = "2026-03-01") -> TestResponse:
        return self.client.post(
            "/", data={"csrf_token": self.token(), "jurisdiction": jurisdiction, "reference_date": date}
        )

    def step_of(self, question_id: str) -> str:
        """The address of a question's page in this case (pages are numbered by step, not named)."""
        for number in range(1, MAX_STEPS):
            response = self.client.get(f"/step/{number}")
            if response.status_code != 200:
                break
            if asked_on(response.get_data(as_text=True)) == question_id:
                return f"/step/{number}"
        raise AssertionError(f"{question_id} is not a step of this case")

    def asked(self, response: TestResponse) -> str | None:
        """The question a redirect leads to (None if it leads elsewhere than a question page)."""
        location = response.headers.get("Location", "")
        if not location.startswith("/step/"):
            return None
        return asked_on(self.client.get(location).get_data(as_text=True))

    def question_page(self, question_id: str, query: str = "") -> str:
        return self.page(self.step_of(question_id) + query)

    def answer(self, question_id: str, value: Any = None, unknown: bool = False, query: str = "") -> TestResponse:
        path = f"{self.step_of(question_id)}{query}"
        data: dict[str, Any] = {"csrf_token": self.token(), "question": question_id}
        if value is not None:
            data["answer"] = value
        if unknown:
            data["unknown"] = "unknown"
        return self.rejected_shown(self.client.post(path, data=data), path)

    def rejected_shown(self, response: TestResponse, path: str) -> TestResponse:
        """A rejected form is sent back to its page's GET (303, post/redirect/get), which shows the
        errors: follow it as a browser does. Any other answer is returned as it is."""
        if response.status_code != 303:
            return response
        assert response.headers["Location"] == path, "a rejected form goes back to its own page"
        return self.client.get(path)

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)


@pytest.fixture
def user(client: FlaskClient) -> User:
    return User(client)


def text_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)
