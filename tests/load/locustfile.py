"""Locust journeys for the load test (see tests/load/run.py): complete cases, as a user makes them.

Each simulated user starts a case, answers whatever question the server asks next (a random
allowed answer, "I don't know" sometimes) until the check-your-answers page, then opens the
result and the decision record and finishes (clears) the case. The session cookie is carried by
hand: in production it is marked Secure, and the load runs over plain HTTP on loopback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import re
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task

from engine.answers import answer_to_data
from engine.conditions import UNKNOWN
from engine.generate import candidate_values
from engine.loader import load_knowledge

KB = load_knowledge(os.environ.get("PATHWAY_KNOWLEDGE_DIR") or None)
VALUES = {qid: candidate_values(KB, q) for qid, q in KB.questions.items()}
PROFILES = sorted(KB.jurisdictions)
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
QUESTION = re.compile(r"/questions/([a-z0-9_]+)")
MAX_STEPS = 120


def form_answer(question_id: str, value) -> dict:
    if value is UNKNOWN:
        return {"unknown": "unknown"}
    data = answer_to_data(value)
    if isinstance(data, bool):
        return {"answer": "yes" if data else "no"}
    if isinstance(data, list):
        return {"answer": data}
    if isinstance(value, dt.datetime):
        return {"answer": value.strftime("%Y-%m-%dT%H:%M")}
    return {"answer": str(data)}


class Journey(FastHttpUser):
    wait_time = constant(0)

    def _request(self, method: str, path: str, name: str, expect: tuple[int, ...], data=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if data is not None:  # several values for one name (multi-choice answers) need doseq
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with self.client.request(
            method, path, name=name, data=body, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in expect:
                title = re.search(r"<title>(.*?)</title>", response.text or "", re.S)
                shown = " ".join(title.group(1).split())[:80] if title else ""
                response.failure(f"{method} {name}: status {response.status_code} {shown}")
                raise _JourneyBroken
            cookie = response.headers.get("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            return response

    @task
    def complete_case(self) -> None:
        self.cookie = ""
        with contextlib.suppress(_JourneyBroken):
            self._journey()

    def _journey(self) -> None:
        page = self._request("GET", "/", "/", (200,))
        token = TOKEN.search(page.text).group(1)
        start = {"csrf_token": token, "jurisdiction": random.choice(PROFILES), "reference_date": "2026-03-01"}
        location = self._request("POST", "/", "/ (start)", (302, 303), start).headers["Location"]
        for _ in range(MAX_STEPS):
            match = QUESTION.search(location)
            if match is None:
                break
            question_id = match.group(1)
            page = self._request("GET", f"/questions/{question_id}", "/questions/[id]", (200,))
            data = {"csrf_token": TOKEN.search(page.text).group(1)}
            data.update(form_answer(question_id, random.choice(VALUES[question_id])))
            location = self._request("POST", f"/questions/{question_id}", "/questions/[id] (answer)", (302, 303), data)
            location = location.headers["Location"]
        self._request("GET", "/check", "/check", (200,))
        result = self._request("GET", "/result", "/result", (200,))
        self._request("GET", "/record", "/record", (200,))
        token = TOKEN.search(result.text).group(1)
        self._request("POST", "/finish", "/finish", (302, 303), {"csrf_token": token})


class _JourneyBroken(Exception):  # noqa: N818 (a control-flow signal, not an error to report)
    pass
