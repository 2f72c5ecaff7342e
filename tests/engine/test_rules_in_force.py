"""Rules in force for a period (issue 14): a rule with `in_force:` applies by the law in force -
a protective rule when in force on any day from the conduct to the decision (the later more
favourable law), a restrictive one only when in force on every such day, a procedural one on the
date of the decision - checked by `pathway check` and shown in the result and its records."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.main import main
from engine.cases.scenarios import run_scenario
from engine.load.model import InForce
from engine.run.law_in_force import rules_in_force
from engine.run.session import assess_typed
from tests.conftest import DATED, small_copy_with

NEW_SAFEGUARD = dt.date(2026, 6, 1)  # R-LAW-01 (protective) in force from this day
REPEALED = dt.date(2026, 5, 31)  # R-LAW-02 (restrictive) in force from 2010-01-01 until this day


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12))


def test_the_dated_stories_of_rules_come_out_as_told(dated_kb):
    stories = [e for e in dated_kb.scenarios if e.where.file.endswith("dated_rules.yaml")]
    assert len(stories) == 6
    for entry in stories:
        outcome = run_scenario(dated_kb, entry)
        assert outcome.passed, (entry.scenario.name, outcome.mismatches)


def test_which_rules_apply_and_why(dated_kb):
    def reasons(decided: dt.date, conduct: dt.date | None) -> dict[str, tuple[bool, str]]:
        return {r.rule: (r.applies, r.reason) for r in rules_in_force(dated_kb, noon(decided), conduct)}

    assert reasons(dt.date(2026, 9, 1), dt.date(2026, 3, 10)) == {
        "R-LAW-01": (True, "later_favourable"),
        "R-LAW-02": (False, "repealed"),
        "R-LAW-03": (True, "procedural"),
    }
    assert reasons(dt.date(2026, 4, 1), dt.date(2026, 3, 10)) == {
        "R-LAW-01": (False, "not_in_force"),
        "R-LAW-02": (True, "at_conduct"),
        "R-LAW-03": (False, "procedural_not_in_force"),
    }
    assert reasons(dt.date(2026, 9, 1), dt.date(2026, 7, 1))["R-LAW-01"] == (True, "at_conduct")
    assert reasons(dt.date(2026, 4, 1), dt.date(2009, 12, 31))["R-LAW-02"] == (False, "not_at_conduct")
    assert reasons(dt.date(2026, 9, 1), None) == {
        "R-LAW-01": (True, "no_conduct_date"),
        "R-LAW-02": (False, "no_conduct_date_not_in_force"),
        "R-LAW-03": (True, "procedural"),
    }


BAD_RULES = """rules:
  - id: R-BAD-01
    decision_point: DP-8
    title: Ends before it begins
    when: {fact: admits_facts}
    then: {require: [legal_assistance]}
    explanation: x
    sources: [{id: GC24, pinpoint: "para 1", verification: V}]
    in_force: {from: 2026-06-01, until: 2026-01-01, source: "Act (fictional)", effect: protective}
  - id: R-BAD-02
    decision_point: DP-8
    title: No source
    when: {fact: admits_facts}
    then: {require: [legal_assistance]}
    explanation: x
    sources: [{id: GC24, pinpoint: "para 1", verification: V}]
    in_force: {from: 2026-06-01, effect: protective}
  - id: R-BAD-03
    decision_point: DP-8
    title: Substantive without an effect
    when: {fact: admits_facts}
    then: {require: [legal_assistance]}
    explanation: x
    sources: [{id: GC24, pinpoint: "para 1", verification: V}]
    in_force: {from: 2026-06-01, source: "Act (fictional)"}
  - id: R-BAD-04
    decision_point: DP-8
    title: Called restrictive, but it only protects
    when: {fact: admits_facts}
    then: {require: [legal_assistance]}
    explanation: x
    sources: [{id: GC24, pinpoint: "para 1", verification: V}]
    in_force: {from: 2026-06-01, source: "Act (fictional)", effect: restrictive}
