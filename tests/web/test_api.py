"""The JSON API: the same engine, the same answers and errors as `pathway assess`, documented by OpenAPI."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import main

from .conftest import SMALL

CASE = {
    "jurisdiction": "baseline",
    "reference_date": "2026-03-01",
    "answers": {
        "age_at_conduct": 15,
        "admits_facts": True,
        "conduct": "violence",
        "arrest_datetime": "2026-02-27T08:00",
    },
}


def test_assess_gives_what_pathway_assess_json_gives(client, tmp_path):
    response = client.post("/api/v1/assess", json=CASE)
    assert response.status_code == 200 and response.mimetype == "application/json"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    cli = CliRunner().invoke(main, ["assess", str(case), "--json", "--knowledge", str(SMALL)])
    assert cli.exit_code == 0
    assert response.get_json() == json.loads(cli.output)


def test_disputed_answers_say_what_turns_on_them_as_pathway_assess_json_does(client, tmp_path):
    disputed = {**CASE, "disputed": {"age_at_conduct": 12, "admits_facts": False}}
    response = client.post("/api/v1/assess", json=disputed)
    assert response.status_code == 200
    found = response.get_json()["disputes"]
    assert found["disputed"] == {"age_at_conduct": 12, "admits_facts": False}
    assert set(found["combined"]) == {"age_at_conduct", "admits_facts"} and found["varied_alone"] == []
    assert "age_at_conduct" in found["must_establish"]
    turning = {(c["kind"], c["measure"]): c for c in found["conclusions"] if not c["holds_either_way"]}
    assert turning and all(c["turns_on"] for c in turning.values())
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(disputed, sort_keys=True)
    )  # the order the test client sends (the disputes' order counts)
    cli = CliRunner().invoke(main, ["assess", str(case), "--json", "--knowledge", str(SMALL)])
    assert cli.exit_code == 0 and response.get_json() == json.loads(cli.output)
    refused = client.post("/api/v1/assess", json={**CASE, "disputed": {"age_at_conduct": 15, "admits_fact": True}})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    fields = {e["field"]: e["message"] for e in refused.get_json()["errors"]}
    assert (
        "the answer given" in fields["disputed.age_at_conduct"] and "unknown question" in fields["disputed.admits_fact"]
    )


def test_next_question_follows_the_interview(client):
    first = client.post("/api/v1/next-question", json={"reference_date": "2026-03-01"}).get_json()
    assert first["question"]["id"] == "age_at_conduct" and not first["complete"]
    assert first["question"]["allowed"].startswith("a whole number")
    done = client.post("/api/v1/next-question", json=CASE).get_json()
    assert done["complete"] and done["question"] is None and done["open_questions"] == 0


def test_bad_answers_are_problem_details_naming_each_field(client):
    response = client.post("/api/v1/assess", json={"answers": {"age_at_conduct": 99, "admits_fact": True}})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == "urn:justice-pathway:problem:invalid-answers"
    fields = {e["field"]: e for e in body["errors"]}
    assert fields["answers.age_at_conduct"]["given"] == 99
    assert fields["answers.age_at_conduct"]["allowed"].startswith("a whole number from")
    assert fields["answers.admits_fact"]["suggestion"] == "admits_facts"
    shape = client.post("/api/v1/assess", json={"answers": {"conduct": {"x": 1}}, "extra": 1}).get_json()
    assert {e["field"] for e in shape["errors"]} == {"answers.conduct", "extra"}
    profile = client.post("/api/v1/assess", json={"jurisdiction": "atlantis"}).get_json()
    assert profile["errors"][0]["field"] == "jurisdiction"


def test_knowledge_and_version(client, app):
    kb = app.extensions["pathway_kb"]
    body = client.get("/api/v1/knowledge").get_json()
    assert body["knowledge_version"] == kb.version
    assert [q["id"] for q in body["questions"]] == list(kb.questions)
    assert {r["id"] for r in body["rules"]} == set(kb.rules)
    assert {s["id"] for s in body["sources"]} == set(kb.sources)
    assert {p["id"] for p in body["profiles"]} == set(kb.jurisdictions)
    assert client.get("/api/v1/knowledge/version").get_json()["knowledge_version"] == kb.version


def test_decision_tree_svg_and_json(client):
    svg = client.post("/api/v1/decision-tree", json=CASE)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    tree = client.post("/api/v1/decision-tree?format=json", json=CASE).get_json()
    assert tree["tree"]["kind"] == "case" and tree["tree"]["children"]


def test_openapi_document_lists_exactly_the_api_routes(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    routes = {
        (rule.rule, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes == documented
    assert "CaseRequest" in document["components"]["schemas"]
    assert "Problem" in document["components"]["schemas"]


def test_the_recorded_events_are_taken_checked_and_returned_in_the_order_they_happened(client):
    kinds = client.get("/api/v1/knowledge").get_json()["events"]
    assert {"id": "trial_start", "title": "Trial started", "timed": True} in kinds
    events = [{"kind": "trial_start", "date": "2026-02-28T09:30"}, {"kind": "diversion_offered", "date": "2026-02-26"}]
    with_events = client.post("/api/v1/assess", json={**CASE, "events": events}).get_json()
    assert [(e["at"], e["question"] or e["kind"]) for e in with_events["events"]] == [
        ("2026-02-26", "diversion_offered"),
        ("2026-02-27T08:00", "arrest_datetime"),
        ("2026-02-28T09:30", "trial_start"),
    ]
    without = client.post("/api/v1/assess", json=CASE).get_json()
    assert with_events["measures"] == without["measures"]  # the record of what happened, not a fact assessed
    refused = client.post(
        "/api/v1/assess",
        json={
            **CASE,
            "events": [{"kind": "trial_stat", "date": "2026-02-28"}, {"kind": "trial_start", "date": "2026-03-02"}],
        },
    )
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert [(e["field"], e.get("suggestion")) for e in errors] == [
        ("events.0.kind", "trial_start"),
        ("events.1.date", None),
    ]
    assert "an event after the reference date" in errors[1]["message"]
