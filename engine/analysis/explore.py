"""Exhaustive proofs over every complete interview, by goal-directed search.

Each property is stated as the formula of its counterexample (for example "the case is below
the MACR and some rule advising a criminal-process measure applies"). The search assigns
questions one at a time, in interview order, over a finite partition of each question's
answers (every choice; numbers and dates split at every threshold the rules and profiles
use), and evaluates the formula in three-valued logic after each step: a branch stops as soon
as the formula is decided. False everywhere is a proof over every complete interview; true
yields a counterexample case file. Because a complete interview decides every rule, and the
logic is monotone, this covers every complete interview without walking the whole
questionnaire tree (which has far more states: the search reports how many it visited).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from engine.analysis.generate import NOW, value_classes
from engine.load.conditions import (
    FALSE,
    TRUE,
    AnyOf,
    Atom,
    Condition,
    Const,
    Not,
    Operand,
    conjoin,
    disjoin,
    evaluate,
    negate,
)
from engine.load.knowledge_base import KnowledgeBase
from engine.run.evaluator import Relevance, evaluate_case
from engine.run.program import Program, rule_ref
from engine.run.session import program_for

# The questions and measures the legal invariants speak about: the contract between these proofs
# and the knowledge base (a property whose ids are missing is reported as not applicable).
AGE = "age_at_conduct"
LOWEST_AGE = "age_lowest_plausible"
ALWAYS_FOR_A_CHILD = ("child_protection_referral", "reintegration_plan", "child_justice_pathway")
ADULT_OUTCOMES = ("outside_child_justice_scope", "placement_in_adult_facility")
# Issue 15: the watch-list question and measure, and the emergency release review.
LISTING = "security_listing"
LISTING_REQUESTS = ("watch_list", "biometrics")
WATCH_LIST = "watch_list_entry"
DETAINED = "currently_detained"
EMERGENCY_QUESTION = "public_health_emergency"
EMERGENCY_PARAMETER = "public_health_emergency_declared"
EMERGENCY_REVIEW = "emergency_release_review"


@dataclass(frozen=True)
class Property:
    id: str
    statement: str
    counterexample: Condition | None  # None: not applicable to this knowledge base
    note: str = ""


@dataclass(frozen=True)
class Proof:
    property: Property
    jurisdiction: str
    proven: bool | None  # None: not applicable
    states: int
    leaves: int
    seconds: float
    counterexample: dict | None = None


def _rules_concluding(kb: KnowledgeBase, test: Callable[[str, str], bool]) -> Condition:
    return disjoin(
        [rule_ref(rid) for rid, rule in kb.rules.items() if any(test(k, m) for k, m in rule.spec.then.measures())]
    )


def _compare(name: str, op: str, parameter: str, values: dict) -> Condition:
    value = values.get(parameter)
    return Atom("compare", name, op, Operand("literal", value)) if value is not None else FALSE


def properties(kb: KnowledgeBase, program: Program) -> list[Property]:
    """The legal invariants, as counterexample formulas for this profile."""
    values = program.values
    advised = ("require", "recommend")
    tagged = lambda tag: lambda k, m: k in advised and tag in kb.measures[m].tags  # noqa: E731
    props = [
        Property(
            "no-dead-end",
            "every complete interview ends with at least one measure",
            conjoin([negate(rule_ref(r)) for r in kb.rules]),
        ),
        Property(
            "prohibited-never-advised",
            "a prohibited outcome (death penalty, life without release...) is only ever prohibited",
            _rules_concluding(kb, lambda k, m: k != "prohibit" and "prohibited_outcome" in kb.measures[m].tags),
        ),
    ]
    for measure_id in sorted(kb.measures):
        pro = _rules_concluding(kb, lambda k, m, x=measure_id: k in advised and m == x)
        con = _rules_concluding(kb, lambda k, m, x=measure_id: k == "prohibit" and m == x)
        if pro != FALSE and con != FALSE:
            props.append(
                Property(
                    f"consistent:{measure_id}",
                    f"'{measure_id}' is never both advised and prohibited",
                    conjoin([pro, con]),
                )
            )
    if AGE not in kb.questions or LOWEST_AGE not in kb.questions:
        missing = Property("age-invariants", "age invariants", None, f"needs the questions {AGE} and {LOWEST_AGE}")
        return [*props, missing]
    unknown_age = Atom("unknown", AGE)
    lowest = AnyOf((Atom("unknown", LOWEST_AGE), _compare(LOWEST_AGE, "lt", "macr", values)))
    below = disjoin([_compare(AGE, "lt", "macr", values), conjoin([unknown_age, lowest])])
    child = disjoin([_compare(AGE, "lt", "age_of_majority", values), unknown_age])
    props.append(
        Property(
            "macr",
            "below the MACR (benefit of the doubt when the age is unknown) nothing criminal is required or recommended",
            conjoin([below, _rules_concluding(kb, tagged("criminal_process"))]),
        )
    )
    adult = _rules_concluding(kb, lambda k, m: m in ADULT_OUTCOMES and k != "prohibit")
    pathway = _rules_concluding(kb, lambda k, m: (k, m) == ("require", "child_justice_pathway"))
    props.append(
        Property(
            "unknown-age",
            "an unknown age gets the benefit of the doubt: child-justice pathway, no adult outcome",
            conjoin([unknown_age, disjoin([negate(pathway), adult])]),
        )
    )
    props += _framework_properties(kb, values, below, child)
    for measure_id in ALWAYS_FOR_A_CHILD:
        required = _rules_concluding(kb, lambda k, m, x=measure_id: (k, m) == ("require", x))
        props.append(
            Property(
                f"always:{measure_id}",
                f"every child gets '{measure_id}' as required",
                conjoin([child, negate(required)]),
            )
        )
    return props


def _framework_properties(kb: KnowledgeBase, values: dict, below: Condition, child: Condition) -> list[Property]:
    """The counter-terrorism and emergency invariants (issue 15), given the MACR and child formulas."""
    props = []
    if LISTING in kb.questions and WATCH_LIST in kb.measures:
        advised = _rules_concluding(
            kb, lambda k, m: k in ("require", "recommend") and "security_listing" in kb.measures[m].tags
        )
        barred = _rules_concluding(kb, lambda k, m: (k, m) == ("prohibit", WATCH_LIST))
        requested = Atom("compare", LISTING, "includes_any", Operand("literal", LISTING_REQUESTS))
        props.append(
            Property(
                "no-watch-list-below-macr",
                "below the MACR no watch-list or security listing is ever advised, and a requested listing is advised against",
                conjoin([below, disjoin([advised, conjoin([requested, negate(barred)])])]),
            )
        )
    else:
        props.append(
            Property("no-watch-list-below-macr", "watch-list invariant", None, f"needs {LISTING} and {WATCH_LIST}")
        )
    if DETAINED in kb.questions and EMERGENCY_REVIEW in kb.measures and EMERGENCY_PARAMETER in values:
        declared = (
            TRUE
            if values[EMERGENCY_PARAMETER]
            else (Atom("fact", EMERGENCY_QUESTION) if EMERGENCY_QUESTION in kb.questions else FALSE)
        )
        review = _rules_concluding(kb, lambda k, m: (k, m) == ("require", EMERGENCY_REVIEW))
        props.append(
            Property(
                "emergency-release-review",
                "no detained child misses the emergency release review while a public-health emergency is declared",
                conjoin([child, Atom("fact", DETAINED), declared, negate(review)]),
            )
        )
    else:
        props.append(
            Property(
                "emergency-release-review",
                "emergency invariant",
                None,
                f"needs {DETAINED}, {EMERGENCY_REVIEW}, {EMERGENCY_PARAMETER}",
            )
        )
    return props


class _Search:
    def __init__(self, kb: KnowledgeBase, program: Program, target: Condition, budget: int):
        self.kb, self.program, self.target, self.budget = kb, program, target, budget
        self.states = self.leaves = 0
        self.partitions: dict[str, list] = {}

    def partition(self, question_id: str) -> list:
        """One answer per class of answers that no test in any rule can tell apart."""
        if question_id not in self.partitions:
            self.partitions[question_id] = [values[0] for values in value_classes(self.program, question_id, NOW)]
        return self.partitions[question_id]

    def run(self, answers: dict) -> dict | None:
        self.states += 1
        if self.states > self.budget:
            raise TimeoutError
        evaluation = evaluate_case(self.program, answers, NOW)

        def leaf(atom: Atom):
            if atom.kind == "rule":
                return evaluation.status[atom.name]
            if atom.name in answers:
                return atom.test(answers[atom.name], NOW)
            return None

        value = evaluate(self.target, leaf)
        if value is not None:
            self.leaves += 1
            return dict(answers) if value else None
        relevance = Relevance(self.program, answers, NOW, evaluation)
        open_ids: set[str] = set()
        for atom in _undecided_atoms(self.target, leaf):
            open_ids |= relevance.rule_questions(atom.name) if atom.kind == "rule" else {atom.name}
        question_id = min(open_ids, key=self.kb.question_sort_key)
        for value in self.partition(question_id):
            answers[question_id] = value
            found = self.run(answers)
            del answers[question_id]
            if found is not None:
                return found
        return None


def _undecided_atoms(node: Condition, leaf) -> list[Atom]:
    if isinstance(node, Atom):
        return [node] if leaf(node) is None else []
    if isinstance(node, Const):
        return []
    if isinstance(node, Not):
        return _undecided_atoms(node.item, leaf)
    return [a for item in node.items if evaluate(item, leaf) is None for a in _undecided_atoms(item, leaf)]


def prove(kb: KnowledgeBase, jurisdiction: str, budget: int = 2_000_000) -> list[Proof]:
    """Prove every property for one profile; a property whose search exceeds the budget is undecided."""
    program = program_for(kb, jurisdiction)
    proofs = []
    for prop in properties(kb, program):
        start = time.perf_counter()
        if prop.counterexample is None:
            proofs.append(Proof(prop, jurisdiction, None, 0, 0, 0.0))
            continue
        search = _Search(kb, program, prop.counterexample, budget)
        try:
            found = search.run({}) if prop.counterexample != TRUE else {}
            proven = found is None
        except TimeoutError:
            found, proven = None, None
        proofs.append(
            Proof(prop, jurisdiction, proven, search.states, search.leaves, time.perf_counter() - start, found)
        )
    return proofs
