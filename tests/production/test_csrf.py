"""CSRF over HTTPS in a real browser: every one of the 7 POST routes refuses every forged post.

For each route the user's own page is opened in Chromium and its form is sent as the browser
sends it, with one thing wrong:

- `missing`: the form's hidden csrf_token input removed;
- `forged_random`: a random token of the same shape;
- `forged_altered`: the page's own token with one character changed;
- `other_session`: a token from the same page in another browser context (another user);
- `replayed`: a token taken before "Finish and clear", sent after the case was loaded again;
- `cross_origin_same_site`: the form, with the user's own valid token, auto-submitted by a page
  on another origin of the same site (https://127.0.0.1:<other port>): the browser sends the
  SameSite=Lax case cookie, so only the Origin check stands in the way;
- `null_origin`: the same from that page under `<meta name="referrer" content="no-referrer">`,
  so the browser sends `Origin: null` and no Referer;
- `cross_site`: the same from http://localhost:<port> (another site: no cookie either).

Only the page's own form is edited (with page.evaluate) and sent by clicking its button, or by
the attacker's page: no header is added that a browser would not send. Each post must be refused
(status 400, the refusal page) and nothing may change: the case cookie's value is the same
straight after, and the case (its answers, profile and reference date on /check, the note on
/record) is the same as before.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Locator, Page, expect

from web.case_cookie import REFRESH_AFTER_SECONDS

from .conftest import BrowserUser
from .server import HOST, ProductionServer
from .user import EXPIRED, HSTS, LOOKOUT, REFERRER_POLICY, case_file, resume

ATTACKS = [
    "missing",
    "forged_random",
    "forged_altered",
    "other_session",
    "replayed",
    "cross_origin_same_site",
    "null_origin",
    "cross_site",
]
NOT_FROM_HERE = "This form was not sent from this service"
OTHER_CASE = {**LOOKOUT, "age_at_conduct": 16, "returnee": True}  # what a forged upload would load


# --- the seven POST routes, each reached the way a user reaches it ---------------------------------


def choose_other_answer(page: Page) -> None:
    """Change the answer in the question's controls to another valid answer (not submitted)."""
    radios = page.locator("input[type=radio][name=answer]:not([value=unknown])")
    boxes = page.locator("input[type=checkbox][name=answer]:not([value=unknown])")
    if radios.count():
        for radio in radios.all():
            if not radio.is_checked():
                radio.check()
                return
    elif boxes.count():
        checked = [box.get_attribute("value") for box in boxes.all() if box.is_checked()]
        for box in boxes.all():
            if box.is_checked():
                box.uncheck()
        for box in boxes.all():
            if box.get_attribute("value") not in checked:
                box.check()
                return
    else:
        field = page.locator("#answer")
        current = field.input_value()
        field.fill(str(int(current) + 1) if current.isdigit() else current)
        return
    raise AssertionError("no other answer to choose")


@dataclass(frozen=True)
class Route:
    """A POST route: how to open the page whose form posts to it, and how to fill that form."""

    name: str
    path: re.Pattern
    button: str

    def open(self, page: Page, origin: str) -> Locator:
        """Open the page of the form, fill it with a change, and return the form."""
        if self.name == "start":
            page.goto(origin + "/")
            page.locator("input[name=jurisdiction][value=ruritania]").check()
        elif self.name == "step":
            page.goto(origin + "/check")
            page.get_by_role("link", name=re.compile("^Change")).first.click()
            choose_other_answer(page)
        elif self.name == "note":
            page.goto(origin + "/result")
            page.locator("#note").fill("A forged note")
        elif self.name == "resume":
            page.goto(origin + "/resume")
            page.locator("#case_file").set_input_files(
                files=[{"name": "other.yaml", "mimeType": "application/x-yaml", "buffer": case_file(OTHER_CASE)}]
            )
        elif self.name == "finish":
            page.goto(origin + "/result")
        elif self.name == "scenario":
            page.goto(origin + "/scenarios/1")
        elif self.name == "what_if":
            page.goto(origin + "/what-if")
            page.get_by_role("link", name=re.compile("^Try another answer")).first.click()
            choose_other_answer(page)
        form = page.locator("form").filter(has=page.get_by_role("button", name=self.button, exact=True))
        expect(form).to_have_count(1)
        action = form.evaluate("form => new URL(form.action).pathname")
        assert self.path.match(action), f"the {self.name} form posts to {action}, not {self.path.pattern}"
        expect(form.locator("input[name=csrf_token]")).to_have_count(1)
        return form


ROUTES = [
    Route("start", re.compile(r"^/$"), "Start now"),
    Route("step", re.compile(r"^/step/[0-9]+$"), "Continue"),
    Route("note", re.compile(r"^/record/note$"), "Save to the record"),
    Route("resume", re.compile(r"^/resume$"), "Upload and continue"),
    Route("finish", re.compile(r"^/finish$"), "Finish and clear"),
    Route("scenario", re.compile(r"^/scenarios/[0-9]+$"), "Load as my current case"),
    Route("what_if", re.compile(r"^/what-if/[0-9]+$"), "Compare"),
]


