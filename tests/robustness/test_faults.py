"""Faults: Graphviz missing, crashing or hanging; broken knowledge at start; a worker killed mid-request."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import psutil
import pytest

from engine import decision_tree
from engine.errors import KnowledgeError
from tests.load.run import BIN, HOST, ROOT, free_port, start_server, stop
from web import create_app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SMALL = FIXTURES / "small"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
ANSWERS = (
    ("age_at_conduct", "15"),
    ("admits_facts", "yes"),
    ("conduct", "violence"),
    ("arrest_datetime", "2026-02-27T08:13"),
)
CASE = {"reference_date": "2026-03-01", "answers": {"age_at_conduct": 15, "admits_facts": True}}


def fake_dot(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dot = folder / "dot"
    dot.write_text("#!/bin/sh\n" + body + "\n")
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)
    return folder


def complete_case(client) -> None:
    def token(path="/"):
        return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)

    client.post("/", data={"csrf_token": token(), "jurisdiction": "baseline", "reference_date": "2026-03-01"})
    for question, value in ANSWERS:
        client.post(f"/questions/{question}", data={"csrf_token": token(), "answer": value})


@pytest.fixture
def client():
    return create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "faults"}).test_client()


@pytest.mark.parametrize(
    ("name", "script", "notice"),
    [
        ("missing", None, "is not installed on this server"),
        ("crashing", "echo 'dot: out of memory' >&2; exit 1", "failed on this server"),
        ("garbage", "echo 'not an svg'", "failed on this server"),
        ("hanging", "sleep 30", "failed on this server"),
    ],
)
def test_result_page_renders_the_text_tree_when_dot_fails(client, tmp_path, monkeypatch, name, script, notice):
    monkeypatch.setattr(decision_tree, "DOT_TIMEOUT_SECONDS", 1)
    path = str(fake_dot(tmp_path / "bin", script)) if script else str(tmp_path / "empty")
    monkeypatch.setenv("PATH", path)
    complete_case(client)
    response = client.get("/result")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert notice in html
    assert "Rule applied: R-DIV-01 Diversion" in html  # the text tree
    assert "<svg" not in html
    assert client.get("/record").status_code == 200
    assert client.get("/result/tree.svg").status_code in (404, 503)
    api = client.post("/api/v1/decision-tree", json=CASE)
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.get_json()["type"].endswith("graphviz-unavailable")
    assert client.post("/api/v1/decision-tree?format=json", json=CASE).status_code == 200


def broken_copy(tmp_path: Path, *overlays: str) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(SMALL, target)
    for overlay in overlays:  # each overlay's files side by side (most are rules/zz.yaml)
        for source in (FIXTURES / "broken" / overlay).rglob("*.yaml"):
            relative = source.relative_to(FIXTURES / "broken" / overlay)
            name = f"{source.stem}_{overlay}.yaml" if relative.parts[0] == "rules" else source.name
            (target / relative.parent).mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / relative.parent / name)
    return target


def test_broken_knowledge_at_start_refuses_and_lists_every_problem(tmp_path):
    broken = broken_copy(tmp_path, "unknown_source", "bad_choice", "invalid_yaml", "missing_parameter_value")
    with pytest.raises(KnowledgeError) as err:
        create_app({"KNOWLEDGE_DIR": str(broken), "SECRET_KEY": "x"})
    assert len(err.value.problems) >= 4
    files = {Path(p.file).name for p in err.value.problems}
    assert {"zz_unknown_source.yaml", "zz_bad_choice.yaml", "zz_invalid_yaml.yaml", "lowland.yaml"} <= files
    text = str(err.value)
    for problem in err.value.problems:
        assert str(problem) in text


def test_broken_knowledge_at_start_under_gunicorn_refuses_to_serve(tmp_path):
    broken = broken_copy(tmp_path, "unknown_source", "bad_choice")
    env = {**os.environ, "PATHWAY_KNOWLEDGE_DIR": str(broken), "PATHWAY_SECRET_KEY": "k" * 64}
    log = tmp_path / "server.log"
    with pytest.raises(RuntimeError, match="gunicorn exited"):
        start_server(free_port(), 1, 1, env, log)
    text = log.read_text()
    assert "problem(s) in the knowledge base" in text
    assert "unknown source" in text.lower() or "source" in text
    assert "choice" in text


def test_pathway_serve_refuses_broken_knowledge(tmp_path):
    broken = broken_copy(tmp_path, "unknown_source", "bad_choice")
    done = subprocess.run(
        [str(BIN / "pathway"), "serve", "--knowledge", str(broken), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "problem" in (done.stdout + done.stderr)
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_worker_killed_mid_request_loses_no_case(tmp_path):
    """gunicorn with one worker and a slow `dot`: kill the worker while /result is being drawn."""
    slow = fake_dot(tmp_path / "bin", 'sleep 4; exec /usr/bin/dot "$@"')
    env = {
        **os.environ,
        "PATH": f"{slow}:{os.environ['PATH']}",
        "PATHWAY_ENV": "development",
        "PATHWAY_SECRET_KEY": secrets.token_hex(32),
        "PATHWAY_KNOWLEDGE_DIR": str(SMALL),
        "PYTHONPATH": str(ROOT),
    }
    port = free_port()
    server = start_server(port, 1, 2, env, tmp_path / "server.log")
    base = f"http://{HOST}:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(path: str, timeout: float = 60) -> str:
        return opener.open(base + path, timeout=timeout).read().decode()

    def post(path: str, data: dict) -> None:
        from urllib.parse import urlencode

        opener.open(base + path, data=urlencode(data).encode(), timeout=60).read()

    try:
        token = TOKEN.search(get("/")).group(1)
        post("/", {"csrf_token": token, "jurisdiction": "baseline", "reference_date": "2026-03-01"})
        for question, value in ANSWERS:
            token = TOKEN.search(get(f"/questions/{question}")).group(1)
            post(f"/questions/{question}", {"csrf_token": token, "answer": value})

        outcome: dict = {}

        def in_flight() -> None:
            try:
                outcome["page"] = get("/result")
            except (urllib.error.URLError, ConnectionError, OSError) as err:
                outcome["error"] = err

        request = threading.Thread(target=in_flight)
        request.start()
        time.sleep(1.5)  # the worker is now waiting on the slow dot
        workers = psutil.Process(server.pid).children()
        assert workers, "no gunicorn worker"
        for worker in workers:
            os.kill(worker.pid, signal.SIGKILL)
        request.join(timeout=60)
        assert "error" in outcome or "page" in outcome

        # The master starts a new worker; the next request succeeds and the case is all there.
        deadline = time.monotonic() + 60
        while True:
            try:
                check = get("/check")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        assert "2026-02-27 08:13" in check and "15" in check
        result = get("/result")
        assert "Diversion" in result
        api = opener.open(
            urllib.request.Request(
                base + "/api/v1/knowledge/version", headers={"Accept": "application/json"}, method="GET"
            ),
            timeout=30,
        )
        assert api.status == 200
    finally:
        stop(server)
