"""How many questions each vignette's journey asks, for the decision it is about.

A journey starts from nothing and answers each question the interview asks from the scenario's
answers, for the scenario's hearing, until no question is open. A question the scenario does not
answer ends the journey early (the scenario is then incomplete for its hearing, and says so).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from engine.load.answers import parse_answers
from engine.load.knowledge_base import KnowledgeBase
from engine.run.session import interview_step

MAX_STEPS = 100


@dataclass(frozen=True)
class Journey:
    scenario: str
    vignette: str
    hearing: str | None
    asked: tuple[str, ...]
    missing: str | None  # the question asked that the scenario does not answer


def vignette_journeys(kb: KnowledgeBase) -> list[Journey]:
    journeys = []
    for entry in kb.scenarios:
        scenario = entry.scenario
        if not scenario.vignette:
            continue
        typed, _ = parse_answers(kb.questions, scenario.answers, scenario.reference_date)
        answers: dict = {}
        missing = None
        for _ in range(MAX_STEPS):
            step = interview_step(kb, answers, scenario.jurisdiction, scenario.reference_date, None, scenario.hearing)
            following = step.assessment.next_question
            if following is None:
                break
            question = following.question.id
            if question not in typed:
                missing = question
                break
            answers[question] = typed[question]
        journeys.append(Journey(scenario.name, scenario.vignette, scenario.hearing, tuple(answers), missing))
    return journeys


def median_asked(journeys: list[Journey]) -> float:
    return statistics.median(len(j.asked) + (j.missing is not None) for j in journeys) if journeys else 0.0
