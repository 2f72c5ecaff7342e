"""The rule base bound to one jurisdiction profile: the shared input of both engines.

Binding replaces parameter tests by constants and parameter operands by their values, a rule
not in force for the case by "never", and writes each rule's exceptions into its condition: a rule applies when its own condition holds
and none of the rules that are exceptions to it applies. Strata order rules so that a rule
comes after everything it reads; experta fires by stratum and explanations list by stratum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from engine.load.conditions import FALSE, Atom, Condition, Const, Operand, atoms, conjoin, negate, transform
from engine.load.hearings import Hearing
from engine.load.knowledge_base import KnowledgeBase, Rule
from engine.load.model import Jurisdiction

if TYPE_CHECKING:
    from engine.run.compiled import CompiledEvaluator


def rule_ref(rule_id: str) -> Atom:
    """An atom that is true when the rule `rule_id` applies (used for exceptions)."""
    return Atom("rule", rule_id)


@dataclass(frozen=True)
class ParameterUse:
    """A parameter a rule reads, with this profile's and the international value."""

    id: str
    national: object
    international: object

    @property
    def differs(self) -> bool:
        return self.national != self.international


class Program:
    """Every rule of the knowledge base, bound to the parameters of one jurisdiction."""

    def __init__(
        self,
        kb: KnowledgeBase,
        jurisdiction: str,
        overrides: Mapping[str, object] | None = None,
        out_of_force: frozenset[str] = frozenset(),
    ):
        """`overrides`: parameter values replacing the profile's (e.g. a proposed law: {"macr": 14});
        `out_of_force`: rules not in force for the case (engine.run.law_in_force): they never apply."""
        self.kb = kb
        self.profile: Jurisdiction = kb.jurisdictions[jurisdiction]
        self.overrides = dict(overrides or {})
        self.out_of_force = frozenset(out_of_force)
        # experta engines on this program by thread, for a program not cached per thread (one of a
        # profile supplied by the user: engine.run.session.engine_for); they go with the program.
        self.engines: dict[int, object] = {}
        self.values = {**self.profile.values, **self.overrides}
        self.international = kb.international.values
        self.derived: dict[str, list[str]] = kb.derived_facts()
        self.exceptions: dict[str, list[str]] = {}
        for rule in kb.rules.values():
            for target in rule.spec.exception_to:
                self.exceptions.setdefault(target, []).append(rule.id)
        self._scopes: dict[str, frozenset[str]] = {}  # by hearing id, built on first use
        self.own: dict[str, Condition] = {
            rid: FALSE if rid in self.out_of_force else self.bind(rule.condition) for rid, rule in kb.rules.items()
        }
        self.effective: dict[str, Condition] = {
            rid: conjoin([self.own[rid], *(negate(rule_ref(b)) for b in self.exceptions.get(rid, []))])
            for rid in kb.rules
        }

    def _value(self, operand: Operand):
        if operand.kind == "param":
            return self.values[operand.value]
        if operand.kind == "international":
            return self.international[operand.value]
        return operand.value

    def _bind_atom(self, atom: Atom) -> Condition:
        if atom.kind == "param":
            return Const(self.values[atom.name] is True)
        if atom.kind == "param_compare":
            lhs, rhs = self.values[atom.name], self._value(atom.operand)
            if lhs is None or rhs is None:
                return FALSE  # a parameter set to null ("none") satisfies no comparison
            probe = Atom("compare", atom.name, atom.op, Operand("literal", rhs))
            return Const(probe.test(lhs))
        if atom.operand is not None and atom.operand.kind != "literal":
            value = self._value(atom.operand)
            if value is None:
                return FALSE
            return Atom(atom.kind, atom.name, atom.op, Operand("literal", value), atom.unit)
        return atom

    def bind(self, condition: Condition) -> Condition:
        """The condition with this profile's parameter values in place of the parameters it reads."""
        return transform(condition, self._bind_atom)

    def dependencies(self, rule_id: str) -> set[str]:
        """Derived facts ('fact:x') and rules this rule's effective condition reads."""
        deps = set()
        for atom in atoms(self.effective[rule_id]):
            if atom.kind == "rule":
                deps.add(atom.name)
            elif atom.kind == "fact" and atom.name in self.derived:
                deps.add("fact:" + atom.name)
        return deps

    @cached_property
    def strata(self) -> dict[str, int]:
        """Stratum of each rule: 0 when it reads only answers, else one above what it reads."""
        memo: dict[str, int] = {}

        def level(node: str) -> int:
            if node not in memo:
                if node.startswith("fact:"):
                    memo[node] = max(level(r) for r in self.derived[node[5:]])
                else:
                    memo[node] = 1 + max((level(d) for d in self.dependencies(node)), default=-1)
            return memo[node]

        return {rid: level(rid) for rid in self.kb.rules}

    @cached_property
    def ordered_rules(self) -> list[Rule]:
        """Rules by stratum, then by their order in the files: the order of explanations."""
        return sorted(self.kb.rules.values(), key=lambda r: (self.strata[r.id], r.order))

    def scope(self, hearing: Hearing | None) -> frozenset[str] | None:
        """The rules of a hearing's decision points (None: no hearing, every rule counts)."""
        if hearing is None:
            return None
        found = self._scopes.get(hearing.id)
        if found is None:
            found = self._scopes[hearing.id] = frozenset(
                rid for rid, rule in self.kb.rules.items() if hearing.covers(rule.spec.decision_point)
            )
        return found

    @cached_property
    def compiled(self) -> CompiledEvaluator:
        """This program's compiled evaluator (built on first use, then kept with the program)."""
        from engine.run.compiled import CompiledEvaluator  # compiled reads this module: imported on use

        return CompiledEvaluator(self)

    @cached_property
    def rules_mentioning(self) -> dict[str, list[str]]:
        """For each fact, the rules whose condition mentions it (see `engine.run.evaluator.rules_mentioning`)."""
        from engine.run.evaluator import rules_mentioning  # the evaluator reads this module: imported on use

        return rules_mentioning(self)

    @cached_property
    def dating_rules(self) -> dict[str, list[str]]:
        """For each question a deadline is met or ended by, the rules concluding that deadline's
        measure: once one applies, the date of the event is worth asking (a follow-up)."""
        found: dict[str, list[str]] = {}
        for rule in self.ordered_rules:
            for _, measure_id in rule.spec.then.measures():
                deadline = self.kb.measures[measure_id].deadline if measure_id in self.kb.measures else None
                for question_id in (*deadline.met_by, *deadline.ended_by) if deadline is not None else ():
                    rules = found.setdefault(question_id, [])
                    if rule.id not in rules:
                        rules.append(rule.id)
        return found

    @cached_property
    def _parameters_read(self) -> dict[str, tuple[ParameterUse, ...]]:
        return {}  # filled by parameters_read, a rule at a time

    def parameters_read(self, rule_id: str) -> list[ParameterUse]:
        """The parameters a rule's own condition reads, with national and international values
        (worked out once per rule and program: every result's trace asks for them)."""
        found = self._parameters_read.get(rule_id)
        if found is None:
            names: list[str] = []
            for atom in atoms(self.kb.rules[rule_id].condition):
                if atom.kind in ("param", "param_compare"):
                    names.append(atom.name)
                if atom.operand is not None and atom.operand.kind in ("param", "international"):
                    names.append(atom.operand.value)
            found = tuple(ParameterUse(n, self.values[n], self.international[n]) for n in dict.fromkeys(names))
            self._parameters_read[rule_id] = found
        return list(found)
