"""Trainer and policy pages on the small knowledge base: every route, bad input included."""

from __future__ import annotations

import pytest

from web.knowledge_cache import EXTENSION

from .conftest import User, text_of

SCENARIO = "?scenario=1"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/scenarios", "A twelve-year-old is below the minimum age"),
        ("/scenarios/1", "comes out as expected"),
        ("/steps/0" + SCENARIO, "Step 0: the facts given"),
        ("/steps/1" + SCENARIO, "Rule fired:"),
        ("/what-if" + SCENARIO, "Try another answer"),
        ("/what-if/1" + SCENARIO, "Now: 12"),
        ("/what-would-change" + SCENARIO, "Refer to child protection"),
        ("/map", "This is the whole map"),
        ("/map/DP-7", "This view shows decision point DP-7"),
        ("/map/DP-2" + SCENARIO, "The path of this case is drawn in bold"),
        ("/policy", "For policy teams"),
        ("/policy/rules", "R-SAFE-01"),
        ("/policy/audit", "Exhaustive proofs"),
        ("/policy/coverage", "Rules without a scenario"),
        ("/policy/gaps", "Lowland"),
        ("/policy/gaps/lowland", "falls short"),
    ],
)
def test_pages_show_their_content_and_the_disclaimer(user: User, path: str, expected: str):
    body = user.page(path)
    assert expected in body
    assert "This is not a decision" in body


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/scenarios/0", 404, "There is no scenario 0: the library has scenarios 1 to 1."),
        ("/scenarios/x1", 400, "a whole number from 1 to 1; “x1” was given"),
        ("/steps/0?scenario=7", 404, "There is no scenario 7"),
        ("/steps/0?scenario=-1", 400, "“-1” was given"),
        ("/steps/99" + SCENARIO, 404, "steps are numbered 0 (the facts given) to 1"),
        ("/steps/abc" + SCENARIO, 404, "“abc” was asked for"),
        ("/what-if/99" + SCENARIO, 404, "number 99 is not one"),
        ("/what-would-change?scenario=", 400, "“” was given"),
        ("/map/DP-99", 404, "no decision point “DP-99”"),
        ("/map?scenario=2", 404, "There is no scenario 2"),
        ("/policy/gaps/atlantis", 404, "no jurisdiction profile “atlantis”. Known profiles: baseline, lowland"),
    ],
)
def test_bad_input_gets_a_precise_message(user: User, path: str, status: int, message: str):
    response = user.client.get(path)
    assert response.status_code == status
    body = text_of(response)
    assert message in body
    assert "This is not a decision" in body


@pytest.mark.parametrize("path", ["/steps", "/steps/0", "/what-if", "/what-if/1", "/what-would-change"])
def test_without_a_case_the_pages_send_to_the_library(user: User, path: str):
    response = user.client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/scenarios")
    assert "This page needs a case" in user.page("/scenarios")


def test_the_map_without_a_current_case_says_so(user: User):
    body = user.page("/map?overlay=case")
    assert "There is no current case to draw on the map" in body
    assert "on-path" not in body


def test_step_through_walks_experta_order_with_links(user: User, app):
    user.start()
    user.answer("age_at_conduct", "15")
    user.answer("admits_facts", "yes")
    user.answer("conduct", "violence")
    user.answer("arrest_datetime", "2026-02-27T08:00")
    assert user.client.get("/steps").headers["Location"].endswith("/steps/0")
    first = user.page("/steps/0")
    assert 'rel="next" href' not in first and 'href="/steps/1"' in first and 'rel="prev"' not in first
    from engine.run.session import assess_typed

    kb = app.extensions["pathway_kb"]
    import datetime as dt

    order = assess_typed(
        kb,
        {
            "age_at_conduct": 15,
            "admits_facts": True,
            "conduct": "violence",
            "arrest_datetime": dt.datetime(2026, 2, 27, 8),
        },
        "baseline",
        dt.datetime(2026, 3, 1, 12),
        engine="experta",
    ).experta_order
    for number, rule_id in enumerate(order, 1):
        body = user.page(f"/steps/{number}")
        assert f"({rule_id})</span></h2>" in body
        assert f'href="/steps/{number - 1}" rel="prev"' in body
        assert (f'href="/steps/{number + 1}" rel="next"' in body) == (number < len(order))
    assert "Legal assistance" in user.page(f"/steps/{order.index('R-SAFE-01') + 1}")


