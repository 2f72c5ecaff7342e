"""The README's screenshots, made from the real app in Chromium (`make screenshots`).

Runs `pathway serve` (waitress, the shipped knowledge base) on a free local port, drives Debian's
Chromium with Playwright (vignettes resumed from case files, as a user does), and writes here:
the start page, a question, the result's headline (V6, a diversion case), the decision tree of
that result, and the bench card of the detention hearing (V8). Nothing is drawn by hand.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml
from playwright.sync_api import Page, expect, sync_playwright

from engine import load_knowledge
from engine.load.answers import answer_to_data, parse_answers

HERE = Path(__file__).resolve().parent
PATHWAY = Path(sys.executable).with_name("pathway")
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 860}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our own local server)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def load_vignette(page: Page, base: str, vignette: str) -> None:
    """Resume the vignette's first scenario, for the decision it is about, from a case file (as a
    user who saved it would)."""
    kb = load_knowledge()
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == vignette)
    typed, errors = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
    assert not errors, errors
    case = {
        "jurisdiction": scenario.jurisdiction,
        "reference_date": scenario.reference_date.strftime("%Y-%m-%dT%H:%M"),
        "hearing": scenario.hearing,
        "answers": {qid: answer_to_data(value) for qid, value in typed.items()},
    }
    page.goto(base + "/resume")
    page.set_input_files(
        "#case_file", files=[{"name": "case.yaml", "mimeType": "text/yaml", "buffer": yaml.safe_dump(case).encode()}]
    )
    page.locator("input[name=assess_on][value=saved]").check()  # the story's own date, not today
    page.get_by_role("button", name="Upload and continue").click()


def shoot(base: str, page: Page) -> list[Path]:
    written = []

    def save(name: str, target: Page | object) -> None:
        path = HERE / f"{name}.png"
        target.screenshot(path=str(path))
        written.append(path)

    page.goto(base + "/")
    save("start", page)

    page.locator("input[name=hearing][value=charging_and_diversion]").check()  # a decision at hand, as V6's
    page.get_by_role("button", name="Start now").click()
    expect(page.locator("h1")).to_be_visible()
    save("question", page)

    load_vignette(page, base, "V6")
    page.goto(base + "/result")
    expect(page.locator("h1#headline-title")).to_be_visible()
    save("result", page)

    tree = page.locator("#tree")
    tree.scroll_into_view_if_needed()
    save("tree", tree.locator("figure").first if tree.locator("figure").count() else tree)

    load_vignette(page, base, "V8")
    page.goto(base + "/bench-card")
    expect(page.locator("h1")).to_contain_text("Bench card")
    save("bench-card", page)
    return written


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(PATHWAY), "serve", "--port", str(port)])  # noqa: S603 (our own command)
    try:
        wait_for(base + "/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
            for path in shoot(base, context.new_page()):
                print(path.relative_to(HERE.parents[1]))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
