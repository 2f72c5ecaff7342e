"""Trust: each attack that broke the first version, as a regression test on the app itself.

The same journeys run in Chromium over TLS under gunicorn in tests/production/; these pin each
defect down where it lives (the cookie, the addresses, the limits, the configuration).
"""

from __future__ import annotations

import base64
import io
import random
import re
import tempfile
import threading
import zlib

import pytest

import web.teaching
from web import ConfigError, create_app
from web.case_cookie import COOKIE, MAX_COOKIE_BYTES

from .conftest import SMALL, User, asked_on, browser_client, text_of

MARKER = "MARKER-7f3a9c"
ANSWERS = (("age_at_conduct", "15"), ("admits_facts", "yes"), ("conduct", "violence"))


def cookie_value(user: User) -> str:
    cookie = user.client.get_cookie(COOKIE)
    assert cookie is not None, "no case cookie"
    return cookie.value


def started(user: User) -> User:
    user.start()
    for question, value in ANSWERS:
        user.answer(question, value)
    return user


def test_the_cookie_cannot_be_read_without_the_key(user):
    started(user)
    token = user.token("/result")
    user.client.post("/record/note", data={"csrf_token": token, "note": MARKER})
    value = cookie_value(user)
    assert value.startswith("gAAAAA")  # a Fernet token: version byte 0x80, then the time
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    readable = [raw]
    for start in range(len(raw)):  # whatever part of it might be a zlib stream
        try:
            readable.append(zlib.decompressobj().decompress(raw[start:]))
        except zlib.error:
            continue
    for text in readable:
        assert MARKER.encode() not in text and b"violence" not in text and b"age_at_conduct" not in text
    assert MARKER in user.page("/record")  # the app itself reads it back


def test_a_cookie_sealed_with_another_key_is_no_case(user):
    started(user)
    other = create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "another-secret"})
    stranger = browser_client(other)
    stranger.set_cookie(COOKIE, cookie_value(user))
    response = stranger.get("/check")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_idle_case_is_refused_on_the_server_and_the_user_told_why(user, monkeypatch):
    started(user)
    idle = user.client.application.config["CASE_IDLE_SECONDS"]
    real_time = __import__("time").time
    monkeypatch.setattr("cryptography.fernet.time.time", lambda: real_time() + idle + 5)
    response = user.client.get("/check")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert f"cleared from this browser after {idle // 60} minutes without activity" in text_of(user.client.get("/"))
    assert user.client.get("/check").headers["Location"] == "/"  # the case is gone, not only hidden


def test_page_views_keep_the_case_alive(user, monkeypatch):
    """The idle time counts from the last page view, not the last change (a minute's grain)."""
    started(user)
    real_time = __import__("time").time
    monkeypatch.setattr("cryptography.fernet.time.time", lambda: real_time() + 90)
    monkeypatch.setattr("web.case_cookie.time.time", lambda: real_time() + 90)
    viewed = user.client.get("/check")
    assert viewed.status_code == 200 and viewed.headers["Set-Cookie"].startswith(f"{COOKIE}=gAAAAA")


def test_no_address_redirect_or_title_names_a_question_or_an_answer(user):
    kb = user.client.application.extensions["pathway_kb"]
    seen: list[str] = []
    response = user.start()
    while response.headers.get("Location", "").startswith("/step/"):
        location = response.headers["Location"]
        seen.append(location)
        html = user.page(location)
        question = asked_on(html)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert kb.questions[question].text not in title and question not in title
        value = dict(ANSWERS).get(question, "2026-02-28T20:00")
        response = user.client.post(location, data={"csrf_token": user.token(), "question": question, "answer": value})
        seen.append(response.headers.get("Location", ""))
    assert len(seen) >= 6
    for address in seen:
        assert re.fullmatch(r"(/step/\d+|/check)", address), address
        for qid in kb.questions:
            assert qid not in address


def test_an_answer_posted_for_another_question_is_not_applied(user):
    """A step number alone could name another question if the case changed in another window."""
    started(user)
    token = user.token()
    response = user.client.post("/step/2", data={"csrf_token": token, "question": "age_at_conduct", "answer": "no"})
    assert response.status_code == 302
    assert "changed in another window" in user.page(response.headers["Location"])
    assert ">yes</dd>" in user.page("/check").split("Does the child admit the facts?")[1][:300]


