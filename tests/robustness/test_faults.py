"""Faults: Graphviz missing, crashing or hanging; broken knowledge at start; a worker killed mid-request.

Each fault is injected deterministically (a fake `dot` that fails in one known way, a copy of the
knowledge with known problems, a `dot` that reports when it has started and then blocks) and each
test asserts the one outcome that fault must have. Nothing waits on a clock: the tests wait on
events (a socket the fake `dot` connects to) with bounded timeouts.
"""

from __future__ import annotations

import html
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import psutil
import pytest

from engine.errors import KnowledgeError
from engine.load.loader import read_knowledge
from engine.render import decision_tree
from tests.load.run import BIN, HOST, ROOT, Server, free_port
from web import create_app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SMALL = FIXTURES / "small"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
ANSWERS = {  # the small knowledge base's interview for a 15-year-old diverted (R-DIV-01)
    "age_at_conduct": "15",
    "admits_facts": "yes",
    "conduct": "violence",
    "arrest_datetime": "2026-02-27T08:13",
}
ACTION = re.compile(r'action="([^"]+)"')
QUESTION = re.compile(r'name="question" value="([^"]+)"')
MAX_STEPS = 20
CASE = {"reference_date": "2026-03-01", "answers": {"age_at_conduct": 15, "admits_facts": True}}
WAIT = 60  # seconds: the bound on every wait for an event


