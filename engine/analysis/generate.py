"""Generate cases from any knowledge base: random answers and interview walks.

Used by the differential test, the property tests and the benchmark.

Numbers and dates are drawn mostly around the thresholds the jurisdiction profiles use
(every integer parameter value and its neighbours), so the generated cases cross every
boundary a rule can test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from engine.load.answers import exclusive_clash
from engine.load.conditions import UNKNOWN, atoms
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import Question
from engine.run.program import Program
from engine.run.session import pending_questions

NOW = dt.datetime(2026, 3, 1, 12, 0)
MAX_CHOICES_FOR_ALL_SUBSETS = 6
MAX_MONTHS_BACK = 36
MAX_INTEGER_SPAN = 200  # below this, value_classes lists every whole number of a class


def thresholds(kb: KnowledgeBase) -> list[int]:
    """Every integer parameter value in any profile, with its neighbours."""
    values = {
        v
        for p in kb.jurisdictions.values()
        for v in p.values.values()
        if isinstance(v, int) and not isinstance(v, bool)
    }
    return sorted({n + d for n in values for d in (-1, 0, 1)})


def candidate_values(kb: KnowledgeBase, question: Question) -> list:
    """A finite list of answers that covers every boundary the rules can test."""
    values: list = []
    kind = question.type
    if kind == "yes_no":
        values = [True, False]
    elif kind == "choice":
        values = question.choice_ids
    elif kind == "multi_choice":
        ids = question.choice_ids
        if len(ids) <= MAX_CHOICES_FOR_ALL_SUBSETS:
            values = [frozenset(combo) for size in range(len(ids) + 1) for combo in itertools.combinations(ids, size)]
        else:
            pairs = [frozenset(pair) for pair in itertools.combinations(ids, 2)]
            every = frozenset(ids) - question.exclusive_ids
            values = [frozenset(), *(frozenset({c}) for c in ids), *pairs, every]
        values = [v for v in values if exclusive_clash(question, v) is None]  # the answers a user can give
    elif kind == "integer":
        near = [t for t in thresholds(kb) if question.min <= t <= question.max]
        values = sorted({question.min, question.max, *near})
    else:
        offsets = sorted({0, 1, 2, *(t for t in thresholds(kb) if 0 < t < 400)})
        moments = []
        for days in offsets:
            for hours in (0, 1):
                moment = NOW - dt.timedelta(days=days, hours=hours * 13)
                moments.append(moment if kind == "datetime" else moment.date())
        for months in (m for m in thresholds(kb) if 0 < m <= MAX_MONTHS_BACK):
            for shift in (-1, 0, 1):
                moment = months_before(NOW, months) + dt.timedelta(days=shift)
                moments.append(moment if kind == "datetime" else moment.date())
        values = sorted(set(moments))
    if question.allow_unknown:
        values = [*values, UNKNOWN]
    return values


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (day capped at 28)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def random_full_case(kb: KnowledgeBase, rng: random.Random) -> dict:
    """Every question answered at random (a complete case by construction)."""
    return {qid: rng.choice(candidate_values(kb, q)) for qid, q in kb.questions.items()}


def random_walk_case(kb: KnowledgeBase, rng: random.Random, jurisdiction: str, given: dict | None = None) -> dict:
    """Answer the interview's next question at random until it is complete (keeping the answers `given`)."""
    answers: dict = dict(given or {})
    while True:
        pending = pending_questions(kb, answers, jurisdiction, NOW)
        if not pending:
            return answers
        question = pending[0].question
        answers[question.id] = rng.choice(candidate_values(kb, question))


def value_classes(program: Program, question_id: str, now: dt.datetime) -> list[tuple[Any, ...]]:
    """The candidate answers of a question, grouped by how every rule test of it comes out."""
    question = program.kb.questions[question_id]
    tests = {
        atom
        for condition in program.effective.values()
        for atom in atoms(condition)
        if atom.name == question_id and atom.kind in ("fact", "compare", "unknown", "given", "elapsed")
    }
    ordered = sorted(tests, key=repr)
    values = candidate_values(program.kb, question)
    if question.type == "integer" and question.max - question.min <= MAX_INTEGER_SPAN:
        # Every whole number is classified (cheap: no evaluation), so a class lists its whole range.
        values = [*range(question.min, question.max + 1), *(v for v in values if not isinstance(v, int))]
    classes: dict[tuple, list[Any]] = {}
    for value in values:
        try:
            signature = tuple(atom.test(value, now) for atom in ordered)
        except (TypeError, ValueError):
            signature = ("?", repr(value))
        classes.setdefault(signature, []).append(value)
    return [tuple(values) for values in classes.values()]
