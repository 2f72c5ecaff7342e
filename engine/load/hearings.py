"""The decisions a user prepares (hearings): which decision points each one needs, in asking order.

`knowledge/hearings.yaml` lists them. A case prepared for one hearing is asked only what can
change that hearing's conclusions: the rules of its decision points (and, through derived facts
and exceptions, the rules they read) decide which questions matter. Its decision points are
listed in asking order, age first, so an adult learns at once that the pathway does not apply.
Without a hearing (the whole pathway), every rule counts and the questions follow the same order.

A hearing may name the test the court applies there (`test`: the rule that applies when every
condition of the test holds, and the rules that bar the measure on their own; the conditions are
read from those rules' conditions, never listed twice) and the child-friendly procedure checklist
for it (`checklist`: measures, whose rules carry the sources). The bench card
(engine/render/bench_card.py) is drawn from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field

from engine.load.model import SNAKE, Strict

WHOLE_PATHWAY = "whole_pathway"


class HearingTest(Strict):
    """The test a court applies at a hearing, as rules of the knowledge: `rule` applies when every
    condition holds (its condition, conjunct by conjunct, is the test); each of `bars` rules the
    measure out on its own (e.g. an age floor), so "not barred" is a condition too."""

    title: str = Field(min_length=1)
    measure: str
    rule: str
    bars: list[str] = Field(default_factory=list)


class Hearing(Strict):
    """A decision at hand (e.g. the pre-trial detention hearing) and the decision points it needs."""

    id: str = Field(pattern=SNAKE)
    title: str = Field(min_length=1)
    summary: str | None = None
    who: str | None = None  # who usually prepares it (prosecutor, judge)
    decision_points: list[str] = Field(min_length=1)
    test: HearingTest | None = None
    checklist: list[str] = Field(default_factory=list)  # measures: the child-friendly procedure at this hearing

    def covers(self, point: str) -> bool:
        """Whether a decision point (or a sub-point of one listed) belongs to this hearing."""
        return any(point == listed or point.startswith(listed + ".") for listed in self.decision_points)

    def position(self, point: str) -> int:
        """Asking order of a decision point in this hearing (listed points in their order; others after)."""
        for index, listed in enumerate(self.decision_points):
            if point == listed or point.startswith(listed + "."):
                return index
        return len(self.decision_points)


def unknown_points(hearing: Hearing, decision_points: Iterable[str]) -> list[str]:
    """The decision points a hearing names that the knowledge base does not have."""
    known = set(decision_points)
    return [point for point in hearing.decision_points if point not in known]


def reference_problems(hearing: Hearing, rules: Mapping[str, Any], measures: Iterable[str]) -> list[tuple[str, str]]:
    """(field, message) for each measure or rule a hearing's checklist or test names that does not
    exist, and for a test rule that does not conclude the test's measure (a bar must prohibit it)."""
    measures = set(measures)
    found = [("checklist", f"unknown measure '{m}'") for m in hearing.checklist if m not in measures]
    test = hearing.test
    if test is None:
        return found
    if test.measure not in measures:
        found.append(("test.measure", f"unknown measure '{test.measure}'"))
    for field, rule_id, kinds in [
        ("test.rule", test.rule, ("flag", "recommend")),
        *(("test.bars", b, ("prohibit",)) for b in test.bars),
    ]:
        if rule_id not in rules:
            found.append((field, f"unknown rule '{rule_id}'"))
        elif not any((kind, test.measure) in rules[rule_id].spec.then.measures() for kind in kinds):
            found.append((field, f"rule '{rule_id}' does not {' or '.join(kinds)} '{test.measure}'"))
    return found
