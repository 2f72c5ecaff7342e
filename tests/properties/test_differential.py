"""experta (the engine of record) and the direct three-valued evaluator agree, case by case.

10,000 generated cases over the shipped knowledge base and every jurisdiction profile: half
with every question answered at random, half produced by walking the interview (answering the
next relevant question at random until it is complete). Any disagreement prints the case. The
legal invariants of test_invariants.py are checked on the same 10,000 experta results.
"""

from __future__ import annotations

import random

import pytest

from engine.run.evaluator import evaluate_case
from engine.run.session import engine_for, program_for
from tests.case_generation import NOW, random_full_case, random_walk_case
from tests.properties.test_invariants import invariant_violations

CASES = 10_000
WALK_SHARE = 0.5


def _compare_fast(kb, jurisdiction, answers) -> str | None:
    program = program_for(kb, jurisdiction)
    reference = evaluate_case(program, answers, NOW)
    fast = program.compiled.evaluate(answers, NOW)
    if fast.fired != reference.fired() or fast.derived != reference.derived:
        return f"compiled evaluator: {fast.fired} vs direct {reference.fired()}"
    if fast.undecided != sum(value is None for value in reference.status.values()):
        return "compiled evaluator: undecided rules differ"
    # The session decides relevance from the compiled evaluator's statuses: every rule must agree.
    if program.compiled.evaluation(answers, NOW) != reference:
        return "compiled evaluator: rule statuses differ"
    return None


def _compare_state(kb, jurisdiction, answers) -> str | None:
    """An interview state (answers so far): experta's conclusions equal the provisional ones."""
    program = program_for(kb, jurisdiction)
    run = engine_for(program).assess(answers, NOW)
    reference = evaluate_case(program, answers, NOW)
    if set(run.fired) != set(reference.fired()):
        return f"interview state: experta {sorted(run.fired)} vs direct {sorted(reference.fired())}"
    return None


def _compare(kb, jurisdiction, answers) -> str | None:
    program = program_for(kb, jurisdiction)
    run = engine_for(program).assess(answers, NOW)
    broken = invariant_violations(kb, answers, jurisdiction, run.measures, complete=True)
    if broken:
        return "invariants broken: " + "; ".join(broken)
    reference = evaluate_case(program, answers, NOW)
    expected_measures = {pair for rid in reference.fired() for pair in kb.rules[rid].spec.then.measures()}
    expected_derived = {k: v for k, v in reference.derived.items() if v is not None}
    if set(run.fired) != set(reference.fired()) or run.measures != expected_measures:
        return f"rules: experta {sorted(run.fired)} vs direct {sorted(reference.fired())}"
    if {k: v for k, v in run.derived.items() if k in expected_derived} != expected_derived:
        return f"derived facts differ: {run.derived} vs {expected_derived}"
    return None


@pytest.mark.slow  # about 150 s on one core; CI still runs it (`make test` selects every marker)
def test_experta_and_direct_evaluation_agree_and_invariants_hold_on_10000_cases(kb):
    rng = random.Random(20261129)
    profiles = sorted(kb.jurisdictions)
    disagreements = []
    walks = int(CASES * WALK_SHARE)
    for index in range(CASES):
        jurisdiction = profiles[index % len(profiles)]
        answers = random_walk_case(kb, rng, jurisdiction) if index < walks else random_full_case(kb, rng)
        difference = _compare(kb, jurisdiction, answers) or _compare_fast(kb, jurisdiction, answers)
        if difference:
            disagreements.append((jurisdiction, answers, difference))
        if index < walks:
            for size in range(len(answers)):
                state = dict(list(answers.items())[:size])
                difference = _compare_fast(kb, jurisdiction, state)
                if not difference and index % 50 == 0:
                    difference = _compare_state(kb, jurisdiction, state)
                if difference:
                    disagreements.append((jurisdiction, state, difference))
    assert not disagreements, f"{len(disagreements)} disagreement(s); first: {disagreements[0]}"
