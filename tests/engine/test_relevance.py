"""Only the questions that matter are asked; "why" names the rules waiting; stale answers are named."""

from __future__ import annotations

import datetime as dt
import random

from engine.load.conditions import UNKNOWN
from engine.run.evaluator import Relevance, evaluate_case, holds
from engine.run.session import asked_question, assess_typed, dated_program, pending_questions
from tests.case_generation import random_walk_case

NOW = dt.datetime(2026, 3, 1, 12, 0)


def asked(kb, answers, jurisdiction="baseline"):
    return [q.question.id for q in assess_typed(kb, answers, jurisdiction, NOW).open_questions]


def test_the_first_question_follows_decision_point_order(small_kb):
    assert asked(small_kb, {})[0] == "age_at_conduct"


def test_questions_that_cannot_change_any_rule_are_not_asked(small_kb):
    # Below the MACR the diversion and prosecution rules are decided (false), and the alleged
    # violence already decides R-SAFE-01: whether the child admits the facts changes nothing.
    assert "admits_facts" in asked(small_kb, {"age_at_conduct": 15, "conduct": "violence"})
    assert asked(small_kb, {"age_at_conduct": 12, "conduct": "violence"}) == ["arrest_datetime"]


def test_why_lists_the_undecided_rules_waiting_on_the_answer(small_kb):
    result = assess_typed(small_kb, {"age_at_conduct": 15}, "baseline", NOW)
    why = {q.question.id: q.waiting_rules for q in result.open_questions}
    assert set(why["admits_facts"]) == {"R-DIV-01", "R-PROS-01", "R-SAFE-01"}
    assert why["arrest_datetime"] == ["R-PTD-01"]


def test_complete_when_every_rule_is_decided(small_kb):
    answers = {"age_at_conduct": 12, "conduct": "violence", "arrest_datetime": dt.datetime(2026, 3, 1, 8, 0)}
    result = assess_typed(small_kb, answers, "baseline", NOW)
    assert result.complete and result.next_question is None


def test_answers_that_no_longer_apply_are_named_not_dropped(small_kb):
    answers = {"age_at_conduct": 12, "admits_facts": True, "conduct": "violence"}
    result = assess_typed(small_kb, answers, "baseline", NOW)
    assert result.unused_answers == ["conduct"]  # the child admits: R-SAFE-01 no longer needs the conduct
    assert result.answers["conduct"] == "violence"


def test_unknown_age_is_a_final_answer_that_gives_the_benefit_of_the_doubt(small_kb):
    result = assess_typed(small_kb, {"age_at_conduct": UNKNOWN}, "baseline", NOW)
    assert ("require", "no_criminal_proceedings") in result.measure_pairs()
    assert "age_at_conduct" not in [q.question.id for q in result.open_questions]


def test_national_and_international_values_are_both_shown_where_they_differ(small_kb):
    result = assess_typed(small_kb, {"age_at_conduct": 13}, "lowland", NOW)
    gaps = {use.id: (use.national, use.international, rules) for use, rules in result.gaps}
    assert gaps["macr"] == (12, 14, ["R-MACR-02"])


def test_deadline_is_computed_from_the_answer_and_the_profile(small_kb):
    answers = {"age_at_conduct": 15, "conduct": "violence", "arrest_datetime": dt.datetime(2026, 2, 27, 10, 0)}
    baseline = assess_typed(small_kb, answers, "baseline", NOW)
    lowland = assess_typed(small_kb, answers, "lowland", NOW)
    due = {
        r.jurisdiction: next(m.deadline for m in r.measures if m.id == "appearance_before_judge")
        for r in (baseline, lowland)
    }
    assert due["baseline"].due == dt.datetime(2026, 2, 28, 10, 0) and due["baseline"].exceeded
    assert due["lowland"].due == dt.datetime(2026, 3, 1, 10, 0) and due["lowland"].exceeded


def test_the_one_pass_replay_equals_replaying_the_interview_step_by_step(kb):
    """unused_answers relies on relevance only shrinking as answers are added; check it against a literal replay."""
    import random

    from engine.analysis.generate import random_full_case
    from engine.run.evaluator import evaluate_case
    from engine.run.session import open_questions, program_for, unused_answers

    rng = random.Random(5)
    for jurisdiction in kb.jurisdictions:
        program = program_for(kb, jurisdiction)
        for _ in range(40):
            full = random_full_case(kb, rng)
            answers = {k: v for k, v in full.items() if rng.random() < 0.6}
            replayed: dict = {}
            while True:
                pending = [
                    q
                    for q in open_questions(kb, program, replayed, NOW, evaluate_case(program, replayed, NOW))
                    if q.question.id in answers
                ]
                if not pending:
                    break
                replayed[pending[0].question.id] = answers[pending[0].question.id]
            assert unused_answers(kb, program, answers, NOW) == [q for q in answers if q not in replayed]


def test_one_question_is_asked_exactly_as_the_interview_would_ask_it(kb):
    """`asked_question` (the question page) and `Relevance.asks` (the answers that no longer
    apply) look only at the rules that mention the question: the same answer as scanning every rule."""
    rng = random.Random(21)
    for jurisdiction in sorted(kb.jurisdictions):
        program = dated_program(kb, jurisdiction, NOW)[0]  # the law in force at NOW, as the interview uses
        for _ in range(15):
            walk = random_walk_case(kb, rng, jurisdiction)
            for size in range(0, len(walk) + 1, 3):
                answers = dict(list(walk.items())[:size])
                pending = {q.question.id: q.waiting_rules for q in pending_questions(kb, answers, jurisdiction, NOW)}
                evaluation = evaluate_case(program, answers, NOW)
                relevance = Relevance(program, answers, NOW, evaluation)
                for question_id in kb.questions:
                    if question_id in answers:
                        continue
                    found = asked_question(kb, answers, jurisdiction, NOW, question_id)
                    assert (found.waiting_rules if found else None) == pending.get(question_id), question_id
                    every_rule = any(
                        question_id in relevance.rule_questions(rule.id)
                        for rule in program.ordered_rules
                        if evaluation.status[rule.id] is None
                    )
                    if (
                        question_id in kb.ask_when
                    ):  # a follow-up: also the deadlines it dates, and only when its condition holds
                        dates = any(
                            rule.id in program.dating_rules.get(question_id, ())
                            for rule in program.ordered_rules
                            if evaluation.status[rule.id] is True
                        )
                        condition = holds(program, kb.ask_when[question_id], answers, evaluation.derived, NOW)
                        every_rule = (every_rule or dates) and condition is True
                    assert relevance.asks(question_id) == every_rule == (question_id in pending)
