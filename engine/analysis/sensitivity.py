"""Would the recommendation change if a fact answered "I don't know" were known?

For each "I don't know" answer the case is run again with each possible answer in its place
(every choice; for whole numbers, the ends of the range and the values either side of every
integer parameter of the profile, which is where a rule's outcome can turn). The question is
whether the measures reached differ. Dates cannot be enumerated, so for them the answer is
"cannot say". Open questions are relevant by definition: their answer can change which rules apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.load.answers import answer_text, integer_ranges
from engine.load.conditions import UNKNOWN
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import Question
from engine.run.session import Assessment, engine_for, program_for

MAX_INTEGER_SWEEP = 40


@dataclass(frozen=True)
class Alternative:
    """One possible answer and how the measures reached would differ from this case's."""

    value: Any
    text: str
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class UnknownFact:
    """A question answered "I don't know", with the answers that would change the result."""

    question: Question
    checked: bool
    changes: tuple[Alternative, ...]

    @property
    def would_change(self) -> bool | None:
        """True / False once checked; None when the possible answers cannot be listed (dates)."""
        return bool(self.changes) if self.checked else None

    def effects(self) -> list[Effect]:
        """The changes grouped by effect, each with the answers that cause it (whole-number runs as ranges)."""
        groups: dict[tuple, list[Alternative]] = {}
        for alt in self.changes:
            groups.setdefault((alt.added, alt.removed), []).append(alt)
        return [Effect(_answers_text(alts), added, removed) for (added, removed), alts in groups.items()]


@dataclass(frozen=True)
class Effect:
    """One way the result would change, and the answers that would change it so."""

    answers: str
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]


def _answers_text(alternatives: list[Alternative]) -> str:
    values = [a.value for a in alternatives]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return ", ".join(a.text for a in alternatives)
    return integer_ranges(values)


def parameter_candidates(question: Question, parameter_values: dict[str, Any]) -> list[Any] | None:
    """The answers worth trying in place of "I don't know" (None: they cannot be listed)."""
    if question.type == "yes_no":
        return [True, False]
    if question.type == "choice":
        return list(question.choice_ids)
    if question.type == "multi_choice":
        return [frozenset()] + [frozenset([c]) for c in question.choice_ids]
    if question.type == "integer":
        low, high = question.min, question.max
        if high - low <= MAX_INTEGER_SWEEP:
            return list(range(low, high + 1))
        points = {low, high}
        for value in parameter_values.values():
            if isinstance(value, int) and not isinstance(value, bool):
                points |= {value - 1, value, value + 1}
        return sorted(p for p in points if low <= p <= high)
    return None


def unknown_facts(kb: KnowledgeBase, assessment: Assessment) -> list[UnknownFact]:
    """Every "I don't know" answer of the case, in asking order, with its effect on the result."""
    program = assessment.program or program_for(kb, assessment.jurisdiction)
    engine = engine_for(program)
    now: dt.datetime = assessment.reference
    reached = assessment.measure_pairs()
    facts = []
    unknown_ids = sorted((q for q, v in assessment.answers.items() if v is UNKNOWN), key=kb.question_sort_key)
    for qid in unknown_ids:
        question = kb.questions[qid]
        values = parameter_candidates(question, program.values)
        if values is None:
            facts.append(UnknownFact(question, False, ()))
            continue
        changes = []
        for value in values:
            trial = dict(assessment.answers)
            trial[qid] = value
            measures = engine.assess(trial, now).measures
            if measures != reached:
                changes.append(
                    Alternative(
                        value,
                        answer_text(question, value),
                        tuple(sorted(measures - reached)),
                        tuple(sorted(reached - measures)),
                    )
                )
        facts.append(UnknownFact(question, True, tuple(changes)))
    return facts
