"""Direct three-valued evaluation of the bound rule base, and what is still relevant to ask.

This is the reference semantics the experta compilation must agree with (a differential test
checks it), and the fast path for relevance: a question is relevant while some undecided rule
still depends on it once the answers given are taken into account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import Atom, Condition, Const, atoms, disjoin, evaluate, transform
from .program import Program


@dataclass(frozen=True)
class Evaluation:
    """Status of every rule (True applies, False does not, None undecided) and the derived facts."""

    status: dict[str, bool | None]
    derived: dict[str, bool | None]

    def fired(self) -> list[str]:
        return [rid for rid, value in self.status.items() if value is True]


def evaluate_case(program: Program, answers: Mapping[str, Any], now: dt.datetime) -> Evaluation:
    """Evaluate every rule in stratum order; derived facts are the Kleene OR of their setters."""
    status: dict[str, bool | None] = {}
    derived: dict[str, bool | None] = {}

    def derived_value(name: str) -> bool | None:
        if name not in derived:
            values = [status[r] for r in program.derived[name]]
            derived[name] = True if True in values else None if None in values else False
        return derived[name]

    def leaf(atom: Atom) -> bool | None:
        if atom.kind == "rule":
            return status[atom.name]
        if atom.name in program.derived:
            return derived_value(atom.name)
        if atom.name not in answers:
            return None
        return atom.test(answers[atom.name], now)

    for rule in program.ordered_rules:
        status[rule.id] = evaluate(program.effective[rule.id], leaf)
    for name in program.derived:
        derived_value(name)
    return Evaluation(status, derived)


class Relevance:
    """Which unanswered questions can still change which rules apply, and why."""

    def __init__(self, program: Program, answers: Mapping[str, Any], now: dt.datetime, evaluation: Evaluation):
        self.program, self.answers, self.now, self.evaluation = program, answers, now, evaluation
        self._derived: dict[str, Condition] = {}
        self._rules: dict[str, Condition] = {}

    def _leaf(self, atom: Atom) -> Condition:
        if atom.kind == "rule":
            return self.residual(atom.name)
        if atom.name in self.program.derived:
            return self._derived_residual(atom.name)
        if atom.name in self.answers:
            return Const(atom.test(self.answers[atom.name], self.now))
        return atom

    def _derived_residual(self, name: str) -> Condition:
        if name not in self._derived:
            self._derived[name] = disjoin([self.residual(r) for r in self.program.derived[name]])
        return self._derived[name]

    def residual(self, rule_id: str) -> Condition:
        """The rule's condition with everything answered filled in and simplified."""
        if rule_id not in self._rules:
            if self.evaluation.status[rule_id] is not None:
                self._rules[rule_id] = Const(self.evaluation.status[rule_id])
            else:
                self._rules[rule_id] = transform(self.program.effective[rule_id], self._leaf)
        return self._rules[rule_id]

    def waiting(self) -> dict[str, list[str]]:
        """Each relevant unanswered question with the undecided rules waiting on it."""
        result: dict[str, list[str]] = {}
        for rule in self.program.ordered_rules:
            if self.evaluation.status[rule.id] is not None:
                continue
            for atom in atoms(self.residual(rule.id)):
                waiting = result.setdefault(atom.name, [])
                if rule.id not in waiting:
                    waiting.append(rule.id)
        return result
