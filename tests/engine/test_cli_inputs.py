"""What `pathway interview` and `pathway assess` do with their inputs: the file to save to, the reference date.

A `--save` path that cannot be written is refused before the first question (nothing is created
or truncated), and a write that still fails at the end prints the case file instead of a
traceback. A reference date without a time means noon that day for `--date` as for case files.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from engine import load_knowledge
from engine.run.session import assess_typed, reference_moment
from tests.conftest import SMALL

# Age 15, does not admit, violence, arrested at 09:30 the day before the reference date.
ANSWERS_UP_TO_THE_ARREST = "15\nno\n2\n2026-02-28T09:30\n"
FIRST_QUESTION = "Age at the conduct?"


def run(*args, input=None):
    return CliRunner().invoke(main, [*args, "--knowledge", str(SMALL)], input=input)


# --- --save -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (lambda tmp: tmp / "no" / "such" / "dir" / "x.yaml", "does not exist"),
        (lambda tmp: tmp / "a-file" / "x.yaml", "is not a folder"),
    ],
)
def test_an_unwritable_save_path_is_refused_before_the_first_question(tmp_path, target, words):
    (tmp_path / "a-file").write_text("not a folder")
    save = target(tmp_path)
    result = run("interview", "--date", "2026-03-01", "--save", str(save), input=ANSWERS_UP_TO_THE_ARREST)
    assert result.exit_code == 2, result.output
    assert FIRST_QUESTION not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(save) in lines[0] and words in lines[0], result.output
    assert not save.parent.exists() or not save.exists()


def test_a_folder_as_save_path_is_refused_before_the_first_question(tmp_path):
    result = run("interview", "--save", str(tmp_path), input=ANSWERS_UP_TO_THE_ARREST)
    assert result.exit_code == 2 and FIRST_QUESTION not in result.output


def test_checking_the_save_path_creates_and_truncates_nothing(tmp_path):
    existing = tmp_path / "case.yaml"
    existing.write_text("kept\n")
    result = run("interview", "--jurisdiction", "atlantis", "--save", str(existing), input="")
    assert result.exit_code == 2 and existing.read_text() == "kept\n"
    fresh = tmp_path / "fresh.yaml"
    result = run("interview", "--jurisdiction", "atlantis", "--save", str(fresh), input="")
    assert result.exit_code == 2 and not fresh.exists()


def test_a_write_that_fails_at_the_end_prints_the_case_file_instead_of_a_traceback():
    result = CliRunner().invoke(
        main,
        ["interview", "--date", "2026-03-01", "--save", "/dev/full", "--knowledge", str(SMALL)],
        input=ANSWERS_UP_TO_THE_ARREST,
    )
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output + result.stderr
    assert "/dev/full" in result.stderr and "No space left on device" in result.stderr
    case = yaml.safe_load(result.stdout[result.stdout.index("jurisdiction: baseline") :])
    assert case["answers"]["arrest_datetime"] == "2026-02-28T09:30" and case["reference_date"] == "2026-03-01T12:00"


# --- a date without a time means noon -------------------------------------------------------------


def _flags(measures) -> set[str]:
    return {m["id"] for m in measures if m["kind"] == "flag"}


def test_a_bare_reference_date_means_noon_in_the_interview_the_case_file_and_the_engine(tmp_path):
    """09:30 the day before is 26.5 hours before noon (over the 24-hour limit), 14.5 before midnight."""
    saved = tmp_path / "saved.yaml"
    interview = run("interview", "--date", "2026-03-01", "--save", str(saved), input=ANSWERS_UP_TO_THE_ARREST)
    assert interview.exit_code == 0, interview.output
    assert "reference date 2026-03-01 12:00" in interview.output
    assert "The time limit has passed" in interview.output

    case = tmp_path / "case.yaml"
    case.write_text(
        "reference_date: 2026-03-01\n"
        "answers: {age_at_conduct: 15, admits_facts: no, conduct: violence, arrest_datetime: 2026-02-28T09:30}\n"
    )
    for file in (case, saved):
        assessed = run("assess", str(file), "--json")
        assert assessed.exit_code == 0, assessed.output
        assert "time_limit_exceeded" in _flags(json.loads(assessed.output)["measures"])

    answers = {"age_at_conduct": 15, "admits_facts": False, "conduct": "violence"}
    answers["arrest_datetime"] = dt.datetime(2026, 2, 28, 9, 30)
    reference = reference_moment(dt.date(2026, 3, 1))
    assert reference == dt.datetime(2026, 3, 1, 12, 0)
    engine = assess_typed(load_knowledge(SMALL), answers, "baseline", reference)
    assert "time_limit_exceeded" in {m.id for m in engine.measures if m.kind == "flag"}


def test_a_reference_date_and_time_is_taken_as_given():
    result = run("interview", "--date", "2026-03-01T00:00", input=ANSWERS_UP_TO_THE_ARREST)
    assert result.exit_code == 0, result.output
    assert "reference date 2026-03-01 00:00" in result.output and "The time limit has passed" not in result.output


@pytest.mark.parametrize("given", ["0226-03-01", "1989-12-31", "2101-01-01T10:00", "yesterday", "2026-03-01T25:00"])
def test_a_reference_date_outside_the_range_or_form_is_refused_before_the_first_question(given):
    result = run("interview", "--date", given, input=ANSWERS_UP_TO_THE_ARREST)
    assert result.exit_code == 2 and FIRST_QUESTION not in result.output
    assert "--date" in result.output


def test_the_date_option_says_what_a_bare_date_means():
    assert "a date without a time means noon (12:00) that day" in " ".join(run("interview", "--help").output.split())


# --- dates instead of ages ------------------------------------------------------------------------


def test_an_interview_from_a_date_of_birth_and_dated_acts_computes_the_ages_and_saves_the_dates(tmp_path):
    target = tmp_path / "case.yaml"
    result = run(
        "interview",
        "--date",
        "2026-11-02",
        "--date-of-birth",
        "2008-05-10",
        "--act",
        "2026-07-01:travel",
        "--act",
        "2026-03-01:nonviolent_support",
        "--save",
        str(target),
        input="q\n",
    )
    assert result.exit_code == 0, result.output
    assert "Ages computed from the date of birth, 2008-05-10:" in result.output
    assert "act of 2026-03-01 (nonviolent_support): aged 17 - the act this assessment is of" in result.output
    assert FIRST_QUESTION not in result.output  # the age is computed, not asked
    saved = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert saved["date_of_birth"] == "2008-05-10" and len(saved["acts"]) == 2
    assert "age_at_conduct" not in saved["answers"]  # computed again from the dates when the file is read


def test_dates_on_the_command_line_that_cannot_be_are_refused_by_their_field():
    result = run("interview", "--date", "2026-11-02", "--date-of-birth", "2008-13-10", "--act", "2026-07-01:travl")
    assert result.exit_code == 2
    assert "date_of_birth: expected a date YYYY-MM-DD (given: '2008-13-10')" in result.output
    assert "acts.0.conduct_category: 'travl' is not allowed here" in result.output
    later = run("interview", "--date", "2026-11-02", "--date-of-birth", "2008-05-10", "--act", "2027-01-01:travel")
    assert later.exit_code == 2 and "an alleged act after the reference date" in later.output
