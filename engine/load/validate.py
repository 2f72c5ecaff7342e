"""Cross-file checks of the knowledge base, gathered in one pass.

Each entry was already checked on its own (`engine.load.entries`); here every reference between
entries is resolved: sources, decision points, facts and parameters read by conditions (with
their types), measures, exceptions, jurisdiction values and their periods, the effect of dated
rules, deadlines and scenarios. Cycles between
rules and derived facts are rejected: a conclusion may not depend on itself.

Normative strength (see `rule_strengths`): every measure a rule concludes gets the strongest
strength of the citations that support it, as applied (`force:`) - a citation whose text was not
read (NV) decides nothing, so a rule resting only on unread text is a design inference - and, under the international
reference profile, no more than the strength of the reference values it follows from. A
prohibition that is not binding law under that profile must say why it is still a prohibition
(`non_binding_prohibition:`); a citation may not claim more force than its source has, nor more
verification than the register records for the source.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.errors import Problem
from engine.load.answers import parse_answers
from engine.load.conditions import All, AnyOf, Atom, Condition, Not, atoms
from engine.load.knowledge_base import KnowledgeBase, Located, Rule
from engine.load.model import (
    EARLIEST_REFERENCE_DATE,
    INTERNATIONAL_PROFILE,
    STRENGTH_LABELS,
    STRENGTHS,
    VERIFICATION_RANK,
    Citation,
    Jurisdiction,
    Parameter,
    is_binding,
    strongest,
    weakest,
)
from engine.load.yaml_source import line_of
from engine.suggestions import suggest

# The measure tags of what restricts the child: a dated rule concluding one is `effect: restrictive`.
RESTRICTING = frozenset({"criminal_process", "deprivation_of_liberty", "security_listing"})

# -- normative strength ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleStrength:
    """The strength with which one rule supports one of its measures.

    `level` comes from the citations alone (`basis`: those at that level); `reference_parameters`
    are the parameters whose values the conclusion follows from (read by the rule, or by the
    rules setting a derived fact it reads as true): under the international reference profile
    the conclusion is no stronger than those reference values (`capped`).
    """

    level: str
    basis: tuple[Citation, ...]
    reference_parameters: tuple[str, ...]


def applies(cite: Citation, measure_id: str) -> bool:
    return not cite.applies_to or measure_id in cite.applies_to


def reference_force(parameter: Parameter, kb: KnowledgeBase) -> str:
    """The strength of a parameter's international reference value."""
    if parameter.reference_force is not None:
        return parameter.reference_force
    return strongest(
        c.force_in(kb.sources[c.id]) for c in parameter.sources if c.id in kb.sources and c.verification != "NV"
    )


def _positive(node: Condition, positive: bool = True):
    """(atom, read positively) for every atom: under an even number of negations or not."""
    if isinstance(node, Atom):
        yield node, positive
    elif isinstance(node, Not):
        yield from _positive(node.item, not positive)
    elif isinstance(node, (All, AnyOf)):
        for item in node.items:
            yield from _positive(item, positive)


