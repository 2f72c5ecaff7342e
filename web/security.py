"""Response headers and cookie flags: a strict Content-Security-Policy and no caching of case pages."""

from __future__ import annotations

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSessionInterface

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


class CaseSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, with the Secure flag whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        secure = super().get_cookie_secure(app)
        try:
            return secure or request.is_secure
        except RuntimeError:  # outside a request
            return secure


def secure_headers(response: Response) -> Response:
    """Headers for every response (set once here, never per view)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not request.path.startswith("/static/"):
        # Case pages may show a child's situation: never keep them in shared caches or history.
        headers["Cache-Control"] = "no-store"
    if _is_secure(request):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _is_secure(req: Request) -> bool:
    return req.is_secure


def init_app(app: Flask) -> None:
    app.session_interface = CaseSessionInterface()
    app.after_request(secure_headers)
