"""The condition language of rules: parse, three-valued evaluation, simplification, plain words.

A condition is a tree of `All`, `AnyOf`, `Not` over `Atom`s (tests on one answer, one derived
fact or one jurisdiction parameter) and `Const`. Logic is Kleene's three-valued logic: an atom
on an unanswered question is undetermined (None); "I don't know" is an answer on which every
comparison is false and `unknown` is true. `given` is true when a question has an answer other
than "I don't know" (the date of an event known, whatever it is).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from engine.errors import Problem
from engine.i18n import N_, _
from engine.load.yaml_source import line_of
from engine.suggestions import suggest


class _Unknown:
    """The answer "I don't know": a value of its own, never equal to any real answer."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "unknown"

    def __reduce__(self):
        return (_Unknown, ())


UNKNOWN = _Unknown()

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
# The words of a condition in plain language (the rule catalogue): translated where the condition is
# rendered (engine.i18n, the current language).
OP_WORDS = {
    "eq": N_("is"),
    "ne": N_("is not"),
    "lt": N_("is below"),
    "le": N_("is at most"),
    "gt": N_("is above"),
    "ge": N_("is at least"),
    "in": N_("is one of"),
    "includes": N_("includes"),
    "includes_any": N_("includes any of"),
}
UNIT_WORDS = {"hours_since": N_("hours"), "days_since": N_("days"), "months_since": N_("months")}
ELAPSED_UNITS = ("hours_since", "days_since", "months_since")
ATOM_OPS = (*COMPARISONS, "in", "includes", "includes_any")


@dataclass(frozen=True)
class Operand:
    """Right-hand side of a comparison: a literal, this profile's parameter, or baseline's."""

    kind: str  # "literal" | "param" | "international"
    value: Any

    def text(self) -> str:
        if self.kind == "param":
            return _("the national parameter '{name}'").format(name=self.value)
        if self.kind == "international":
            return _("the international reference value of '{name}'").format(name=self.value)
        if isinstance(self.value, (list, tuple)):
            return ", ".join(map(str, self.value))
        return str(self.value).lower() if isinstance(self.value, bool) else str(self.value)


@dataclass(frozen=True)
class Atom:
    """One test. `kind`: fact | compare | unknown | given | param | param_compare | elapsed."""

    kind: str
    name: str  # the fact or parameter tested
    op: str | None = None
    operand: Operand | None = None
    unit: str | None = None  # for elapsed: hours_since | days_since | months_since

    def test(self, value: Any, now: dt.datetime | None = None) -> bool:
        """Truth of this atom for a present answer `value` (the operand already resolved)."""
        if self.kind == "unknown":
            return value is UNKNOWN
        if value is UNKNOWN:
            return False
        if self.kind == "given":
            return True
        if self.kind == "fact":
            return value is True
        if self.kind == "elapsed":
            value = elapsed(value, now, self.unit)
        rhs = self.operand.value
        if self.op == "in":
            return value in rhs
        if self.op == "includes":
            return rhs in value
        if self.op == "includes_any":
            return any(item in value for item in rhs)
        if isinstance(rhs, bool) or isinstance(value, bool):
            # True == 1 in Python; a yes/no answer must never match a number, nor the reverse.
            return (value is rhs) if self.op == "eq" else (value is not rhs) if self.op == "ne" else False
        return COMPARISONS[self.op](value, rhs)

    def text(self) -> str:
        if self.kind == "unknown":
            return _("the answer to '{name}' is \"I don't know\"").format(name=self.name)
        if self.kind == "given":
            return _("'{name}' is answered").format(name=self.name)
        if self.kind == "fact":
            return _("'{name}' is true").format(name=self.name)
        if self.kind == "param":
            return _("the national parameter '{name}' is true").format(name=self.name)
        if self.kind == "param_compare":
            subject = _("the national parameter '{name}'").format(name=self.name)
        elif self.kind == "elapsed":
            subject = _("the time since '{name}' in {unit}").format(name=self.name, unit=_(UNIT_WORDS[self.unit]))
        else:
            subject = f"'{self.name}'"
        return _("{subject} {op} {operand}").format(
            subject=subject, op=_(OP_WORDS[self.op]), operand=self.operand.text()
        )


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class All:
    items: tuple


@dataclass(frozen=True)
class AnyOf:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: Any


Condition = Atom | Const | All | AnyOf | Not
TRUE, FALSE = Const(True), Const(False)


def elapsed(start: dt.date, now: dt.datetime, unit: str) -> float:
    """Time from a date/datetime answer to the reference moment, in the unit named."""
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time(0, 0))
    if unit == "months_since":
        months = (now.year - start.year) * 12 + (now.month - start.month)
        return months - (1 if (now.day, now.time()) < (start.day, start.time()) else 0)
    seconds = (now - start).total_seconds()
    return seconds / 3600 if unit == "hours_since" else seconds / 86400


# ---------------------------------------------------------------- parsing


