"""Answers are checked with clear messages; the CLI keeps every good answer and exits 2 on bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from cli.main import main
from engine.load.answers import AnswerValueError, parse_answer, parse_answers
from engine.load.conditions import UNKNOWN
from tests.conftest import SMALL

NOW = dt.datetime(2026, 3, 1, 12, 0)


@pytest.mark.parametrize(
    ("question", "given", "words"),
    [
        ("age_at_conduct", 250, ["out of range", "a whole number from 0 to 25"]),
        ("age_at_conduct", "fifteen", ["expected a whole number"]),
        ("age_at_conduct", True, ["not yes/no"]),
        ("admits_facts", "maybe", ["expected yes or no"]),
        ("admits_facts", "unknown", ['"I don\'t know" is not accepted']),
        ("conduct", "violense", ["not one of the allowed choices", "Did you mean 'violence'?"]),
        ("arrest_datetime", "2026-05-01T10:00", ["in the future for a past event"]),
        ("arrest_datetime", "yesterday", ["not a valid date and time"]),
    ],
)
def test_a_bad_answer_names_the_question_the_value_and_what_is_allowed(small_kb, question, given, words):
    with pytest.raises(AnswerValueError) as err:
        parse_answer(small_kb.questions[question], given, NOW)
    text = str(err.value)
    assert f"Answer to '{question}'" in text
    assert all(w in text for w in words), text


def test_good_answers_survive_bad_ones(small_kb):
    typed, errors = parse_answers(
        small_kb.questions, {"age_at_conduct": "unknown", "admits_facts": "perhaps", "nosuch": 1}, NOW
    )
    assert typed == {"age_at_conduct": UNKNOWN}
    assert {e.question_id for e in errors} == {"admits_facts", "nosuch"}


def run(*args, input=None):
    return CliRunner().invoke(main, [*args, "--knowledge", str(SMALL)], input=input)


def test_check_passes_on_a_clean_knowledge_base():
    result = run("check")
    assert result.exit_code == 0 and "Knowledge base OK" in result.output


def test_assess_prints_the_explained_recommendation_and_json(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("reference_date: 2026-03-01\nanswers:\n  age_at_conduct: 12\n")
    text = run("assess", str(case))
    assert text.exit_code == 0
    assert (
        "Decision support only" in text.output
        and "Refer to child protection" in text.output
        and "GC24 paras 20, 23" in text.output
    )
    data = json.loads(run("assess", str(case), "--json").output)
    assert any(m["id"] == "no_criminal_proceedings" and m["kind"] == "require" for m in data["measures"])
    assert data["trace"][0]["rule"] == "R-MACR-01" and data["trace"][0]["sources"][0]["verified"] is True
    assert [q["id"] for q in data["open_questions"]] == ["admits_facts", "conduct", "arrest_datetime"]


def test_assess_exits_2_and_names_line_and_field_of_every_bad_answer(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("reference_date: 2026-03-01\nanswers:\n  age_at_conduct: 250\n  conduct: violense\n")
    result = run("assess", str(case))
    assert result.exit_code == 2
    assert "case.yaml:3 field 'answers.age_at_conduct': out of range" in result.output
    assert "case.yaml:4 field 'answers.conduct'" in result.output and "Did you mean 'violence'?" in result.output


def test_assess_rejects_an_unknown_jurisdiction_with_the_known_ones(tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"answers": {}}))
    result = run("assess", str(case), "--jurisdiction", "atlantis")
    assert result.exit_code == 2 and "unknown jurisdiction 'atlantis' (known: baseline, lowland)" in result.output


def test_interview_reasks_a_bad_answer_keeps_the_rest_and_explains_why(tmp_path):
    saved = tmp_path / "saved.yaml"
    result = run(
        "interview", "--date", "2026-03-01", "--save", str(saved), input="200\n15\n?\nmaybe\nyes\n2\n2026-02-28T11:00\n"
    )
    assert result.exit_code == 0, result.output
    assert "out of range" in result.output and "expected yes or no" in result.output
    assert "R-DIV-01 [DP-7] Diversion" in result.output  # the "why" of admits_facts
    assert "Recommended" in result.output or "RECOMMENDED" in result.output
    assert "age_at_conduct: 15" in saved.read_text() and "conduct: violence" in saved.read_text()
    assert run("assess", str(saved)).exit_code == 0


def test_interview_back_removes_only_the_last_answer():
    result = run("interview", "--date", "2026-03-01", input="15\nb\n12\n")
    assert result.exit_code == 0
    assert "Refer to child protection" in result.output  # the corrected age 12 was used
