"""Run a policy-readable scenario and say, in policy terms, where the outcome differs from it."""

from __future__ import annotations

from dataclasses import dataclass

from engine.load.answers import parse_answers
from engine.load.knowledge_base import KnowledgeBase, ScenarioEntry
from engine.load.model import Expectation
from engine.run.ages import DatedAges, act_standings, case_ages
from engine.run.deadlines import Deadline, Limit
from engine.run.session import Assessment, acts_below_minimum_age, assess_typed


@dataclass(frozen=True)
class ScenarioOutcome:
    """The assessment of a scenario and every way it departs from what the scenario expects."""

    assessment: Assessment | None
    mismatches: list[str]

    @property
    def passed(self) -> bool:
        return not self.mismatches


def scenario_state(limit: Deadline | Limit) -> str:
    """A deadline's state as a scenario writes it: met_late / ended_late when after the due moment."""
    return limit.state + ("_late" if limit.late else "")


def _came_out(assessment: Assessment) -> str:
    lines = []
    for kind in ("require", "prohibit", "recommend", "flag"):
        ids = sorted(f"{m.id} ({m.strength})" for m in assessment.measures_of(kind))
        lines.append(f"  {kind}: {', '.join(ids) or '(none)'}")
    states = [f"{m.id}: {scenario_state(m.deadline)}" for m in assessment.measures if m.deadline is not None]
    if states:
        lines.append(f"  deadlines: {', '.join(states)}")
    lines.append(f"  rules applied: {', '.join(step.rule_id for step in assessment.trace) or '(none)'}")
    if assessment.open_questions:
        lines.append(f"  still unanswered: {', '.join(q.question.id for q in assessment.open_questions)}")
    return "\n".join(lines)


def _deadline_problems(expect: Expectation, must_not: Expectation, result: Assessment) -> list[str]:
    """The deadline states a scenario expects (or forbids), national and international."""
    deadlines = {m.id: m.deadline for m in result.measures if m.deadline is not None}
    international = {mid: d.international for mid, d in deadlines.items() if d.international is not None}
    problems = []
    for label, found in (("", deadlines), ("international ", international)):
        wanted = expect.deadlines if not label else expect.international_deadlines
        unwanted = must_not.deadlines if not label else must_not.international_deadlines
        for measure_id, state in wanted.items():
            got = found.get(measure_id)
            if got is None:
                problems.append(f"expected the {label}deadline of '{measure_id}' to be {state}, but it has none")
            elif scenario_state(got) != state:
                problems.append(
                    f"expected the {label}deadline of '{measure_id}' to be {state}, but it is {scenario_state(got)}"
                )
        for measure_id, state in unwanted.items():
            got = found.get(measure_id)
            if got is not None and scenario_state(got) == state:
                problems.append(f"the {label}deadline of '{measure_id}' must not be {state}, but it is")
    return problems


def _act_problems(kb: KnowledgeBase, entry: ScenarioEntry, ages: DatedAges | None) -> list[str]:
    """Where the dated acts do not stand as the scenario expects (assessed, apart...)."""
    scenario = entry.scenario
    if not scenario.expect.acts:
        return []
    if ages is None:
        return ["expected dated acts, but the scenario gives no acts with a date of birth or an age assessment"]
    below = acts_below_minimum_age(kb, scenario.jurisdiction, scenario.reference_date, ages)
    found: dict[object, set[str]] = {}
    for age, standing, _macr in act_standings(ages, below):
        found.setdefault(age.act.date, set()).add(standing)
    return [
        f"expected the act of {day.isoformat()} to be {standing}, but it is {', '.join(sorted(found.get(day, set()))) or 'not an act of the scenario'}"
        for day, standing in scenario.expect.acts.items()
        if standing not in found.get(day, set())
    ]


def run_scenario(kb: KnowledgeBase, entry: ScenarioEntry) -> ScenarioOutcome:
    """Assess the scenario's answers and compare with its expectations."""
    scenario = entry.scenario
    reference = scenario.reference_date
    typed, errors = parse_answers(kb.questions, scenario.answers, reference)
    if errors:
        return ScenarioOutcome(None, [f"answer not accepted: {e}" for e in errors])
    if scenario.jurisdiction not in kb.jurisdictions:
        return ScenarioOutcome(None, [f"unknown jurisdiction '{scenario.jurisdiction}'"])
    ages, contradictions = case_ages(
        scenario.date_of_birth,
        scenario.age_assessment,
        scenario.acts,
        scenario.answers,
        scenario.conduct_date,
        reference.date(),
    )
    if contradictions:
        return ScenarioOutcome(None, [f"{'.'.join(map(str, path))}: {message}" for path, message in contradictions])
    conduct = scenario.conduct_date if ages is None else ages.conduct_date
    typed = typed if ages is None else {**typed, **ages.answers}
    result = assess_typed(kb, typed, scenario.jurisdiction, reference, hearing=scenario.hearing, conduct_date=conduct)
    reached = result.measure_pairs()
    fired = {step.rule_id for step in result.trace}
    problems = []
    for kind, measure_id in scenario.expect.measures():
        if (kind, measure_id) not in reached:
            problems.append(f"expected '{kind} {measure_id}', but it did not come out")
    for kind, measure_id in scenario.must_not.measures():
        if (kind, measure_id) in reached:
            rules = next(m.rules for m in result.measures if (m.kind, m.id) == (kind, measure_id))
            problems.append(f"'{kind} {measure_id}' must not come out, but it did (because of {', '.join(rules)})")
    for rule_id in scenario.expect.rules:
        if rule_id not in fired:
            problems.append(f"expected rule {rule_id} to apply, but it did not")
    for rule_id in scenario.must_not.rules:
        if rule_id in fired:
            problems.append(f"rule {rule_id} must not apply, but it did")
    for measure_id, level in scenario.expect.strength.items():
        found = [m for m in result.measures if m.id == measure_id]
        if not found:
            problems.append(f"expected '{measure_id}' with strength '{level}', but it did not come out")
        for m in found:
            if m.strength != level:
                problems.append(
                    f"expected '{m.kind} {measure_id}' with strength '{level}', but it came out as '{m.strength}'"
                    f" ({m.words})"
                )
    for measure_id, level in scenario.must_not.strength.items():
        for m in result.measures:
            if m.id == measure_id and m.strength == level:
                problems.append(f"'{m.kind} {measure_id}' must not come out as '{level}', but it did ({m.words})")
    problems += _deadline_problems(scenario.expect, scenario.must_not, result)
    problems += _act_problems(kb, entry, ages)
    if scenario.complete is True and result.open_questions:
        problems.append(
            "expected the answers to be complete, but questions are still open: "
            + ", ".join(q.question.id for q in result.open_questions)
        )
    if scenario.complete is False and not result.open_questions:
        problems.append("expected open questions to remain, but the answers are complete")
    if problems:
        problems.append("What came out:\n" + _came_out(result))
    return ScenarioOutcome(result, problems)