class ConditionParser:
    """Parses the raw `when:` mapping of one rule (or another entry's condition, named by `field`),
    collecting every problem with its line."""

    def __init__(self, file: str, rule_id: str, root: Any, base_line: int | None, field: str = "when"):
        self.file, self.rule_id, self.root, self.base_line, self.field = file, rule_id, root, base_line, field
        self.problems: list[Problem] = []

    def parse(self) -> Condition | None:
        return self._node(self.root, (self.field,))

    def _problem(self, loc: tuple, message: str, suggestion: str | None = None) -> None:
        field = ".".join(str(p) for p in loc)
        line = line_of(self.root, loc[1:]) or self.base_line
        self.problems.append(Problem(self.file, line, self.rule_id, field, message, suggestion))

    def _node(self, raw: Any, loc: tuple) -> Condition | None:
        if not isinstance(raw, dict) or not raw:
            self._problem(
                loc,
                "expected a condition: a mapping such as {fact: ..., lt: ...}, {all: [...]}, {any: [...]} or {not: ...}",
            )
            return None
        for key in ("all", "any"):
            if key in raw:
                return self._group(raw, key, loc)
        if "not" in raw:
            if len(raw) != 1:
                self._problem(loc, "'not' must stand alone in its mapping: {not: <condition>}")
                return None
            inner = self._node(raw["not"], (*loc, "not"))
            return Not(inner) if inner is not None else None
        return self._atom(raw, loc)

    def _group(self, raw: dict, key: str, loc: tuple) -> Condition | None:
        if len(raw) != 1:
            self._problem(loc, f"'{key}' must stand alone in its mapping: {{{key}: [<condition>, ...]}}")
            return None
        items = raw[key]
        if not isinstance(items, list) or not items:
            self._problem((*loc, key), f"'{key}' needs a non-empty list of conditions")
            return None
        parsed = [self._node(item, (*loc, key, i)) for i, item in enumerate(items)]
        if any(p is None for p in parsed):
            return None
        return All(tuple(parsed)) if key == "all" else AnyOf(tuple(parsed))

    def _atom(self, raw: dict, loc: tuple) -> Condition | None:
        subject_keys = [k for k in ("fact", "unknown", "given", "param", *ELAPSED_UNITS) if k in raw]
        ops = [k for k in raw if k in ATOM_OPS]
        extra = [k for k in raw if k not in subject_keys and k not in ops]
        allowed = ["all", "any", "not", "fact", "unknown", "given", "param", *ELAPSED_UNITS, *ATOM_OPS]
        for key in extra:
            self._problem(
                (*loc, key),
                f"unexpected key '{key}' in a condition (allowed: {', '.join(allowed)})",
                suggest(str(key), allowed),
            )
        if extra:
            return None
        if len(subject_keys) != 1:
            self._problem(
                loc, "a test names exactly one of: fact, unknown, given, param, hours_since, days_since, months_since"
            )
            return None
        if len(ops) > 1:
            self._problem(loc, f"one comparison per test, found {', '.join(ops)}; combine tests with 'all'")
            return None
        subject = subject_keys[0]
        name = raw[subject]
        if not isinstance(name, str):
            self._problem((*loc, subject), f"'{subject}' must name a fact or parameter id")
            return None
        op = ops[0] if ops else None
        if subject in ("unknown", "given"):
            if op:
                self._problem(loc, f"'{subject}' takes no comparison: {{{subject}: <question id>}}")
                return None
            return Atom(subject, name)
        if op is None:
            if subject in ELAPSED_UNITS:
                self._problem(loc, f"'{subject}' needs a comparison, e.g. gt: {{param: ...}}")
                return None
            return Atom("fact" if subject == "fact" else "param", name)
        operand = self._operand(raw[op], op, (*loc, op))
        if operand is None:
            return None
        if subject == "fact":
            return Atom("compare", name, op, operand)
        if subject == "param":
            return Atom("param_compare", name, op, operand)
        return Atom("elapsed", name, op, operand, unit=subject)

    def _operand(self, raw: Any, op: str, loc: tuple) -> Operand | None:
        if isinstance(raw, dict):
            if len(raw) == 1 and next(iter(raw)) in ("param", "international"):
                kind, value = next(iter(raw.items()))
                if isinstance(value, str):
                    return Operand(kind, value)
            self._problem(loc, "expected {param: <parameter id>} or {international: <parameter id>}")
            return None
        if op in ("in", "includes_any"):
            if isinstance(raw, list) and raw and all(isinstance(v, str) for v in raw):
                return Operand("literal", tuple(raw))
            self._problem(loc, f"'{op}' needs a list of choice ids")
            return None
        if isinstance(raw, bool) or (isinstance(raw, str) and op in ("eq", "ne", "includes")):
            return Operand("literal", raw)
        if isinstance(raw, (int, float)):
            self._problem(
                loc, f"numbers may not be written in conditions ({raw}); use a jurisdiction parameter: {{param: <id>}}"
            )
            return None
        self._problem(loc, f"'{op}' cannot compare with {raw!r}; expected a choice id, true/false or {{param: <id>}}")
        return None


