"""What would change this result: the smallest sets of answer changes that change a measure.

For a case, every answered question (and every question still open) is tried with each of its
candidate answers (`engine.analysis.generate.candidate_values`), alone and in pairs, with the compiled
evaluator (`engine.run.compiled`); a change is reported when a required, recommended or prohibited
measure comes or goes. Pairs are reported only for the measures neither of their two changes
moves alone, so every reported set is minimal. Each reported change is then confirmed with the
engine of record (a bare experta run, `engine.run.session.engine_for`); a change experta does not
confirm is dropped and counted.

The report leads with the changes that move the headline: the route of `knowledge/routes.yaml`
the case takes (`RouteChange`), from the same confirmed changes.

Candidate answers that no rule can tell apart (the same truth value for every test of the
question in every rule of the profile) form one class; only one answer per class is evaluated,
and the report lists every answer of the class.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.analysis.generate import value_classes
from engine.load.knowledge_base import KnowledgeBase
from engine.load.routes import route_for
from engine.run.session import dated_program, engine_for, open_questions

KINDS = ("require", "recommend", "prohibit")
NOT_ANSWERED = None


@dataclass(frozen=True)
class AnswerChange:
    """One answer changed: `before` is None when the question had no answer."""

    question: str
    before: Any
    after: tuple[Any, ...]  # every answer of the class; the first was evaluated


@dataclass(frozen=True)
class ChangeOption:
    """A minimal set of answer changes and the rules that make the measure come or go."""

    changes: tuple[AnswerChange, ...]
    rules: tuple[str, ...]
    opens: tuple[str, ...]  # questions that would become relevant (and are unanswered) after the change


@dataclass
class MeasureChange:
    """A measure that would come (`added`) or go (`removed`), and the ways to make it so."""

    kind: str
    measure: str
    direction: str  # added | removed
    options: list[ChangeOption] = field(default_factory=list)

    @property
    def singles(self) -> list[ChangeOption]:
        return [o for o in self.options if len(o.changes) == 1]

    @property
    def pairs(self) -> list[ChangeOption]:
        return [o for o in self.options if len(o.changes) == 2]

    @property
    def minimal(self) -> list[ChangeOption]:
        """The smallest options: single changes if there are any, else pairs."""
        return self.singles or self.pairs

    def rules(self) -> list[str]:
        """The rules responsible in the smallest options, each once."""
        return list(dict.fromkeys(rid for option in self.minimal for rid in option.rules))


@dataclass
class RouteChange:
    """Another route the case would take (`route`: an id of knowledge/routes.yaml; None: no route), and how."""

    route: str | None
    options: list[ChangeOption] = field(default_factory=list)

    @property
    def minimal(self) -> list[ChangeOption]:
        """The smallest options: single changes if there are any, else pairs."""
        singles = [o for o in self.options if len(o.changes) == 1]
        return singles or self.options


@dataclass
class CounterfactualReport:
    measures: list[MeasureChange]
    questions_tried: int
    single_changes: int
    pair_changes: int
    confirmed: int
    not_confirmed: int
    limited: bool  # True when the pair search stopped at `max_pairs`
    route: str | None = None  # the route the case takes now (None: none yet)
    routes: list[RouteChange] = field(default_factory=list)  # the headline's changes, listed first


def _pairs(kb: KnowledgeBase, fired: list[str]) -> frozenset[tuple[str, str]]:
    return frozenset(pair for rid in fired for pair in kb.rules[rid].spec.then.measures() if pair[0] in KINDS)


def _route(kb: KnowledgeBase, fired: list[str]) -> tuple[str | None, tuple[str, ...]]:
    """The route of the headline, with the rules that reach it."""
    found = route_for(kb.routes, {pair for rid in fired for pair in kb.rules[rid].spec.then.measures()})
    if found is None:
        return None, ()
    pair = (found[1].kind, found[1].measure)
    return found[0].id, tuple(rid for rid in fired if pair in kb.rules[rid].spec.then.measures())


def _same_class(classes: list[tuple[Any, ...]], value: Any) -> tuple[Any, ...] | None:
    return next((c for c in classes if value in c), None)


def what_would_change(
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    jurisdiction: str,
    now: dt.datetime,
    max_pairs: int = 20000,
    confirm: bool = True,
) -> CounterfactualReport:
    """The smallest sets (one or two) of answer changes that change a required/recommended/prohibited measure."""
    program = dated_program(kb, jurisdiction, now)[0]
    evaluate_case = program.compiled.evaluation
    answers = dict(answers)
    base_eval = evaluate_case(answers, now)
    base = _pairs(kb, base_eval.fired())
    base_route = _route(kb, base_eval.fired())[0]
    base_rules = {
        pair: [rid for rid in base_eval.fired() if pair in kb.rules[rid].spec.then.measures()] for pair in base
    }
    open_ids = [q.question.id for q in open_questions(kb, program, answers, now, base_eval)]
    tried = sorted({*answers, *open_ids}, key=kb.question_sort_key)

    alternatives: dict[str, list[tuple[Any, ...]]] = {}
    for qid in tried:
        classes = value_classes(program, qid, now)
        current = _same_class(classes, answers[qid]) if qid in answers else None
        alternatives[qid] = [c for c in classes if c is not current]

    def run(trial: dict[str, Any]):
        evaluation = evaluate_case(trial, now)
        return evaluation, _pairs(kb, evaluation.fired())

    found: dict[tuple[str, str, str], MeasureChange] = {}
    single_effect: dict[tuple[str, tuple], frozenset] = {}  # (qid, class) -> measures moved
    pending: list[tuple[tuple[AnswerChange, ...], dict[str, Any], frozenset, Any]] = []

    def record(changes: tuple[AnswerChange, ...], trial: dict[str, Any], moved: frozenset, evaluation) -> None:
        pending.append((changes, trial, moved, evaluation))

    singles = 0
    for qid in tried:
        for cls in alternatives[qid]:
            trial = {**answers, qid: cls[0]}
            evaluation, reached = run(trial)
            singles += 1
            moved = frozenset(base ^ reached)
            single_effect[(qid, cls)] = moved
            if moved:
                record((AnswerChange(qid, answers.get(qid, NOT_ANSWERED), cls),), trial, moved, evaluation)

    pairs = 0
    limited = False
    for qa, qb in itertools.combinations(tried, 2):
        for ca, cb in itertools.product(alternatives[qa], alternatives[qb]):
            if pairs >= max_pairs:
                limited = True
                break
            trial = {**answers, qa: ca[0], qb: cb[0]}
            evaluation, reached = run(trial)
            pairs += 1
            moved = frozenset(base ^ reached) - single_effect[(qa, ca)] - single_effect[(qb, cb)]
            if moved:
                changes = (
                    AnswerChange(qa, answers.get(qa, NOT_ANSWERED), ca),
                    AnswerChange(qb, answers.get(qb, NOT_ANSWERED), cb),
                )
                record(changes, trial, moved, evaluation)
        if limited:
            break

    confirmed = not_confirmed = 0
    route_changes: dict[str | None, RouteChange] = {}
    for changes, trial, moved, evaluation in pending:
        reached = _pairs(kb, evaluation.fired())
        if confirm:
            if _pairs(kb, engine_for(program).assess(trial, now).fired) != reached:
                not_confirmed += 1
                continue
            confirmed += 1
        opens = tuple(q.question.id for q in open_questions(kb, program, trial, now, evaluation))
        route, route_rules = _route(kb, evaluation.fired())
        if route != base_route:
            route_changes.setdefault(route, RouteChange(route)).options.append(
                ChangeOption(changes, route_rules, opens)
            )
        for kind, measure in sorted(moved):
            direction = "removed" if (kind, measure) in base else "added"
            if direction == "removed":
                rules = tuple(base_rules[(kind, measure)])
            else:
                rules = tuple(
                    rid for rid in evaluation.fired() if (kind, measure) in kb.rules[rid].spec.then.measures()
                )
            entry = found.setdefault((direction, kind, measure), MeasureChange(kind, measure, direction))
            entry.options.append(ChangeOption(changes, rules, opens))

    order = {kind: i for i, kind in enumerate(KINDS)}
    measures = sorted(
        found.values(),
        key=lambda m: (m.direction != "removed", order[m.kind], kb.measures[m.measure].title),
    )

    def by_size(option: ChangeOption) -> tuple:
        return (len(option.changes), [kb.question_sort_key(c.question) for c in option.changes])

    for entry in (*measures, *route_changes.values()):
        entry.options.sort(key=by_size)
    route_order = {rid: i for i, rid in enumerate(kb.routes)}
    routes = sorted(route_changes.values(), key=lambda r: route_order.get(r.route, len(route_order)))
    return CounterfactualReport(
        measures, len(tried), singles, pairs, confirmed, not_confirmed, limited, base_route, routes
    )
