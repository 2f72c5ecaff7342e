"""Load `knowledge/` from disk: read every file, validate every entry, report all problems at once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engine.errors import KnowledgeError, Problem
from engine.load.conditions import parse_condition
from engine.load.entries import entries_of, validate_entry
from engine.load.hearings import Hearing, reference_problems, unknown_points
from engine.load.knowledge_base import KnowledgeBase, Located, Rule, ScenarioEntry
from engine.load.model import (
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
from engine.load.profiles import resolve_all
from engine.load.routes import Route, unknown_measures
from engine.load.translations import build_translations, translation_files
from engine.load.validate import cross_check
from engine.load.yaml_source import line_of, read_yaml

DEFAULT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

# (file or glob, top-level key, model, KnowledgeBase attribute)
LISTS = (
    ("sources.yaml", "sources", Source, "sources"),
    ("decision_points.yaml", "decision_points", DecisionPoint, "decision_points"),
    ("parameters.yaml", "parameters", Parameter, "parameters"),
    ("measures.yaml", "measures", Measure, "measures"),
)


def content_hash(root: Path) -> str:
    """A short hash of every file under `root`: the knowledge-base version stamped on records."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class _Reader:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.kb = KnowledgeBase(root=root, version=content_hash(root) if root.is_dir() else "missing")

    def rel(self, path: Path) -> str:
        """The path as the user can open it: relative to the working directory when inside it."""
        try:
            return str(path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def files(self, pattern: str) -> list[Path]:
        found = sorted(self.root.glob(pattern))
        if not found:
            self.problems.append(
                Problem(self.rel(self.root / pattern), None, None, None, "no such file: the knowledge base needs it")
            )
        return found

    def read(self, path: Path) -> Any:
        data, problems = read_yaml(path, self.rel(path))
        self.problems.extend(problems)
        return data

    def add(self, container: dict | list, obj: Any, file: str, line: int | None) -> None:
        if isinstance(container, list):
            container.append(obj)
            return
        if obj.id in container:
            first = self.kb.locations[obj.id]
            self.problems.append(
                Problem(
                    file, line, obj.id, "id", f"duplicate id '{obj.id}' (first defined in {first.file}:{first.line})"
                )
            )
            return
        container[obj.id] = obj
        self.kb.locations[obj.id] = Located(file, line)

    def entries(self, paths: list[Path], key: str, model: type) -> Iterator[tuple[Any, Any, str, int]]:
        """Each valid entry under `key` in these files, with its raw mapping, file and line."""
        for path in paths:
            file = self.rel(path)
            data = self.read(path)
            if data is None:
                continue
            items, problems = entries_of(data, key, file)
            self.problems.extend(problems)
            for index, raw in items:
                obj, problems = validate_entry(model, raw, file, (key, index))
                self.problems.extend(problems)
                if obj is not None:
                    yield obj, raw, file, data[key].item_lines[index]

    def load_list(self, pattern: str, key: str, model: type, attribute: str) -> None:
        for obj, _, file, line in self.entries(self.files(pattern), key, model):
            self.add(getattr(self.kb, attribute), obj, file, line)

    def load_questions(self) -> None:
        for question, raw, file, line in self.entries(self.files("questions/*.yaml"), "questions", Question):
            self.add(self.kb.questions, question, file, line)
            if question.ask_when is not None:
                self.optional_condition(raw, "ask_when", question.id, file, self.kb.ask_when)

    def optional_condition(self, raw: Any, field: str, entry_id: str, file: str, into: dict) -> None:
        """An entry's optional condition (`ask_when`, `applies_when`), parsed into `into` by its id."""
        condition, problems = parse_condition(raw[field], file, entry_id, line_of(raw, (field,)), field)
        self.problems.extend(problems)
        if condition is not None:
            into[entry_id] = condition

    def load_rules(self) -> None:
        for spec, raw, file, line in self.entries(self.files("rules/*.yaml"), "rules", RuleSpec):
            condition, problems = parse_condition(raw["when"], file, spec.id, line_of(raw, ("when",)))
            self.problems.extend(problems)
            if condition is not None:
                self.add(self.kb.rules, Rule(spec, condition, Located(file, line), len(self.kb.rules)), file, line)

    def load_judgement(self) -> None:
        for item, raw, file, line in self.entries(self.files("not_encoded.yaml"), "not_encoded", NotEncoded):
            self.kb.not_encoded.append(item)
            self.kb.locations[item.id] = Located(file, line)
            if item.applies_when is not None:
                self.optional_condition(raw, "applies_when", item.id, file, self.kb.applies_when)

    def load_jurisdictions(self) -> None:
        raw = []
        for path in self.files("jurisdictions/*.yaml"):
            file = self.rel(path)
            data = self.read(path)
            if data is None:
                continue
            profile, problems = validate_entry(Jurisdiction, data, file)
            self.problems.extend(problems)
            if profile is None:
                continue
            if profile.id != path.stem:
                self.problems.append(
                    Problem(
                        file,
                        line_of(data, ("id",)),
                        profile.id,
                        "id",
                        f"the profile id must be the file name '{path.stem}'",
                    )
                )
            if "dated" in data:
                self.problems.append(
                    Problem(
                        file,
                        line_of(data, ("dated",)),
                        profile.id,
                        "dated",
                        "'dated' is worked out from the values; write dated values as lists of periods",
                    )
                )
            raw.append((profile, data, file))
            self.kb.locations[f"{profile.id}.values"] = Located(file, line_of(data, ("values",)))
            for name in data.get("values", {}):
                self.kb.locations[f"{profile.id}.values.{name}"] = Located(file, line_of(data, ("values", name)))
        resolved, problems = resolve_all(raw)
        self.problems.extend(problems)
        for profile, data, file in raw:
            self.add(self.kb.jurisdictions, resolved.get(profile.id, profile), file, data.line)

    def load_hearings(self) -> None:
        # Hearings are optional: without them every case is prepared for the whole pathway.
        paths = sorted(self.root.glob("hearings.yaml"))
        for hearing, _, file, line in self.entries(paths, "hearings", Hearing):
            self.add(self.kb.hearings, hearing, file, line)
            for point in unknown_points(hearing, self.kb.decision_points):
                self.problems.append(
                    Problem(file, line, hearing.id, "decision_points", f"unknown decision point '{point}'")
                )
            for where, message in reference_problems(hearing, self.kb.rules, self.kb.measures):
                self.problems.append(Problem(file, line, hearing.id, where, message))

    def load_events(self) -> None:
        # Recorded event kinds are optional: without them a case records no decision events.
        for kind, _, file, line in self.entries(sorted(self.root.glob("events.yaml")), "events", EventKind):
            self.add(self.kb.events, kind, file, line)

    def load_routes(self) -> None:
        # Routes are optional: without them a result has no headline.
        for route, _, file, line in self.entries(sorted(self.root.glob("routes.yaml")), "routes", Route):
            self.add(self.kb.routes, route, file, line)
            for measure in unknown_measures(route, self.kb.measures):
                self.problems.append(Problem(file, line, route.id, "when", f"unknown measure '{measure}'"))

    def load_translations(self) -> None:
        # Translations are optional: a text without one is shown in English, marked.
        files, problems = translation_files(self.root, self.rel)
        self.problems.extend(problems)
        self.kb.translations, problems = build_translations(
            self.kb, lambda path, key, model: self.entries([path], key, model), files
        )
        self.problems.extend(problems)

    def load_scenarios(self) -> None:
        # Scenarios are optional: a knowledge base without any still loads.
        for scenario, _, file, line in self.entries(sorted(self.root.glob("scenarios/*.yaml")), "scenarios", Scenario):
            self.kb.scenarios.append(ScenarioEntry(scenario, Located(file, line)))
            if scenario.hearing is not None and scenario.hearing not in self.kb.hearings:
                known = ", ".join(self.kb.hearings) or "none"
                self.problems.append(
                    Problem(
                        file,
                        line,
                        scenario.name[:40],
                        "hearing",
                        f"unknown hearing '{scenario.hearing}' (known: {known})",
                    )
                )


def read_knowledge(root: Path | str | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Read and check the knowledge base; return it with every problem found (possibly none)."""
    reader = _Reader(Path(root) if root else DEFAULT_KNOWLEDGE)
    if not reader.root.is_dir():
        return reader.kb, [Problem(str(reader.root), None, None, None, "the knowledge folder does not exist")]
    for pattern, key, model, attribute in LISTS:
        reader.load_list(pattern, key, model, attribute)
    reader.load_questions()
    reader.load_rules()
    reader.load_judgement()
    reader.load_jurisdictions()
    reader.load_hearings()
    reader.load_events()
    reader.load_routes()
    reader.load_scenarios()
    reader.load_translations()
    problems = list(dict.fromkeys(reader.problems + cross_check(reader.kb)))
    return reader.kb, problems


def load_knowledge(root: Path | str | None = None) -> KnowledgeBase:
    """Load the knowledge base, or raise `KnowledgeError` listing every problem."""
    kb, problems = read_knowledge(root)
    if problems:
        raise KnowledgeError(problems)
    return kb
