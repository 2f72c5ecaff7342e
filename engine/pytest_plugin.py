"""pytest plugin: every scenario in `knowledge/scenarios/*.yaml` is a test item.

A failing scenario is reported as a policy officer would want to read it: the file and line,
the scenario's name, what was expected and what came out; never a Python traceback.
Registered through the `pytest11` entry point in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .knowledge_base import KnowledgeBase, ScenarioEntry
from .loader import read_knowledge
from .scenarios import run_scenario

_cache: dict[Path, tuple[KnowledgeBase, list]] = {}


def _knowledge_for(path: Path) -> tuple[KnowledgeBase, list]:
    root = path.parent.parent
    if root not in _cache:
        _cache[root] = read_knowledge(root)
    return _cache[root]


def pytest_collect_file(parent, file_path: Path):
    if (
        file_path.suffix == ".yaml"
        and file_path.parent.name == "scenarios"
        and (file_path.parent.parent / "rules").is_dir()
    ):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioMismatchError(Exception):
    """A scenario whose outcome differs from what it expects."""


class ScenarioFile(pytest.File):
    def collect(self):
        kb, problems = _knowledge_for(self.path)
        if problems:
            yield KnowledgeProblems.from_parent(self, name="knowledge base is valid", problems=problems)
            return
        for entry in kb.scenarios:
            if Path(entry.where.file).resolve() == self.path.resolve():
                yield ScenarioItem.from_parent(self, name=entry.scenario.name, kb=kb, entry=entry)


class ScenarioItem(pytest.Item):
    def __init__(self, *, kb: KnowledgeBase, entry: ScenarioEntry, **kwargs):
        super().__init__(**kwargs)
        self.kb, self.entry = kb, entry

    def runtest(self) -> None:
        outcome = run_scenario(self.kb, self.entry)
        if not outcome.passed:
            raise ScenarioMismatchError("\n".join(outcome.mismatches))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioMismatchError):
            where = f"{self.entry.where.file}:{self.entry.where.line}"
            return f"{where}\nScenario: {self.entry.scenario.name}\n" + "\n".join(
                "  " + line for line in str(excinfo.value).splitlines()
            )
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.entry.where.line, f"scenario: {self.entry.scenario.name}"


class KnowledgeProblems(pytest.Item):
    def __init__(self, *, problems: list, **kwargs):
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise ScenarioMismatchError("\n".join(str(p) for p in self.problems))

    def repr_failure(self, excinfo, style=None):
        return "The knowledge base has problems, so its scenarios cannot run:\n" + str(excinfo.value)

    def reportinfo(self):
        return self.path, None, "knowledge base is valid"
