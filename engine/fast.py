"""The direct evaluator compiled to one Python function per program: the bulk path.

`engine.evaluator.evaluate_case` walks condition trees for every case; for batches and
explorations the same three-valued semantics is generated once as straight Python code over
the bound conditions (answers read once, each rule's status one expression). Kleene logic is
encoded as integers: 0 false, 1 undecided, 2 true, so `all` is `min`, `any` is `max` and `not`
is `2 - x`. The differential test checks this function against `evaluate_case` and experta.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import UNKNOWN, All, AnyOf, Atom, Condition, Const, Not, elapsed
from .program import Program

_MISSING = object()
_OPERATORS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
VALUES: tuple[bool | None, bool | None, bool | None] = (False, None, True)


@dataclass(frozen=True)
class FastResult:
    """Status of every rule (program order), derived facts, conclusions of one case."""

    fired: tuple[str, ...]
    measures: frozenset[tuple[str, str]]
    derived: dict[str, bool | None]
    undecided: int  # rules still undecided: 0 when the case is complete

    @property
    def complete(self) -> bool:
        return self.undecided == 0


class FastEvaluator:
    """`evaluate(answers, now)` for one program, generated as Python source and compiled once."""

    def __init__(self, program: Program):
        self.program = program
        self.rules = [rule.id for rule in program.ordered_rules]
        self.facts = sorted(program.derived)
        self._constants: dict[str, Any] = {"_M": _MISSING, "UNKNOWN": UNKNOWN}
        self._questions: dict[str, str] = {}
        self._elapsed: dict[tuple[str, str], str] = {}
        rule_var = {rid: f"s{i}" for i, rid in enumerate(self.rules)}
        fact_var = {name: f"d{i}" for i, name in enumerate(self.facts)}
        self._rule_var, self._fact_var = rule_var, fact_var
        body: list[str] = []
        emitted_facts: set[str] = set()
        for rule in program.ordered_rules:
            for name in self._facts_read(program.effective[rule.id]):
                if name not in emitted_facts:
                    emitted_facts.add(name)
                    body.append(self._fact_line(name))
            body.append(f"    {rule_var[rule.id]} = {self._expr(program.effective[rule.id])}")
        for name in self.facts:
            if name not in emitted_facts:
                body.append(self._fact_line(name))
        reads = [f"    {var} = answers.get({qid!r}, _M)" for qid, var in self._questions.items()]
        self._constants["elapsed"] = elapsed
        for (qid, unit), var in self._elapsed.items():
            answer = self._questions[qid]
            reads.append(
                f"    {var} = None if {answer} is _M or {answer} is UNKNOWN else elapsed({answer}, now, {unit!r})"
            )
        statuses = ", ".join(rule_var[r] for r in self.rules)
        facts = ", ".join(fact_var[f] for f in self.facts)
        # Constants as default arguments: local lookups instead of global ones.
        names = ", ".join(f"{name}={name}" for name in ["min", "max", *self._constants])
        source = "\n".join(
            [
                f"def evaluate(answers, now, *, {names}):",
                *reads,
                *body,
                f"    return ({statuses},), ({facts},)",
            ]
        )
        self.source = source
        namespace = {"min": min, "max": max, **self._constants}
        exec(compile(source, f"<fast evaluator {program.profile.id}>", "exec"), namespace)  # noqa: S102 (generated from validated conditions)
        self._evaluate: Callable = namespace["evaluate"]
        rules = program.kb.rules
        self._measures = [frozenset(rules[rid].spec.then.measures()) for rid in self.rules]

    def _facts_read(self, node: Condition) -> list[str]:
        found: list[str] = []
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, Atom):
                if item.kind == "fact" and item.name in self.program.derived:
                    found.append(item.name)
            elif isinstance(item, (All, AnyOf)):
                stack.extend(item.items)
            elif isinstance(item, Not):
                stack.append(item.item)
        return found

    def _fact_line(self, name: str) -> str:
        setters = [self._rule_var[r] for r in self.program.derived[name]]
        value = setters[0] if len(setters) == 1 else f"max({', '.join(setters)})"
        return f"    {self._fact_var[name]} = {value}"

    def _constant(self, value: Any) -> str:
        name = f"c{len(self._constants)}"
        self._constants[name] = value
        return name

    def _expr(self, node: Condition) -> str:
        if isinstance(node, Const):
            return "2" if node.value else "0"
        if isinstance(node, Not):
            return f"(2 - {self._expr(node.item)})"
        if isinstance(node, (All, AnyOf)):
            items = ", ".join(self._expr(item) for item in node.items)
            return f"{'min' if isinstance(node, All) else 'max'}({items})"
        return self._atom(node)

    def _atom(self, atom: Atom) -> str:
        if atom.kind == "rule":
            return self._rule_var[atom.name]
        if atom.name in self.program.derived:
            return self._fact_var[atom.name]
        var = self._questions.setdefault(atom.name, f"a{len(self._questions)}")
        test = self._test(atom, var)
        return f"(1 if {var} is _M else 2 if {test} else 0)"

    def _test(self, atom: Atom, v: str) -> str:
        """A Python expression equal to `atom.test(v, now)` for a present answer."""
        if atom.kind == "unknown":
            return f"{v} is UNKNOWN"
        if atom.kind == "fact":
            return f"{v} is True"
        rhs = atom.operand.value if atom.operand is not None else None
        if atom.kind == "compare" and isinstance(rhs, str) and atom.op == "eq":
            return f"{v} == {rhs!r}"  # UNKNOWN and booleans never equal a string
        if atom.kind == "compare" and isinstance(rhs, bool) and atom.op in ("eq", "ne"):
            return f"{v} is {rhs!r}" if atom.op == "eq" else f"({v} is not UNKNOWN and {v} is not {rhs!r})"
        if atom.kind == "compare" and atom.op == "in" and all(isinstance(x, str) for x in rhs):
            return f"{v} in {self._constant(rhs)}"
        if atom.kind == "compare" and atom.op == "includes" and isinstance(rhs, str):
            return f"({v} is not UNKNOWN and {rhs!r} in {v})"
        if atom.kind == "compare" and atom.op == "includes_any" and all(isinstance(x, str) for x in rhs):
            return f"({v} is not UNKNOWN and not {v}.isdisjoint({self._constant(rhs)}))"
        number = isinstance(rhs, (int, float)) and not isinstance(rhs, bool)
        if atom.kind == "compare" and number and atom.op in _OPERATORS:
            # A yes/no answer never compares with a number (True == 1 in Python).
            return (
                f"({v} is not UNKNOWN and {v} is not True and {v} is not False and {v} {_OPERATORS[atom.op]} {rhs!r})"
            )
        if atom.kind == "elapsed" and number and atom.op in _OPERATORS:
            since = self._elapsed.setdefault((atom.name, atom.unit), f"e{len(self._elapsed)}")
            return f"({v} is not UNKNOWN and {since} {_OPERATORS[atom.op]} {rhs!r})"
        # Anything else: the atom's own test (exact by construction).
        test = self._constant(atom.test)
        return f"{test}({v}, now)"

    def statuses(self, answers: Mapping[str, Any], now: dt.datetime) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Raw codes (0 false, 1 undecided, 2 true) of every rule (program order) and derived fact."""
        return self._evaluate(answers, now)

    def evaluate(self, answers: Mapping[str, Any], now: dt.datetime) -> FastResult:
        rules, facts = self._evaluate(answers, now)
        fired = tuple(rid for rid, code in zip(self.rules, rules, strict=True) if code == 2)
        measures = frozenset().union(*(m for m, code in zip(self._measures, rules, strict=True) if code == 2))
        derived = {name: VALUES[code] for name, code in zip(self.facts, facts, strict=True)}
        return FastResult(fired, measures, derived, rules.count(1))


def fast_evaluator(program: Program) -> FastEvaluator:
    """The compiled evaluator of a program, built once per program."""
    found = program.__dict__.get("_fast_evaluator")
    if found is None:
        found = program.__dict__["_fast_evaluator"] = FastEvaluator(program)
    return found