# --- what the case is, as the user can see it --------------------------------------------------------


def case_state(user: BrowserUser, origin: str) -> dict:
    page = user.page
    page.goto(origin + "/check")
    expect(page.locator("h1")).to_have_text("Check your answers before you see the result")
    rows = {
        row.locator(".summary-list__key").inner_text(): row.locator(".summary-list__value").inner_text()
        for row in page.locator(".summary-list__row").all()
    }
    caption = page.locator("main p.body-s").first.inner_text()
    page.goto(origin + "/record")
    expect(page.locator("h1")).to_have_text("Decision record")
    note = page.locator(".note").all_inner_texts()
    return {"answers": rows, "caption": caption, "note": note}


def set_up_case(user: BrowserUser, origin: str) -> None:
    resume(user.page, origin, case_file(LOOKOUT))
    expect(user.page).to_have_url(re.compile(r"/check$"))


def finish_and_clear(page: Page, origin: str) -> None:
    page.goto(origin + "/result")
    page.get_by_role("button", name="Finish and clear").click()
    expect(page.locator("body")).to_contain_text("The case was cleared")


# --- the attacker's pages ------------------------------------------------------------------------------


class AttackerSite:
    """A tiny web server on another origin that serves one auto-submitting form at a time."""

    def __init__(self, host: str, context: ssl.SSLContext | None):
        self.page_html = b""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.page_html if self.path == "/attack" else b"not here"
                self.send_response(200 if self.path == "/attack" else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((HOST, 0), Handler)
        if context is not None:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if context is not None else "http"
        self.url = f"{scheme}://{host}:{self.httpd.server_port}/attack"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve_form(
        self, action: str, enctype: str, fields: list[list[str]], files: list[list[str]], no_referrer: bool = False
    ) -> None:
        """A page whose script fills a copy of the app's form (files too) and submits it on load;
        with `no_referrer`, under a no-referrer policy (the browser then sends `Origin: null`)."""
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">' for name, value in fields
        )
        inputs += "".join(f'<input type="file" name="{html.escape(name)}">' for name, _ in files)
        script = (
            "const form = document.forms[0];"
            f"for (const [name, text] of {json.dumps(files)}) {{"
            "  const data = new DataTransfer();"
            "  data.items.add(new File([text], 'case.yaml', {type: 'application/x-yaml'}));"
            "  form.elements[name].files = data.files;"
            "}"
            "form.submit();"
        )
        self.page_html = (
            "<!doctype html><title>Win a prize</title>"
            + ('<meta name="referrer" content="no-referrer">' if no_referrer else "")
            + f'<form method="post" enctype="{html.escape(enctype)}" action="{html.escape(action)}">{inputs}</form>'
            f"<script>{script}</script>"
        ).encode()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the attacker's server did not stop"


@pytest.fixture(scope="module")
def attackers(server: ProductionServer) -> Iterator[dict[str, AttackerSite]]:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(server.cert, server.key)
    sites = {
        # same site (the cookie's host), another port: another origin
        "cross_origin_same_site": AttackerSite("127.0.0.1", tls),
        "null_origin": AttackerSite("127.0.0.1", tls),
        # another site altogether, plain HTTP
        "cross_site": AttackerSite("localhost", None),
    }
    try:
        yield sites
    finally:
        for site in sites.values():
            site.close()


# --- the attacks -----------------------------------------------------------------------------------------


