"""Only what applies, as the pages show it (shipped knowledge base, vignette V6: a diversion case
with no return from a conflict zone): judgement points of this case, one diversion item, and the
what-if and "what would change" pages leading with what changes."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from web import create_app

from .conftest import User, browser_client, text_of


@pytest.fixture(scope="module")
def real_app() -> Flask:
    return create_app({"SECRET_KEY": "test-secret"})


def v6_number(app: Flask) -> int:
    kb = app.extensions["pathway_kb"]
    return next(i for i, e in enumerate(kb.scenarios, start=1) if e.scenario.vignette == "V6")


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


def test_the_result_shows_the_points_and_measures_of_this_case_only(real_app):
    kb = real_app.extensions["pathway_kb"]
    user = User(browser_client(real_app))
    number = v6_number(real_app)
    assert (
        user.client.post(f"/scenarios/{number}", data={"csrf_token": user.token(f"/scenarios/{number}")}).status_code
        == 302
    )
    html = user.page("/result")
    judgement = section(html, "judgement")
    returnee = next(n for n in kb.not_encoded if n.id == "NE-returnee-risk-assessment")
    listed = judgement.split("<details", 1)[0]
    assert returnee.title not in listed, "a returnee point in a case with no return"
    assert "which do not arise in this case" in judgement
    # the three diversion recommendations: one item, the variant under it
    item = re.search(r'<li data-measure="recommend:diversion">(.*?)</li>', html, re.S)
    assert item and 'data-measure="recommend:offer_diversion"' in item.group(1)
    assert html.count('<article class="reason reason--recommend" id="recommend-diversion"') == 1
    assert (
        'id="recommend-offer_diversion"' in html
        and '<article class="reason reason--recommend" id="recommend-offer_diversion"' not in html
    )
    assert "not answered" not in section(html, "reasons-title")


def test_what_if_shows_the_rows_that_change_first_and_the_route(real_app):
    kb = real_app.extensions["pathway_kb"]
    user = User(browser_client(real_app))
    number = v6_number(real_app)
    age = kb.questions["age_at_conduct"].text
    listing = user.page(f"/what-if?scenario={number}")
    position = next(
        n
        for n, text in re.findall(r'href="/what-if/(\d+)[^"]*">[^<]*<span class="visually-hidden">([^<]*)', listing)
        if age in text
    )
    path = f"/what-if/{position}?scenario={number}"
    assert "How old was the person" in user.page(path)
    response = user.client.post(
        path, data={"csrf_token": user.token(path), "question": "age_at_conduct", "answer": "12"}
    )
    body = text_of(response)
    assert response.status_code == 200
    assert 'data-route-changed="yes"' in body and "The route changes: Diversion is the expected route" in body
    rows = re.findall(r"<tr( class=\"compare-table__changed\")?>\s*<th scope=\"row\">", body)
    assert rows and rows[0], "the first row is one that changes"
    assert rows == sorted(rows, reverse=True), "every row that changes comes before every row that does not"
    for cell in re.findall(r"<td><ul class=\"list\">(.*?)</ul></td>", body, re.S):
        marks = [bool(m) for m in re.findall(r'<li class="(change change--(?:added|removed))?">', cell)]
        assert marks == sorted(marks, reverse=True), "in a cell, what changes comes first"


def test_what_would_change_leads_with_the_route(real_app):
    user = User(browser_client(real_app))
    body = user.page(f"/what-would-change?scenario={v6_number(real_app)}")
    route_at = body.index("Changes that would change the route")
    assert "Now: Diversion is the expected route." in body
    assert route_at < body.index("Measures of this result that could go")
    assert 'data-route="below_macr"' in body
