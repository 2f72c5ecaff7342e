"""Complete journeys in a real browser, driven by the knowledge base's own scenarios (V1, V6, V11).

The browser answers whatever question each page shows, from the scenario's answers, then checks
the result page for the measures the scenario expects (and none it forbids). The answers are
never written here: change the scenario and this test follows.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import Scenario

from .conftest import LiveServer
from .journey import answer_all, start_case


def scenario_for(kb: KnowledgeBase, vignette: str) -> Scenario:
    found = [entry.scenario for entry in kb.scenarios if entry.scenario.vignette == vignette]
    assert found, f"knowledge/scenarios has no scenario with 'vignette: {vignette}'"
    return found[0]


@pytest.mark.parametrize("vignette", ["V1", "V6", "V11"])
def test_vignette_journey_reaches_the_expected_result(page: Page, live_server: LiveServer, vignette: str):
    kb = live_server.app.extensions["pathway_kb"]
    scenario = scenario_for(kb, vignette)
    start_case(page, live_server.url, scenario.jurisdiction, scenario.reference_date)
    asked = answer_all(page, kb, scenario.answers)
    expect(page).to_have_url(re.compile(r"/check$"))
    expect(page.locator("h1")).to_have_text("Check your answers before you see the result")
    for qid in asked:
        expect(page.locator(".summary-list__key", has_text=kb.questions[qid].text).first).to_be_visible()

    see_result = page.get_by_role("button", name=re.compile(r"^See the (provisional )?result$"))
    see_result.click()
    expect(page.locator("h1#headline-title")).to_be_visible()  # the route in one sentence, first on the page
    for kind, measure_id in scenario.expect.measures():
        expect(page.locator(f"[data-measure='{kind}:{measure_id}']"), f"{kind} {measure_id}").to_have_count(1)
    for kind, measure_id in scenario.must_not.measures():
        expect(page.locator(f"[data-measure='{kind}:{measure_id}']"), f"not {kind} {measure_id}").to_have_count(0)
    for rule_id in scenario.expect.rules:
        expect(page.locator(f"[data-tree-rule='{rule_id}']"), f"rule {rule_id}").to_have_count(1)
    if scenario.complete:
        expect(page.get_by_text("Provisional:")).to_have_count(0)
    # the tree is drawn, and given as text
    expect(page.locator("#tree svg")).to_have_count(1)
    expect(page.locator("#tree .tree")).to_be_visible()
