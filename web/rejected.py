"""Post/redirect/get for a rejected form: Back never lands on the result of a POST.

Pages are sent with `Cache-Control: no-store` (nothing of a case may reach the browser's disk),
so a browser cannot show the result of a POST again from its history: going Back to a page that
answered a POST with an error gave ERR_CACHE_MISS ("Confirm form resubmission"). Instead, a
rejected submission travels, in the encrypted session cookie only, to the GET of the same page,
which checks the fields again and shows them with their errors, once. A submission too large to
travel in the cookie (it would crowd out the case) is answered directly, as before. The fields
left empty do not travel (a form reads an empty field and a missing one alike), and the size
counted is the one the cookie stores (compressed, web.case_cookie).
"""

from __future__ import annotations

import json
import zlib

from flask import redirect, request, session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

KEY = "rejected"
MAX_BYTES = 300  # compressed, of the cookie's room kept beside the case (case_cookie.RESERVED_BYTES)
SKIPPED = ("csrf_token",)


def _here() -> str:
    return request.full_path.rstrip("?")


def redirect_back(form: MultiDict) -> Response | None:
    """Keep the submitted fields for the page's GET and send the browser there (303); None when
    they are too large to keep, and the caller answers the POST itself."""
    fields = [[name, value] for name, value in form.items(multi=True) if name not in SKIPPED and value != ""]
    if len(zlib.compress(json.dumps(fields, separators=(",", ":")).encode(), 9)) > MAX_BYTES:
        return None
    session[KEY] = {"page": _here(), "fields": fields}
    return redirect(_here(), code=303)


def take_rejected() -> MultiDict | None:
    """The fields of the submission this page rejected just before, once; None if there is none."""
    stored = session.get(KEY)
    if stored is None:
        return None
    del session[KEY]
    if not isinstance(stored, dict) or stored.get("page") != _here():
        return None
    return MultiDict([(name, value) for name, value in stored.get("fields", [])])
