"""Batch assessment of many case files, on every core, and comparison under two laws.

`pathway batch CASES [--jurisdiction ID] [--compare ID_B] [--set macr=14] [--out results.jsonl]`

CASES is a directory of YAML/JSON case files, one case file, or a JSONL file (one case file's
content per line, for large batches). Every case is checked like `pathway assess` checks it; a
bad case gets an error line (file and line) and the batch goes on. The assessment of a case is
a pure function of the case and the program, so cases are split in chunks over worker
processes (each builds its compiled evaluator once) and the results come back in input order.

The bulk path is `engine.fast` (the direct evaluator compiled to Python), equal to experta by
the differential test; `engine="experta"` runs experta instead, to check or to time it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .case_file import check_case_data, read_case_file
from .compiler import compile_engine_class
from .errors import CaseFileError, Problem
from .fast import fast_evaluator
from .knowledge_base import KnowledgeBase
from .program import Program
from .suggestions import suggest

CASE_SUFFIXES = (".yaml", ".yml", ".json")
CHUNK = 400


class BatchInputError(ValueError):
    """The batch cannot start (no such path, bad override): the message says what to do."""


# ------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class Item:
    """One case to assess: a case file (`text` None) or one line of a JSONL file."""

    name: str
    path: str
    line: int | None = None
    text: str | None = None


def _jsonl_items(path: Path) -> Iterator[Item]:
    with path.open(encoding="utf-8") as stream:
        for number, text in enumerate(stream, 1):
            if text.strip():
                yield Item(f"{path}:{number}", str(path), number, text)


def collect(source: Path) -> list[Item]:
    """The cases of a directory (files sorted by path), a case file or a JSONL file."""
    if source.is_dir():
        items: list[Item] = []
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            if path.suffix == ".jsonl":
                items.extend(_jsonl_items(path))
            elif path.suffix in CASE_SUFFIXES:
                items.append(Item(str(path), str(path)))
        return items
    if not source.exists():
        raise BatchInputError(f"no such file or directory: {source}")
    if source.suffix == ".jsonl":
        return list(_jsonl_items(source))
    return [Item(str(source), str(source))]


def parse_overrides(kb: KnowledgeBase, settings: list[str]) -> dict[str, Any]:
    """`["macr=14", "young_adult_extension=true"]` -> typed values, checked against knowledge/parameters.yaml."""
    values: dict[str, Any] = {}
    for setting in settings:
        name, sep, raw = setting.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name:
            raise BatchInputError(f"--set {setting!r}: expected NAME=VALUE, e.g. --set macr=14")
        parameter = kb.parameters.get(name)
        if parameter is None:
            hint = suggest(name, kb.parameters)
            known = ", ".join(sorted(kb.parameters))
            raise BatchInputError(
                f"--set {setting!r}: there is no parameter '{name}'"
                + (f"; did you mean '{hint}'?" if hint else "")
                + f" (parameters: {known})"
            )
        if raw.lower() in ("none", "null"):
            values[name] = None
        elif parameter.type == "integer":
            try:
                values[name] = int(raw)
            except ValueError:
                raise BatchInputError(
                    f"--set {setting!r}: '{name}' is a whole number ({parameter.unit or 'no unit'}), not {raw!r}"
                ) from None
        elif parameter.type == "boolean":
            if raw.lower() not in ("true", "false", "yes", "no"):
                raise BatchInputError(f"--set {setting!r}: '{name}' is true or false, not {raw!r}")
            values[name] = raw.lower() in ("true", "yes")
        else:
            if raw not in (parameter.choices or []):
                raise BatchInputError(
                    f"--set {setting!r}: '{name}' is one of {', '.join(parameter.choices or [])}, not {raw!r}"
                )
            values[name] = raw
    return values


# ------------------------------------------------------------------ one case


@dataclass(frozen=True)
class Scenario:
    """A law to assess under: a profile (None: each case's own) and parameter overrides."""

    jurisdiction: str | None = None
    overrides: tuple[tuple[str, Any], ...] = ()

    def label(self) -> str:
        parts = [self.jurisdiction or "case's own profile"]
        parts += [f"{k}={v}" for k, v in self.overrides]
        return ", ".join(parts)


class Assessor:
    """Per process: programs and evaluators built once, then one case after another."""

    def __init__(self, kb: KnowledgeBase, engine: str = "fast"):
        self.kb, self.engine = kb, engine
        self._runs: dict[tuple, Callable] = {}

    def _run_for(self, jurisdiction: str, overrides: tuple) -> Callable:
        key = (jurisdiction, overrides)
        run = self._runs.get(key)
        if run is None:
            program = Program(self.kb, jurisdiction, dict(overrides))
            if self.engine == "experta":
                engine = compile_engine_class(program)()

                def run(answers, now, _engine=engine):
                    result = _engine.assess(answers, now)
                    concluded = set(result.fired)
                    return [r.id for r in program.ordered_rules if r.id in concluded], result.measures, None

            else:
                evaluator = fast_evaluator(program)

                def run(answers, now, _evaluator=evaluator):
                    result = _evaluator.evaluate(answers, now)
                    return result.fired, result.measures, result.complete

            self._runs[key] = run
        return run

    def parse(self, item: Item, jurisdiction: str | None):
        if item.text is None:
            return read_case_file(self.kb, Path(item.path), jurisdiction)
        try:
            data = json.loads(item.text)
        except json.JSONDecodeError as err:
            raise CaseFileError([_problem(item, f"not a JSON object: {err.msg} (column {err.colno})")]) from None
        return check_case_data(self.kb, data, item.path, jurisdiction, item.line)

    def assess(self, item: Item, scenarios: list[Scenario]) -> dict[str, Any]:
        """The result line of one case (or its error), under each scenario."""
        try:
            parsed = self.parse(item, scenarios[0].jurisdiction)
        except CaseFileError as err:
            return {"case": item.name, "error": [str(p) for p in err.problems]}
        results = []
        for scenario in scenarios:
            jurisdiction = scenario.jurisdiction or parsed.jurisdiction
            fired, measures, complete = self._run_for(jurisdiction, scenario.overrides)(
                parsed.answers, parsed.reference
            )
            results.append(
                {
                    "jurisdiction": jurisdiction,
                    **({"overrides": dict(scenario.overrides)} if scenario.overrides else {}),
                    "complete": complete,
                    "measures": sorted(f"{kind}:{measure}" for kind, measure in measures),
                    "rules": list(fired),
                }
            )
        line: dict[str, Any] = {"case": item.name, "reference_date": parsed.reference.isoformat(timespec="minutes")}
        if len(results) == 1:
            line.update(results[0])
            if line["complete"] is None:
                del line["complete"]
            return line
        before, after = set(results[0]["measures"]), set(results[1]["measures"])
        line.update(
            {
                "a": results[0],
                "b": results[1],
                "changed": before != after,
                "gained": sorted(after - before),
                "lost": sorted(before - after),
            }
        )
        return line


def _problem(item: Item, message: str) -> Problem:
    return Problem(item.path, item.line, None, None, message)


# ------------------------------------------------------------------ workers

_worker: dict[str, Any] = {}


def _init_worker(kb: KnowledgeBase | None, knowledge_dir: str | None, engine: str, scenarios: list[Scenario]) -> None:
    if kb is None:  # spawned, not forked: load the knowledge base here
        from .loader import load_knowledge

        kb = load_knowledge(Path(knowledge_dir) if knowledge_dir else None)
    _worker["assessor"] = Assessor(kb, engine)
    _worker["scenarios"] = scenarios


def _run_chunk(items: list[Item]) -> tuple[list[str], Summary]:
    """Result lines of a chunk, and its summary (counted here: the parent only merges)."""
    assessor, scenarios = _worker["assessor"], _worker["scenarios"]
    summary = Summary(scenarios)
    lines = []
    for item in items:
        line = assessor.assess(item, scenarios)
        summary.add(line)
        lines.append(json.dumps(line, ensure_ascii=False))
    return lines, summary


@dataclass
class Summary:
    """What a batch found: counts per measure, errors, and for a comparison what changed."""

    scenarios: list[Scenario]
    cases: int = 0
    errors: list[dict] = field(default_factory=list)
    incomplete: int = 0
    measures: list[Counter] = field(default_factory=list)
    changed: int = 0
    gained: Counter = field(default_factory=Counter)
    lost: Counter = field(default_factory=Counter)
    transitions: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def __post_init__(self):
        self.measures = [Counter() for _ in self.scenarios]

    def merge(self, other: Summary) -> None:
        self.cases += other.cases
        self.errors += other.errors
        self.incomplete += other.incomplete
        for mine, theirs in zip(self.measures, other.measures, strict=True):
            mine.update(theirs)
        self.changed += other.changed
        self.gained.update(other.gained)
        self.lost.update(other.lost)
        self.transitions.update(other.transitions)

    def add(self, line: Mapping[str, Any]) -> None:
        self.cases += 1
        if "error" in line:
            self.errors.append(line)
            return
        results = [line] if "a" not in line else [line["a"], line["b"]]
        for counter, result in zip(self.measures, results, strict=True):
            counter.update(result["measures"])
        if results[0].get("complete") is False:
            self.incomplete += 1
        if "a" in line and line["changed"]:
            self.changed += 1
            self.gained.update(line["gained"])
            self.lost.update(line["lost"])
            change = tuple([f"+{m}" for m in line["gained"]] + [f"-{m}" for m in line["lost"]])
            self.transitions[change] += 1


def run_batch(
    kb: KnowledgeBase,
    items: list[Item],
    scenarios: list[Scenario],
    *,
    workers: int | None = None,
    engine: str = "fast",
    knowledge_dir: Path | None = None,
    write: Callable[[str], None] | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> Summary:
    """Assess every item under each scenario (one, or two to compare); results in input order."""
    import time

    start = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    summary = Summary(scenarios)
    chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]

    def consume(done: tuple[list[str], Summary]) -> None:
        lines, part = done
        summary.merge(part)
        if write is not None:
            for text in lines:
                write(text)
        if progress is not None:
            progress(len(lines))

    if workers <= 1 or len(chunks) <= 1:
        _init_worker(kb, None, engine, scenarios)
        for part in chunks:
            consume(_run_chunk(part))
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        forked = context.get_start_method() == "fork"
        initargs = (kb if forked else None, str(knowledge_dir) if knowledge_dir else None, engine, scenarios)
        with context.Pool(workers, initializer=_init_worker, initargs=initargs) as pool:
            for done in pool.imap(_run_chunk, chunks):
                consume(done)
    summary.seconds = time.perf_counter() - start
    return summary


def format_summary(kb: KnowledgeBase, summary: Summary, top: int = 15) -> str:
    """The summary table: measure frequencies (and, when comparing, what changed)."""
    assessed = summary.cases - len(summary.errors)
    rate = summary.cases / summary.seconds if summary.seconds else 0.0
    lines = [
        f"{summary.cases} case(s): {assessed} assessed, {len(summary.errors)} with errors, "
        f"{summary.incomplete} incomplete (provisional result); {summary.seconds:.2f} s ({rate:,.0f} cases/s)"
    ]
    for error in summary.errors[:10]:
        lines.append(f"  error: {error['error'][0]}")
    if len(summary.errors) > 10:
        lines.append(f"  ... and {len(summary.errors) - 10} more error(s) (see the results file)")
    if len(summary.scenarios) == 1:
        lines.append("")
        lines.append(f"{'measure':58} {'cases':>7} {'share':>7}")
        for measure, count in sorted(summary.measures[0].items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{measure:58} {count:7d} {count / max(assessed, 1):7.1%}")
        return "\n".join(lines)
    a, b = summary.scenarios
    lines += [
        "",
        f"A: {a.label()}",
        f"B: {b.label()}",
        f"{summary.changed} of {assessed} case(s) change ({summary.changed / max(assessed, 1):.1%})",
        "",
        f"{'measure':58} {'A':>7} {'B':>7} {'gained':>7} {'lost':>7}",
    ]
    names = sorted(set(summary.measures[0]) | set(summary.measures[1]))
    names.sort(key=lambda m: -(summary.gained[m] + summary.lost[m]))
    for measure in names:
        lines.append(
            f"{measure:58} {summary.measures[0][measure]:7d} {summary.measures[1][measure]:7d} "
            f"{summary.gained[measure]:+7d} {-summary.lost[measure]:+7d}"
        )
    if summary.transitions:
        lines += ["", f"Most frequent changes (of {len(summary.transitions)} distinct):"]
        for change, count in summary.transitions.most_common(top):
            lines.append(f"  {count:6d} x  {' '.join(change)}")
    return "\n".join(lines)