def fake_dot(folder: Path, body: str) -> Path:
    """A folder holding a `dot` that writes its pid to `runs` and then runs `body` (sh): the fault, injected.

    PATH holds only this folder in the tests that use it: what `body` runs is named by its full path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    dot = folder / "dot"
    dot.write_text('#!/bin/sh\necho $$ >> "${0%/dot}/runs"\n' + body + "\n")
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)
    return folder


def dot_runs(folder: Path) -> list[int]:
    """The pids of every run of the fake dot so far (each one's pid survives its `exec`)."""
    runs = folder / "runs"
    return [int(line) for line in runs.read_text().split()] if runs.exists() else []


def answer_interview(get, post) -> str:
    """Start a case and answer each question the interview asks from ANSWERS; the last page's html.

    `get(path)` returns a page's html, `post(path, data)` the html after the redirects; the same
    walk drives the test client and a real server.
    """
    page = post(
        "/", {"csrf_token": TOKEN.search(get("/")).group(1), "jurisdiction": "baseline", "reference_date": "2026-03-01"}
    )
    for _ in range(MAX_STEPS):
        form = next((f for f in page.split("<form")[1:] if 'name="question"' in f), None)
        if form is None:
            return page
        question = QUESTION.search(form).group(1)
        assert question in ANSWERS, f"the interview asks {question!r}, which this test does not answer"
        data = {"csrf_token": TOKEN.search(form).group(1), "question": question, "answer": ANSWERS[question]}
        page = post(html.unescape(ACTION.search(form).group(1)), data)
    raise AssertionError(f"the interview did not end within {MAX_STEPS} steps")


def complete_case(client) -> None:
    client.environ_base["HTTP_ORIGIN"] = "http://localhost"  # as a browser sends with a form post
    last = answer_interview(
        lambda path: client.get(path).get_data(as_text=True),
        lambda path, data: client.post(path, data=data, follow_redirects=True).get_data(as_text=True),
    )
    assert "Check your answers" in last or "/result" in last, last[:2000]


@pytest.fixture
def client():
    return create_app({"KNOWLEDGE_DIR": str(SMALL), "SECRET_KEY": "faults"}).test_client()


# (fault, the fake dot's body or None for no dot at all, the notice on the page, the status of the
# SVG on its own, what engine.render.decision_tree logs). "hanging" stays silent far longer than the
# timeout (a bounded hang: a regression that drops the timeout fails after a minute, never hangs the suite).
DOT_FAULTS = [
    ("missing", None, "is not installed on this server", 404, None),
    ("crashing", "echo 'dot: out of memory' >&2; exit 1", "failed on this server", 503, "failed (exit status 1)"),
    ("garbage", "echo 'not an svg'", "failed on this server", 503, "failed (exit status 0)"),
    ("hanging", f"exec /bin/sleep {WAIT}", "failed on this server", 503, "could not run (TimeoutExpired)"),
]


@pytest.mark.parametrize(
    ("name", "script", "notice", "svg_status", "logged"), DOT_FAULTS, ids=[f[0] for f in DOT_FAULTS]
)
def test_result_page_renders_the_text_tree_when_dot_fails(
    client, tmp_path, monkeypatch, caplog, name, script, notice, svg_status, logged
):
    monkeypatch.setattr(decision_tree, "DOT_TIMEOUT_SECONDS", 0.5)
    folder = fake_dot(tmp_path / "bin", script) if script else tmp_path / "empty"
    monkeypatch.setenv("PATH", str(folder))
    complete_case(client)

    def warnings() -> list[str]:
        found = [r.getMessage() for r in caplog.records if r.name == decision_tree.__name__]
        caplog.clear()
        return found

    expected = [f"Graphviz dot {logged}; the text tree is shown instead"] if logged else []
    caplog.set_level(logging.WARNING, logger=decision_tree.__name__)
    caplog.clear()
    response = client.get("/result")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert notice in page
    assert 'Rule applied: <span class="rule-id">R-DIV-01</span> Diversion' in page  # the text tree
    assert "<svg" not in page
    assert warnings() == expected  # dot was run (or found missing) and failed in exactly this way
    runs = dot_runs(folder)
    assert len(runs) == (0 if script is None else 1)
    assert not any(psutil.pid_exists(pid) for pid in runs)  # a hanging dot was killed, not left behind

    assert client.get("/record").status_code == 200
    warnings()
    svg = client.get("/result/tree.svg")
    assert svg.status_code == svg_status
    assert svg.get_data(as_text=True) == (
        "Graphviz is not installed on this server." if svg_status == 404 else "Graphviz failed on this server."
    )
    assert warnings() == expected
    api = client.post("/api/v1/decision-tree", json=CASE)
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.get_json()["type"].endswith("graphviz-unavailable")
    assert warnings() == expected
    assert client.post("/api/v1/decision-tree?format=json", json=CASE).status_code == 200
    assert warnings() == []  # the JSON tree needs no dot
    assert not any(psutil.pid_exists(pid) for pid in dot_runs(folder))


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
    _, problems = read_knowledge(broken)
    assert len(problems) >= 2
    env = {**os.environ, "PATHWAY_KNOWLEDGE_DIR": str(broken), "PATHWAY_SECRET_KEY": "k" * 64}
    workdir = tmp_path / "server"
    workdir.mkdir()
    with pytest.raises(RuntimeError, match="gunicorn exited with status 3"):  # gunicorn's "worker failed to boot"
        Server(workdir, 1, 1, env, tls=False)
    text = (workdir / "server.log").read_text()
    assert f"{len(problems)} problem(s) in the knowledge base" in text
    for problem in problems:  # every problem, as the knowledge check words it
        assert str(problem) in text, problem


def test_pathway_serve_refuses_broken_knowledge(tmp_path):
    broken = broken_copy(tmp_path, "unknown_source", "bad_choice")
    _, problems = read_knowledge(broken)
    done = subprocess.run(
        [str(BIN / "pathway"), "serve", "--knowledge", str(broken), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""  # never "running at ..."
    assert f"the knowledge base has {len(problems)} problem(s)" in done.stderr
    for problem in problems:
        assert str(problem) in done.stderr, problem
    assert "Traceback" not in done.stderr


def started_dot(folder: Path, listener: socket.socket) -> Path:
    """A `dot` that, the first time, tells `listener` its pid and then blocks until the test lets it go.

    Once the listener is closed it is the real `dot` (the connection is refused, so it execs it).
    """
    host, port = listener.getsockname()
    folder.mkdir(parents=True, exist_ok=True)
    dot = folder / "dot"
    dot.write_text(
        f"#!{sys.executable}\n"
        "import os, socket, sys\n"
        "try:\n"
        f"    held = socket.create_connection(({host!r}, {port}), timeout=5)\n"
        "except OSError:\n"
        "    os.execv('/usr/bin/dot', ['/usr/bin/dot', *sys.argv[1:]])\n"
        "held.sendall(str(os.getpid()).encode())\n"
        "held.settimeout(None)\n"
        "held.recv(1)  # blocks until the test closes its end\n"
        "sys.exit(1)\n"
    )
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)
    return folder


@pytest.mark.slow
def test_a_worker_killed_mid_request_loses_no_case(tmp_path):
    """gunicorn with one worker: kill the worker while it is drawing /result (inside `dot`).

    The request in flight loses its connection (the one outcome: no page, no hang); the master
    starts a new worker, which serves the same case from its cookie, answers and result intact.
    """
    listener = socket.create_server((HOST, 0))
    listener.settimeout(WAIT)
    folder = started_dot(tmp_path / "bin", listener)
    env = {
        **os.environ,
        "PATH": f"{folder}:{os.environ['PATH']}",
        "PATHWAY_ENV": "development",
        "PATHWAY_SECRET_KEY": secrets.token_hex(32),
        "PATHWAY_KNOWLEDGE_DIR": str(SMALL),
        "PYTHONPATH": str(ROOT),
    }
    workdir = tmp_path / "server"
    workdir.mkdir()
    server = Server(workdir, 1, 2, env, tls=False)
    base = server.origin
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    opener.addheaders = [("Origin", base)]  # as a browser sends with a form post

    def get(path: str) -> str:
        return opener.open(base + path, timeout=WAIT).read().decode()

    def post(path: str, data: dict) -> str:
        return opener.open(base + path, data=urlencode(data).encode(), timeout=WAIT).read().decode()

    held = None
    try:
        answer_interview(get, post)
        outcome: dict = {}

        def in_flight() -> None:
            try:
                outcome["page"] = get("/result")
            except OSError as err:
                outcome["error"] = err

        request = threading.Thread(target=in_flight)
        request.start()
        held, _ = listener.accept()  # the event: the worker is inside dot, drawing this request's tree
        listener.close()  # from now on `dot` is the real one
        held.settimeout(WAIT)
        dot = psutil.Process(int(held.recv(32)))
        worker = dot.parent()
        assert worker.ppid() == server.pid, "dot was not run by a gunicorn worker"
        os.kill(worker.pid, signal.SIGKILL)
        request.join(timeout=WAIT)
        assert not request.is_alive(), "the request in flight hung after its worker was killed"
        assert set(outcome) == {"error"} and isinstance(outcome["error"], ConnectionResetError), outcome
        held.close()  # the orphaned dot ends (not our child: psutil cannot give its exit status)
        dot.wait(timeout=WAIT)

        # The next request waits in the listening socket's queue until the new worker takes it.
        check = get("/check")
        assert "2026-02-27 08:13" in check and "15" in check
        assert "Diversion" in get("/result")
        assert opener.open(base + "/api/v1/knowledge/version", timeout=WAIT).status == 200
        assert f"Worker (pid:{worker.pid}) was sent SIGKILL" in (workdir / "server.log").read_text()
        assert worker.pid not in [p.pid for p in psutil.Process(server.pid).children()]
    finally:
        if held is not None:
            held.close()
        listener.close()
        server.stop()
