"""Test-client fixtures: the app on the small fixture knowledge base, with CSRF protection on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from web import create_app

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


@pytest.fixture
def app() -> Flask:
    return create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "test-secret", "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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

    def answer(self, question_id: str, value: Any = None, unknown: bool = False, query: str = "") -> TestResponse:
        path = f"/questions/{question_id}{query}"
        data: dict[str, Any] = {"csrf_token": self.token()}
        if value is not None:
            data["answer"] = value
        if unknown:
            data["unknown"] = "unknown"
        return self.client.post(path, data=data)

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)


@pytest.fixture
def user(client: FlaskClient) -> User:
    return User(client)


def text_of(response: TestResponse) -> str:
    return response.get_data(as_text=True)
