"""A disputed fact in a real browser without JavaScript: the detention-hearing vignette (V8) loaded
as its case file, its age marked disputed on the question page (the other side says 18), then the
result and the bench card say what turns on it ("depends on") and what holds either way; axe-core
finds nothing on the question page, the result's disputes and the bench card (at 1280 and 390 px,
where the card does not scroll sideways)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from .accessibility import assert_accessible, assert_fits_the_width, page_with_script
from .conftest import LiveServer
from .test_bench_card import resume_vignette

AGE = "How old was the person at the time of the alleged conduct, in whole years?"


def test_a_fact_marked_disputed_without_javascript(browser: Browser, live_server: LiveServer):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        resume_vignette(page, live_server, "V8")
        page.goto(live_server.url + "/check")
        page.get_by_role("link", name=f"Change {AGE}").click()
        page.get_by_text("This fact is disputed").click()  # a native details element: no script needed
        page.get_by_label("The other side disputes this answer").check()
        page.get_by_label(re.compile(r"^The other side’s value: How old")).fill("18")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".error-summary")).to_have_count(0)

        page.goto(live_server.url + "/result")
        disputes = page.locator("#disputes")
        expect(disputes.locator("[data-disputed='age_at_conduct']")).to_contain_text("Given: 17; the other side: 18.")
        expect(disputes.locator("[data-must-establish]")).to_contain_text(AGE)
        expect(disputes.locator("[data-verdict='require:child_justice_pathway']")).to_contain_text(f"depends on: {AGE}")
        expect(disputes.locator("[data-verdict='flag:outside_child_justice_scope']")).to_contain_text(
            "reached only with the other side’s value"
        )

        page.get_by_role("link", name=re.compile("^The bench card for First appearance")).click()
        expect(page.locator("#disputes [data-must-establish]")).to_contain_text(AGE)
        expect(page.locator("[data-prohibited='pretrial_detention'] [data-dispute]")).to_have_text(f"depends on: {AGE}")
        lawyer = page.locator("table.bench-card__conditions tbody tr", has_text="The child has a lawyer")
        expect(lawyer.locator("[data-dispute]")).to_have_text("holds either way")  # the tick does not turn on age
        expect(page.locator("#bench-test [data-dispute]")).to_have_text(f"depends on: {AGE}")  # at 18 no child test
        cookies = context.storage_state()
    finally:
        context.close()
    with page_with_script(browser, cookies) as page:
        for width in (1280, 390):  # the detention test's table and the disputes, on a laptop and a phone
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + "/bench-card")
            expect(page.locator("#disputes")).to_be_visible()
            assert_accessible(page)
            if width < 1280:
                assert_fits_the_width(page)
        page.goto(live_server.url + "/result")
        assert_accessible(page, {"include": [["#disputes"]]})
        page.goto(live_server.url + "/check")
        page.get_by_role("link", name=f"Change {AGE}").click()
        expect(page.get_by_label("The other side disputes this answer")).to_be_checked()
        assert_accessible(page)
