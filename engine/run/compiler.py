"""Compile a bound rule base (`Program`) into an experta engine.

Hazards of experta that this compilation makes impossible (each has a test):
- experta has no truth maintenance, so `NOT(X)` can fire before a later rule derives X. No
  pattern here is negative: every condition is put in negation normal form, and "X is false" is
  an explicit fact declared by a generated closure rule once X's rules are all definitely false
  (three-valued, like `engine.run.evaluator`). Rules fire by stratum (a salience computed from the
  dependency graph), which also makes the firing order the same in every process.
- `OR` would run the action once per matching branch: a rule in disjunctive normal form becomes
  one experta rule per conjunction, and the action records each knowledge rule once.
- A `TEST` before the pattern binding its variables never fires: TESTs are always placed last.
- A misspelt field never matches: fields are question ids checked by `engine.load.validate`.
- `True == 1` matches: atoms compare booleans by identity (`conditions.Atom.test`).
- Combining `&` groups raises `NameError: chain`: one `P` predicate per field, never `&`.
- Engines share class-level state across threads: every engine gets a class of its own
  and `engine.run.session` keeps one engine per thread.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.load.conditions import Atom, Literal_, negate, to_dnf
from engine.run.experta_compat import AND, MATCH, TEST, Fact, KnowledgeEngine, P, Rule
from engine.run.program import Program

DNF_LIMIT = 64
STRATUM_SPAN = 100_000


class CaseFact(Fact):
    """All answers of one case, one field per question id, e.g. CaseFact(age_at_conduct=15)."""


class Clock(Fact):
    """The reference moment of the assessment, e.g. Clock(now=datetime(2026, 3, 1, 12, 0))."""


class Status(Fact):
    """Whether a rule definitely applies or definitely does not, e.g. Status(rule='R-DIV-01', value=False)."""


class Derived(Fact):
    """A derived yes/no fact and its value, e.g. Derived(name='below_macr', value=True)."""


class CompileError(Exception):
    """A rule whose condition is too large to compile; the message says which and what to do."""


@dataclass(frozen=True)
class EngineRun:
    """What experta concluded for one case."""

    fired: list[str]
    measures: set[tuple[str, str]]
    derived: dict[str, bool]


def _field_test(literals: list[Literal_]):
    def test(value):
        return all(atom.test(value) == polarity for atom, polarity in literals)

    return test


def _timed_test(literals: list[Literal_], var: str):
    def test(**bound):
        value, now = bound[var], bound["now"]
        return all(atom.test(value, now) == polarity for atom, polarity in literals)

    # experta passes a TEST only the variables its signature names.
    kind = inspect.Parameter.KEYWORD_ONLY
    test.__signature__ = inspect.Signature([inspect.Parameter(var, kind), inspect.Parameter("now", kind)])
    return test


class _Builder:
    def __init__(self, program: Program):
        self.program = program
        self.attrs: dict[str, Any] = {}
        self.counter = 0
        # One predicate object per distinct test, so that experta's network can share it.
        self.predicates: dict[tuple, Any] = {}

    def dnf(self, condition, what: str) -> list[tuple[Literal_, ...]]:
        conjunctions = to_dnf(condition, DNF_LIMIT)
        if conjunctions is None:
            raise CompileError(
                f"{what}: the condition expands to more than {DNF_LIMIT} alternatives; split it with a derived fact"
            )
        return conjunctions

    def patterns(self, conjunction: tuple[Literal_, ...]) -> list:
        by_field: dict[str, list[Literal_]] = {}
        others = []
        for atom, polarity in conjunction:
            if atom.kind == "rule":
                others.append(Status(rule=atom.name, value=polarity))
            elif atom.kind == "fact" and atom.name in self.program.derived:
                others.append(Derived(name=atom.name, value=polarity))
            else:
                by_field.setdefault(atom.name, []).append((atom, polarity))
        fields, tests = {}, []
        for name, literals in by_field.items():
            if any(atom.kind == "elapsed" for atom, _ in literals):
                var = f"v{len(tests)}"
                fields[name] = getattr(MATCH, var)
                tests.append(TEST(_timed_test(literals, var)))
            else:
                key = tuple(literals)
                if key not in self.predicates:
                    self.predicates[key] = P(_field_test(literals))
                fields[name] = self.predicates[key]
        patterns = []
        if fields:
            patterns.append(CaseFact(**fields))
        patterns.extend(others)
        if tests:
            patterns.append(Clock(now=MATCH.now))
        return patterns + tests  # TESTs last, after every pattern that binds their variables

    def add(self, conjunctions, salience: int, action) -> None:
        for conjunction in conjunctions:
            self.counter += 1
            patterns = self.patterns(conjunction)
            condition = AND(*patterns) if len(patterns) > 1 else patterns[0] if patterns else None
            rule = Rule(condition, salience=salience) if condition is not None else Rule(salience=salience)
            self.attrs[f"rule_{self.counter}"] = rule(action)

    def needs(self, conjunction_lists, polarity: bool) -> tuple[set[str], set[str]]:
        """Rules and derived facts that some conjunction reads with this polarity."""
        rules, facts = set(), set()
        for conjunctions in conjunction_lists:
            for conjunction in conjunctions:
                for atom, pol in conjunction:
                    if pol is polarity and atom.kind == "rule":
                        rules.add(atom.name)
                    elif pol is polarity and atom.kind == "fact" and atom.name in self.program.derived:
                        facts.add(atom.name)
        return rules, facts

    def build(self) -> type:
        program = self.program
        strata = program.strata
        positive = {r.id: self.dnf(program.effective[r.id], r.id) for r in program.ordered_rules}
        for rule in program.ordered_rules:
            salience = -(strata[rule.id] * STRATUM_SPAN + rule.order * 10)
            self.add(positive[rule.id], salience, _concluder(rule.id))
        # Closure rules, only for what some condition reads as false (to a fixpoint).
        need_rules, need_facts = self.needs(positive.values(), False)
        generated = list(positive.values())
        done_rules: set[str] = set()
        while need_rules - done_rules or any(s not in done_rules for f in need_facts for s in program.derived[f]):
            for fact in need_facts:
                need_rules |= set(program.derived[fact])
            for rule_id in sorted(need_rules - done_rules):
                done_rules.add(rule_id)
                rule = program.kb.rules[rule_id]
                negative = self.dnf(negate(program.effective[rule_id]), f"{rule_id} (closure)")
                salience = -(strata[rule_id] * STRATUM_SPAN + rule.order * 10 + 5)
                self.add(negative, salience, _denier(rule_id))
                generated.append(negative)
                more_rules, more_facts = self.needs([negative], False)
                need_rules |= more_rules
                need_facts |= more_facts
        for fact in sorted(need_facts):
            setters = program.derived[fact]
            salience = -(max(strata[s] for s in setters) * STRATUM_SPAN + STRATUM_SPAN - 1)
            conjunction = tuple((Atom("rule", s), False) for s in setters)
            self.add([conjunction], salience, _falsifier(fact))
        # Only what some condition reads is declared: every declaration costs a pass of experta's network.
        read_rules, read_facts = self.needs(generated, True)
        attrs = {
            **self.attrs,
            "program": program,
            "status_read": frozenset(read_rules),
            "derived_read": frozenset(read_facts),
        }
        return type(f"Engine_{program.profile.id}", (PathwayEngine,), attrs)


def _concluder(rule_id: str):
    def action(engine):
        engine.conclude(rule_id)

    return action


def _denier(rule_id: str):
    def action(engine):
        engine.declare(Status(rule=rule_id, value=False))

    return action


def _falsifier(fact: str):
    def action(engine):
        engine.declare(Derived(name=fact, value=False))

    return action


def _track_conflict_sets(matcher) -> None:
    """Make experta's matcher visit only the conflict-set nodes that changed.

    experta's `ReteMatcher.changes` asks every conflict-set node (one per generated rule) for its
    new activations after every declaration, that is on every firing: about 40% of a run. Each
    node now records itself as changed when it is activated, and `changes` drains those nodes
    only (in network order). The activations returned are the same; the agenda orders them by
    salience and fact ids, so the firing order is unchanged.
    """
    nodes = matcher._get_conflict_set_nodes()
    position = {node: index for index, node in enumerate(nodes)}
    changed: dict = {}
    for node in nodes:
        activate = node._activate

        def recording(token, _activate=activate, _node=node):
            changed[_node] = True
            return _activate(token)

        node._activate = recording
    root = matcher.root_node

    def changes(adding=None, deleting=None):
        if deleting is not None:
            for fact in deleting:
                root.remove(fact)
        if adding is not None:
            for fact in adding:
                root.add(fact)
        added: list = []
        removed: list = []
        for node in sorted(changed, key=position.__getitem__) if len(changed) > 1 else list(changed):
            node_added, node_removed = node.get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        changed.clear()
        return added, removed

    matcher.changes = changes


class PathwayEngine(KnowledgeEngine):
    """Base of the generated engines: records each knowledge rule once, in firing order."""

    program: Program
    status_read: frozenset[str]
    derived_read: frozenset[str]

    def __init__(self):
        super().__init__()
        _track_conflict_sets(self.matcher)

    def reset(self, **kwargs):
        self.fired: list[str] = []
        super().reset(**kwargs)

    def conclude(self, rule_id: str) -> None:
        if rule_id in self.fired:
            return
        self.fired.append(rule_id)
        spec = self.program.kb.rules[rule_id].spec
        facts = [Derived(name=name, value=True) for name in spec.then.set if name in self.derived_read]
        if rule_id in self.status_read:
            facts.append(Status(rule=rule_id, value=True))
        if facts:
            self.declare(*facts)

    def assess(self, answers: Mapping[str, Any], now: dt.datetime) -> EngineRun:
        """Reset, declare the case, run to quiescence and collect the conclusions."""
        self.reset()
        self.declare(CaseFact(**answers), Clock(now=now))
        self.run()
        rules = self.program.kb.rules
        measures = {pair for rule_id in self.fired for pair in rules[rule_id].spec.then.measures()}
        derived = {name: True for rule_id in self.fired for name in rules[rule_id].spec.then.set}
        for fact in self.facts.values():
            if isinstance(fact, Derived) and fact["value"] is False:
                derived[fact["name"]] = False
        return EngineRun(list(self.fired), measures, derived)


def compile_engine_class(program: Program) -> type:
    """A new experta engine class for the program (one class per engine: no shared state)."""
    return _Builder(program).build()
