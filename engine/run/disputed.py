"""Disputed facts: does a conclusion hold whichever side's value of a disputed answer is true?

An answer may be disputed: the other side gives another value. The case is assessed with each
combination of the disputed values (the answer as given, or the other side's), and each
conclusion is compared across them: it holds either way, or it depends on the disputed facts on
which it turns (changing that fact alone, the others held, changes the conclusion). What the
court must establish is the disputed facts on which some conclusion turns.

Bounded: the first `MAX_COMBINED` disputed facts (in the order the disputes were given) are
combined in every way (at most 2**3 = 8 assessments); each further disputed fact is varied alone
against the answers as given (one assessment more each), so a conclusion that turns only on a
combination of two facts beyond the bound is not seen, and the analysis says which facts were
varied alone. An "I don't know" answer keeps the treatment it gets everywhere: the other side's
value is a value, never "I don't know".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.i18n import _
from engine.load.answers import AnswerValueError, parse_answer
from engine.load.conditions import UNKNOWN
from engine.load.model import Question

MAX_COMBINED = 3
HOLDS, DEPENDS = "holds_either_way", "depends"


@dataclass(frozen=True)
class Variant:
    """One combination: which disputed facts take the other side's value, and the assessment."""

    other_side: frozenset[str]  # the disputed facts at the other side's value (the rest as given)
    answers: Mapping[str, Any]
    assessment: Any  # engine.run.session.Assessment (not imported: the session imports this module)


@dataclass(frozen=True)
class Verdict:
    """How one conclusion (or any value read from an assessment) fares across the variants."""

    holds: bool
    turns_on: tuple[str, ...]  # the disputed facts it turns on (none when it holds either way)
    values: tuple[Hashable, ...]  # its value in each variant, in the variants' order
    provisional: bool  # some variant has questions open, so its value may still change

    @property
    def state(self) -> str:
        return HOLDS if self.holds else DEPENDS


@dataclass(frozen=True)
class MeasureVerdict:
    kind: str
    measure: str
    title: str
    decision_point: str
    in_given: bool  # reached with the answers as given
    verdict: Verdict


@dataclass(frozen=True)
class DisputeAnalysis:
    """The variants of a case with disputed facts, and each measure's verdict across them."""

    disputes: Mapping[str, Any]  # question id -> the other side's value, in the order the answers were given
    combined: tuple[str, ...]  # combined in every way
    alone: tuple[str, ...]  # beyond the bound: each varied alone against the answers as given
    variants: tuple[Variant, ...]  # the first one is the case as given
    measures: tuple[MeasureVerdict, ...]

    @property
    def given(self) -> Variant:
        return self.variants[0]

    def verdict(self, value_of: Callable[[Any], Hashable]) -> Verdict:
        """The verdict on any value read from an assessment (e.g. a bench-card condition's state)."""
        return verdict(self, [value_of(v.assessment) for v in self.variants])

    def of(self, kind: str, measure: str) -> MeasureVerdict | None:
        return next((m for m in self.measures if (m.kind, m.measure) == (kind, measure)), None)

    @property
    def depending(self) -> tuple[MeasureVerdict, ...]:
        return tuple(m for m in self.measures if not m.verdict.holds)

    @property
    def must_establish(self) -> tuple[str, ...]:
        """The disputed facts on which some conclusion turns, in the order of the disputes."""
        turning = {fact for m in self.measures for fact in m.verdict.turns_on}
        return tuple(fact for fact in self.disputes if fact in turning)


def dispute_problem(question: Question | None, given: Any, other: Any) -> str | None:
    """Why the other side's (typed) value cannot stand as a dispute of this answer, if it cannot."""
    if question is None:
        return _("unknown question (disputed answers are keyed by question id, as the answers are)")
    if given is None:
        return _("only an answer that was given can be disputed: answer the question first")
    if other is UNKNOWN:
        return _("it must be a value the other side asserts, not “I don't know”")
    if other == given:
        return _("it is the answer given: give the value the other side asserts")
    return None


def check_disputes(
    questions: Mapping[str, Question], answers: Mapping[str, Any], raw: Mapping[str, Any], reference: Any
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The disputes of a case file or form (question id -> the other side's raw value), typed, and
    (question id, message) for each that cannot stand."""
    disputes, problems = {}, []
    for qid, value in raw.items():
        question = questions.get(qid)
        try:
            other = parse_answer(question, value, reference) if question is not None else None
        except AnswerValueError as err:
            problems.append((qid, f"{err.error.message} (given: {value!r}; allowed: {err.error.allowed})"))
            continue
        problem = dispute_problem(question, answers.get(qid), other)
        if problem is not None:
            problems.append((qid, problem))
        else:
            disputes[qid] = other
    return disputes, problems


def combinations(answers: Mapping[str, Any], disputes: Mapping[str, Any]) -> list[tuple[frozenset[str], dict]]:
    """The answers of each variant: every combination of the first `MAX_COMBINED` disputed facts (in the disputes' order),
    then each further one alone; the answers as given first."""
    facts = [q for q in disputes if q in answers]  # in the order the disputes were given
    combined, alone = facts[:MAX_COMBINED], facts[MAX_COMBINED:]
    found: list[tuple[frozenset[str], dict]] = []
    for size in range(len(combined) + 1):
        for chosen in itertools.combinations(combined, size):
            found.append((frozenset(chosen), {**answers, **{q: disputes[q] for q in chosen}}))
    found += [(frozenset([q]), {**answers, q: disputes[q]}) for q in alone]
    return found


def verdict(analysis: DisputeAnalysis, values: list[Hashable]) -> Verdict:
    """Holds when every variant gives the same value; else the facts whose change alone changes it."""
    index = {v.other_side: i for i, v in enumerate(analysis.variants)}
    turns = []
    for fact in analysis.disputes:
        for variant, value in zip(analysis.variants, values, strict=True):
            if fact in variant.other_side:
                partner = index.get(variant.other_side - {fact})
                if partner is not None and values[partner] != value:
                    turns.append(fact)
                    break
    provisional = any(not v.assessment.complete for v in analysis.variants)
    return Verdict(len(set(values)) == 1, tuple(turns), tuple(values), provisional)


def analyse(disputes: Mapping[str, Any], variants: list[Variant]) -> DisputeAnalysis:
    """Compare every measure reached in any variant across the variants (the case as given first)."""
    facts = [q for q in disputes if q in variants[0].answers]
    shell = DisputeAnalysis(
        {q: disputes[q] for q in facts}, tuple(facts[:MAX_COMBINED]), tuple(facts[MAX_COMBINED:]), tuple(variants), ()
    )
    seen: dict[tuple[str, str], Any] = {}
    for variant in variants:
        for m in variant.assessment.measures:
            seen.setdefault((m.kind, m.id), m)
    reached = [v.assessment.measure_pairs() for v in variants]
    measures = tuple(
        MeasureVerdict(
            kind, measure, m.title, m.decision_point, key in reached[0], verdict(shell, [key in r for r in reached])
        )
        for key, m in seen.items()
        for kind, measure in [key]
    )
    return DisputeAnalysis(shell.disputes, shell.combined, shell.alone, shell.variants, measures)
