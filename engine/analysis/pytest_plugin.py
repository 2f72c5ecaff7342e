"""pytest plugin: every scenario in `knowledge/scenarios/*.yaml` is a test item.

A failing scenario is reported as a policy officer would want to read it: the file and line,
the scenario's name, what was expected and what came out; never a Python traceback.

A problem inside a scenario file (a mistyped answer key, an answer out of range, an unknown
measure or rule, a scenario missing a field) fails that scenario alone, with its own message
naming the file, the line and the field; every other scenario still runs. A problem anywhere
else in the knowledge base (a rule, a question, a profile) means no scenario can be trusted: it
is reported once, as one failing item, and the other scenario files are skipped with a pointer
to it. Registered through the `pytest11` entry point in pyproject.toml.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from engine.cases.scenarios import run_scenario
from engine.errors import Problem
from engine.load.knowledge_base import KnowledgeBase, ScenarioEntry
from engine.load.loader import read_knowledge
from engine.load.yaml_source import LineDict, LineList, line_of, read_yaml

_cache: dict[Path, tuple[KnowledgeBase, list[Problem]]] = {}
# The knowledge roots whose problems outside scenarios/ were already reported in this session.
_REPORTED = pytest.StashKey[dict[Path, str]]()


def _knowledge_for(path: Path) -> tuple[KnowledgeBase, list[Problem]]:
    root = path.parent.parent.resolve()
    if root not in _cache:
        _cache[root] = read_knowledge(root)
    return _cache[root]


def _resolved(file: str) -> Path:
    return Path(file).resolve()


def pytest_collect_file(parent, file_path: Path):
    # A knowledge root has its rules and its sources register; a layer laid over another knowledge
    # base by a test (tests/fixtures/dated) has rules and scenarios only, and its test runs them.
    root = file_path.parent.parent
    if (
        file_path.suffix == ".yaml"
        and file_path.parent.name == "scenarios"
        and (root / "rules").is_dir()
        and (root / "sources.yaml").is_file()
    ):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioMismatchError(Exception):
    """A scenario whose outcome differs from what it expects."""


class ScenarioProblemError(Exception):
    """A scenario (or scenario file) that cannot run because what is written in it is wrong."""


def _raw_scenarios(path: Path) -> LineList | None:
    """The raw scenario entries of the file, with their lines (None when the file has no such list)."""
    data, _ = read_yaml(path)
    if isinstance(data, LineDict) and isinstance(data.get("scenarios"), LineList):
        return data["scenarios"]
    return None


def _pinpointed(problem: Problem, raw: object, line: int) -> Problem:
    """The problem at the line of its own field (the knowledge check names the scenario's first line)."""
    if problem.line == line and problem.field:
        field_line = line_of(raw, tuple(problem.field.split(".")))
        return dataclasses.replace(problem, line=field_line or line, entry=None)
    return dataclasses.replace(problem, entry=None)


class ScenarioFile(pytest.File):
    def collect(self):
        kb, problems = _knowledge_for(self.path)
        here = self.path.resolve()
        elsewhere = [p for p in problems if _resolved(p.file).parent != here.parent]
        if elsewhere:
            yield from self._knowledge_problems(elsewhere)
            return
        mine = [p for p in problems if _resolved(p.file) == here]
        entries = {e.where.line: e for e in kb.scenarios if _resolved(e.where.file) == here}
        raw = _raw_scenarios(self.path)
        lines = raw.item_lines if raw is not None else []
        claimed: set[int] = set()
        for index, line in enumerate(lines):
            end = lines[index + 1] if index + 1 < len(lines) else None
            own = [
                number
                for number, p in enumerate(mine)
                if p.line is not None and p.line >= line and (end is None or p.line < end)
            ]
            claimed.update(own)
            entry = entries.get(line)
            name = entry.scenario.name if entry else _raw_name(raw[index], index)
            if entry is None and not own:
                continue
            yield ScenarioItem.from_parent(
                self,
                name=name,
                kb=kb,
                entry=entry,
                line=line,
                problems=[_pinpointed(mine[n], raw[index], line) for n in own],
            )
        rest = [p for number, p in enumerate(mine) if number not in claimed]
        if rest:
            yield ScenarioFileProblems.from_parent(self, name="scenario file is valid", problems=rest)

    def _knowledge_problems(self, problems: list[Problem]):
        root = self.path.parent.parent.resolve()
        reported = self.config.stash.setdefault(_REPORTED, {})
        if root in reported:
            item = KnowledgeProblems.from_parent(self, name="knowledge base is valid", problems=problems)
            item.add_marker(
                pytest.mark.skip(reason=f"the knowledge base has problems, reported once under {reported[root]}")
            )
            yield item
            return
        reported[root] = f"{self.nodeid}::knowledge base is valid"
        yield KnowledgeProblems.from_parent(self, name="knowledge base is valid", problems=problems)


def _raw_name(raw: object, index: int) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return name if isinstance(name, str) and name.strip() else f"scenario {index + 1}"


def _indented(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


class ScenarioItem(pytest.Item):
    def __init__(self, *, kb: KnowledgeBase, entry: ScenarioEntry | None, line: int, problems: list[Problem], **kwargs):
        super().__init__(**kwargs)
        self.kb, self.entry, self.line, self.problems = kb, entry, line, problems

    def runtest(self) -> None:
        if self.problems or self.entry is None:
            raise ScenarioProblemError("\n".join(str(p) for p in self.problems))
        outcome = run_scenario(self.kb, self.entry)
        if not outcome.passed:
            raise ScenarioMismatchError("\n".join(outcome.mismatches))

    def repr_failure(self, excinfo, style=None):
        file = self.entry.where.file if self.entry else (self.problems[0].file if self.problems else self.path)
        where = f"{file}:{self.line}"
        if isinstance(excinfo.value, ScenarioMismatchError):
            return f"{where}\nScenario: {self.name}\n" + _indented(str(excinfo.value))
        if isinstance(excinfo.value, ScenarioProblemError):
            return (
                f"{where}\nScenario: {self.name}\n  This scenario cannot run; fix what is written in it:\n"
                + _indented(str(excinfo.value))
            )
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.line, f"scenario: {self.name}"


class ScenarioFileProblems(pytest.Item):
    """Problems of a scenario file that belong to no one scenario (invalid YAML, no `scenarios:` list)."""

    def __init__(self, *, problems: list[Problem], **kwargs):
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise ScenarioProblemError("\n".join(str(p) for p in self.problems))

    def repr_failure(self, excinfo, style=None):
        return f"The scenario file {self.problems[0].file} has problems:\n" + _indented(str(excinfo.value))

    def reportinfo(self):
        return self.path, 0, "scenario file is valid"


class KnowledgeProblems(pytest.Item):
    def __init__(self, *, problems: list[Problem], **kwargs):
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise ScenarioMismatchError("\n".join(str(p) for p in self.problems))

    def repr_failure(self, excinfo, style=None):
        return "The knowledge base has problems, so its scenarios cannot run:\n" + str(excinfo.value)

    def reportinfo(self):
        return self.path, 0, "knowledge base is valid"
