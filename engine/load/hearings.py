"""The decisions a user prepares (hearings): which decision points each one needs, in asking order.

`knowledge/hearings.yaml` lists them. A case prepared for one hearing is asked only what can
change that hearing's conclusions: the rules of its decision points (and, through derived facts
and exceptions, the rules they read) decide which questions matter. Its decision points are
listed in asking order, age first, so an adult learns at once that the pathway does not apply.
Without a hearing (the whole pathway), every rule counts and the questions follow the same order.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from engine.load.model import SNAKE, Strict

WHOLE_PATHWAY = "whole_pathway"


class Hearing(Strict):
    """A decision at hand (e.g. the pre-trial detention hearing) and the decision points it needs."""

    id: str = Field(pattern=SNAKE)
    title: str = Field(min_length=1)
    summary: str | None = None
    who: str | None = None  # who usually prepares it (prosecutor, judge)
    decision_points: list[str] = Field(min_length=1)

    def covers(self, point: str) -> bool:
        """Whether a decision point (or a sub-point of one listed) belongs to this hearing."""
        return any(point == listed or point.startswith(listed + ".") for listed in self.decision_points)

    def position(self, point: str) -> int:
        """Asking order of a decision point in this hearing (listed points in their order; others after)."""
        for index, listed in enumerate(self.decision_points):
            if point == listed or point.startswith(listed + "."):
                return index
        return len(self.decision_points)


def unknown_points(hearing: Hearing, decision_points: Iterable[str]) -> list[str]:
    """The decision points a hearing names that the knowledge base does not have."""
    known = set(decision_points)
    return [point for point in hearing.decision_points if point not in known]
