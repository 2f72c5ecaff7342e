"""Cross-file checks of the knowledge base, gathered in one pass.

Each entry was already checked on its own (`engine.load.entries`); here every reference between
entries is resolved: sources, decision points, facts and parameters read by conditions (with
their types), measures, exceptions, jurisdiction values, deadlines and scenarios. Cycles between
rules and derived facts are rejected: a conclusion may not depend on itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from engine.errors import Problem
from engine.load.answers import parse_answers
from engine.load.conditions import Atom, atoms
from engine.load.knowledge_base import KnowledgeBase, Located, Rule
from engine.load.model import INTERNATIONAL_PROFILE, Citation
from engine.suggestions import suggest


class _Checker:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.problems: list[Problem] = []
        self.derived = kb.derived_facts()

    def add(
        self,
        where: Located,
        entry: str | None,
        field: str | None,
        message: str,
        known: Iterable[str] = (),
        name: str | None = None,
    ) -> None:
        hint = suggest(name, known) if name is not None else None
        self.problems.append(Problem(where.file, where.line, entry, field, message, hint))

    def at(self, entry_id: str) -> Located:
        return self.kb.locations.get(entry_id, Located("knowledge", None))

    # -- references shared by several kinds of entry
    def citations(self, where: Located, entry: str, citations: list[Citation]) -> None:
        for i, cite in enumerate(citations):
            if cite.id not in self.kb.sources:
                self.add(
                    where,
                    entry,
                    f"sources.{i}.id",
                    f"unknown source '{cite.id}' (not in sources.yaml)",
                    self.kb.sources,
                    cite.id,
                )

    def decision_point(self, where: Located, entry: str, point: str) -> None:
        if point not in self.kb.decision_points:
            self.add(
                where,
                entry,
                "decision_point",
                f"unknown decision point '{point}' (not in decision_points.yaml)",
                self.kb.decision_points,
                point,
            )

    def run(self) -> list[Problem]:
        kb = self.kb
        if INTERNATIONAL_PROFILE not in kb.jurisdictions:
            self.add(
                Located("knowledge/jurisdictions", None),
                None,
                None,
                f"the profile '{INTERNATIONAL_PROFILE}' (international reference values) is missing",
            )
        for kind in ("parameters", "measures", "questions"):
            for entry_id, entry in getattr(kb, kind).items():
                if hasattr(entry, "decision_point"):
                    self.decision_point(self.at(entry_id), entry_id, entry.decision_point)
                if hasattr(entry, "sources"):
                    self.citations(self.at(entry_id), entry_id, entry.sources)
        for item in kb.not_encoded:
            where = Located("knowledge/not_encoded.yaml", None)
            self.decision_point(where, item.id, item.decision_point)
            self.citations(where, item.id, item.sources)
        clashes = set(self.derived) & set(kb.questions)
        for name in sorted(clashes):
            self.add(
                self.at(self.derived[name][0]),
                self.derived[name][0],
                "then.set",
                f"'{name}' is a question id; a derived fact needs a name of its own",
            )
        for rule in kb.rules.values():
            self.rule(rule)
        self.measures()
        self.jurisdictions()
        self.questions_used()
        self.cycles()
        self.scenarios()
        return self.problems

    # -- rules
    def rule(self, rule: Rule) -> None:
        spec, where = rule.spec, rule.where
        self.decision_point(where, spec.id, spec.decision_point)
        self.citations(where, spec.id, spec.sources)
        for kind, measure_id in spec.then.measures():
            measure = self.kb.measures.get(measure_id)
            if measure is None:
                self.add(
                    where,
                    spec.id,
                    f"then.{kind}",
                    f"unknown measure '{measure_id}' (not in measures.yaml)",
                    self.kb.measures,
                    measure_id,
                )
            elif "prohibited_outcome" in measure.tags and kind != "prohibit":
                self.add(
                    where,
                    spec.id,
                    f"then.{kind}",
                    f"'{measure_id}' is a prohibited outcome: it may only be concluded with 'prohibit'",
                )
        for target in spec.exception_to:
            if target not in self.kb.rules:
                self.add(where, spec.id, "exception_to", f"unknown rule '{target}'", self.kb.rules, target)
            elif target == spec.id:
                self.add(where, spec.id, "exception_to", "a rule cannot be an exception to itself")
        for atom in atoms(rule.condition):
            self.atom(rule, atom)

    def atom(self, rule: Rule, atom: Atom) -> None:
        where, rid = rule.where, rule.id
        kb = self.kb
        if atom.kind in ("param", "param_compare"):
            param = kb.parameters.get(atom.name)
            if param is None:
                self.add(where, rid, "when", f"unknown parameter '{atom.name}'", kb.parameters, atom.name)
            elif atom.kind == "param" and param.type != "boolean":
                self.add(
                    where,
                    rid,
                    "when",
                    f"'{{param: {atom.name}}}' alone needs a boolean parameter; '{atom.name}' is {param.type}",
                )
            self.operand(rule, atom, param.type if param else None)
            return
        question = kb.questions.get(atom.name)
        if question is None and atom.name not in self.derived:
            self.add(
                where,
                rid,
                "when",
                f"'{atom.name}' is neither a question nor a fact set by a rule",
                [*kb.questions, *self.derived],
                atom.name,
            )
            return
        if question is None:
            if atom.kind != "fact":
                self.add(
                    where, rid, "when", f"'{atom.name}' is a derived (yes/no) fact: test it as {{fact: {atom.name}}}"
                )
            return
        qtype = question.type
        if atom.kind == "fact" and qtype != "yes_no":
            self.add(
                where,
                rid,
                "when",
                f"'{{fact: {atom.name}}}' alone needs a yes/no question; '{atom.name}' is {qtype}: add a comparison",
            )
        elif atom.kind == "unknown" and not question.allow_unknown:
            self.add(
                where,
                rid,
                "when",
                f"'{atom.name}' does not allow \"I don't know\" (allow_unknown is false), so {{unknown: {atom.name}}} can never be true",
            )
        elif atom.kind == "elapsed" and qtype not in ("date", "datetime"):
            self.add(where, rid, "when", f"'{atom.unit}' needs a date or datetime question; '{atom.name}' is {qtype}")
        elif atom.kind == "compare":
            self.comparison(rule, atom, question)
        if atom.kind == "elapsed":
            self.operand(rule, atom, "integer")

    def comparison(self, rule: Rule, atom: Atom, question) -> None:
        where, rid, op, qtype = rule.where, rule.id, atom.op, question.type
        expected_ops = {
            "yes_no": {"eq", "ne"},
            "choice": {"eq", "ne", "in"},
            "multi_choice": {"includes", "includes_any"},
            "integer": {"eq", "ne", "lt", "le", "gt", "ge"},
            "date": set(),
            "datetime": set(),
        }[qtype]
        if op not in expected_ops:
            allowed = ", ".join(sorted(expected_ops)) or "none (use hours_since / days_since / months_since)"
            self.add(
                where,
                rid,
                f"when.{op}",
                f"'{op}' does not apply to the {qtype} question '{atom.name}' (allowed: {allowed})",
            )
            return
        if atom.operand.kind == "literal":
            values = atom.operand.value if isinstance(atom.operand.value, tuple) else (atom.operand.value,)
            for value in values:
                if qtype in ("choice", "multi_choice") and value not in question.choice_ids:
                    self.add(
                        where,
                        rid,
                        f"when.{op}",
                        f"'{value}' is not a choice of '{atom.name}' (choices: {', '.join(question.choice_ids)})",
                        question.choice_ids,
                        str(value),
                    )
                if qtype == "yes_no" and not isinstance(value, bool):
                    self.add(where, rid, f"when.{op}", f"'{atom.name}' is yes/no: compare with true or false")
        else:
            self.operand(rule, atom, "integer" if qtype == "integer" else qtype)

    def operand(self, rule: Rule, atom: Atom, expected: str | None) -> None:
        if atom.operand is None or atom.operand.kind == "literal":
            return
        param = self.kb.parameters.get(atom.operand.value)
        if param is None:
            self.add(
                rule.where,
                rule.id,
                f"when.{atom.op}",
                f"unknown parameter '{atom.operand.value}'",
                self.kb.parameters,
                atom.operand.value,
            )
        elif expected is not None and param.type != expected:
            self.add(
                rule.where,
                rule.id,
                f"when.{atom.op}",
                f"parameter '{param.id}' is {param.type}, but '{atom.name}' needs {expected}",
            )

    # -- other entries
    def measures(self) -> None:
        for measure in self.kb.measures.values():
            deadline = measure.deadline
            if deadline is None:
                continue
            where = self.at(measure.id)
            question = self.kb.questions.get(deadline.from_)
            if question is None or question.type not in ("date", "datetime"):
                self.add(
                    where,
                    measure.id,
                    "deadline.from",
                    f"'{deadline.from_}' must be a date or datetime question",
                    self.kb.questions,
                    deadline.from_,
                )
            param = self.kb.parameters.get(deadline.param)
            if param is None or param.type != "integer":
                self.add(
                    where,
                    measure.id,
                    f"deadline.{deadline.unit}",
                    f"'{deadline.param}' must be an integer parameter",
                    self.kb.parameters,
                    deadline.param,
                )
        concluded = {m for rule in self.kb.rules.values() for _, m in rule.spec.then.measures()}
        for measure_id in self.kb.measures:
            if measure_id not in concluded:
                self.add(self.at(measure_id), measure_id, None, "no rule concludes this measure")

    def jurisdictions(self) -> None:
        params = self.kb.parameters
        for profile in self.kb.jurisdictions.values():
            where = self.at(f"{profile.id}.values")
            for name in params:
                if name not in profile.values:
                    self.add(
                        where,
                        profile.id,
                        "values",
                        f"no value for parameter '{name}': every profile gives every parameter",
                    )
            for name, value in profile.values.items():
                param = params.get(name)
                spot = self.kb.locations.get(f"{profile.id}.values.{name}", where)
                if param is None:
                    self.add(spot, profile.id, f"values.{name}", f"unknown parameter '{name}'", params, name)
                    continue
                ok = {
                    "integer": (isinstance(value, int) and not isinstance(value, bool)) or value is None,
                    "boolean": isinstance(value, bool),
                    "choice": value in (param.choices or []),
                }[param.type]
                if not ok:
                    expected = {
                        "integer": "a whole number (or null for none)",
                        "boolean": "true or false",
                        "choice": f"one of {', '.join(param.choices or [])}",
                    }[param.type]
                    self.add(spot, profile.id, f"values.{name}", f"{value!r} is not {expected}")
            for name in profile.notes:
                if name not in params:
                    self.add(where, profile.id, f"notes.{name}", f"unknown parameter '{name}'", params, name)

    def questions_used(self) -> None:
        read = {atom.name for rule in self.kb.rules.values() for atom in atoms(rule.condition)}
        deadline_inputs = {m.deadline.from_ for m in self.kb.measures.values() if m.deadline}
        for qid in self.kb.questions:
            if qid not in read and qid not in deadline_inputs:
                self.add(self.at(qid), qid, None, "no rule reads this question, so it would never be asked")

    def cycles(self) -> None:
        """Reject a rule or derived fact that depends on itself (through facts or exceptions)."""
        graph: dict[str, set[str]] = {}
        exceptions: dict[str, set[str]] = {}
        for rule in self.kb.rules.values():
            for target in rule.spec.exception_to:
                exceptions.setdefault(target, set()).add(rule.id)
        for rule in self.kb.rules.values():
            reads = {f"fact:{a.name}" for a in atoms(rule.condition) if a.name in self.derived}
            graph[rule.id] = reads | exceptions.get(rule.id, set())
        for fact, setters in self.derived.items():
            graph[f"fact:{fact}"] = set(setters)
        state: dict[str, int] = {}
        reported: set[frozenset] = set()

        def visit(node: str, path: list[str]) -> None:
            state[node] = 1
            for nxt in sorted(graph.get(node, ())):
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        first = next((n for n in cycle if n in self.kb.rules), cycle[0])
                        self.add(
                            self.at(first),
                            first,
                            "when",
                            "circular dependency: " + " -> ".join(c.removeprefix("fact:") for c in cycle),
                        )
                elif state.get(nxt) is None:
                    visit(nxt, [*path, nxt])
            state[node] = 2

        for node in sorted(graph):
            if state.get(node) is None:
                visit(node, [node])

    def scenarios(self) -> None:
        kb = self.kb
        for entry in kb.scenarios:
            scenario, where = entry.scenario, entry.where
            if scenario.jurisdiction not in kb.jurisdictions:
                self.add(
                    where,
                    scenario.name,
                    "jurisdiction",
                    f"unknown jurisdiction '{scenario.jurisdiction}'",
                    kb.jurisdictions,
                    scenario.jurisdiction,
                )
            reference = scenario.reference_date
            if not isinstance(reference, dt.datetime):
                reference = dt.datetime.combine(reference, dt.time(12))
            _, errors = parse_answers(kb.questions, scenario.answers, reference)
            for error in errors:
                self.add(where, scenario.name, f"answers.{error.question_id}", str(error))
            for label, expectation in (("expect", scenario.expect), ("must_not", scenario.must_not)):
                for kind, measure_id in expectation.measures():
                    if measure_id not in kb.measures:
                        self.add(
                            where,
                            scenario.name,
                            f"{label}.{kind}",
                            f"unknown measure '{measure_id}'",
                            kb.measures,
                            measure_id,
                        )
                for rule_id in expectation.rules:
                    if rule_id not in kb.rules:
                        self.add(where, scenario.name, f"{label}.rules", f"unknown rule '{rule_id}'", kb.rules, rule_id)


def cross_check(kb: KnowledgeBase) -> list[Problem]:
    """Every cross-file problem of the knowledge base."""
    return _Checker(kb).run()
