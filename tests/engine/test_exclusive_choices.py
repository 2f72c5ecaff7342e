"""A choice that stands alone ("None known", "None of these": `exclusive: true`) ticked with
another is refused, with the same message, by the engine, `pathway assess` (a real process) and
the JSON API; the generated cases never hold such an answer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine.analysis.generate import candidate_values
from engine.load.answers import exclusive_clash, parse_answers
from engine.load.model import reference_datetime
from web import create_app

NOW = reference_datetime("2026-03-01")
CONTRADICTIONS = [
    (
        "gender_specific_victimisation",
        ["sexual_violence", "none_known"],
        "“None known” cannot be ticked together with “Sexual violence”",
    ),
    (
        "custody_conditions",
        ["with_adults", "none_of_these"],
        "“None of these” cannot be ticked together with “Held together with adults”",
    ),
]


@pytest.mark.parametrize(("question", "ticked", "words"), CONTRADICTIONS)
def test_the_engine_refuses_a_contradiction_and_keeps_the_other_answers(kb, question, ticked, words):
    typed, errors = parse_answers(kb.questions, {question: ticked, "age_at_conduct": 15}, NOW)
    assert typed == {"age_at_conduct": 15}
    assert [e.question_id for e in errors] == [question] and words in errors[0].message
    alone = parse_answers(kb.questions, {question: [ticked[-1]]}, NOW)
    assert not alone[1], "the choice alone is fine"


@pytest.mark.parametrize(("question", "ticked", "words"), CONTRADICTIONS)
def test_pathway_assess_and_the_api_refuse_it_with_the_same_words(tmp_path, question, ticked, words):
    case = {
        "jurisdiction": "baseline",
        "reference_date": "2026-03-01",
        "answers": {"age_at_conduct": 15, question: ticked},
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    cli = subprocess.run(
        [sys.executable, "-m", "cli.main", "assess", str(path)], capture_output=True, text=True, timeout=120
    )
    assert cli.returncode == 2, cli.stdout + cli.stderr
    assert words in cli.stdout + cli.stderr
    response = create_app({"SECRET_KEY": "test"}).test_client().post("/api/v1/assess", json=case)
    assert response.status_code == 422
    field = next(e for e in response.get_json()["errors"] if e["field"] == f"answers.{question}")
    assert words in field["message"] or words in json.dumps(field, ensure_ascii=False)


def test_generated_answers_never_contradict_themselves(kb):
    for question in kb.questions.values():
        if question.exclusive_ids:
            values = candidate_values(kb, question)
            assert values and all(exclusive_clash(question, v) is None for v in values if isinstance(v, frozenset))
            assert any(question.exclusive_ids & v for v in values if isinstance(v, frozenset)), (
                "the choice alone is tried"
            )
