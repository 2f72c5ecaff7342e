"""A profile file of the user's own uploaded on the start page, in Chromium (issue 14): a bad one
is shown with its file:line problems and the page keeps what was chosen; a good one is the case's
profile, named on the result as supplied by the user, and saved with the case file."""

from __future__ import annotations

import re

import yaml
from playwright.sync_api import Page, expect

from engine import load_knowledge

from .accessibility import assert_accessible
from .conftest import SMALL, LiveServer
from .journey import answer

Q = load_knowledge(SMALL).questions
HIGHLAND = b"""id: highland
name: Highland (fictional, supplied)
fictional: true
extends: lowland
values:
  macr:
    - {from: 1990-01-01, value: 12, source: "Highland Penal Code, art 7 (fictional)"}
    - {from: 2026-01-01, value: 13, source: "Highland Children Act 2025, s 2 (fictional)"}
"""
BROKEN = HIGHLAND.replace(b', source: "Highland Children Act 2025, s 2 (fictional)"', b"")


def upload(page: Page, name: str, content: bytes) -> None:
    page.locator("#profile_file").set_input_files(
        files=[{"name": name, "mimeType": "application/x-yaml", "buffer": content}]
    )
    page.get_by_role("button", name="Start now").click()


def test_a_profile_file_uploaded_on_the_start_page_is_checked_used_and_saved(
    page: Page, small_server: LiveServer, tmp_path
):
    page.goto(small_server.url + "/")
    page.locator("#reference_date").fill("2026-03-01")
    page.locator("#reference_time").fill("10:15")
    upload(page, "highland.yaml", BROKEN)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("The profile file cannot be used")
    expect(page.locator(".profile-problem").first).to_contain_text("highland.yaml:8")
    expect(page.locator(".profile-problem").first).to_contain_text("values.macr.1.source")
    expect(page.locator("#reference_date")).to_have_value("2026-03-01")  # nothing chosen is lost
    expect(page.locator("#reference_time")).to_have_value("10:15")
    assert_accessible(page)

    upload(page, "highland.yaml", HIGHLAND)
    answer(page, Q["age_at_conduct"], 12)  # below Highland's minimum age of 13 (in force since 2026)
    page.goto(small_server.url + "/result")
    caption = page.locator(".caption-l")
    expect(caption).to_contain_text("Profile: Highland (fictional, supplied)")
    expect(caption).to_contain_text("profile supplied by the user, not shipped with the tool")
    expect(page.locator('[data-law="macr"]')).to_contain_text("Highland Children Act 2025, s 2 (fictional)")
    expect(page.locator("main")).to_contain_text("No criminal proceedings")
    with page.expect_download() as download_info:
        page.goto(small_server.url + "/check")
        page.get_by_role("link", name="Save your answers as a case file").click()
    saved = tmp_path / "case.yaml"
    download_info.value.save_as(saved)
    data = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert data["jurisdiction"] == "highland" and data["profile"]["extends"] == "lowland"
    assert re.search(r"Highland Children Act 2025", saved.read_text(encoding="utf-8"))
