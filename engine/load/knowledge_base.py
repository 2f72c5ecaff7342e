"""The loaded knowledge base: every entry by id, with where it was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from engine.load.conditions import Condition
from engine.load.hearings import Hearing
from engine.load.model import (
    INTERNATIONAL_PROFILE,
    DecisionPoint,
    EventKind,
    Jurisdiction,
    Measure,
    NotEncoded,
    Parameter,
    Question,
    RuleSpec,
    Scenario,
    Source,
)
from engine.load.routes import Route

if TYPE_CHECKING:
    from engine.load.translations import Text, Translations


@dataclass(frozen=True)
class Located:
    """Where an entry was written (for messages and the rule catalogue)."""

    file: str
    line: int | None


@dataclass(frozen=True)
class Rule:
    """A rule with its parsed condition; `order` is its position across the rule files."""

    spec: RuleSpec
    condition: Condition
    where: Located
    order: int

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class ScenarioEntry:
    """A scenario with the file and line it comes from."""

    scenario: Scenario
    where: Located


@dataclass
class KnowledgeBase:
    """Everything in `knowledge/`, validated. Built by `engine.load.loader.load_knowledge`."""

    root: Path
    version: str
    sources: dict[str, Source] = field(default_factory=dict)
    decision_points: dict[str, DecisionPoint] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    not_encoded: list[NotEncoded] = field(default_factory=list)
    applies_when: dict[str, Condition] = field(default_factory=dict)  # by not_encoded id: when the point arises
    ask_when: dict[str, Condition] = field(default_factory=dict)  # by question id: when a follow-up is asked
    scenarios: list[ScenarioEntry] = field(default_factory=list)
    hearings: dict[str, Hearing] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)  # in the order of knowledge/routes.yaml
    events: dict[str, EventKind] = field(default_factory=dict)  # the kinds of event a case may record
    locations: dict[str, Located] = field(default_factory=dict)
    # The knowledge texts in other languages (knowledge/translations/), set by the loader.
    translations: Translations | None = field(default=None, repr=False, compare=False)
    # Per-jurisdiction bound programs, built on first use (see engine.run.session.program_for).
    programs: dict = field(default_factory=dict, repr=False, compare=False)
    # The id of a profile supplied by the user (engine.load.profiles.with_profile): this copy of the
    # knowledge base lives for one request or command, and no engine built on it is kept.
    supplied_profile: str | None = field(default=None, compare=False)

    def text(self, kind: str, entry_id: str, field_name: str, lang: str) -> Text:
        """A knowledge text in `lang`, with its language and status (English when not translated):
        e.g. `kb.text("questions", "age_at_conduct", "text", "fr")`; a choice label is field
        "choices.<choice id>". See engine.load.translations."""
        return self.translations.text(kind, entry_id, field_name, lang)

    @cached_property
    def dated_rules(self) -> list[Rule]:
        """The rules in force for a period only (`in_force:`), in rule order (engine.run.law_in_force)."""
        return [rule for rule in self.rules.values() if rule.spec.in_force is not None]

    def derived_facts(self) -> dict[str, list[str]]:
        """Each derived fact with the ids of the rules that set it, in rule order."""
        setters: dict[str, list[str]] = {}
        for rule in self.rules.values():
            for fact in rule.spec.then.set:
                setters.setdefault(fact, []).append(rule.id)
        return setters

    @property
    def international(self) -> Jurisdiction:
        """The profile of the international reference values: the default, and the yardstick of every gap."""
        return self.jurisdictions[INTERNATIONAL_PROFILE]

    def point_order(self, point: str) -> tuple[int, ...]:
        """The one order of the pathway's decision points (DP-3.1 comes as (3, 1)); an unknown id comes last."""
        found = self.decision_points.get(point)
        return found.order if found is not None else (10_000,)

    def question_sort_key(self, question_id: str) -> tuple:
        """Tie-break order of questions: decision point, then position in the files."""
        return (self.point_order(self.questions[question_id].decision_point), list(self.questions).index(question_id))
