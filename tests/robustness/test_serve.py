"""`pathway serve`, the README's main command: waitress, a key of its own, nothing on disk.

The server runs as a user starts it (`pathway serve --port P`), with TMPDIR and its working
directory empty folders it must leave empty, even for uploads larger than what it accepts.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.load.run import free_port

PATHWAY = Path(sys.executable).parent / "pathway"
BOOT_TIMEOUT = 60


def multipart(content: bytes) -> tuple[bytes, str]:
    boundary = "----pathway-test"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="case_file"; filename="case.yaml"\r\n'
            "Content-Type: application/x-yaml\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[int, Path, Path]]:
    base = tmp_path_factory.mktemp("serve")
    tmp, cwd = base / "tmp", base / "cwd"
    tmp.mkdir()
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAY_") and k != "SECRET_KEY"}
    env["TMPDIR"] = str(tmp)
    port = free_port()
    process = subprocess.Popen(
        [str(PATHWAY), "serve", "--port", str(port)], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/api/v1/knowledge/version")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("pathway serve did not answer")
        yield port, tmp, cwd
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(20)


def test_serve_runs_waitress_with_a_key_of_its_own(served):
    port, _, _ = served
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Server") == "justice-pathway"  # waitress, not werkzeug's development server
    assert response.getheader("Set-Cookie", "").startswith("pathway-case=gAAAAA")


@pytest.mark.parametrize("size", [300 * 1024, 2 * 1024 * 1024])
def test_large_uploads_are_refused_with_the_page_and_never_reach_the_disk(served, size):
    port, tmp, cwd = served
    body, content_type = multipart(b"x" * size)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": content_type, "Origin": f"http://127.0.0.1:{port}"}  # as a browser posts a form
    connection.request("POST", "/resume", body=body, headers=headers)
    response = connection.getresponse()
    text = response.read()
    assert response.status == 413
    assert b"The file is too large" in text  # the app's own page (waitress reads up to 16 MiB in memory)
    assert list(tmp.iterdir()) == [] and list(cwd.iterdir()) == []
