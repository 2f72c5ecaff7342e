"""The browser session as one encrypted, authenticated cookie: the only place a case lives.

The session (the case, the form's CSRF secret, messages for the next page) is JSON, compressed
and sealed with Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`) under a key derived
from the app's secret key: without the key the cookie can be neither read nor changed. Its
Fernet time is the last activity; a cookie older than the idle time is refused on the server,
whatever the browser kept. The cookie has no Expires: it is a browser-session cookie. Over
HTTPS its name carries the `__Host-` prefix (Secure, whole site, no Domain), so no other site
or subdomain can set or read it.

A session that would not fit the browser's cookie limit is never sent (the browser would drop
it, and the case with it): `check_fits` lets a view refuse the change with a message first.
"""

from __future__ import annotations

import base64
import json
import time
import zlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SessionInterface

COOKIE = "pathway-case"
SECURE_COOKIE = "__Host-" + COOKIE
# Browsers keep a cookie of at most 4096 bytes, name and attributes included.
MAX_COOKIE_BYTES = 4096
ATTRIBUTES_BYTES = len("; Secure; HttpOnly; Path=/; SameSite=Lax") + len(SECURE_COOKIE) + 1
MAX_VALUE_BYTES = MAX_COOKIE_BYTES - ATTRIBUTES_BYTES
# Room kept for what travels with the case: the CSRF secret and the messages for the next page.
RESERVED_BYTES = 512
# A cookie this much older than now is sealed again on a page view, so the idle time counts views too.
REFRESH_AFTER_SECONDS = 60


class CaseTooLargeError(ValueError):
    """The case would not fit in the browser's cookie; nothing was changed."""

    def __init__(self, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(f"the case needs {size} bytes in the cookie; at most {limit} fit")


class CaseSession(SecureCookieSession):
    """The session, with what the interface learnt when it opened the cookie."""

    expired = False  # a cookie came but had been idle too long
    sealed_at: int | None = None


def _fernet(secret: str | bytes) -> Fernet:
    raw = secret.encode() if isinstance(secret, str) else secret
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"justice-pathway case cookie v1").derive(raw)
    return Fernet(base64.urlsafe_b64encode(key))


class CaseSessionInterface(SessionInterface):
    """Open and save the session as an encrypted cookie (Flask's `SessionInterface`)."""

    session_class = CaseSession

    def _sealer(self, app: Flask) -> MultiFernet:
        sealer = app.extensions.get("pathway_sealer")
        if sealer is None:
            keys = [app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or [])]
            sealer = app.extensions["pathway_sealer"] = MultiFernet([_fernet(k) for k in keys])
        return sealer

    def cookie_name(self, app: Flask, req: Request) -> str:
        return SECURE_COOKIE if app.config["SESSION_COOKIE_SECURE"] or req.is_secure else COOKIE

    def seal(self, app: Flask, data: dict[str, Any]) -> str:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        return self._sealer(app).encrypt(zlib.compress(text, 9)).decode("ascii")

    def check_fits(self, app: Flask, data: dict[str, Any]) -> None:
        """Raise CaseTooLargeError if the session `data` would not fit in the cookie (with room kept)."""
        size = len(self.seal(app, data))
        limit = MAX_VALUE_BYTES - RESERVED_BYTES
        if size > limit:
            raise CaseTooLargeError(size, limit)

    def open_session(self, app: Flask, req: Request) -> CaseSession:
        token = req.cookies.get(self.cookie_name(app, req))
        session = CaseSession()
        if not token:
            return session
        sealer = self._sealer(app)
        try:
            plain = sealer.decrypt(token.encode("ascii"), ttl=app.config["CASE_IDLE_SECONDS"])
            data = json.loads(zlib.decompress(plain))
        except InvalidToken:
            session.expired = self._was_ours(sealer, token)
            session.modified = True  # sends the deletion of the stale cookie
            return session
        except (ValueError, zlib.error, UnicodeError):  # spoilt content under a valid key: start afresh
            session.modified = True
            return session
        if not isinstance(data, dict):
            session.modified = True
            return session
        session.update(data)
        session.modified = False
        session.sealed_at = sealer.extract_timestamp(token.encode("ascii"))
        return session

    @staticmethod
    def _was_ours(sealer: MultiFernet, token: str) -> bool:
        """True if the token is ours and only too old (the case timed out), not forged or spoilt."""
        try:
            sealer.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def save_session(self, app: Flask, session: CaseSession, response: Response) -> None:
        name = self.cookie_name(app, request)
        secure = name == SECURE_COOKIE
        if not session:
            if session.modified:
                response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Lax")
            return
        # A page view a minute after the last seal seals again (the idle time counts views); a
        # refused request or a static file does not: another site could otherwise keep a case alive.
        viewed = response.status_code < 400 and request.endpoint != "static"
        stale = viewed and (session.sealed_at is None or time.time() - session.sealed_at > REFRESH_AFTER_SECONDS)
        if not (session.modified or stale):
            return
        value = self.seal(app, dict(session))
        if len(value) > MAX_VALUE_BYTES:
            # Views check the case first (check_fits); only messages can still overflow: drop them, never the case.
            session.pop("_flashes", None)
            value = self.seal(app, dict(session))
        if len(value) > MAX_VALUE_BYTES:
            app.logger.error("the session cookie is %d bytes and was not sent (the previous one stays)", len(value))
            return
        response.vary.add("Cookie")
        response.set_cookie(name, value, path="/", secure=secure, httponly=True, samesite="Lax")
