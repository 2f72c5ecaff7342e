"""The decision tree and the pathway map in a real browser: readable at 1280 px without zooming
(text of at least 12 px, the outcome in view without sideways scrolling), no sideways page scroll
at 390 px, zoom buttons with JavaScript, a fitted diagram without it, and axe-core finds nothing.

The sizes are measured as Chromium renders them: a text's font size in its SVG times the scale
the SVG is drawn at (getScreenCTM), and bounding boxes against the viewport and the diagram's box.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .accessibility import assert_accessible
from .conftest import LiveServer

MIN_TEXT_PX = 12

# For every diagram shown: the smallest and largest text (px), its box and what it holds.
MEASURE = """(selector) => [...document.querySelectorAll(selector)].filter(r => r.checkVisibility()).map(region => {
  const svg = region.querySelector('svg');
  const scale = svg.getScreenCTM().a;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
  const box = region.getBoundingClientRect();
  const outcome = svg.querySelector('[id$="-outcome"]');
  const o = outcome ? outcome.getBoundingClientRect() : null;
  return {
    id: region.id, smallest: Math.min(...sizes), largest: Math.max(...sizes),
    clientWidth: region.clientWidth, scrollWidth: region.scrollWidth,
    right: box.right, svgWidth: svg.getBoundingClientRect().width,
    outcome: o ? {left: o.left, right: o.right} : null,
    label: region.getAttribute('aria-label'), tabindex: region.getAttribute('tabindex'),
  };
})"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
TREE = {"include": [["#tree"], ["#tree-stages"]]}  # what axe looks at: the tree's two sections


def vignette_number(server: LiveServer, vignette: str = "V8") -> int:
    """The library number of a vignette's first scenario (a large tree: many decision points)."""
    scenarios = server.app.extensions["pathway_kb"].scenarios
    return next(n for n, entry in enumerate(scenarios, 1) if entry.scenario.vignette == vignette)