def test_what_if_compares_without_changing_the_case(user: User):
    user.start()
    user.answer("age_at_conduct", "12")
    token = user.token("/what-if/1")
    response = user.client.post("/what-if/1", data={"csrf_token": token, "question": "age_at_conduct", "answer": "15"})
    assert response.status_code == 200
    body = text_of(response)
    assert "Before and after" in body
    assert 'class="change change--removed"' in body and "No criminal proceedings" in body
    assert "more question" in body  # new questions matter at 15: the after column is provisional
    assert "Now: 12" in user.page("/what-if/1"), "the case itself is unchanged"


def test_what_if_bad_answer_and_missing_token(user: User):
    user.start()
    user.answer("age_at_conduct", "12")
    token = user.token("/what-if/1")
    posted = user.client.post("/what-if/1", data={"csrf_token": token, "question": "age_at_conduct", "answer": "200"})
    assert posted.status_code == 303, "post/redirect/get: Back never lands on a POST result"
    response = user.rejected_shown(posted, "/what-if/1")
    assert response.status_code == 400
    assert "There is a problem" in text_of(response) and 'value="200"' in text_of(response)
    assert "There is a problem" not in user.page("/what-if/1"), "the error is shown once"
    assert user.client.post("/what-if/1", data={"answer": "15"}).status_code == 400


def test_loading_a_scenario_makes_it_the_current_case(user: User):
    token = user.token("/scenarios/1")
    response = user.client.post("/scenarios/1", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    assert "Now: 12" in user.page("/what-if/1")
    assert user.client.post("/scenarios/1", data={}).status_code == 400


def test_a_malformed_scenario_is_explained(user: User, app):
    kb = app.extensions["pathway_kb"]
    entry = kb.scenarios[0]
    broken = entry.scenario.model_copy(update={"answers": {"age_at_conduct": "twelve", "conduct": "arson"}})
    kb.scenarios[0] = type(entry)(broken, entry.where)
    try:
        for path in ("/scenarios/1", "/steps/0?scenario=1", "/what-would-change?scenario=1"):
            response = user.client.get(path)
            assert response.status_code == 400, path
            body = text_of(response)
            assert "are not accepted by the knowledge base" in body
            assert "age_at_conduct" in body and "arson" in body
    finally:
        kb.scenarios[0] = entry


def test_heavy_pages_are_computed_once_per_knowledge_version(user: User, app, monkeypatch):
    import web.policy

    calls = []
    real = web.policy.audit
    monkeypatch.setattr(web.policy, "audit", lambda *args: calls.append(args) or real(*args))
    user.page("/policy/audit")
    user.page("/policy/audit")
    user.page("/map")
    user.page("/map?overlay=case")
    assert len(calls) == 1
    keys = list(app.extensions[EXTENSION]._values)
    assert all(key[0] == app.extensions["pathway_kb"].version for key in keys)
    assert sum(1 for key in keys if key[1] == "map_svg") == 1


def test_map_overlay_marks_the_case_path(user: User):
    body = user.page("/map/DP-2" + SCENARIO)
    assert "map-figure--overlay" in body
    assert 'class="node map&#45;rule on-path"' in body  # R-MACR-01 applied
    assert "map-text--on-path" in body


def test_the_audit_page_shows_each_proof_and_its_result(client):
    page = client.get("/policy/audit").get_data(as_text=True)
    assert "every complete interview ends with at least one measure" in page
    assert "holds" in page and "BROKEN" not in page
