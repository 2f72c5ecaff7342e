"""The answer in one look: the route the case takes and why, the decisions needed now, what is prohibited.

The route is the first of `knowledge/routes.yaml` whose measure the case reached; its reason is
the rules that reached it. The decisions needed now are the required measures of the decision
at hand (all of them for the whole pathway), those with a time limit first (exceeded, then the
soonest due), at most `MAX_NOW`; the rest stay in the detail.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.load.routes import Route, route_for
from engine.run.explanation import MeasureOutcome
from engine.run.session import Assessment

MAX_NOW = 5


@dataclass(frozen=True)
class Headline:
    route: Route | None  # None: no route reached yet (questions open, or a case no route covers)
    because: tuple[str, ...]  # the rules that reached the route's measure
    now: tuple[MeasureOutcome, ...]  # the decisions needed now (at most MAX_NOW)
    more_now: int  # required measures left for the detail
    prohibited: tuple[MeasureOutcome, ...]


def _urgency(measure: MeasureOutcome) -> tuple:
    deadline = measure.deadline
    if deadline is None:
        return (2,)
    return (0 if deadline.exceeded else 1, deadline.due)


def headline(assessment: Assessment) -> Headline:
    kb = assessment.program.kb
    reached = {(m.kind, m.id): m for m in assessment.measures}
    route, because = None, ()
    found = route_for(kb.routes, reached)
    if found is not None:
        route, because = found[0], tuple(reached[(found[1].kind, found[1].measure)].rules)
    hearing = assessment.hearing
    required = [
        m for m in assessment.measures if m.kind == "require" and (hearing is None or hearing.covers(m.decision_point))
    ]
    required.sort(key=lambda m: (_urgency(m), kb.point_order(m.decision_point)))
    prohibited = tuple(m for m in assessment.measures if m.kind == "prohibit")
    return Headline(route, because, tuple(required[:MAX_NOW]), max(0, len(required) - MAX_NOW), prohibited)