"""


def test_pathway_check_refuses_bad_validity_periods_with_their_lines(tmp_path):
    knowledge = small_copy_with(tmp_path)
    (knowledge / "rules" / "bad.yaml").write_text(BAD_RULES, encoding="utf-8")
    out = CliRunner().invoke(main, ["check", "--knowledge", str(knowledge)])
    assert out.exit_code != 0
    text = " ".join(out.output.split())
    assert "bad.yaml:9 [R-BAD-01]" in text and "'until' (2026-01-01) is before 'from' (2026-06-01)" in text
    assert "bad.yaml:17 [R-BAD-02] field 'rules.1.in_force.source'" in text
    assert "bad.yaml:25 [R-BAD-03]" in text and "needs 'effect: protective' or 'effect: restrictive'" in text
    assert "bad.yaml:26 [R-BAD-04]" in text and "this one concludes none: it is 'protective'" in text


CASE = """jurisdiction: lowland
reference_date: 2026-09-01
conduct_date: 2026-03-10
answers: {age_at_conduct: 15, conduct: expression, admits_facts: true}
"""


def test_the_json_and_the_text_say_which_rules_applied(tmp_path):
    knowledge = small_copy_with(tmp_path, layer=DATED)
    case = tmp_path / "case.yaml"
    case.write_text(CASE, encoding="utf-8")
    out = CliRunner().invoke(main, ["assess", str(case), "--knowledge", str(knowledge), "--json"])
    assert out.exit_code == 0, out.output
    found = {r["rule"]: r for r in json.loads(out.output)["rules_in_force"]}
    assert found["R-LAW-01"] == {
        "rule": "R-LAW-01",
        "applies": True,
        "since": "2026-06-01",
        "until": None,
        "source": "Lowland Children (Legal Aid) Act 2026, s 2 (fictional)",
        "law": "substantive",
        "effect": "protective",
        "reason": "later_favourable",
        "why": "protective rule: in force after the conduct, by the decision - the later law, more favourable to the child, applies",
    }
    assert (found["R-LAW-02"]["applies"], found["R-LAW-02"]["until"]) == (False, "2026-05-31")
    text = " ".join(CliRunner().invoke(main, ["assess", str(case), "--knowledge", str(knowledge)]).output.split())
    assert "RULES IN FORCE FOR A PERIOD" in text
    assert (
        "R-LAW-02 (not applied): in force from 2010-01-01 until 2026-05-31 (Lowland Security Act 2010, s 9, repealed by"
        " the Children Act 2026 (fictional)); restrictive rule: no longer in force on the date of the decision" in text
    )


# ------------------------------------------------------------------ properties

days = st.integers(0, 40 * 365).map(lambda n: dt.date(2000, 1, 1) + dt.timedelta(days=n))
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)


@PROPERTY
@given(days, days)
def test_a_more_favourable_later_rule_is_applied_when_the_act_predates_it(dated_kb, a, b):
    conduct, decided = min(a, b), max(a, b)
    answers = {"age_at_conduct": 16, "conduct": "expression", "admits_facts": False}
    protected = assess_typed(dated_kb, answers, "lowland", noon(decided), conduct_date=conduct)
    # The safeguard of 1 June 2026 applies whenever the case is decided from that day, even for an earlier act.
    assert (("require", "legal_assistance") in protected.measure_pairs()) == (decided >= NEW_SAFEGUARD)
    violent = assess_typed(
        dated_kb,
        {**answers, "conduct": "violence", "admits_facts": True},
        "lowland",
        noon(decided),
        conduct_date=conduct,
    )
    # The restrictive rule applies only to an act from its entry into force, decided before its repeal.
    in_force_throughout = dt.date(2010, 1, 1) <= conduct and decided <= REPEALED
    assert (("recommend", "prosecution") in violent.measure_pairs()) == in_force_throughout


@st.composite
def validities(draw):
    start = draw(days)
    until = draw(st.one_of(st.none(), days.filter(lambda d: d >= start)))
    law = draw(st.sampled_from(["substantive", "procedural"]))
    effect = draw(st.sampled_from(["protective", "restrictive"])) if law == "substantive" else None
    return InForce.model_validate({"from": start, "until": until, "source": "s", "law": law, "effect": effect})


@PROPERTY
@given(validities(), days, days, days)
def test_moving_the_decision_later_keeps_a_safeguard_and_never_revives_a_restriction(dated_kb, period, a, b, c):
    from engine.run.law_in_force import _rule_applies

    conduct, decided, later = sorted((a, b, c))
    applies, _ = _rule_applies(period, decided, conduct)
    applies_later, _ = _rule_applies(period, later, conduct)
    in_force_on = [period.covers(conduct + dt.timedelta(days=n)) for n in range((decided - conduct).days + 1)]
    if period.law == "procedural":
        assert applies == period.covers(decided)
    elif period.effect == "protective":
        assert applies == any(in_force_on)
        assert applies_later or not applies  # a later decision keeps every safeguard found in force
    else:
        assert applies == all(in_force_on)
        assert applies or not applies_later  # a later decision never brings back a restriction


def test_a_batch_assesses_each_case_under_the_rules_in_force_for_it(tmp_path):
    knowledge = small_copy_with(tmp_path, layer=DATED)
    answers = {"age_at_conduct": 16, "conduct": "violence", "admits_facts": True}
    source, out = tmp_path / "cases.jsonl", tmp_path / "results.jsonl"
    lines = [
        {"jurisdiction": "lowland", "reference_date": day, "conduct_date": "2025-11-20", "answers": answers}
        for day in ("2026-03-01", "2026-09-01")
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    done = CliRunner().invoke(main, ["batch", str(source), "--out", str(out), "--knowledge", str(knowledge)])
    assert done.exit_code == 0, done.output
    before, after = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    assert "R-LAW-02" in before["rules"] and "recommend:prosecution" in before["measures"]
    assert "R-LAW-02" not in after["rules"] and "recommend:prosecution" not in after["measures"]
    assert "R-LAW-03" in after["rules"] and "R-LAW-03" not in before["rules"]
