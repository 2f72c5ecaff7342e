"""Privacy at the OS level: a marker given as case data goes nowhere but the browser and the response.

One run (the `marked_run` fixture) makes, against the production server:

- a full journey in Chromium whose note is the marker `MARKER-<random hex>`: start, answer, the
  note, the record, the case file saved, finish and clear, the file uploaded again, and a case
  file carrying the marker (as its first line) uploaded from the browser;
- five uploads over a raw TLS connection with this browser's own cookie and form token, each
  held open 2 KB before the end of its body while the server is inspected: an accepted case
  file with the marker, a refused one whose answer is the marker, and three over the size limit
  (one past werkzeug's 500 KiB threshold for spooling to disk, one chunked, without a length);
- a JSON API call (POST /api/v1/assess) whose answer is wrong and holds the marker.

Then: the marker is in no log line (access, error, anything the server printed), in no file
under the server's TMPDIR or working directory (both must stay empty), in no file any server
process had open (read through /proc, deleted files too) during and after each upload, in no
URL the browser asked for, and not readable from any case cookie value without the key; the
access log shows no more than method, route and step number.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import itsdangerous
import pytest
from playwright.sync_api import Browser, expect

from .server import HOST, ProductionServer
from .user import (
    CASE_COOKIE,
    KB,
    LOOKOUT,
    answer_all,
    case_file,
    expect_not_expired,
    start_case,
    url_leaks,
)

MARKER = f"MARKER-{secrets.token_hex(12)}"
MARKED = MARKER.encode()
UPLOAD_PAUSE = 1.0  # seconds an upload is held open before the server is inspected
HELD_BACK = 2048  # bytes of an upload not yet sent while the server is inspected


@dataclass
class MarkedRun:
    """What the marked journey left to look at."""

    requested: list[str] = field(default_factory=list)
    cookie_values: list[str] = field(default_factory=list)
    # (when, pid, file) of every open file or folder entry found holding the marker
    marker_seen: list[str] = field(default_factory=list)
    inspections: int = 0
    open_paths: set[str] = field(default_factory=set)
    upload_statuses: dict[str, int | None] = field(default_factory=dict)
    api_status: int = 0
    api_body: bytes = b""


def inspect_server(server: ProductionServer, run: MarkedRun, when: str) -> None:
    """Look for the marker in every file a server process has open, and under TMPDIR, cwd and HOME."""
    run.inspections += 1
    for pid, path, content in server.open_files():
        run.open_paths.add(path)
        if MARKED in content:
            run.marker_seen.append(f"{when}: open file {path} of pid {pid}")
    for folder in (server.tmpdir, server.cwd, server.home):
        for path in folder.rglob("*"):
            if path.is_file() and MARKED in path.read_bytes():
                run.marker_seen.append(f"{when}: {path}")


def multipart(fields: dict[str, str], file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----pathway" + secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: application/x-yaml\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def held_upload(
    server: ProductionServer,
    cookie: str,
    token: str,
    content: bytes,
    during: Callable[[], None],
    chunked: bool = False,
) -> int | None:
    """POST /resume as the browser would (its cookie, its form's token, Origin), over TLS, with the
    body held open 2 KB before its end while `during()` runs; with `chunked`, sent without a
    Content-Length. The response status (None if none came)."""
    body, content_type = multipart({"csrf_token": token}, "case_file", "case.yaml", content)
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}"
    head = (
        f"POST /resume HTTP/1.1\r\nHost: {HOST}:{server.port}\r\nOrigin: {server.origin}\r\n"
        f"Cookie: {CASE_COOKIE}={cookie}\r\nContent-Type: {content_type}\r\n{length}\r\nConnection: close\r\n\r\n"
    ).encode()
    split = len(body) - HELD_BACK
    assert body.find(MARKED) < split, "the marker must be in the part sent before the server is inspected"

    def framed(data: bytes) -> bytes:
        if not chunked:
            return data
        return b"".join(
            f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in (data[i : i + 65536] for i in range(0, len(data), 65536))
        )

    reply = b""
    raw = socket.create_connection((HOST, server.port), timeout=30)
    with server.ssl_context().wrap_socket(raw, server_hostname=HOST) as tls:
        try:
            tls.sendall(head + framed(body[:split]))
            time.sleep(UPLOAD_PAUSE)
            during()
            tls.sendall(framed(body[split:]) + (b"0\r\n\r\n" if chunked else b""))
            while chunk := tls.recv(65536):
                reply += chunk
        except (ConnectionError, ssl.SSLError):
            pass  # the server closed the connection: the status is what it sent, if anything
    match = re.match(rb"HTTP/1\.[01] (\d{3})", reply)
    return int(match.group(1)) if match else None


def keep_cookie(context, run: MarkedRun, origin: str) -> None:
    for cookie in context.cookies(origin):
        run.cookie_values.append(cookie["value"])


@pytest.fixture(scope="module")
def marked_run(chromium: Browser, server: ProductionServer, tmp_path_factory) -> Iterator[MarkedRun]:
    run = MarkedRun()
    origin = server.origin
    context = chromium.new_context(ignore_https_errors=True, accept_downloads=True)
    context.on("request", lambda request: run.requested.append(request.url))
    page = context.new_page()
    page.set_default_timeout(15_000)
    folder = tmp_path_factory.mktemp("privacy")
    try:
        inspect_server(server, run, "before the journey")
        start_case(page, origin)
        keep_cookie(context, run, origin)
        answer_all(page, LOOKOUT)
        keep_cookie(context, run, origin)
        page.get_by_role("button", name="See the result").click()
        page.locator("#note").fill(f"{MARKER} decided otherwise")
        page.get_by_role("button", name="Save to the record").click()
        expect_not_expired(page)
        keep_cookie(context, run, origin)
        page.goto(origin + "/record")
        expect(page.locator(".note")).to_contain_text(MARKER)  # the note is kept (in the cookie only)
        keep_cookie(context, run, origin)
        with page.expect_download() as download_info:
            page.goto(origin + "/result")
            page.get_by_role("link", name="Save your answers as a case file").click()
        saved = folder / "case.yaml"
        download_info.value.save_as(saved)
        inspect_server(server, run, "after the note and the download")
        page.get_by_role("button", name="Finish and clear").click()
        expect(page.locator("body")).to_contain_text("The case was cleared")

        # The same file uploaded from the browser, then one carrying the marker.
        page.goto(origin + "/resume")
        page.locator("#case_file").set_input_files(str(saved))
        page.get_by_role("button", name="Upload and continue").click()
        expect(page.locator("body")).to_contain_text("The case file was loaded")
        page.goto(origin + "/resume")
        marked_file = case_file(LOOKOUT, comment=MARKER)
        page.locator("#case_file").set_input_files(
            files=[{"name": "marked.yaml", "mimeType": "application/x-yaml", "buffer": marked_file}]
        )
        page.get_by_role("button", name="Upload and continue").click()
        expect(page.locator("body")).to_contain_text("The case file was loaded")
        keep_cookie(context, run, origin)
        inspect_server(server, run, "after the browser's uploads")

        # Uploads held open halfway, with this browser's cookie and its form's token.
        page.goto(origin + "/resume")
        token = page.locator("form input[name=csrf_token]").first.input_value()
        cookie = next(c["value"] for c in context.cookies(origin) if c["name"] == CASE_COOKIE)
        padding = ("# " + "x" * 78 + "\n") * 1200  # ~100 KB: within the case-file limit
        big = (f"# {MARKER}\n" + padding * 7).encode() + case_file(LOOKOUT)  # ~680 KB
        uploads = {  # name: (content, chunked)
            "accepted": (case_file(LOOKOUT, comment=MARKER) + padding.encode(), False),
            "refused_answer": (
                case_file({**LOOKOUT, "age_at_conduct": f"{MARKER} years"}, comment=MARKER) + padding.encode(),
                False,
            ),
            "over_the_limit": (big, False),
            # past werkzeug's 500 KiB threshold for spooling an upload to a temporary file
            "spool_size": (big[: 506 * 1024], False),
            "over_the_limit_chunked": (big, True),
        }
        for name, (content, chunked) in uploads.items():
            run.upload_statuses[name] = held_upload(
                server,
                cookie,
                token,
                content,
                lambda name=name: inspect_server(server, run, f"during upload {name}"),
                chunked,
            )
            inspect_server(server, run, f"after upload {name}")

        # The JSON API, with a wrong answer that holds the marker.
        run.api_status, _, run.api_body = server.request(
            "POST",
            "/api/v1/assess",
            json.dumps(
                {"jurisdiction": "baseline", "reference_date": "2026-03-01", "answers": {"age_at_conduct": MARKER}}
            ).encode(),
            {"Content-Type": "application/json"},
        )
        inspect_server(server, run, "after the API call")

        page.goto(origin + "/result")
        page.get_by_role("button", name="Finish and clear").click()
        expect(page.locator("body")).to_contain_text("The case was cleared")
        time.sleep(0.5)  # let the log handlers write the last lines
        inspect_server(server, run, "at the end")
        yield run
    finally:
        context.close()


def test_the_run_did_what_it_says(marked_run: MarkedRun, server: ProductionServer):
    """The checks below are not vacuous: the uploads were processed, the API refused the answer,
    the inspection saw the server's open files, and the server's TMPDIR is the folder checked."""
    assert marked_run.upload_statuses["accepted"] in (302, 303), marked_run.upload_statuses
    assert marked_run.upload_statuses["refused_answer"] == 400, marked_run.upload_statuses
    for name in ("over_the_limit", "spool_size", "over_the_limit_chunked"):
        assert marked_run.upload_statuses[name] in (413, None), marked_run.upload_statuses
    assert marked_run.api_status == 422 and MARKED in marked_run.api_body  # the caller is told what it sent
    assert marked_run.inspections >= 10
    assert str(server.access_log) in marked_run.open_paths, "the inspection does not see the server's open files"
    for proc in server.processes():
        assert proc.environ().get("TMPDIR") == str(server.tmpdir)
        assert Path(proc.cwd()) == server.cwd


def test_marker_in_no_file_the_server_had_open_or_wrote(marked_run: MarkedRun, server: ProductionServer):
    assert not marked_run.marker_seen, "the marker reached the disk:\n" + "\n".join(marked_run.marker_seen)
    left = [str(p) for folder in (server.tmpdir, server.cwd) for p in folder.rglob("*")]
    assert not left, f"the server wrote into its TMPDIR or working directory: {left}"


def test_marker_in_no_log_line(marked_run: MarkedRun, server: ProductionServer):
    for path in (server.access_log, server.error_log, server.output_log):
        assert path.exists(), path
        text = path.read_bytes()
        assert MARKED not in text and MARKER.split("-")[1].encode() not in text, f"the marker is in {path.name}"
    assert server.access_log.stat().st_size > 0, "the access log is empty: nothing was checked"


def test_marker_in_no_url(marked_run: MarkedRun):
    assert len(marked_run.requested) > 20
    assert not [url for url in marked_run.requested if MARKER in url or MARKER.split("-")[1] in url]
    leaks = {url: found for url in marked_run.requested if (found := url_leaks(url, LOOKOUT))}
    assert not leaks, f"URLs that show the case: {leaks}"


def readable_forms(value: str) -> list[bytes]:
    """Everything that can be read from a cookie value without a key: the text, its base64
    (whole and per dot-separated part, standard and URL-safe) and any zlib stream in those."""
    forms = [value.encode()]
    for part in [value, *value.split(".")]:
        part = part.strip(".")
        for decode in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                raw = decode(part + "=" * (-len(part) % 4))
            except (binascii.Error, ValueError):
                continue
            forms.append(raw)
            for start in range(min(len(raw), 64)):
                for wbits in (15, -15, 31):
                    try:
                        forms.append(zlib.decompressobj(wbits).decompress(raw[start:], 1 << 20))
                    except zlib.error:
                        continue
    return forms


def test_readable_forms_would_read_a_signed_cookie():
    """The cookie check below finds the marker in a signed (not encrypted) Flask session cookie."""
    signed = itsdangerous.URLSafeTimedSerializer("a key", salt="cookie-session").dumps({"n": MARKER * 8})
    assert signed.startswith(".")  # compressed, as Flask's was
    assert any(MARKED in form for form in readable_forms(signed))


def test_cookie_is_unreadable_without_the_key(marked_run: MarkedRun):
    values = set(marked_run.cookie_values)
    assert len(values) >= 4, "too few case cookies were seen"
    for value in values:
        for form in readable_forms(value):
            assert MARKED not in form, f"the marker can be read from the cookie {value[:40]}…"
            readable = [qid for qid in KB.questions if qid.encode() in form and len(qid) > 5]
            assert not readable, f"question ids {readable} can be read from the cookie {value[:40]}…"


ROUTE_WORD = re.compile(r"^[a-z0-9][a-z0-9.-]*$")  # route words have hyphens; question ids have underscores
REQUEST_LINE = re.compile(r'"([A-Z]+) (\S+) HTTP/[0-9.]+"')


def test_access_log_shows_method_route_and_step_number_only(marked_run: MarkedRun, server: ProductionServer):
    lines = server.access_log.read_text(errors="replace").splitlines()
    requests = [m for line in lines if (m := REQUEST_LINE.search(line))]
    assert len(requests) > 20, lines[:5]
    assert any(re.match(r"^/step/[0-9]+$", m.group(2)) for m in requests), "no question page was logged"
    problems = []
    for line in lines:
        named = [qid for qid in KB.questions if qid in line]
        if named:
            problems.append(f"question ids {named}: {line}")
    for match in requests:
        target = match.group(2)
        parsed = urlparse(target)
        odd = [s for s in parsed.path.strip("/").split("/") if s and not ROUTE_WORD.match(s)]
        if odd:
            problems.append(f"path segments {odd} are not route words or numbers: {target}")
        if parsed.path.startswith("/api/") and parsed.query:
            problems.append(f"an API query string: {target}")
        if found := url_leaks(target, LOOKOUT):
            problems.append(f"{found}: {target}")
    assert not problems, "\n".join(problems[:30])
