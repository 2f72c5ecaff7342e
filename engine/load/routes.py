"""The routes a case can take, for the headline of a result: the first route whose measures the
case reached (knowledge/routes.yaml, in order) names the way the case goes, in one sentence."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from pydantic import Field

from engine.load.model import SNAKE, MeasureKind, Strict


class RouteMeasure(Strict):
    """A measure reached with a kind (e.g. recommend: diversion)."""

    kind: MeasureKind
    measure: str


class Route(Strict):
    """A way a case goes, and the measures any one of which shows it."""

    id: str = Field(pattern=SNAKE)
    headline: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    when: list[RouteMeasure] = Field(min_length=1)


def unknown_measures(route: Route, measures: Iterable[str]) -> list[str]:
    known = set(measures)
    return [item.measure for item in route.when if item.measure not in known]


def route_for(routes: Mapping[str, Route], reached: Collection[tuple[str, str]]) -> tuple[Route, RouteMeasure] | None:
    """The route a case with these (kind, measure) pairs takes, with the measure that shows it; None: none yet."""
    for route in routes.values():
        for item in route.when:
            if (item.kind, item.measure) in reached:
                return route, item
    return None
