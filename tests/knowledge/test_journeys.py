"""The answer in few questions: each vignette's journey, for the decision it is about, asks at most
a dozen questions at the median, and the scenario answers every question its journey asks."""

from __future__ import annotations

from click.testing import CliRunner

from cli.main import main
from engine.analysis.journeys import median_asked, vignette_journeys

MAX_MEDIAN = 12  # issue 13: median at most 12 questions over the journeys of V1-V12


def test_the_median_journey_asks_at_most_twelve_questions(kb):
    journeys = vignette_journeys(kb)
    assert {j.vignette for j in journeys} == {f"V{n}" for n in range(1, 13)}
    assert all(j.hearing for j in journeys), "every vignette names the decision it is about"
    assert [j.scenario for j in journeys if j.missing] == []
    assert median_asked(journeys) <= MAX_MEDIAN


def test_pathway_journeys_prints_each_journey_and_fails_above_the_limit():
    passed = CliRunner().invoke(main, ["journeys", "--max-median", str(MAX_MEDIAN)])
    assert passed.exit_code == 0, passed.output
    assert "Median:" in passed.output and "V8" in passed.output
    failed = CliRunner().invoke(main, ["journeys", "--max-median", "1"])
    assert failed.exit_code == 1