def reference_parameters(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """For each rule, the parameters its conclusions follow from.

    The parameters its own condition reads, and those of every rule setting a derived fact that
    the condition reads as true (a fact read as false - "not below the MACR" - does not make the
    conclusion follow from that fact's parameters)."""
    derived = kb.derived_facts()
    memo: dict[str, tuple[str, ...]] = {}

    def of(rule_id: str, visiting: frozenset[str]) -> tuple[str, ...]:
        if rule_id in memo:
            return memo[rule_id]
        names: list[str] = []
        scope = set(kb.rules[rule_id].spec.scope_parameters)
        for atom, positive in _positive(kb.rules[rule_id].condition):
            if atom.kind in ("param", "param_compare"):
                names.append(atom.name)
            if atom.operand is not None and atom.operand.kind == "param":
                names.append(atom.operand.value)
            if atom.kind == "fact" and positive and atom.name in derived:
                for setter in derived[atom.name]:
                    if setter not in visiting:
                        names.extend(of(setter, visiting | {setter}))
        found = tuple(dict.fromkeys(n for n in names if n in kb.parameters and n not in scope))
        memo[rule_id] = found
        return found

    return {rid: of(rid, frozenset({rid})) for rid in kb.rules}


def rule_strengths(kb: KnowledgeBase) -> dict[tuple[str, str], RuleStrength]:
    """(rule id, measure id) -> the strength with which the rule supports that measure."""
    params = reference_parameters(kb)
    table = {}
    for rule in kb.rules.values():
        for _, measure_id in rule.spec.then.measures():
            cites = [c for c in rule.spec.sources if applies(c, measure_id) and c.id in kb.sources]
            read = [c for c in cites if c.verification != "NV"]  # unread text decides nothing
            if read:
                level = strongest(c.force_in(kb.sources[c.id]) for c in read)
                basis = tuple(c for c in read if c.force_in(kb.sources[c.id]) == level)
            else:
                level, basis = "design_inference", tuple(cites)
            table[(rule.id, measure_id)] = RuleStrength(level, basis, params[rule.id])
    return table


def capped(kb: KnowledgeBase, strength: RuleStrength) -> tuple[str, tuple[str, ...]]:
    """The strength under the international reference profile, and the parameters that lowered it."""
    forces = {p: reference_force(kb.parameters[p], kb) for p in strength.reference_parameters}
    cap = weakest(forces.values())
    if cap is None or STRENGTHS.index(cap) <= STRENGTHS.index(strength.level):
        return strength.level, ()
    return cap, tuple(p for p, force in forces.items() if force == cap)


@dataclass(frozen=True)
class Owner:
    """The entry a condition belongs to (a rule's `when`, a judgement point's `applies_when`), for messages."""

    id: str
    where: Located
    field: str = "when"


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
    def citations(
        self, where: Located, entry: str, citations: list[Citation], measures: list[str] | None = None
    ) -> None:
        """Each citation: a known source, no more force nor verification than the source has,
        and (in a rule: `measures`) `applies_to` naming measures the rule concludes."""
        for i, cite in enumerate(citations):
            source = self.kb.sources.get(cite.id)
            if source is None:
                self.add(
                    where,
                    entry,
                    f"sources.{i}.id",
                    f"unknown source '{cite.id}' (not in sources.yaml)",
                    self.kb.sources,
                    cite.id,
                )
                continue
            if VERIFICATION_RANK[cite.verification] > VERIFICATION_RANK[source.verification]:
                self.add(
                    where,
                    entry,
                    f"sources.{i}.verification",
                    f"'{cite.verification}' is more than the register records for {cite.id} ('{source.verification}'): "
                    "a pinpoint cannot be better verified than what was read of the source",
                )
            if cite.force is not None and STRENGTHS.index(cite.force) < STRENGTHS.index(source.max_force):
                self.add(
                    where,
                    entry,
                    f"sources.{i}.force",
                    f"{cite.id} can be applied at most as '{source.max_force}' ({STRENGTH_LABELS[source.max_force]}), "
                    f"not as '{cite.force}'",
                )
            if cite.applies_to and measures is None:
                self.add(where, entry, f"sources.{i}.applies_to", "'applies_to' is for the citations of a rule")
            for measure_id in cite.applies_to if measures is not None else ():
                if measure_id not in measures:
                    self.add(
                        where,
                        entry,
                        f"sources.{i}.applies_to",
                        f"'{measure_id}' is not a measure this rule concludes",
                        measures,
                        measure_id,
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
            where = self.at(item.id)
            self.decision_point(where, item.id, item.decision_point)
            self.citations(where, item.id, item.sources)
            owner = Owner(item.id, where, "applies_when")
            for atom in atoms(kb.applies_when[item.id]) if item.id in kb.applies_when else ():
                self.atom(owner, atom)
        for question_id, condition in kb.ask_when.items():
            owner = Owner(question_id, self.at(question_id), "ask_when")
            for atom in atoms(condition):
                self.atom(owner, atom)
                if atom.name == question_id:
                    self.add(owner.where, question_id, "ask_when", "a follow-up cannot depend on its own answer")
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
        self.strengths()
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
        self.citations(where, spec.id, spec.sources, [m for _, m in spec.then.measures()])
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
        if spec.in_force is not None:
            self.rule_effect(rule)
        owner = Owner(spec.id, where)
        for atom in atoms(rule.condition):
            self.atom(owner, atom)
        read = {a.name for a in atoms(rule.condition) if a.kind in ("param", "param_compare")}
        read |= {a.operand.value for a in atoms(rule.condition) if a.operand is not None and a.operand.kind == "param"}
        for name in spec.scope_parameters:
            if name not in read:
                self.add(
                    where,
                    spec.id,
                    "scope_parameters",
                    f"'{name}' is not a parameter this rule's condition reads",
                    sorted(read),
                    name,
                )

    def rule_effect(self, rule: Rule) -> None:
        """A dated rule's `effect` agrees with what it concludes: a restrictive rule requires or
        recommends a measure of the criminal process, of deprivation of liberty or of security
        listing; a protective one requires or recommends none that deprives of liberty or lists."""
        spec = rule.spec
        tags = {
            tag
            for kind, measure_id in spec.then.measures()
            if kind in ("require", "recommend") and measure_id in self.kb.measures
            for tag in self.kb.measures[measure_id].tags
        }
        if spec.in_force.effect == "restrictive" and not tags & RESTRICTING:
            self.add(
                rule.where,
                spec.id,
                "in_force.effect",
                "a restrictive rule requires or recommends a measure of the criminal process, deprivation of liberty "
                "or security listing; this one concludes none: it is 'protective'",
            )
        if spec.in_force.effect == "protective" and tags & (RESTRICTING - {"criminal_process"}):
            self.add(
                rule.where,
                spec.id,
                "in_force.effect",
                "a rule that requires or recommends deprivation of liberty or a security listing restricts the child: "
                "it is 'restrictive'",
            )

    def strengths(self) -> None:
        """Every measure has a citation supporting it; a prohibition that is not binding law
        under the international reference profile says why it is still a prohibition."""
        kb = self.kb
        if any(c.id not in kb.sources for r in kb.rules.values() for c in r.spec.sources):
            return  # reported already; strengths cannot be worked out
        table = rule_strengths(kb)
        for rule in kb.rules.values():
            spec, where = rule.spec, rule.where
            non_binding = []
            for kind, measure_id in spec.then.measures():
                strength = table[(rule.id, measure_id)]
                if not strength.basis:
                    self.add(
                        where,
                        spec.id,
                        "sources",
                        f"no citation supports '{measure_id}' (every citation's 'applies_to' leaves it out)",
                    )
                    continue
                if kind != "prohibit":
                    continue
                level, lowered_by = capped(kb, strength)
                if not is_binding(level):
                    non_binding.append((measure_id, level, lowered_by))
            if non_binding and spec.non_binding_prohibition is None:
                measure_id, level, lowered_by = non_binding[0]
                because = (
                    f", because it follows from the international reference value of {', '.join(lowered_by)}"
                    if lowered_by
                    else ""
                )
                self.add(
                    where,
                    spec.id,
                    "non_binding_prohibition",
                    f"prohibits {', '.join(repr(m) for m, _, _ in non_binding)} on non-binding sources only "
                    f"(at most {STRENGTH_LABELS[level]} under the international reference profile{because}): "
                    "cite the binding provision, conclude 'recommend' instead, or say in 'non_binding_prohibition' "
                    'why it is still a prohibition (it will read "the international standards advise against")',
                )
            elif spec.non_binding_prohibition is not None and not non_binding:
                self.add(
                    where,
                    spec.id,
                    "non_binding_prohibition",
                    "every prohibition of this rule rests on binding law: 'non_binding_prohibition' is for "
                    "prohibitions that do not",
                )

    def atom(self, owner: Owner, atom: Atom) -> None:
        where, rid = owner.where, owner.id
        kb = self.kb
        if atom.kind in ("param", "param_compare"):
            param = kb.parameters.get(atom.name)
            if param is None:
                self.add(where, rid, owner.field, f"unknown parameter '{atom.name}'", kb.parameters, atom.name)
            elif atom.kind == "param" and param.type != "boolean":
                self.add(
                    where,
                    rid,
                    owner.field,
                    f"'{{param: {atom.name}}}' alone needs a boolean parameter; '{atom.name}' is {param.type}",
                )
            self.operand(owner, atom, param.type if param else None)
            return
        question = kb.questions.get(atom.name)
        if question is None and atom.name not in self.derived:
            self.add(
                where,
                rid,
                owner.field,
                f"'{atom.name}' is neither a question nor a fact set by a rule",
                [*kb.questions, *self.derived],
                atom.name,
            )
            return
        if question is None:
            if atom.kind != "fact":
                self.add(
                    where,
                    rid,
                    owner.field,
                    f"'{atom.name}' is a derived (yes/no) fact: test it as {{fact: {atom.name}}}",
                )
            return
        qtype = question.type
        if atom.kind == "fact" and qtype != "yes_no":
            self.add(
                where,
                rid,
                owner.field,
                f"'{{fact: {atom.name}}}' alone needs a yes/no question; '{atom.name}' is {qtype}: add a comparison",
            )
        elif atom.kind == "unknown" and not question.allow_unknown:
            self.add(
                where,
                rid,
                owner.field,
                f"'{atom.name}' does not allow \"I don't know\" (allow_unknown is false), so {{unknown: {atom.name}}} can never be true",
            )
        elif atom.kind == "elapsed" and qtype not in ("date", "datetime"):
            self.add(
                where, rid, owner.field, f"'{atom.unit}' needs a date or datetime question; '{atom.name}' is {qtype}"
            )
        elif atom.kind == "compare":
            self.comparison(owner, atom, question)
        if atom.kind == "elapsed":
            self.operand(owner, atom, "integer")

    def comparison(self, owner: Owner, atom: Atom, question) -> None:
        where, rid, op, qtype = owner.where, owner.id, atom.op, question.type
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
                f"{owner.field}.{op}",
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
                        f"{owner.field}.{op}",
                        f"'{value}' is not a choice of '{atom.name}' (choices: {', '.join(question.choice_ids)})",
                        question.choice_ids,
                        str(value),
                    )
                if qtype == "yes_no" and not isinstance(value, bool):
                    self.add(where, rid, f"{owner.field}.{op}", f"'{atom.name}' is yes/no: compare with true or false")
        else:
            self.operand(owner, atom, "integer" if qtype == "integer" else qtype)

    def operand(self, owner: Owner, atom: Atom, expected: str | None) -> None:
        if atom.operand is None or atom.operand.kind == "literal":
            return
        param = self.kb.parameters.get(atom.operand.value)
        if param is None:
            self.add(
                owner.where,
                owner.id,
                f"{owner.field}.{atom.op}",
                f"unknown parameter '{atom.operand.value}'",
                self.kb.parameters,
                atom.operand.value,
            )
        elif expected is not None and param.type != expected:
            self.add(
                owner.where,
                owner.id,
                f"{owner.field}.{atom.op}",
                f"parameter '{param.id}' is {param.type}, but '{atom.name}' needs {expected}",
            )

    # -- other entries
    def measures(self) -> None:
        for measure in self.kb.measures.values():
            deadline = measure.deadline
            if deadline is None:
                continue
            where = self.at(measure.id)
            # What each field of a deadline names: the questions it counts from, is met by, is ended by.
            fields = (
                ("from", deadline.counts_from, ("date", "datetime"), "a date or datetime"),
                ("met_by", deadline.met_by, ("date", "datetime", "yes_no"), "a date, datetime or yes/no"),
                ("ended_by", deadline.ended_by, ("date", "datetime"), "a date or datetime"),
            )
            for field, names, types, kinds in fields:
                for name in names:
                    question = self.kb.questions.get(name)
                    if question is None or question.type not in types:
                        self.add(
                            where,
                            measure.id,
                            f"deadline.{field}",
                            f"'{name}' must be {kinds} question",
                            self.kb.questions,
                            name,
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
        for measure in self.kb.measures.values():
            if measure.variant_of is None:
                continue
            lead = self.kb.measures.get(measure.variant_of)
            if lead is None or lead.id == measure.id:
                self.add(
                    self.at(measure.id),
                    measure.id,
                    "variant_of",
                    f"'{measure.variant_of}' is not another measure of measures.yaml",
                    self.kb.measures,
                    measure.variant_of,
                )
            elif lead.variant_of is not None:
                self.add(
                    self.at(measure.id),
                    measure.id,
                    "variant_of",
                    f"'{lead.id}' is itself a variant of '{lead.variant_of}': name the measure they all vary",
                )
            elif lead.tags != measure.tags:
                self.add(
                    self.at(measure.id),
                    measure.id,
                    "variant_of",
                    f"a variant has the tags of the measure it varies ('{lead.id}': {', '.join(lead.tags) or 'none'})",
                )
        concluded = {m for rule in self.kb.rules.values() for _, m in rule.spec.then.measures()}
        for measure_id in self.kb.measures:
            if measure_id not in concluded:
                self.add(self.at(measure_id), measure_id, None, "no rule concludes this measure")

    def jurisdictions(self) -> None:
        for profile in self.kb.jurisdictions.values():
            self.profile(profile, lambda key, pid=profile.id: self.at(f"{pid}.values" + (f".{key}" if key else "")))

    def profile(self, profile: Jurisdiction, at: Callable[[str | None], Located]) -> None:
        """A profile's values: one for every parameter, of its type; dated ones in periods that
        follow each other without gap or overlap from the first, each with its source."""
        params = self.kb.parameters
        where = at(None)
        for name in params:
            if name not in profile.values:
                self.add(
                    where, profile.id, "values", f"no value for parameter '{name}': every profile gives every parameter"
                )
        for name, value in profile.values.items():
            param = params.get(name)
            spot = at(name)
            if param is None:
                self.add(spot, profile.id, f"values.{name}", f"unknown parameter '{name}'", params, name)
                continue
            periods = profile.dated.get(name, ())
            for field, given in (
                [(f"values.{name}", value)]
                if not periods
                else [(f"values.{name}.{i}.value", p.value) for i, p in enumerate(periods)]
            ):
                self._value(param, profile.id, spot, field, given)
            for i, (one, nxt) in enumerate(itertools.pairwise(periods)):
                if nxt.from_ <= one.from_ or (one.until is not None and one.until >= nxt.from_):
                    self.add(
                        spot,
                        profile.id,
                        f"values.{name}.{i + 1}.from",
                        f"the period from {nxt.from_} overlaps the one before it (from {one.from_}{f' until {one.until}' if one.until else ''}): periods follow each other in date order",
                    )
                elif one.until is not None and (nxt.from_ - one.until).days > 1:
                    self.add(
                        spot,
                        profile.id,
                        f"values.{name}.{i}.until",
                        f"a gap between {one.until} and {nxt.from_}: no value is in force then; the next period begins the day after 'until'",
                    )
            if periods and periods[0].from_ > EARLIEST_REFERENCE_DATE:
                self.add(
                    spot,
                    profile.id,
                    f"values.{name}.0.from",
                    f"the first period begins on {periods[0].from_}: give the value in force before it too (from {EARLIEST_REFERENCE_DATE} or earlier), so that every date has one",
                )
            if periods and periods[-1].until is not None:
                self.add(
                    spot,
                    profile.id,
                    f"values.{name}.{len(periods) - 1}.until",
                    "the last period has no end: leave 'until' out (the value stays in force until a later period)",
                )
        for name in profile.notes:
            if name not in params:
                self.add(where, profile.id, f"notes.{name}", f"unknown parameter '{name}'", params, name)

    def _value(self, param: Parameter, entry: str, spot: Located, field: str, value: object) -> None:
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
            self.add(spot, entry, field, f"{value!r} is not {expected}")

    def questions_used(self) -> None:
        read = {atom.name for rule in self.kb.rules.values() for atom in atoms(rule.condition)}
        deadline_inputs = {
            name
            for m in self.kb.measures.values()
            if m.deadline
            for name in (*m.deadline.counts_from, *m.deadline.met_by, *m.deadline.ended_by)
        }
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
                for measure_id in expectation.strength:
                    if measure_id not in kb.measures:
                        self.add(
                            where,
                            scenario.name,
                            f"{label}.strength",
                            f"unknown measure '{measure_id}'",
                            kb.measures,
                            measure_id,
                        )


def cross_check(kb: KnowledgeBase) -> list[Problem]:
    """Every cross-file problem of the knowledge base."""
    return _Checker(kb).run()


def profile_problems(kb: KnowledgeBase, profile: Jurisdiction, file: str, data: object) -> list[Problem]:
    """The problems of one profile read from a file, checked against the knowledge base."""
    checker = _Checker(kb)
    checker.profile(
        profile,
        lambda key: Located(file, line_of(data, ("values", key)) if key else line_of(data, ("values",)) or 1),
    )
    return checker.problems
