"""The whole case lives in the signed session cookie: even the largest case must fit a browser's 4 KB limit."""

from __future__ import annotations

import random
import string

from engine.answers import answer_to_data
from engine.generate import candidate_values
from web import create_app
from web.case import SESSION_KEY
from web.config import NOTE_MAX_CHARS

BROWSER_COOKIE_LIMIT = 4093  # bytes for name=value, the smallest limit common browsers enforce


def test_the_largest_case_with_the_longest_note_fits_in_the_cookie():
    app = create_app({"SECRET_KEY": "test-secret", "TESTING": True})  # the shipped knowledge base
    kb = app.extensions["pathway_kb"]
    assert len(kb.questions) > 30
    # Every question answered with its longest possible answer, and a note that does not compress.
    answers = {
        qid: max(candidate_values(kb, q), key=lambda v: len(str(answer_to_data(v)))) for qid, q in kb.questions.items()
    }
    rng = random.Random(0)
    note = "".join(rng.choice(string.ascii_letters + string.digits + "éあ") for _ in range(NOTE_MAX_CHARS))
    data = {
        SESSION_KEY: {
            "j": max(kb.jurisdictions, key=len),
            "r": "2026-03-01T12:00",
            "a": [[k, answer_to_data(v)] for k, v in answers.items()],
            "n": note,
            "u": list(range(len(answers))),  # at most every answer no longer applies
            "k": kb.version,
        }
    }
    with app.test_request_context():
        value = app.session_interface.get_signing_serializer(app).dumps(data)
    assert len(app.config["SESSION_COOKIE_NAME"]) + 1 + len(value) < BROWSER_COOKIE_LIMIT, len(value)
