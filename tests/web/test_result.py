"""Result: measures by kind with the because chain, deadlines, gaps, unknowns, judgement, the tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from web import create_app

from .conftest import SMALL, User, browser_client, text_of


def complete_case(
    user: User, jurisdiction: str = "baseline", age: str = "15", arrest: str = "2026-02-27T08:00"
) -> None:
    user.start(jurisdiction)
    if age == "unknown":
        user.answer("age_at_conduct", unknown=True)
    else:
        user.answer("age_at_conduct", age)
    user.answer("admits_facts", "yes")
    if age != "unknown":
        user.answer("conduct", "violence")
    user.answer("arrest_datetime", arrest)


def summary_of(html: str) -> str:
    return html.split('class="result-summary"')[1].split('id="reasons"')[0]


def test_result_within_the_time_limit_requires_nothing_yet_in_the_small_knowledge(user):
    complete_case(user, arrest="2026-02-28T20:00")
    summary = summary_of(user.page("/result"))
    assert "Required now" in summary and "Legal assistance" in summary
    assert "Bring before a judge" not in summary and "time limit exceeded" not in summary


def test_exceeded_time_limits_are_flagged(user):
    complete_case(user, arrest="2026-02-27T08:00")
    summary = summary_of(user.page("/result"))
    assert "time limit exceeded" in summary and "was due by 2026-02-28 08:00" in summary
    assert "Flags" in summary and "The time limit has passed" in summary


def test_because_chain_has_rules_facts_and_sources(user):
    complete_case(user)
    html = user.page("/result")
    reason = html.split('id="recommend-diversion"')[1].split("</article>")[0]
    assert "Diversion" in reason and "R-DIV-01" in reason
    assert "Does the child admit the facts?" in reason and "<strong>yes</strong>" in reason
    assert "Diversion available" in reason
    assert "BEIJING rule 11" in reason and "non-binding standard" in reason and "verified" in reason


def test_national_law_below_the_standard_is_flagged(user):
    complete_case(user, jurisdiction="lowland", age="13")
    html = user.page("/result")
    summary = summary_of(html)
    assert "National MACR below the international standard" in summary
    assert "National law differs from the international standard: Minimum age of criminal responsibility" in summary
    gaps = html.split('id="gaps"')[1].split("</section>")[0]
    assert "<td>12 years</td><td>14 years</td>" in " ".join(gaps.split()).replace("> <", "><")


def test_unknown_facts_say_whether_the_result_would_change(user):
    complete_case(user, age="unknown")
    unknown = user.page("/result").split('id="unknown"')[1].split("</section>")[0]
    assert "Age at the conduct?" in unknown and "answered “I don’t know”" in unknown
    assert "the result would change" in unknown
    assert "If the answer were 14–25:" in unknown
    assert "would no longer apply:" in unknown and "No criminal proceedings" in unknown


def test_points_left_to_judgement_are_listed(user):
    complete_case(user)
    judgement = user.page("/result").split('id="judgement"')[1].split("</section>")[0]
    assert "Best interests weighing" in judgement


def test_provisional_result_when_questions_are_open(user):
    user.start()
    user.answer("age_at_conduct", "15")
    html = user.page("/result")
    assert "Provisional" in html
    assert 'href="/next"' in html


def test_decision_tree_is_drawn_and_given_as_text(user):
    complete_case(user)
    tree = user.page("/result").split('id="tree"')[1].split("</section>")[0]
    assert "<svg" in tree and "</svg>" in tree
    assert "R&#45;DIV&#45;01" in tree or "R-DIV-01" in tree
    text = tree.split('id="tree-text-title"')[1]
    assert 'Rule applied: <span class="rule-id">R-DIV-01</span> Diversion' in text
    assert "Answer: Does the child admit the facts? — <strong>yes</strong>" in text
    assert "<strong>Recommended:</strong> Divert" in text
    assert "rules examined did not apply" in text or "rule examined did not apply" in text


def test_tree_svg_alone(user):
    complete_case(user)
    response = user.client.get("/result/tree.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert text_of(response).lstrip().startswith("<?xml") and "<svg" in text_of(response)


def test_without_graphviz_the_page_says_so_and_keeps_the_text_tree(user, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    complete_case(user)
    response = user.client.get("/result")
    html = text_of(response)
    assert response.status_code == 200
    assert "Graphviz (the “dot” program) is not installed" in html
    assert 'Rule applied: <span class="rule-id">R-DIV-01</span> Diversion' in html
    assert "<svg" not in html
    assert user.client.get("/result/tree.svg").status_code == 404


def test_not_verified_sources_are_shown_as_such(tmp_path: Path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SMALL, knowledge)
    rules = knowledge / "rules" / "dp02.yaml"
    rules.write_text(
        rules.read_text().replace('pinpoint: "rule 11", verification: V', 'pinpoint: "rule 11", verification: NV')
    )
    user = User(browser_client(create_app({"KNOWLEDGE_DIR": str(knowledge), "SECRET_KEY": "t"})))
    complete_case(user)
    reason = user.page("/result").split('id="recommend-diversion"')[1].split("</article>")[0]
    assert "BEIJING rule 11" in reason
    assert '<span class="tag tag--red">not verified</span>' in reason


@pytest.mark.parametrize("path", ["/result", "/result/tree.svg"])
def test_result_without_a_case_goes_to_start(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/"
