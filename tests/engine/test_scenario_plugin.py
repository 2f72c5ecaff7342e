"""A failing scenario is reported in policy terms: file and line, the case's name, expected vs came out.

A mistake written in one scenario fails that scenario alone; a mistake elsewhere in the knowledge
is one failure, not one per scenario file.
"""

from __future__ import annotations

import shutil

from engine.load.loader import DEFAULT_KNOWLEDGE
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
    shutil.copy(knowledge / "scenarios" / "basic.yaml", knowledge / "scenarios" / "second.yaml")
    (knowledge / "rules" / "dp02.yaml").write_text(
        (SMALL / "rules" / "dp02.yaml").read_text().replace("GC24", "GC42", 1)
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs", str(knowledge / "scenarios"))
    result.assert_outcomes(failed=1, skipped=1)  # reported once, not once per scenario file
    output = result.stdout.str()
    assert output.count("unknown source 'GC42'") == 1
    assert "reported once under" in output and "basic.yaml::knowledge base is valid" in output


def test_a_mistyped_answer_key_fails_its_own_scenario_alone(pytester, kb):
    """The shipped knowledge with one answer key mistyped in the second scenario of one file."""
    knowledge = pytester.path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, knowledge)
    broken = knowledge / "scenarios" / "v06_diversion_consent.yaml"
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    second = [n for n, line in enumerate(lines) if line.startswith("  - name:")][1]
    key = next(n for n in range(second, len(lines)) if lines[n].strip().startswith("age_at_conduct:"))
    lines[key] = lines[key].replace("age_at_conduct:", "age_at_conduckt:")
    broken.write_text("".join(lines), encoding="utf-8")
    name = [e.scenario.name for e in kb.scenarios if e.where.file.endswith("/v06_diversion_consent.yaml")][1]

    result = pytester.runpytest("-p", "no:cacheprovider", str(knowledge / "scenarios"))

    result.assert_outcomes(passed=len(kb.scenarios) - 1, failed=1)
    output = result.stdout.str()
    failed = [line for line in output.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == 1 and failed[0].startswith(f"FAILED knowledge/scenarios/v06_diversion_consent.yaml::{name}")
    # Its own message: the file and the line of the mistyped key, the field, and the fix.
    assert f"v06_diversion_consent.yaml:{key + 1} field 'answers.age_at_conduckt'" in output
    assert "there is no question with this id" in output and "Did you mean 'age_at_conduct'?" in output
    assert "knowledge base has problems" not in output and "Traceback" not in output


def test_a_scenario_with_a_mistyped_field_fails_alone(pytester):
    knowledge = pytester.path / "knowledge"
    shutil.copytree(SMALL, knowledge)
    (knowledge / "scenarios" / "typo.yaml").write_text(
        "scenarios:\n  - name: Answers under a mistyped key\n    reference_date: 2026-03-01\n"
        "    answrs: {age_at_conduct: 12}\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider", str(knowledge / "scenarios"))
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "Scenario: Answers under a mistyped key" in output
    assert "typo.yaml:4 field 'scenarios.0.answrs': unexpected key 'answrs'" in output
    assert "Did you mean 'answers'?" in output