def parse_condition(
    raw: Any, file: str, rule_id: str, base_line: int | None = None, field: str = "when"
) -> tuple[Condition | None, list[Problem]]:
    """Parse a raw `when:` value (or the condition in `field`); return the condition (None if broken) and the problems."""
    parser = ConditionParser(file, rule_id, raw, base_line, field)
    node = parser.parse()
    return node, parser.problems


# ---------------------------------------------------------------- walking and logic


def atoms(node: Condition) -> Iterator[Atom]:
    """Every atom in the condition, depth first."""
    if isinstance(node, Atom):
        yield node
    elif isinstance(node, (All, AnyOf)):
        for item in node.items:
            yield from atoms(item)
    elif isinstance(node, Not):
        yield from atoms(node.item)


def transform(node: Condition, leaf: Callable[[Atom], Condition]) -> Condition:
    """Rebuild the condition with every atom replaced by `leaf(atom)`, simplifying constants."""
    if isinstance(node, Atom):
        return leaf(node)
    if isinstance(node, Const):
        return node
    if isinstance(node, Not):
        return negate(transform(node.item, leaf))
    items = [transform(item, leaf) for item in node.items]
    return conjoin(items) if isinstance(node, All) else disjoin(items)


def negate(node: Condition) -> Condition:
    if isinstance(node, Const):
        return Const(not node.value)
    if isinstance(node, Not):
        return node.item
    return Not(node)


def conjoin(items: list[Condition]) -> Condition:
    kept: list[Condition] = []
    for item in items:
        if item == FALSE:
            return FALSE
        if item != TRUE and item not in kept:
            kept.append(item)
    return TRUE if not kept else kept[0] if len(kept) == 1 else All(tuple(kept))


def disjoin(items: list[Condition]) -> Condition:
    kept: list[Condition] = []
    for item in items:
        if item == TRUE:
            return TRUE
        if item != FALSE and item not in kept:
            kept.append(item)
    return FALSE if not kept else kept[0] if len(kept) == 1 else AnyOf(tuple(kept))


def evaluate(node: Condition, leaf: Callable[[Atom], bool | None]) -> bool | None:
    """Kleene three-valued evaluation: True, False, or None (undetermined)."""
    if isinstance(node, Atom):
        return leaf(node)
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Not):
        value = evaluate(node.item, leaf)
        return None if value is None else not value
    undetermined = False
    if isinstance(node, All):
        for item in node.items:
            value = evaluate(item, leaf)
            if value is False:
                return False
            undetermined |= value is None
        return None if undetermined else True
    for item in node.items:
        value = evaluate(item, leaf)
        if value is True:
            return True
        undetermined |= value is None
    return None if undetermined else False


def to_nnf(node: Condition, positive: bool = True) -> Condition:
    """Negation normal form: `Not` only directly above atoms."""
    if isinstance(node, Atom):
        return node if positive else Not(node)
    if isinstance(node, Const):
        return Const(node.value == positive)
    if isinstance(node, Not):
        return to_nnf(node.item, not positive)
    items = [to_nnf(item, positive) for item in node.items]
    use_all = isinstance(node, All) == positive
    return conjoin(items) if use_all else disjoin(items)


Literal_ = tuple[Atom, bool]


def to_dnf(node: Condition, limit: int) -> list[tuple[Literal_, ...]] | None:
    """Disjunctive normal form as a list of conjunctions of (atom, polarity) literals.

    Returns None when it would exceed `limit` conjunctions. [] means never true; [()] always true.
    """
    node = to_nnf(node)

    def walk(n: Condition) -> list[tuple[Literal_, ...]] | None:
        if isinstance(n, Const):
            return [()] if n.value else []
        if isinstance(n, Atom):
            return [((n, True),)]
        if isinstance(n, Not):
            return [((n.item, False),)]
        parts = [walk(item) for item in n.items]
        if any(p is None for p in parts):
            return None
        if isinstance(n, AnyOf):
            result = [conj for part in parts for conj in part]
            return result if len(result) <= limit else None
        result: list[tuple[Literal_, ...]] = [()]
        for part in parts:
            result = [left + right for left in result for right in part]
            if len(result) > limit:
                return None
        return result

    conjunctions = walk(node)
    if conjunctions is None:
        return None
    consistent = []
    for conj in conjunctions:
        unique = tuple(dict.fromkeys(conj))
        if not any((atom, not pol) in unique for atom, pol in unique) and unique not in consistent:
            consistent.append(unique)
    return consistent


def render(node: Condition, indent: int = 0) -> str:
    """The condition in plain words, one test per line."""
    pad = "  " * indent
    if isinstance(node, Atom):
        return pad + node.text()
    if isinstance(node, Const):
        return pad + (_("always") if node.value else _("never"))
    if isinstance(node, Not):
        return pad + _("it is not the case that:") + "\n" + render(node.item, indent + 1)
    word = _("all of:") if isinstance(node, All) else _("any of:")
    return pad + word + "\n" + "\n".join(render(item, indent + 1) for item in node.items)
