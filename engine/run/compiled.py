"""The compiled evaluator: the rules of a program compiled to one Python function, the bulk path.

`engine.run.evaluator.evaluate_case` walks condition trees for every case; for batches and
explorations the same three-valued semantics is generated once as straight Python code over
the bound conditions (answers read once, each rule's status one expression). Kleene logic is
encoded as integers, 0 false, 1 undecided, 3 true, so that `all` is bitwise `&` and `any` is
bitwise `|` (no function call anywhere); conditions are in negation normal form, so `not` is
written into the atom tests. The differential test checks this function against `evaluate_case` and experta.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from itertools import chain, compress
from typing import Any

from engine.load.conditions import UNKNOWN, All, AnyOf, Atom, Condition, Const, Not, elapsed, to_nnf
from engine.run.evaluator import Evaluation
from engine.run.program import Program

_MISSING = object()
_OPERATORS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
FALSE, UNDECIDED, TRUE = 0, 1, 3
VALUES: tuple[bool | None, ...] = (False, None, None, True)
NEGATE = (3, 1, 1, 0)
_APPLIES = bytes(1 if code == TRUE else 0 for code in range(256))  # a bytes.translate table


class CompiledResult:
    """The conclusions of one case: rules that apply (program order), measures, derived facts."""

    __slots__ = ("_facts", "_names", "fired", "measures", "undecided")

    def __init__(self, fired: list[str], measures: set[tuple[str, str]], undecided: int, facts, names):
        self.fired, self.measures, self.undecided = fired, measures, undecided  # undecided: rules not yet decided
        self._facts, self._names = facts, names

    @property
    def complete(self) -> bool:
        return self.undecided == 0

    @property
    def derived(self) -> dict[str, bool | None]:
        return {name: VALUES[code] for name, code in zip(self._names, self._facts, strict=True)}


class CompiledEvaluator:
    """`evaluate(answers, now)` for one program, generated as Python source and compiled once."""

    def __init__(self, program: Program):
        self.program = program
        self.rules = [rule.id for rule in program.ordered_rules]
        self.facts = sorted(program.derived)
        self._constants: dict[str, Any] = {"_M": _MISSING, "UNKNOWN": UNKNOWN, "NEGATE": NEGATE}
        self._constant_names: dict[tuple, str] = {}
        self._questions: dict[str, str] = {}
        self._elapsed: dict[tuple[str, str], str] = {}
        rule_var = {rid: f"s{i}" for i, rid in enumerate(self.rules)}
        fact_var = {name: f"d{i}" for i, name in enumerate(self.facts)}
        self._rule_var, self._fact_var = rule_var, fact_var
        body: list[str] = []
        emitted_facts: set[str] = set()
        # Each distinct test of an answer is computed once, into a local, before the first rule that reads it.
        self._tests: dict[str, str] = {}
        self._pending: list[str] = []
        for rule in program.ordered_rules:
            for name in self._facts_read(program.effective[rule.id]):
                if name not in emitted_facts:
                    emitted_facts.add(name)
                    body.append(self._fact_line(name))
            expression = self._expr(to_nnf(program.effective[rule.id]))
            body += self._pending
            self._pending.clear()
            body.append(f"    {rule_var[rule.id]} = {expression}")
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
        # Two functions over the same body: raw codes (batches) and named truth values
        # (interview pages), the dictionaries built as literals rather than zipped afterwards.
        self._constants["V"] = VALUES
        named_rules = ", ".join(f"{rid!r}: V[{rule_var[rid]}]" for rid in self.rules)
        named_facts = ", ".join(f"{name!r}: V[{fact_var[name]}]" for name in self.facts)
        # Constants as default arguments: local lookups instead of global ones.
        names = ", ".join(f"{name}={name}" for name in self._constants)
        source = "\n".join(
            [
                f"def evaluate(answers, now, *, {names}):",
                *reads,
                *body,
                f"    return ({statuses},), ({facts},)",
                f"def evaluate_named(answers, now, *, {names}):",
                *reads,
                *body,
                f"    return {{{named_rules}}}, {{{named_facts}}}",
            ]
        )
        self.source = source
        namespace = dict(self._constants)
        exec(compile(source, f"<fast evaluator {program.profile.id}>", "exec"), namespace)  # noqa: S102 (generated from validated conditions)
        self._evaluate: Callable = namespace["evaluate"]
        self._evaluate_named: Callable = namespace["evaluate_named"]
        rules = program.kb.rules
        self._measures = [tuple(rules[rid].spec.then.measures()) for rid in self.rules]

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
        value = " | ".join(setters)
        return f"    {self._fact_var[name]} = {value}"

    def _constant(self, value: Any) -> str:
        """A name for the value, one per distinct value (so that equal tests read as equal and are computed once)."""
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        try:
            name = self._constant_names.get(key)
        except TypeError:  # unhashable: a name of its own
            key, name = None, None
        if name is None:
            name = f"c{len(self._constants)}"
            self._constants[name] = value
            if key is not None:
                self._constant_names[key] = name
        return name

    def _expr(self, node: Condition) -> str:
        if isinstance(node, Const):
            return "3" if node.value else "0"
        if isinstance(node, Not):  # in negation normal form: directly above an atom
            return self._atom(node.item, negated=True)
        if isinstance(node, (All, AnyOf)):
            return "(" + (" & " if isinstance(node, All) else " | ").join(self._expr(item) for item in node.items) + ")"
        return self._atom(node)

    def _atom(self, atom: Atom, negated: bool = False) -> str:
        if atom.kind == "rule" or atom.name in self.program.derived:
            var = self._rule_var[atom.name] if atom.kind == "rule" else self._fact_var[atom.name]
            return f"NEGATE[{var}]" if negated else var
        var = self._questions.setdefault(atom.name, f"a{len(self._questions)}")
        test = self._test(atom, var)
        yes, no = (0, 3) if negated else (3, 0)
        expression = f"(1 if {var} is _M else {yes} if {test} else {no})"
        local = self._tests.get(expression)
        if local is None:
            local = self._tests[expression] = f"t{len(self._tests)}"
            self._pending.append(f"    {local} = {expression}")
        return local

    def _test(self, atom: Atom, v: str) -> str:
        """A Python expression equal to `atom.test(v, now)` for a present answer."""
        if atom.kind == "unknown":
            return f"{v} is UNKNOWN"
        if atom.kind == "fact":
            return f"{v} is True"
        rhs = atom.operand.value if atom.operand is not None else None
        if atom.kind == "compare" and isinstance(rhs, str) and atom.op == "eq":
            return f"{v} == {rhs!r}"  # UNKNOWN and booleans never equal a string
        if atom.kind == "compare" and isinstance(rhs, str) and atom.op == "ne":
            return f"({v} is not UNKNOWN and {v} != {rhs!r})"
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
        """Raw codes (0 false, 1 undecided, 3 true) of every rule (program order) and derived fact."""
        return self._evaluate(answers, now)

    def evaluation(self, answers: Mapping[str, Any], now: dt.datetime) -> Evaluation:
        """The same `Evaluation` as `engine.run.evaluator.evaluate_case` (status of every rule, derived facts)."""
        return Evaluation(*self._evaluate_named(answers, now))

    def evaluate(self, answers: Mapping[str, Any], now: dt.datetime) -> CompiledResult:
        rules, facts = self._evaluate(answers, now)
        codes = bytes(rules)
        applies = codes.translate(_APPLIES)  # in C: 1 where a rule applies, else 0
        fired = list(compress(self.rules, applies))
        measures = set(chain.from_iterable(compress(self._measures, applies)))
        return CompiledResult(fired, measures, codes.count(UNDECIDED), facts, self.facts)