def test_a_note_too_large_for_the_cookie_is_refused_and_the_case_kept(user):
    started(user)
    user.client.post("/record/note", data={"csrf_token": user.token("/result"), "note": "first reasons"})
    token = user.token("/result")  # shows (and so clears) the message that the note was saved
    before = cookie_value(user)
    # Inside the form's 1,000-character limit, but 3 to 4 bytes a character, drawn at random: nothing to compress.
    rng = random.Random(0)
    note = "".join(
        chr(rng.choice([rng.randrange(0x4E00, 0x9FFF), rng.randrange(0x1F300, 0x1FAFF)])) for _ in range(1000)
    )
    response = user.client.post("/record/note", data={"csrf_token": token, "note": note})
    html = text_of(response)
    assert response.status_code == 400
    assert "This change was not kept" in html and "Shorten the note" in html
    assert cookie_value(user) == before
    assert "first reasons" in user.page("/record")


def test_every_cookie_the_app_sends_fits_in_a_browser(user):
    started(user)
    for note in ("short", "é" * 1000, "x" * 1000):
        response = user.client.post("/record/note", data={"csrf_token": user.token("/result"), "note": note})
        for header in response.headers.getlist("Set-Cookie"):
            assert len(header.encode()) <= MAX_COOKIE_BYTES


def upload(user: User, content: bytes, assess_on: str = "now"):
    return user.client.post(
        "/resume",
        data={
            "csrf_token": user.token("/resume"),
            "case_file": (io.BytesIO(content), "case.yaml"),
            "assess_on": assess_on,
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"reference_date: 0226-03-01\nanswers:\n  age_at_conduct: 15\n", "reference_date"),
        (b"knowledge_version: " + b"v" * 9000 + b"\nanswers:\n  age_at_conduct: 15\n", "knowledge_version"),
    ],
)
def test_a_case_file_that_could_not_be_saved_again_is_refused_at_the_door(user, content, field):
    started(user)
    before = user.page("/check")
    response = upload(user, content)
    html = text_of(response)
    assert response.status_code == 400 and "Line 1" in html and f"<code>{field}</code>" in html
    assert user.page("/check") == before


def test_what_is_loaded_can_be_saved_and_loaded_again(user):
    content = (
        b"jurisdiction: lowland\nreference_date: 1990-01-01\nanswers:\n  age_at_conduct: 15\n  admits_facts: true\n"
    )
    assert upload(user, content, "saved").status_code == 302
    saved = user.client.get("/case-file").get_data()
    again = User(browser_client(user.client.application))
    assert upload(again, saved, "saved").status_code == 302
    assert again.page("/check") == user.page("/check")


