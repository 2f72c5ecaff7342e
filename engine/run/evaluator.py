"""Direct three-valued evaluation of the bound rule base, and what is still relevant to ask.

This is the reference semantics the experta compilation must agree with (a differential test
checks it), and the fast path for relevance: a question is relevant while some undecided rule
still depends on it once the answers given are taken into account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from engine.load.conditions import AnyOf, Atom, Condition, Const, Not, evaluate
from engine.run.program import Program


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


def holds(
    program: Program,
    condition: Condition,
    answers: Mapping[str, Any],
    derived: Mapping[str, bool | None],
    now: dt.datetime,
) -> bool | None:
    """Three-valued truth of a condition over a case's answers and derived facts (for example
    when a point left to judgement arises: `applies_when`)."""

    def leaf(atom: Atom) -> bool | None:
        if atom.name in program.derived:
            return derived.get(atom.name)
        if atom.name not in answers:
            return None
        return atom.test(answers[atom.name], now)

    return evaluate(program.bind(condition), leaf)


NOTHING: frozenset[str] = frozenset()


def rules_mentioning(program: Program) -> dict[str, list[str]]:
    """For each fact, the rules (program order) whose condition mentions it, directly or through
    the derived facts and rules it refers to: the only rules that can be waiting on it (kept as
    `Program.rules_mentioning`)."""
    reach: dict[str, frozenset[str]] = {}

    def names(node: Condition) -> set[str]:
        if isinstance(node, Atom):
            if node.kind == "rule":
                return set(of_rule(node.name))
            if node.name in program.derived:
                return {node.name}.union(*(of_rule(r) for r in program.derived[node.name]))
            return {node.name}
        if isinstance(node, Not):
            return names(node.item)
        if isinstance(node, Const):
            return set()
        return set().union(*(names(item) for item in node.items))

    def of_rule(rule_id: str) -> frozenset[str]:
        if rule_id not in reach:
            reach[rule_id] = frozenset(names(program.effective[rule_id]))  # the program has no cycles
        return reach[rule_id]

    found = {}
    for rule in program.ordered_rules:
        for name in sorted(of_rule(rule.id)):
            found.setdefault(name, []).append(rule.id)
    return found


class Relevance:
    """Which unanswered questions can still change which rules apply, and why.

    A question matters while it occurs in an undecided rule's condition below nothing but
    undecided nodes: a false conjunct or a true disjunct already decides its parent. Derived
    facts and exceptions are followed into the rules behind them. This is the same as looking
    for the question in the residual condition (answers substituted and simplified).

    A follow-up (a question with `ask_when`, the date of an event) is asked only while its
    condition holds; it then waits on the rules that read it and on the applied rules whose
    deadline it dates (`Program.dating_rules`), so "when?" is asked only where a time limit needs
    it. Its condition reads answers asked before it, so the replay in asking order still works.
    """

    def __init__(
        self,
        program: Program,
        answers: Mapping[str, Any],
        now: dt.datetime,
        evaluation: Evaluation,
        scope: frozenset[str] | None = None,
    ):
        """`scope`: the rules whose conclusions matter (a hearing's); None: every rule."""
        self.program, self.answers, self.now, self.evaluation = program, answers, now, evaluation
        self.scope = scope
        self._memo: dict[str, frozenset[str]] = {}

    def _counts(self, rule_id: str) -> bool:
        return self.evaluation.status[rule_id] is None and (self.scope is None or rule_id in self.scope)

    def _scan(self, node: Condition) -> tuple[bool | None, frozenset[str]]:
        if isinstance(node, Atom):
            return self._atom(node)
        if isinstance(node, Const):
            return node.value, NOTHING
        if isinstance(node, Not):
            value, found = self._scan(node.item)
            return (None if value is None else not value), found
        decisive = isinstance(node, AnyOf)  # the child value that decides the parent
        found: set[str] = set()
        undecided = False
        for item in node.items:
            value, below = self._scan(item)
            if value is decisive:
                return decisive, NOTHING
            if value is None:
                undecided = True
                found |= below
        return (None, frozenset(found)) if undecided else (not decisive, NOTHING)

    def _atom(self, atom: Atom) -> tuple[bool | None, frozenset[str]]:
        if atom.kind == "rule":
            value = self.evaluation.status[atom.name]
            return value, (self.rule_questions(atom.name) if value is None else NOTHING)
        if atom.name in self.program.derived:
            value = self.evaluation.derived[atom.name]
            return value, (self._fact_questions(atom.name) if value is None else NOTHING)
        if atom.name in self.answers:
            return atom.test(self.answers[atom.name], self.now), NOTHING
        return None, frozenset((atom.name,))

    def rule_questions(self, rule_id: str) -> frozenset[str]:
        """The unanswered questions that can still decide this (undecided) rule."""
        key = "rule:" + rule_id
        if key not in self._memo:
            self._memo[key] = self._scan(self.program.effective[rule_id])[1]
        return self._memo[key]

    def _fact_questions(self, name: str) -> frozenset[str]:
        key = "fact:" + name
        if key not in self._memo:
            undecided = [r for r in self.program.derived[name] if self.evaluation.status[r] is None]
            self._memo[key] = frozenset().union(*(self.rule_questions(r) for r in undecided))
        return self._memo[key]

    def _waiting_on(self, question_id: str) -> Iterator[str]:
        for rule_id in self.program.rules_mentioning.get(question_id, ()):
            if self._counts(rule_id) and question_id in self.rule_questions(rule_id):
                yield rule_id

    def _follow_up(self, question_id: str) -> list[str]:
        """The rules a follow-up waits on (none while its condition does not hold)."""
        if question_id in self.answers:
            return []
        rules = list(self._waiting_on(question_id))
        for rule_id in self.program.dating_rules.get(question_id, ()):
            in_scope = self.scope is None or rule_id in self.scope
            if in_scope and self.evaluation.status[rule_id] is True and rule_id not in rules:
                rules.append(rule_id)
        condition = self.program.kb.ask_when[question_id]
        if not rules or holds(self.program, condition, self.answers, self.evaluation.derived, self.now) is not True:
            return []
        return rules

    def waiting_on(self, question_id: str) -> list[str]:
        """The rules in scope (program order) the (unanswered) question can still decide, or dates."""
        if question_id in self.program.kb.ask_when:
            return self._follow_up(question_id)
        return list(self._waiting_on(question_id))

    def asks(self, question_id: str) -> bool:
        """Whether the (unanswered) question can still decide some undecided rule (or date a deadline)."""
        if question_id in self.program.kb.ask_when:
            return bool(self._follow_up(question_id))
        return next(self._waiting_on(question_id), None) is not None

    def waiting(self) -> dict[str, list[str]]:
        """Each relevant unanswered question with the rules waiting on it."""
        follow_ups = self.program.kb.ask_when
        result: dict[str, list[str]] = {}
        for rule in self.program.ordered_rules:
            if self._counts(rule.id):
                for question_id in sorted(self.rule_questions(rule.id)):
                    if question_id not in follow_ups:
                        result.setdefault(question_id, []).append(rule.id)
        for question_id in follow_ups:
            rules = self._follow_up(question_id)
            if rules:
                result[question_id] = rules
        return result
