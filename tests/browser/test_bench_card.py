"""The bench card in a real browser without JavaScript: the detention-hearing vignette (V8) loaded
as its case file (with the hearing it is about) on the resume page, the card opened from the result page, the pre-trial detention test
condition by condition with the states the knowledge gives, and axe-core finds nothing."""

from __future__ import annotations

import yaml
from playwright.sync_api import Browser, expect

from engine.cases.case_file import case_data
from engine.load.answers import parse_answers
from engine.render.bench_card import STATE_WORDS, bench_card
from engine.run.session import assess_typed

from .accessibility import assert_accessible, page_with_script
from .conftest import LiveServer


def resume_vignette(page, server: LiveServer, vignette: str) -> None:
    """Load a vignette's case file, for the hearing it is about, on the resume page (as a user would)."""
    kb = server.app.extensions["pathway_kb"]
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == vignette)
    typed, errors = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
    assert not errors
    data = case_data(typed, scenario.jurisdiction, scenario.reference_date, kb.version, scenario.hearing)
    page.goto(server.url + "/resume")
    body = yaml.safe_dump(data, allow_unicode=True).encode()
    page.set_input_files("#case_file", files=[{"name": "case.yaml", "mimeType": "application/x-yaml", "buffer": body}])
    page.get_by_role("button", name="Upload and continue").click()


def test_the_bench_card_of_the_detention_hearing_without_javascript(browser: Browser, live_server: LiveServer):
    kb = live_server.app.extensions["pathway_kb"]
    scenario = next(e.scenario for e in kb.scenarios if e.scenario.vignette == "V8")
    assert scenario.hearing == "detention_hearing"
    typed, _ = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
    expected = bench_card(
        assess_typed(kb, typed, scenario.jurisdiction, scenario.reference_date, hearing=scenario.hearing)
    )
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        resume_vignette(page, live_server, "V8")
        page.goto(live_server.url + "/result")
        page.get_by_role("link", name="The bench card for First appearance or pre-trial detention hearing").click()
        expect(page.locator("h1")).to_have_text("Bench card: First appearance or pre-trial detention hearing")
        expect(page.locator("#bench-test")).to_contain_text("The pre-trial detention test: not met")
        rows = page.locator("table.bench-card__conditions tbody tr")
        expect(rows).to_have_count(len(expected.test.conditions))
        states = dict(
            zip(
                rows.locator("td:first-child").all_inner_texts(),
                rows.locator("td:nth-child(2)").all_inner_texts(),
                strict=True,
            )
        )
        for condition in expected.test.conditions:
            shown = next(state for label, state in states.items() if label.startswith(condition.label))
            assert shown.lower() == STATE_WORDS[condition.state], (condition.label, shown)
        most_serious = rows.filter(has_text="This is one of the most serious cases")
        expect(most_serious.locator("td").nth(1)).to_have_text("not met", ignore_case=True)
        expect(most_serious.locator("td").nth(2)).to_have_text("not ticked")
        floor = rows.filter(has_text="legal age floor")
        expect(floor).to_contain_text("Minimum age for any deprivation of liberty: 16 years")
        expect(floor.locator("td").nth(2)).to_have_text("17")
        expect(page.locator("[data-prohibited='pretrial_detention']")).to_contain_text("Prohibited by CRC art 37(b)")
        expect(page.locator("[data-deadline='appearance_before_judge']")).to_contain_text("24 hours from")
        expect(page.locator("[data-checklist]")).to_have_count(len(kb.hearings["detention_hearing"].checklist))
        pdf = page.request.get(live_server.url + "/bench-card/pdf")
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        cookies = context.storage_state()
    finally:
        context.close()
    with page_with_script(browser, cookies) as page:
        page.goto(live_server.url + "/bench-card")
        expect(page.locator("#bench-test")).to_contain_text("not met")
        assert_accessible(page)