def test_uploads_stay_in_memory(user, tmp_path, monkeypatch):
    """Werkzeug spools a large upload to a temporary file; the app reads uploads in memory only."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    started(user)
    before = user.page("/check")
    big = b"answers:\n  age_at_conduct: 15\n" + b"# " + b"x" * (260 * 1024) + b"\n"
    response = upload(user, big)
    assert response.status_code == 400 and "too large" in text_of(response)
    assert list(tmp_path.iterdir()) == []
    assert user.page("/check") == before


def test_an_upload_over_the_request_limit_gets_the_413_page_and_the_case_is_kept(user):
    started(user)
    before = user.page("/check")
    response = upload(user, b"x" * (600 * 1024))
    assert response.status_code == 413 and "at most 256 KB" in text_of(response)
    assert user.page("/check") == before


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"PATHWAY_ENV": "Production", "SECRET_KEY": "k" * 64}, "is not known"),
        ({"PATHWAY_ENV": "prod", "SECRET_KEY": "k" * 64}, "is not known"),
        ({"PATHWAY_ENV": "production", "SECRET_KEY": "k" * 31, "TRUSTED_HOSTS": ["a"]}, "at least 32 bytes"),
        ({"PATHWAY_ENV": "production", "SECRET_KEY": "k" * 64}, "PATHWAY_TRUSTED_HOSTS"),
        ({"PATHWAY_ENV": "development", "SECRET_KEY": None}, "PATHWAY_SECRET_KEY"),
        ({"SECRET_KEY": "k", "PROXIES": "one"}, "PATHWAY_PROXIES"),
    ],
)
def test_a_configuration_that_would_weaken_silently_refuses_to_start(monkeypatch, config, reason):
    for name in ("PATHWAY_SECRET_KEY", "SECRET_KEY", "PATHWAY_ENV", "PATHWAY_TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match=reason):
        create_app({"KNOWLEDGE_DIR": str(SMALL), **config})


def test_production_answers_only_its_own_host_names(monkeypatch):
    app = create_app(
        {"KNOWLEDGE_DIR": str(SMALL), "PATHWAY_ENV": "production", "SECRET_KEY": "k" * 64, "TRUSTED_HOSTS": ["court"]}
    )
    client = app.test_client()
    assert client.get("/", base_url="https://court").status_code == 200
    assert client.get("/", base_url="https://attacker.example").status_code == 400


def test_a_form_sent_from_another_site_is_refused_even_with_a_valid_token(user):
    started(user)
    before = user.page("/check")
    token = user.token()
    for headers in ({"Origin": "https://attacker.example"}, {"Origin": "null"}):
        response = user.client.post(
            "/step/1", data={"csrf_token": token, "question": "age_at_conduct", "answer": "12"}, headers=headers
        )
        assert response.status_code == 400 and "not sent from this service" in text_of(response)
    assert user.page("/check") == before


def test_a_form_with_neither_origin_nor_referer_is_refused_and_a_same_origin_referer_is_enough(app):
    client = app.test_client()  # sends neither header, as no browser does with a form post
    token = User(client).token()
    data = {"csrf_token": token, "jurisdiction": "baseline", "reference_date": "2026-03-01"}
    assert client.post("/", data=data).status_code == 400
    assert client.post("/", data=data, headers={"Referer": "http://localhost/"}).status_code == 302


@pytest.mark.parametrize(
    "case",
    [
        {"case": {"j": ["baseline"], "r": "2026-03-01T12:00", "a": []}},
        {"case": {"j": "baseline", "r": ["x"], "a": "not a list"}},
        {"case": {"j": "baseline", "r": "0226-03-01T12:00", "a": []}},
        {"case": ["not", "an", "object"]},
        {"case": {"j": "baseline", "r": "2026-03-01T12:00", "a": [[1, 2], "x", ["age_at_conduct"]], "n": 5}},
    ],
)
def test_a_sealed_session_of_the_wrong_shape_is_no_case_never_an_error(app, case):
    """Only a server with the key can seal a cookie (an older version, say): its state is checked, never trusted."""
    client = browser_client(app)
    with app.test_request_context():
        client.set_cookie(COOKIE, app.session_interface.seal(app, case))
    for path in ("/check", "/step/1", "/result", "/what-if", "/"):
        assert client.get(path).status_code in (200, 302), path


def test_a_sealed_cookie_that_is_not_an_object_is_no_session(app):
    client = browser_client(app)
    with app.test_request_context():
        client.set_cookie(COOKIE, app.session_interface.seal(app, ["a", "list"]))  # type: ignore[arg-type]
    assert client.get("/check").status_code == 302 and client.get("/").status_code == 200


def test_expensive_pages_wait_their_turn_and_never_hold_up_the_questions(app, monkeypatch):
    """One what-would-change page runs per process; another gets 503 with Retry-After at once,
    while question pages are served as usual."""
    entered, release = threading.Event(), threading.Event()
    real = web.teaching.what_would_change

    def slow(*args):
        entered.set()
        assert release.wait(60)
        return real(*args)

    monkeypatch.setattr(web.teaching, "what_would_change", slow)
    first = User(browser_client(app))
    started(first)
    second = User(browser_client(app))
    started(second)
    outcome: dict[str, int] = {}
    worker = threading.Thread(target=lambda: outcome.update(status=first.client.get("/what-would-change").status_code))
    worker.start()
    try:
        assert entered.wait(60)
        busy = second.client.get("/what-would-change")
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
        assert "This page is busy" in text_of(busy)
        assert second.client.get("/step/1").status_code == 200
    finally:
        release.set()
        worker.join(60)
    assert outcome["status"] == 200
    assert second.client.get("/what-would-change").status_code == 200


def test_a_refused_post_or_a_static_file_does_not_keep_an_idle_case_alive(user, monkeypatch):
    """Only a page view the user made seals the cookie again: not a refused form, not an image."""
    started(user)
    token = user.token()
    real_time = __import__("time").time
    monkeypatch.setattr("cryptography.fernet.time.time", lambda: real_time() + 90)
    monkeypatch.setattr("web.case_cookie.time.time", lambda: real_time() + 90)
    forged = user.client.post("/finish", data={"csrf_token": token}, headers={"Origin": "https://attacker.example"})
    assert forged.status_code == 400 and "Set-Cookie" not in forged.headers
    image = user.client.get("/static/favicon.svg")
    assert image.status_code == 200 and "Set-Cookie" not in image.headers


def test_the_start_page_says_what_is_kept_where_and_for_how_long_as_configured():
    app = create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "k", "CASE_IDLE_SECONDS": 600})
    html = text_of(browser_client(app).get("/"))
    kept = html.split('id="what-is-kept"')[1]
    assert "In this browser" in kept and "On the server" in kept and "In files" in kept
    assert "after 10 minutes without activity" in kept and "encrypted" in kept
    assert "after 10 minutes without activity" in html.split('class="footer"')[1]
