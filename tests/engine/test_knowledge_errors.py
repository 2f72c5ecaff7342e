"""The wording of knowledge-file errors is a contract: one broken fixture per kind of error.

Each fixture in tests/fixtures/broken/ is laid over a copy of the small knowledge base; the
problem must name the file and line, and contain the words a policy officer needs to fix it.
"""

from __future__ import annotations

import pytest

from engine import KnowledgeError, load_knowledge, read_knowledge
from tests.conftest import small_copy_with

CASES = [
    # (fixture, file, line, words that must appear)
    (
        "unknown_key",
        "rules/zz.yaml",
        7,
        ["[R-TEST-01]", "unexpected key 'exeption_to'", "allowed keys:", "Did you mean 'exception_to'?"],
    ),
    ("duplicate_key", "rules/zz.yaml", 5, ["duplicate key 'title'", "first given on line 4"]),
    ("invalid_yaml", "rules/zz.yaml", 6, ["not valid YAML"]),
    (
        "unknown_source",
        "rules/zz.yaml",
        2,
        ["[R-TEST-01]", "sources.0.id", "unknown source 'GC42'", "Did you mean 'GC24'?"],
    ),
    (
        "unknown_fact",
        "rules/zz.yaml",
        2,
        ["'age_at_conduc' is neither a question nor a fact set by a rule", "Did you mean 'age_at_conduct'?"],
    ),
    (
        "unknown_measure",
        "rules/zz.yaml",
        2,
        ["then.recommend", "unknown measure 'diversio'", "Did you mean 'diversion'?"],
    ),
    (
        "numeric_literal",
        "rules/zz.yaml",
        5,
        ["field 'when.lt'", "numbers may not be written in conditions", "{param: <id>}"],
    ),
    ("missing_field", "rules/zz.yaml", 2, ["the required field 'sources' is missing"]),
    ("bad_rule_id", "rules/zz.yaml", 2, ["'MACR-1' is not a rule id such as R-MACR-01"]),
    (
        "bad_verification",
        "rules/zz.yaml",
        8,
        ["sources.0.verification", "'verified' is not allowed here; expected 'V', 'S' or 'NV'"],
    ),
    ("bad_choice", "rules/zz.yaml", 2, ["'violense' is not a choice of 'conduct'", "Did you mean 'violence'?"]),
    ("reserved_choice", "questions/zz.yaml", 6, ["'unknown' is reserved for the answer \"I don't know\""]),
    ("wrong_operator", "rules/zz.yaml", 2, ["'includes' does not apply to the integer question 'age_at_conduct'"]),
    ("duplicate_id", "rules/zz.yaml", 2, ["duplicate id 'R-DIV-01'", "first defined in"]),
    ("cycle", "rules/zz.yaml", 2, ["circular dependency", "R-LOOP-01", "loop_b", "R-LOOP-02", "loop_a"]),
    (
        "prohibited_recommended",
        "rules/dp02.yaml",
        44,
        ["[R-PROS-01]", "'prosecution' is a prohibited outcome: it may only be concluded with 'prohibit'"],
    ),
    ("missing_parameter_value", "jurisdictions/lowland.yaml", 3, ["no value for parameter 'max_hours_before_judge'"]),
    (
        "missing_parameter_value",
        "jurisdictions/lowland.yaml",
        3,
        ["unknown parameter 'max_hours_befor_judge'", "Did you mean 'max_hours_before_judge'?"],
    ),
    (
        "bad_applies_when",
        "not_encoded.yaml",
        2,
        ["[NE-best-interests]", "field 'applies_when'", "'age_at_conduc' is neither a question", "'age_at_conduct'"],
    ),
    (
        "bad_variant",
        "measures.yaml",
        5,
        ["[prosecution]", "variant_of", "'diversio' is not another measure", "Did you mean 'diversion'?"],
    ),
    ("bad_event_kind", "events.yaml", 5, ["[diversion_offered]", "unexpected key 'timd'", "Did you mean 'timed'?"]),
    ("bad_event_kind", "events.yaml", 8, ["duplicate id 'judgement'", "first defined in"]),
    (
        "bad_scenario_answer",
        "scenarios/zz.yaml",
        2,
        ["answers.age_at_conduct", "out of range", "given: 250", "a whole number from 0 to 25"],
    ),
]


@pytest.mark.parametrize(("fixture", "file", "line", "words"), CASES, ids=[f"{c[0]}:{c[3][0][:30]}" for c in CASES])
def test_each_kind_of_error_is_named_with_file_line_and_fix(tmp_path, fixture, file, line, words):
    root = small_copy_with(tmp_path, fixture)
    _, problems = read_knowledge(root)
    texts = [str(p) for p in problems if p.file.endswith(file)]
    matching = [t for t in texts if all(w in t for w in words)]
    assert matching, f"no problem in {file} containing {words}; got:\n" + "\n".join(map(str, problems))
    assert any(p.line == line for p in problems if str(p) in matching), f"expected line {line}: {matching}"


def test_the_small_fixture_itself_is_clean(tmp_path):
    _, problems = read_knowledge(small_copy_with(tmp_path))
    assert problems == []


def test_all_problems_are_reported_in_one_pass(tmp_path):
    root = small_copy_with(tmp_path, "unknown_source")
    (root / "rules" / "zy.yaml").write_text(
        (tmp_path / "knowledge" / "rules" / "zz.yaml")
        .read_text()
        .replace("R-TEST-01", "R-TEST-02")
        .replace("GC42", "GC99")
    )
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(root)
    messages = [str(p) for p in err.value.problems]
    assert any("GC42" in m for m in messages)
    assert any("GC99" in m for m in messages)


def test_yaml_anchors_are_refused(tmp_path):
    root = small_copy_with(tmp_path)
    (root / "not_encoded.yaml").write_text(
        "not_encoded:\n  - &a {id: NE-x, decision_point: DP-7, title: T, why: W}\n  - *a\n"
    )
    _, problems = read_knowledge(root)
    assert any("anchors and aliases" in str(p) for p in problems)
