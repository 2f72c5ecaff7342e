"""Replay a case rule firing by rule firing, in the order experta really fired the rules.

`replay(assessment)` needs an assessment computed by experta (`assess_typed(..., engine="experta")`),
whose `experta_order` is the engine's real firing order. Each step says which facts were present
when the rule fired (every answer, and the derived facts earlier firings had set), which of them
the rule read, what it concluded and on what authority.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.run.explanation import TraceStep
from engine.run.session import Assessment


class NotReplayableError(ValueError):
    """The assessment was not computed by experta, so there is no real firing order to replay."""


@dataclass(frozen=True)
class Step:
    number: int  # 1-based
    trace: TraceStep
    derived_before: tuple[str, ...]  # derived facts set by earlier firings
    measures_before: tuple[tuple[str, str], ...]  # measures concluded by earlier firings


def replay(assessment: Assessment) -> list[Step]:
    """The firings of the case in experta's order."""
    if assessment.engine != "experta":
        raise NotReplayableError("the assessment was computed by the compiled evaluator; ask for engine='experta'")
    by_rule = {step.rule_id: step for step in assessment.trace}
    derived: list[str] = []
    measures: list[tuple[str, str]] = []
    steps = []
    for number, rule_id in enumerate(assessment.experta_order, start=1):
        trace = by_rule[rule_id]
        steps.append(Step(number, trace, tuple(derived), tuple(measures)))
        derived += [name for name in trace.sets if name not in derived]
        measures += [pair for pair in trace.conclusions if pair not in measures]
    return steps