def open_result(page: Page, server: LiveServer, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/scenarios/{vignette_number(server)}")
    page.get_by_role("button", name="Load as my current case").click()
    page.goto(server.url + "/result#tree")


def test_the_tree_is_readable_at_1280_px_without_zooming(page: Page, live_server: LiveServer):
    open_result(page, live_server, 1280)
    tree = page.locator("#tree")
    expect(tree.locator("#tree-overview-region svg")).to_be_visible()
    (overview,) = page.evaluate(MEASURE, "#tree [data-zoom-region]")
    assert overview["smallest"] >= MIN_TEXT_PX, overview
    assert overview["scrollWidth"] <= overview["clientWidth"], overview  # nothing to scroll sideways
    assert overview["outcome"] is not None and overview["outcome"]["right"] <= overview["right"] <= 1280
    assert overview["outcome"]["left"] >= 0
    assert page.evaluate(PAGE_WIDTH)[0] <= 1280
    # The tree is drawn once here, and given as text (one list); the stages follow.
    expect(tree.locator("svg")).to_have_count(1)
    expect(tree.locator(".tree")).to_be_visible()
    # Every decision point of the path, opened: the same.
    stages = page.locator("#tree-stages details.tree-stage")
    assert stages.count() >= 5
    for index in range(stages.count()):
        stages.nth(index).locator("summary").click()
    shown = page.evaluate(MEASURE, "#tree-stages [data-zoom-region]")
    assert len(shown) == stages.count()
    for region in shown:
        assert region["smallest"] >= MIN_TEXT_PX, region
        assert region["scrollWidth"] <= region["clientWidth"], region
        assert region["label"] and region["tabindex"] == "0"
    # The text version beside each diagram.
    first = stages.nth(0)
    figure, text = first.locator("figure").bounding_box(), first.locator(".tree-text").bounding_box()
    assert text["x"] >= figure["x"] + figure["width"] and abs(text["y"] - figure["y"]) < 60
    expect(first.locator(".tree-text")).to_contain_text("Rule applied:")
    assert_accessible(page, TREE)


def test_zoom_in_out_and_fit(page: Page, live_server: LiveServer):
    open_result(page, live_server, 1280)
    figure = page.locator("#tree figure").first
    svg = figure.locator("svg")
    level = figure.locator("[data-zoom-level]")
    expect(figure.locator("[data-zoom-controls]")).to_be_visible()
    fitted = svg.bounding_box()["width"]
    figure.get_by_role("button", name="Zoom in").click()
    figure.get_by_role("button", name="Zoom in").click()
    assert svg.bounding_box()["width"] > fitted * 1.4
    region = page.evaluate(MEASURE, "#tree-overview-region")[0]
    assert region["scrollWidth"] > region["clientWidth"]  # the diagram scrolls inside its box ...
    assert page.evaluate(PAGE_WIDTH)[0] <= 1280  # ... never the page
    assert region["smallest"] > 16
    assert int(level.inner_text().removesuffix(" %")) > 100
    figure.get_by_role("button", name="Zoom out").click()
    figure.get_by_role("button", name="Fit to width").click()
    assert abs(svg.bounding_box()["width"] - fitted) < 1
    assert level.inner_text().endswith("%")
    # Keyboard: the buttons and the diagram's box are reachable.
    figure.get_by_role("button", name="Zoom in").focus()
    page.keyboard.press("Enter")
    assert svg.bounding_box()["width"] > fitted
    page.locator("#tree-overview-region").focus()
    expect(page.locator("#tree-overview-region")).to_be_focused()


def test_no_sideways_scroll_at_390_px(page: Page, live_server: LiveServer):
    open_result(page, live_server, 390)
    expect(page.locator("#tree-overview-region svg")).to_be_visible()
    page.locator("#tree-stages details.tree-stage").first.locator("summary").click()
    scroll_width, client_width = page.evaluate(PAGE_WIDTH)
    assert scroll_width <= client_width <= 390
    for region in page.evaluate(MEASURE, "#tree [data-zoom-region], #tree-stages [data-zoom-region]"):
        assert region["right"] <= 390, region  # a wider diagram scrolls inside its own box
        assert region["smallest"] >= MIN_TEXT_PX, region  # drawn at its own size: 14 px text
        assert region["label"] and region["tabindex"] == "0"
    overview = page.evaluate(MEASURE, "#tree-overview-region")[0]
    assert overview["outcome"]["right"] <= 390  # the path and its outcome are in one narrow column
    assert_accessible(page, TREE)


def test_without_javascript_the_diagram_fits_its_box(browser: Browser, live_server: LiveServer):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        open_result(page, live_server, 1280)
        expect(page.locator("#tree [data-zoom-controls]").first).to_be_hidden()
        region = page.evaluate(MEASURE, "#tree-overview-region")[0]
        assert region["svgWidth"] <= region["clientWidth"] and region["smallest"] >= MIN_TEXT_PX
        expect(page.locator("#tree .tree-text").first).to_contain_text("The path as text")
    finally:
        context.close()


def test_the_pathway_map_fits_zooms_and_shows_the_path(page: Page, live_server: LiveServer):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/map/DP-2?scenario={vignette_number(live_server, 'V3')}")
    region = page.evaluate(MEASURE, "#map-region")[0]
    assert region["svgWidth"] <= region["clientWidth"]  # fitted to the page
    assert page.evaluate(PAGE_WIDTH)[0] <= 1280
    widths = page.evaluate(
        """() => ['g.node.on-path', 'g.node:not(.on-path)'].map(s => {
            const shape = document.querySelector('#map-region ' + s + ' polygon, #map-region ' + s + ' path');
            const text = document.querySelector('#map-region ' + s + ' text');
            return [parseFloat(getComputedStyle(shape).strokeWidth), getComputedStyle(text).fill];
        })"""
    )
    (on_width, on_fill), (off_width, off_fill) = widths
    assert on_width >= 3 and off_width <= 1 and on_fill == "rgb(11, 12, 12)" and off_fill == "rgb(111, 119, 123)"
    figure = page.locator("figure[data-zoom-figure]")
    fitted = figure.locator("svg").bounding_box()["width"]
    figure.get_by_role("button", name="Zoom in").click()
    assert figure.locator("svg").bounding_box()["width"] > fitted
    assert page.evaluate(PAGE_WIDTH)[0] <= 1280
    assert_accessible(page)
