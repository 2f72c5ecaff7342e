"""Response headers, the browser-origin check on every form post, and request bodies kept in memory.

- Headers: a strict Content-Security-Policy, no caching of case pages, `Referrer-Policy:
  same-origin` (a Referer only ever goes back to this app, so no URL leaves it), HSTS with
  subdomains over HTTPS.
- Origin: a browser sends `Origin` with every POST (and a same-origin Referer under our
  policy). A form post whose origin is another site's is refused before any view runs, even
  with a valid token: together with the token (Flask-WTF) this is the CSRF defence.
- Bodies: werkzeug spools a large upload to a temporary file; a case file must never touch the
  disk, so uploads are read into memory only, bounded by MAX_CONTENT_LENGTH. A refused body is
  read to its end (up to a bound) before the 413 page is sent, or the server would close a
  connection with unread data and the browser would see a reset instead of the page.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Flask, Request, Response, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from .case_cookie import CaseSessionInterface

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"  # stateless JSON, no cookie read: nothing for a forged request to ride on
ORIGIN_REFUSED = "The form was not sent from a page of this service."
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024  # read at most this much of a refused body; beyond, a reset is fair
DRAIN_CHUNK_BYTES = 64 * 1024


class InMemoryRequest(Request):
    """A request whose uploaded files stay in memory (never a temporary file)."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()


def bounded_body() -> bytes:
    """The request body, or 413 if it is over MAX_CONTENT_LENGTH, whether its length was given or not.

    Without a Content-Length (a chunked body), werkzeug stops reading at the limit and returns
    what it read, so an oversized body would look like a truncated one: reaching the limit counts
    as over it."""
    data = request.get_data(cache=False)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        raise RequestEntityTooLarge()
    return data


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL (what a browser puts in an Origin header)."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}".lower()


def check_origin() -> None:
    """Refuse a form post that a browser says came from another origin (or says nothing about)."""
    if request.method in SAFE_METHODS or request.path.startswith(API_PREFIX):
        return
    own = origin_of(request.host_url)
    sent = request.headers.get("Origin")
    if sent is None and request.referrer:
        sent = origin_of(request.referrer)
    if sent is None or sent.lower() != own:
        raise CSRFError(ORIGIN_REFUSED)


def secure_headers(response: Response) -> Response:
    """Headers for every response (set once here, never per view)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not request.path.startswith("/static/"):
        # Case pages may show a child's situation: never keep them in shared caches or history.
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def drain_body() -> None:
    """Read what is left of the request body, bounded, so the client gets the response (no reset)."""
    stream = request.environ.get("wsgi.input")
    if stream is None:
        return
    remaining = DRAIN_LIMIT_BYTES
    try:
        while remaining > 0:
            chunk = stream.read(min(DRAIN_CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
    except (OSError, ValueError):  # the client went away, or the server's reader is closed
        return


def init_app(app: Flask) -> None:
    app.request_class = InMemoryRequest
    app.session_interface = CaseSessionInterface()
    app.before_request(check_origin)
    app.after_request(secure_headers)
