"""A failing scenario is reported in policy terms: file and line, the case's name, expected vs came out."""

from __future__ import annotations

import shutil

from tests.conftest import SMALL

FAILING = """scenarios:
  - name: A fourteen-year-old who admits the facts is wrongly expected to be below the minimum age
    reference_date: 2026-03-01
    answers: {age_at_conduct: 14, admits_facts: true, conduct: violence, arrest_datetime: 2026-03-01T08:00}
    expect: {require: [no_criminal_proceedings]}
    must_not: {recommend: [diversion]}
"""


def test_failures_name_the_file_line_case_and_what_came_out(pytester):
    knowledge = pytester.path / "knowledge"
    shutil.copytree(SMALL, knowledge)
    (knowledge / "scenarios" / "wrong.yaml").write_text(FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider", str(knowledge / "scenarios"))
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "wrong.yaml:2" in output
    assert "Scenario: A fourteen-year-old who admits the facts is wrongly expected" in output
    assert "expected 'require no_criminal_proceedings', but it did not come out" in output
    assert "'recommend diversion' must not come out, but it did (because of R-DIV-01)" in output
    assert "recommend: diversion" in output  # what came out
    assert "Traceback" not in output and "def runtest" not in output


def test_a_broken_knowledge_base_is_one_clear_failure(pytester):
    knowledge = pytester.path / "knowledge"
    shutil.copytree(SMALL, knowledge)
    (knowledge / "rules" / "dp02.yaml").write_text(
        (SMALL / "rules" / "dp02.yaml").read_text().replace("GC24", "GC42", 1)
    )
    result = pytester.runpytest("-p", "no:cacheprovider", str(knowledge / "scenarios"))
    result.assert_outcomes(failed=1)
    assert "unknown source 'GC42'" in result.stdout.str()