def tamper(form: Locator, attack: str, other_token: str | None = None, old_token: str | None = None) -> None:
    token = form.locator("input[name=csrf_token]")
    if attack == "missing":
        token.evaluate("input => input.remove()")
        return
    real = token.input_value()
    if attack == "forged_random":
        forged = secrets.token_urlsafe(len(real))[: len(real)]
    elif attack == "forged_altered":
        middle = len(real) // 2
        while real[middle] in ".-_":
            middle += 1
        forged = real[:middle] + ("A" if real[middle] != "A" else "B") + real[middle + 1 :]
    elif attack == "other_session":
        assert other_token and other_token != real, "the other session's token is not another token"
        forged = other_token
    elif attack == "replayed":
        assert old_token and old_token != real, "the token before Finish and clear was not replaced"
        forged = old_token
    else:
        raise AssertionError(attack)
    token.evaluate("(input, value) => { input.value = value; }", forged)
    assert token.input_value() == forged


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_forged_post_is_refused_and_changes_nothing(
    route: Route,
    attack: str,
    browser_user: Callable[[], BrowserUser],
    server: ProductionServer,
    attackers: dict[str, AttackerSite],
):
    origin = server.origin
    user = browser_user()
    page = user.page
    set_up_case(user, origin)

    other_token = old_token = None
    if attack == "other_session":
        other = browser_user()
        set_up_case(other, origin)
        other_token = route.open(other.page, origin).locator("input[name=csrf_token]").input_value()
    if attack == "replayed":
        old_token = route.open(page, origin).locator("input[name=csrf_token]").input_value()
        finish_and_clear(page, origin)
        set_up_case(user, origin)

    before = case_state(user, origin)
    form = route.open(page, origin)
    cookie_before = user.case_cookie()
    assert cookie_before is not None, "no case cookie before the attack"

    def is_the_post(response) -> bool:
        return response.request.method == "POST" and response.url.startswith(origin)

    if attack in attackers:
        site = attackers[attack]
        action = form.evaluate("form => form.action")
        fields = form.evaluate(
            "form => [...new FormData(form)].filter(([, v]) => typeof v === 'string')"
        )  # the user's own valid token among them
        files = form.evaluate(
            "async form => Promise.all([...new FormData(form)].filter(([, v]) => typeof v !== 'string')"
            ".map(async ([name, file]) => [name, await file.text()]))"
        )
        assert any(name == "csrf_token" for name, _ in fields)
        site.serve_form(action, form.evaluate("form => form.enctype"), fields, files, attack == "null_origin")
        with page.expect_response(is_the_post) as posted:
            page.goto(site.url)
        refusals = {EXPIRED, NOT_FROM_HERE}
    else:
        tamper(form, attack, other_token, old_token)
        with page.expect_response(is_the_post) as posted:
            form.get_by_role("button", name=route.button, exact=True).click()
        refusals = {EXPIRED}
    response = posted.value
    assert route.path.match(re.sub(r"^https://[^/]+", "", response.url).split("?")[0]), response.url
    assert response.status == 400, f"{attack} on {route.name}: status {response.status}, not refused"
    if attack == "null_origin":
        sent = response.request.all_headers()
        assert sent.get("origin") == "null" and "referer" not in sent, sent
    assert response.headers.get("strict-transport-security") == HSTS
    assert response.headers.get("referrer-policy") == REFERRER_POLICY
    page.wait_for_load_state()
    heading = page.locator("h1").inner_text().strip()
    assert heading in refusals, f"{attack} on {route.name}: the page says {heading!r}"
    cookie_after = user.case_cookie()
    assert cookie_after is not None and cookie_after["value"] == cookie_before["value"], "the case cookie changed"

    assert case_state(user, origin) == before, f"{attack} on {route.name} changed the case"


@pytest.mark.slow  # waits a minute for the cookie to grow old
def test_a_refused_post_does_not_keep_an_idle_case_alive(
    browser_user: Callable[[], BrowserUser], server: ProductionServer, attackers: dict[str, AttackerSite]
):
    """The case cookie is sealed again on a page view once it is a minute old (the idle time counts
    views). A refused post is no view of the case: once the cookie is that old, a post refused for
    its token or for its origin must answer without sealing it again (no Set-Cookie), on every route.

    One user, one tab per route and attack, every form opened before the cookie grows old; before
    each post the browser's cookie is put back to that old one (a refusal that sealed it again
    would otherwise hide what the next one does)."""
    origin = server.origin
    user = browser_user()
    set_up_case(user, origin)
    old_cookie = user.case_cookie()
    sealed = old_cookie["value"]
    attempts = []
    for route in ROUTES:
        for attack in ("missing", "cross_origin_same_site"):
            page = user.context.new_page()
            page.set_default_timeout(15_000)
            attempts.append((route, attack, page, route.open(page, origin)))
    assert user.case_cookie()["value"] == sealed, "opening the forms sealed the cookie again: not old enough yet"
    time.sleep(REFRESH_AFTER_SECONDS + 5)  # the cookie is now old enough to be sealed again on a view
    refreshed = []
    for route, attack, page, form in attempts:
        # every attempt starts from the same old cookie, whatever an earlier refusal did to the jar
        user.context.add_cookies([old_cookie])
        assert user.case_cookie()["value"] == sealed
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.startswith(origin)) as posted:
            if attack == "missing":
                tamper(form, attack)
                form.get_by_role("button", name=route.button, exact=True).click()
            else:
                attackers[attack].serve_form(
                    form.evaluate("form => form.action"),
                    form.evaluate("form => form.enctype"),
                    form.evaluate("form => [...new FormData(form)].filter(([, v]) => typeof v === 'string')"),
                    form.evaluate(
                        "async form => Promise.all([...new FormData(form)].filter(([, v]) => typeof v !== 'string')"
                        ".map(async ([name, file]) => [name, await file.text()]))"
                    ),
                )
                page.goto(attackers[attack].url)
        response = posted.value
        page.wait_for_load_state("networkidle")  # the refusal page's own requests (favicon too) are done
        assert response.status == 400, (route.name, attack, response.status)
        for header in response.header_values("set-cookie"):
            deletes = "max-age=0" in header.lower() or "1970" in header
            refreshed.append(f"{attack} on {route.name} ({'deleted' if deletes else 'sealed again'})")
    assert not refreshed, f"refused posts that sealed the idle case again (kept it alive): {refreshed}"
