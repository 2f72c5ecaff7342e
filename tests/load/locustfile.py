"""Locust journeys for the load test (see tests/load/run.py): complete cases, as a browser makes them.

Each simulated user opens the start page, submits its form (a profile chosen at random), then
follows the server's redirects: every question page it is sent to is answered by reading that
page's form (a random allowed choice, a subset of the boxes, a number in the range the hint
states, a date before the reference date, "I don't know" sometimes), until the redirect leads to
the check-your-answers page. From there it follows the links to the result, the decision record
and the case file, and submits the result page's "finish and clear" form. No question URL is
built by hand.

Like a browser: every POST carries the form's CSRF token and an `Origin` header equal to the
app's origin, never a Referer; cookies are kept by the client's cookie jar, so over HTTPS the
Secure case cookie goes back as a browser would send it (over plain HTTP the jar is told to send
Secure cookies anyway, which no browser does). The run's certificate is self-signed, so the
certificate is not verified (`insecure`).

A share of the journeys (LOAD_EXPENSIVE_SHARE, 0.1 by default) also opens the tree file linked
from the result page and "what would change this". These expensive pages (EXPENSIVE) may answer
503 with Retry-After when the process is busy with others (web/busy.py):
that is not an error; it is counted under its own name ("... (503 busy)") and the user waits as
asked (at most MAX_RETRY_WAIT s) and tries again, up to BUSY_RETRIES times, then gives the
journey up. A 503 anywhere else, or without Retry-After, is an error.

With `LOAD_EVENTS=<file>` every request is also written as one JSON line (start time, duration,
name, status, error), and every complete journey too: run.py counts the kill window from it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode, urljoin, urlsplit

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import CatchResponseError

REFERENCE_DATE = dt.date(2026, 3, 1)
MAX_STEPS = 120  # more question pages than that in one case is a loop: an error
BUSY_RETRIES = 3
MAX_RETRY_WAIT = 5.0
BUSY_SUFFIX = " (503 busy)"
# Pages that may answer 503 with Retry-After when a process is busy with others (web/busy.py).
EXPENSIVE = ("/result/tree.svg", "/what-would-change", "/policy/audit")
CHECK, RESULT, RECORD, CASE_FILE, FINISH = "/check", "/result", "/record", "/case-file", "/finish"
TREE, WHAT_WOULD_CHANGE = "/result/tree.svg", "/what-would-change"
# The share of journeys that also open the expensive pages of their case (the tree file, linked
# from the result page, and "what would change this"), as a trainer or a careful judge would.
EXPENSIVE_SHARE = float(os.environ.get("LOAD_EXPENSIVE_SHARE", "0.1"))
UNKNOWN = "unknown"
RANGE = re.compile(r"from (-?\d+) to (-?\d+)")


# --- Reading pages ------------------------------------------------------------------------------


class Form:
    def __init__(self, action: str, method: str) -> None:
        self.action = action
        self.method = method
        self.fields: list[dict[str, str]] = []  # inputs, textareas, in document order

    def names(self) -> set[str]:
        return {f["name"] for f in self.fields if f.get("name")}

    def of(self, name: str, kind: str | None = None) -> list[dict[str, str]]:
        return [f for f in self.fields if f.get("name") == name and (kind is None or f.get("type") == kind)]

    def hidden(self) -> list[tuple[str, str]]:
        return [(f["name"], f.get("value", "")) for f in self.fields if f.get("type") == "hidden" and f.get("name")]

    def defaults(self, **chosen: str) -> list[tuple[str, str]]:
        """What the browser submits as the form stands (filled and checked fields), `chosen` replacing."""
        data = []
        for f in self.fields:
            name, kind = f.get("name"), f.get("type")
            if not name or name in chosen or kind in ("submit", "button", "reset", "file"):
                continue
            if kind in ("radio", "checkbox") and not f.get("checked"):
                continue
            data.append((name, f.get("value", "")))
        return [*data, *chosen.items()]


class Page(HTMLParser):
    """The forms and link targets of one HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self.feed(text or "")
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(attributes.get("action", ""), attributes.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag in ("input", "textarea", "select", "button") and self._form is not None:
            attributes.setdefault("type", "text" if tag == "input" else tag)
            if "checked" in attributes:
                attributes["checked"] = "checked"
            self._form.fields.append(attributes)
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None

    def form_with(self, name: str) -> Form | None:
        return next((f for f in self.forms if name in f.names()), None)

    def form_to(self, path: str) -> Form | None:
        return next((f for f in self.forms if urlsplit(f.action).path == path), None)

    def link_to(self, path: str) -> str | None:
        return next((h for h in self.links if urlsplit(h).path == path), None)


def answer_data(form: Form, text: str) -> list[tuple[str, str]]:
    """A valid answer to the question form, read from the form itself."""
    data = form.hidden()
    radios = [f["value"] for f in form.of("answer", "radio")]
    boxes = [f["value"] for f in form.of("answer", "checkbox") if "data-exclusive" not in f]
    # An exclusive box ("None of these") stands alone, as the page's script and the engine insist.
    alone = [f["value"] for f in form.of("answer", "checkbox") if "data-exclusive" in f]
    unknown_box = bool(form.of("unknown", "checkbox"))
    fields = [f for f in form.of("answer") if f.get("type") in ("text", "date", "datetime-local", "number")]
    if radios:  # yes/no or one choice ("unknown" is one of the radios when it is allowed)
        return [*data, ("answer", random.choice(radios))]
    if boxes or alone:  # several choices: any subset of the others, or an exclusive one or "I don't know" alone
        if unknown_box and random.random() < 1 / (len(boxes) + 2):
            return [*data, ("unknown", UNKNOWN)]
        if alone and random.random() < len(alone) / (len(boxes) + len(alone)):
            return [*data, ("answer", random.choice(alone))]
        return [*data, *(("answer", b) for b in boxes if random.random() < 0.5)]
    if not fields:
        raise _JourneyBroken("a question page without an answer field")
    if unknown_box and random.random() < 0.15:
        return [*data, ("unknown", UNKNOWN)]
    kind = fields[0]["type"]
    if kind == "date":
        value = (REFERENCE_DATE - dt.timedelta(days=random.choice((0, 1, 2, 7, 30, 90, 200, 400)))).isoformat()
    elif kind == "datetime-local":
        moment = dt.datetime.combine(REFERENCE_DATE, dt.time(random.randrange(24), random.randrange(60)))
        value = (moment - dt.timedelta(days=random.choice((1, 2, 3, 7, 30, 90)))).strftime("%Y-%m-%dT%H:%M")
    else:  # a whole number in the range the hint states
        found = RANGE.search(text)
        if found is None:
            raise _JourneyBroken("a number question whose page states no range")
        low, high = int(found.group(1)), int(found.group(2))
        value = str(random.choice((low, high, random.randint(low, high))))
    return [*data, ("answer", value)]


def request_name(method: str, path: str) -> str:
    """Step numbers grouped: /step/3 -> /step/[n]."""
    name = re.sub(r"/\d+(?=/|$)", "/[n]", path) or "/"
    name = re.sub(r"^/questions/[^/]+", "/questions/[id]", name)  # the URLs before steps
    if method == "POST":
        name += " (start)" if name == "/" else " (answer)" if name.startswith("/step") else ""
    return name


def retry_after_seconds(value: str) -> float:
    try:
        return min(max(float(value), 0.1), MAX_RETRY_WAIT)
    except ValueError:  # an HTTP date: wait the longest we wait
        return MAX_RETRY_WAIT


# --- The events file (run.py reads it) ----------------------------------------------------------


class _Events:
    def __init__(self, path: str | None) -> None:
        self.handle = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115 (closed on quit)
        self.flushed = 0.0

    def write(self, record: dict) -> None:
        if self.handle is None:
            return
        self.handle.write(json.dumps(record) + "\n")
        now = time.monotonic()
        if now - self.flushed > 1.0:  # the first line at once (run.py waits for it), then once a second
            self.handle.flush()
            self.flushed = now

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


EVENTS = _Events(os.environ.get("LOAD_EVENTS"))


@events.request.add_listener
def _record_request(request_type, name, response_time, exception, start_time=None, response=None, **_kw) -> None:
    status = getattr(response, "status_code", None) or 0
    # A transport failure: no response (status 0), or one cut short; not a status the journey refused.
    transport = exception is not None and (status == 0 or not isinstance(exception, CatchResponseError))
    EVENTS.write(
        {
            "t": start_time or time.time(),
            "ms": response_time or 0,
            "method": request_type,
            "name": name,
            "status": -1 if request_type == "JOURNEY" else status,
            "error": str(exception)[:300] if exception else None,
            "transport": transport and request_type != "JOURNEY",
            "busy": name.endswith(BUSY_SUFFIX),
        }
    )


@events.quitting.add_listener
def _close_events(**_kw) -> None:
    EVENTS.close()


# --- The user -----------------------------------------------------------------------------------


class Journey(FastHttpUser):
    wait_time = constant(0)
    insecure = True  # the run's self-signed certificate (tests/tls_certificate.py) is not verified

    def on_start(self) -> None:
        self.origin = self.host.rstrip("/")
        if self.origin.startswith("http://"):
            self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))

    @task
    def complete_case(self) -> None:
        self.client.cookiejar.clear()  # a new user: no case yet
        try:
            self._journey()
        except _JourneyBroken as broken:
            if broken.args and broken.args[0] is not None:
                self._fail(broken.args[0])
        except _JourneyAbandoned:
            EVENTS.write({"t": time.time(), "journey": "abandoned-busy"})
        except Exception as err:  # anything unexpected is an error of the run, not only a locust log line
            self._fail(f"{type(err).__name__}: {err}")

    def _fail(self, message: str) -> None:
        events.request.fire(
            request_type="JOURNEY",
            name="journey",
            response_time=0,
            response_length=0,
            exception=RuntimeError(message),
            response=None,
            start_time=time.time(),
            context={},
        )

    def _send(self, method: str, path: str, expect: tuple[int, ...], data=None):
        """One request; a failure ends the journey. A busy expensive page is waited for and retried."""
        name = request_name(method, urlsplit(path).path)
        headers = {}
        body = None
        if method == "POST":
            headers["Origin"] = self.origin  # what a browser sends with every form; no Referer
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(data or [], doseq=True)
        busy_allowed = method == "GET" and urlsplit(path).path.startswith(EXPENSIVE)
        broken = False
        for _attempt in range(BUSY_RETRIES + 1):
            if broken:
                break
            with self.client.request(
                method, path, name=name, data=body, headers=headers, allow_redirects=False, catch_response=True
            ) as response:
                status = response.status_code
                if status in expect:
                    if response.request_meta["exception"] is None:
                        return response
                    # The status came but not the whole body (the worker died while sending it):
                    # locust reports the failure when the block ends.
                    broken = True
                    continue
                retry_after = (response.headers or {}).get("Retry-After")
                if not (status == 503 and retry_after and busy_allowed):
                    title = re.search(r"<title>(.*?)</title>", response.text or "", re.S) if status else None
                    shown = (
                        " ".join(title.group(1).split())[:80]
                        if title
                        else str(getattr(response, "error", "") or "")[:120]
                    )
                    response.failure(f"status {status} {shown}".strip())
                    raise _JourneyBroken(None)  # already reported
                response.request_meta["name"] = name + BUSY_SUFFIX
                response.success()
            gevent.sleep(retry_after_seconds(retry_after))
        if broken:
            raise _JourneyBroken(None)  # already reported
        raise _JourneyAbandoned

    def _follow(self, response) -> str:
        location = response.headers.get("Location")
        if not location:
            raise _JourneyBroken(f"a redirect without Location ({response.status_code})")
        parts = urlsplit(urljoin(self.origin + "/", location))
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _journey(self) -> None:
        page = self._send("GET", "/", (200,))
        start = Page(page.text).form_with("jurisdiction")
        if start is None:
            raise _JourneyBroken("no start form on /")
        profiles = [f["value"] for f in start.of("jurisdiction", "radio")]
        data = start.defaults(jurisdiction=random.choice(profiles), reference_date=str(REFERENCE_DATE))
        response = self._send("POST", start.action or "/", (302, 303), data)
        path = self._follow(response)
        for _ in range(MAX_STEPS):
            if urlsplit(path).path == CHECK:
                break
            page = self._send("GET", path, (200,))
            question = Page(page.text).form_with("csrf_token")
            if question is None or not ({"answer", "unknown"} & question.names()):
                raise _JourneyBroken(f"no question form at {request_name('GET', urlsplit(path).path)}")
            action = urljoin(path, question.action) if question.action else path
            response = self._send("POST", action, (302, 303), answer_data(question, page.text))
            path = self._follow(response)
        else:
            raise _JourneyBroken(f"more than {MAX_STEPS} question pages")
        check = Page(self._send("GET", path, (200,)).text)
        result_link = check.link_to(RESULT)
        if result_link is None:
            raise _JourneyBroken("no link to the result on the check page")
        result = Page(self._send("GET", result_link, (200,)).text)
        for target in (RECORD, CASE_FILE):
            link = result.link_to(target)
            if link is None:
                raise _JourneyBroken(f"no link to {target} on the result page")
            self._send("GET", link, (200,))
        if random.random() < EXPENSIVE_SHARE:
            tree = result.link_to(TREE)
            if tree is None:
                raise _JourneyBroken("no link to the tree file on the result page")
            self._send("GET", tree, (200,))
            self._send("GET", WHAT_WOULD_CHANGE, (200,))  # linked from the trainer views of the case
        finish = result.form_to(FINISH)
        if finish is None:
            raise _JourneyBroken("no finish form on the result page")
        self._send("POST", finish.action, (302, 303), finish.hidden())
        EVENTS.write({"t": time.time(), "journey": "complete"})


class _JourneyBroken(Exception):  # noqa: N818 (a control-flow signal; its message, if any, is reported)
    pass


class _JourneyAbandoned(Exception):  # noqa: N818 (busy pages still busy after the retries: not an error)
    pass
