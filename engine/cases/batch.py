"""Batch assessment of many case files, on every core, and comparison under two laws.

`pathway batch CASES [--jurisdiction ID] [--compare ID_B] [--set macr=14] [--out results.jsonl]`

CASES is a directory of YAML/JSON case files, one case file, or a JSONL file (one case file's
content per line, for large batches). Every case is checked like `pathway assess` checks it; a
bad case gets an error line (file and line) and the batch goes on. The assessment of a case is
a pure function of the case and the program, so the work units of `engine.cases.batch_input` go to
worker processes (each builds its compiled evaluator and case checker once), which parse,
assess and write JSON themselves; the results come back in input order.

The bulk path is `engine.run.compiled` (the rules compiled to Python), equal to experta by
the differential test; `engine="experta"` runs experta instead, to check or to time it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic_core import to_json

from engine.cases.batch_input import BatchInputError, CaseText, Unit
from engine.cases.case_file import CaseChecker, ParsedCase, read_case_file
from engine.errors import CaseFileError, Problem
from engine.load.knowledge_base import KnowledgeBase
from engine.run.compiler import compile_engine_class
from engine.run.law_in_force import law_in_force, out_of_force, overrides_for, rules_in_force
from engine.run.program import Program
from engine.suggestions import suggest


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
class LawVariant:
    """A law to assess under: a profile (None: each case's own) and parameter overrides."""

    jurisdiction: str | None = None
    overrides: tuple[tuple[str, Any], ...] = ()

    def label(self) -> str:
        parts = [self.jurisdiction or "case's own profile"]
        parts += [f"{k}={v}" for k, v in self.overrides]
        return ", ".join(parts)


class Assessor:
    """Per process: programs, evaluators and the case checker built once, then block after block of cases."""

    def __init__(self, kb: KnowledgeBase, scenarios: list[LawVariant], engine: str = "compiled"):
        self.kb, self.scenarios, self.engine = kb, scenarios, engine
        self.checker = CaseChecker(kb, scenarios[0].jurisdiction)
        self._runs: dict[tuple, Callable] = {}
        # "kind:measure" for every (kind, measure) a rule concludes, written once.
        self._labels = {
            pair: f"{pair[0]}:{pair[1]}" for rule in kb.rules.values() for pair in rule.spec.then.measures()
        }

    def _run_for(self, jurisdiction: str, overrides: tuple, out: frozenset[str] = frozenset()) -> Callable:
        key = (jurisdiction, overrides, out)
        run = self._runs.get(key)
        if run is None:
            program = Program(self.kb, jurisdiction, dict(overrides), out)
            if self.engine == "experta":
                engine = compile_engine_class(program)()

                def run(answers, now, _engine=engine):
                    result = _engine.assess(answers, now)
                    concluded = set(result.fired)
                    return [r.id for r in program.ordered_rules if r.id in concluded], result.measures, None

            else:
                evaluator = program.compiled

                def run(answers, now, _evaluator=evaluator):
                    result = _evaluator.evaluate(answers, now)
                    return result.fired, result.measures, result.complete

            self._runs[key] = run
        return run

    def prepare(self) -> None:
        """Build the evaluators of every law this batch can meet (before forking workers)."""
        for scenario in self.scenarios:
            for jurisdiction in [scenario.jurisdiction] if scenario.jurisdiction else sorted(self.kb.jurisdictions):
                self._run_for(jurisdiction, scenario.overrides)

    def parse(self, case: CaseText):
        if case.text is None:
            parsed = read_case_file(self.kb, Path(case.path), self.scenarios[0].jurisdiction)
        else:
            parsed = self.checker.check_json(case.text, case.path, case.line)
        if parsed.profile is not None:  # its programs would be built for this one case: not a batch's work
            raise CaseFileError(
                [
                    Problem(
                        case.path,
                        case.line,
                        None,
                        "profile",
                        "a case that carries its own profile is assessed on its own (pathway assess), not in a batch",
                    )
                ]
            )
        return parsed

    def _result(self, scenario: LawVariant, parsed) -> dict[str, Any]:
        jurisdiction = scenario.jurisdiction or parsed.jurisdiction
        # the law in force for this case (dated values), under any override the batch asks for
        dated = overrides_for(
            self.kb, jurisdiction, law_in_force(self.kb, jurisdiction, parsed.reference, parsed.conduct_date)
        )
        law = tuple(sorted({**dated, **dict(scenario.overrides)}.items())) if dated else scenario.overrides
        out = out_of_force(rules_in_force(self.kb, parsed.reference, parsed.conduct_date))  # rules not in force
        fired, measures, complete = self._run_for(jurisdiction, law, out)(parsed.answers, parsed.reference)
        result: dict[str, Any] = {"jurisdiction": jurisdiction}
        if scenario.overrides:
            result["overrides"] = dict(scenario.overrides)
        if complete is not None:  # experta's result does not say
            result["complete"] = complete
        result["measures"] = sorted(map(self._labels.__getitem__, measures))
        result["rules"] = list(fired)
        return result

    def _checked(self, case: CaseText) -> ParsedCase | dict[str, Any]:
        try:
            return self.parse(case)
        except CaseFileError as err:
            return {"case": case.name, "error": [str(p) for p in err.problems]}

    def assess(self, cases: list[CaseText]) -> list[dict[str, Any]]:
        """The result lines of many cases (an error line for a bad case), under each scenario.

        Each step runs over every case before the next one starts (checking, then each law,
        then the lines): the code of one step stays in the processor's caches, which is
        about a fifth faster than taking the cases one by one (docs/performance.md)."""
        checked = [self._checked(case) for case in cases]
        results = [
            [self._result(scenario, p) if p.__class__ is ParsedCase else None for p in checked]
            for scenario in self.scenarios
        ]
        lines = []
        for index, (case, parsed) in enumerate(zip(cases, checked, strict=True)):
            if parsed.__class__ is not ParsedCase:
                lines.append(parsed)
                continue
            line = {"case": case.name, "reference_date": parsed.reference.isoformat(timespec="minutes")}
            if len(results) == 1:
                line.update(results[0][index])
            else:
                a, b = results[0][index], results[1][index]
                before, after = set(a["measures"]), set(b["measures"])
                line.update(
                    a=a, b=b, changed=before != after, gained=sorted(after - before), lost=sorted(before - after)
                )
            lines.append(line)
        return lines


# ------------------------------------------------------------------ workers

_worker: dict[str, Any] = {}


def _init_worker(
    assessor: Assessor | None, knowledge_dir: str | None, engine: str, scenarios: list[LawVariant]
) -> None:
    if assessor is None:  # spawned, not forked: load the knowledge base and build it here
        from engine.load.loader import load_knowledge

        assessor = Assessor(load_knowledge(Path(knowledge_dir) if knowledge_dir else None), scenarios, engine)
        assessor.prepare()
    _worker["assessor"] = assessor


def _run_unit(unit: Unit) -> tuple[bytes, int, Summary]:
    """Result lines of a unit (JSON, one a line), its size, and its summary (counted here: the parent only merges)."""
    assessor = _worker["assessor"]
    summary = Summary(assessor.scenarios)
    lines = assessor.assess(list(unit.cases()))
    for line in lines:
        summary.add(line)
    return b"".join(to_json(line) + b"\n" for line in lines), unit.size, summary


@dataclass
class Summary:
    """What a batch found: counts per measure, errors, and for a comparison what changed."""

    scenarios: list[LawVariant]
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
    units: list[Unit],
    scenarios: list[LawVariant],
    *,
    workers: int | None = None,
    engine: str = "compiled",
    knowledge_dir: Path | None = None,
    write: Callable[[bytes], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Assess every case under each scenario (one, or two to compare); results in input order.

    `write` receives the result lines as UTF-8 JSON, a block of whole lines at a time;
    `progress` the number of input lines (or files) done."""
    import time

    start = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    summary = Summary(scenarios)

    def consume(done: tuple[bytes, int, Summary]) -> None:
        block, size, part = done
        summary.merge(part)
        if write is not None:
            write(block)
        if progress is not None:
            progress(size)

    assessor = Assessor(kb, scenarios, engine)
    # What exists before the batch (the knowledge base, the caller's data) is frozen out of the
    # garbage collector's sight: its passes stay short, and forked workers, which share the
    # parent's memory until they write to it, do not copy the parent's heap page by page when
    # their collector would visit it (a third of the time with a large parent).
    gc.freeze()
    try:
        if workers <= 1 or len(units) <= 1:
            _init_worker(assessor, None, engine, scenarios)
            for unit in units:
                consume(_run_unit(unit))
        else:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            forked = context.get_start_method() == "fork"
            if forked:
                assessor.prepare()  # compiled once here; every forked worker inherits it
            initargs = (
                assessor if forked else None,
                str(knowledge_dir) if knowledge_dir else None,
                engine,
                scenarios,
            )
            with context.Pool(workers, initializer=_init_worker, initargs=initargs) as pool:
                for done in pool.imap(_run_unit, units):
                    consume(done)
    finally:
        gc.unfreeze()
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
