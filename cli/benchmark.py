"""Benchmark figures for the engine (never a timed test): `pathway bench`, `make bench`.

Prints min / median / p95 per case for each path, and the ratio to direct evaluation measured
in the same run (absolute times on shared machines are noisy; ratios within one run are not).
Also: the batch throughput on every core (end to end from a JSONL file), the growth of each
path with the number of rules (the shipped base duplicated x1, x2, x4) and of the batch with
the number of cases. docs/performance.md explains the method and keeps the latest table.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from engine.analysis.generate import NOW, random_full_case, random_walk_case
from engine.cases.batch import LawVariant, run_batch
from engine.cases.batch_input import collect
from engine.cases.case_file import case_data
from engine.load.conditions import Atom, transform
from engine.load.knowledge_base import KnowledgeBase, Rule
from engine.load.model import INTERNATIONAL_PROFILE
from engine.run.evaluator import evaluate_case
from engine.run.session import MEMO_SIZE, assess_typed, engine_for, memo, program_for

DIRECT = "direct evaluation (reference)"


def _timed(run: Callable[[dict], object], cases: list[dict], before: Callable[[], None] | None = None) -> list[float]:
    timings = []
    for case in cases:
        if before is not None:
            before()
        start = time.perf_counter()
        run(case)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "n": len(ordered),
        "min_ms": ordered[0],
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))],
        "p99_ms": ordered[int(0.99 * (len(ordered) - 1))],
        "cases_per_s": len(ordered) / (sum(ordered) / 1000),
    }


def duplicate_rules(kb: KnowledgeBase, factor: int) -> KnowledgeBase:
    """A knowledge base with every rule present `factor` times (synthetic growth).

    Copy k renames its rules (`R-X-01~k`), its derived facts (`fact~k`) and its exception
    targets, so each copy is an independent replica of the rule graph over the same questions:
    the measures of every case are unchanged, the work is multiplied.
    """
    if factor == 1:
        return kb
    derived = kb.derived_facts()
    rules: dict[str, Rule] = dict(kb.rules)
    step = len(kb.rules)
    for copy in range(2, factor + 1):

        def rename(atom: Atom, _copy: int = copy) -> Atom:
            if atom.kind == "fact" and atom.name in derived:
                return dataclasses.replace(atom, name=f"{atom.name}~{_copy}")
            return atom

        for rule in kb.rules.values():
            then = rule.spec.then.model_copy(update={"set": [f"{name}~{copy}" for name in rule.spec.then.set]})
            spec = rule.spec.model_copy(
                update={
                    "id": f"{rule.id}~{copy}",
                    "then": then,
                    "exception_to": [f"{target}~{copy}" for target in rule.spec.exception_to],
                }
            )
            rules[spec.id] = Rule(spec, transform(rule.condition, rename), rule.where, rule.order + step * (copy - 1))
    return dataclasses.replace(kb, rules=rules, version=f"{kb.version}x{factor}", programs={})


def _paths(kb: KnowledgeBase, full: list[dict], jurisdiction: str, experta_cases: int) -> dict[str, dict]:
    program = program_for(kb, jurisdiction)
    engine = engine_for(program)
    fast = program.compiled
    some = full[:experta_cases]
    return {
        DIRECT: _summary(_timed(lambda c: evaluate_case(program, c, NOW), full)),
        "compiled direct evaluator (engine.run.compiled, batch path)": _summary(
            _timed(lambda c: fast.evaluate(c, NOW), full)
        ),
        "experta run (reset + declare + run)": _summary(_timed(lambda c: engine.assess(c, NOW), some)),
        "assess, experta (final result: trace, measures, questions)": _summary(
            _timed(lambda c: assess_typed(kb, c, jurisdiction, NOW, engine="experta"), some, memo.clear)
        ),
    }


def _batch_figures(kb: KnowledgeBase, full: list[dict], jurisdiction: str, workers: int) -> dict:
    """`pathway batch` end to end: from reading the JSONL file to the results file written."""
    raised = kb.jurisdictions[jurisdiction].values["macr"] + 2  # a proposed change of national law
    laws = {
        "one": [LawVariant(jurisdiction)],
        "compare": [LawVariant(jurisdiction), LawVariant(jurisdiction, (("macr", raised),))],
    }
    with tempfile.TemporaryDirectory() as folder:
        path, out = Path(folder) / "cases.jsonl", Path(folder) / "results.jsonl"
        with path.open("w", encoding="utf-8") as stream:
            for answers in full:
                stream.write(json.dumps(case_data(answers, jurisdiction, NOW, kb.version), default=str) + "\n")
        seconds, summaries = {}, {}
        for name, scenarios in laws.items():
            start = time.perf_counter()
            with out.open("wb") as results:
                summaries[name] = run_batch(kb, collect(path), scenarios, workers=workers, write=results.write)
            seconds[name] = time.perf_counter() - start
    assert not summaries["one"].errors, summaries["one"].errors[:1]
    assert summaries["one"].cases == len(full)
    return {
        "cases": len(full),
        "workers": workers,
        "seconds": seconds["one"],
        "cases_per_s": len(full) / seconds["one"],
        "compare_cases_per_s": len(full) / seconds["compare"],
        "compare_changed": summaries["compare"].changed,
    }


def run_benchmark(
    kb: KnowledgeBase,
    cases: int,
    jurisdiction: str = INTERNATIONAL_PROFILE,
    seed: int = 1,
    growth: bool = True,
    workers: int | None = None,
) -> dict:
    """Time each path over the same generated cases; return the figures."""
    rng = random.Random(seed)
    workers = workers or os.cpu_count() or 1
    full = [random_full_case(kb, rng) for _ in range(cases)]
    walks = [random_walk_case(kb, rng, jurisdiction) for _ in range(max(2, cases // 10))]
    states = [dict(list(walk.items())[:n]) for walk in walks for n in range(len(walk) + 1)]
    program_for(kb, jurisdiction)
    experta_cases = max(2, min(cases, 300))
    figures = _paths(kb, full, jurisdiction, experta_cases)
    questions = [s for s in states if assess_typed(kb, s, jurisdiction, NOW).open_questions]
    finals = [s for s in states if s not in questions]
    memo.clear()
    figures["interview step (answers so far -> provisional result + next question)"] = _summary(
        _timed(lambda c: assess_typed(kb, c, jurisdiction, NOW), questions, memo.clear)
    )
    memo.size = MEMO_SIZE  # the memo is off by default (no case data kept); switched on to measure it
    for state in questions:  # every state seen once: the next calls are answered by the memo
        assess_typed(kb, state, jurisdiction, NOW)
    figures["interview step, state seen before (memo hit)"] = _summary(
        _timed(lambda c: assess_typed(kb, c, jurisdiction, NOW), questions)
    )
    memo.size = 0
    memo.clear()
    figures["interview end (complete answers -> experta result)"] = _summary(
        _timed(lambda c: assess_typed(kb, c, jurisdiction, NOW), finals, memo.clear)
    )
    base = figures[DIRECT]["median_ms"]
    for values in figures.values():
        values["ratio_to_direct"] = values["median_ms"] / base
    batch_cases = max(cases * 10, 200)  # 20,000 for `make bench`: a ministry's batch is thousands of cases
    batch_full = [random_full_case(kb, rng) for _ in range(batch_cases)]
    batch = {f"{n} worker(s)": _batch_figures(kb, batch_full, jurisdiction, n) for n in sorted({1, workers})}
    direct_rate = 1000 / base
    for values in batch.values():
        values["ratio_to_direct"] = direct_rate / values["cases_per_s"]  # < 1: faster than direct, one core
    result = {
        "knowledge_version": kb.version,
        "rules": len(kb.rules),
        "questions": len(kb.questions),
        "cases": cases,
        "interview_states": len(questions),
        "interview_ends": len(finals),
        "cpu_count": os.cpu_count(),
        "paths": figures,
        "batch": batch,
    }
    if growth:
        result["growth_rules"] = _rule_growth(kb, full[: max(2, cases // 4)], jurisdiction)
        result["growth_cases"] = {
            str(n): _batch_figures(kb, (batch_full * (1 + n // len(batch_full)))[:n], jurisdiction, workers)[
                "cases_per_s"
            ]
            for n in (batch_cases // 4, batch_cases, batch_cases * 4)
        }
    return result


def _rule_growth(kb: KnowledgeBase, cases: list[dict], jurisdiction: str) -> dict:
    growth = {}
    for factor in (1, 2, 4):
        grown = duplicate_rules(kb, factor)
        start = time.perf_counter()
        program = program_for(grown, jurisdiction)
        engine = engine_for(program)
        fast = program.compiled
        build = (time.perf_counter() - start) * 1000
        some = cases[: max(2, min(len(cases), 100))]
        growth[f"x{factor}"] = {
            "rules": len(grown.rules),
            "build_ms": build,
            "direct_ms": statistics.median(_timed(lambda c, p=program: evaluate_case(p, c, NOW), cases)),
            "fast_ms": statistics.median(_timed(lambda c, f=fast: f.evaluate(c, NOW), cases)),
            "experta_ms": statistics.median(_timed(lambda c, e=engine: e.assess(c, NOW), some)),
        }
    return growth


def format_figures(figures: dict) -> str:
    lines = [
        f"Knowledge {figures['knowledge_version']}: {figures['rules']} rules, {figures['questions']} questions; "
        f"{figures['cases']} generated complete cases, {figures['interview_states']} interview states with a "
        f"next question, {figures['interview_ends']} interview ends; {figures['cpu_count']} CPU(s)",
        "",
        f"{'path':62} {'min ms':>8} {'median':>8} {'p95':>8} {'p99':>8} {'cases/s':>9} {'x direct':>9}",
    ]
    for name, v in figures["paths"].items():
        lines.append(
            f"{name:62} {v['min_ms']:8.3f} {v['median_ms']:8.3f} {v['p95_ms']:8.3f} {v['p99_ms']:8.3f} "
            f"{v['cases_per_s']:9.0f} {v['ratio_to_direct']:9.2f}"
        )
    lines += [
        "",
        f"{'batch, end to end from JSONL (parse, assess, write)':62} {'cases':>8} {'cases/s':>9} {'x direct':>9}",
    ]
    for name, v in figures["batch"].items():
        lines.append(f"{name:62} {v['cases']:8d} {v['cases_per_s']:9.0f} {v['ratio_to_direct']:9.2f}")
        lines.append(
            f"{'  compare A vs B (macr + 2), ' + name:62} {v['cases']:8d} {v['compare_cases_per_s']:9.0f} "
            f"{'':>9}  ({v['compare_changed']} changed)"
        )
    if "growth_rules" in figures:
        lines += [
            "",
            f"{'rules (synthetic duplication)':32} {'build ms':>9} {'direct':>9} {'compiled':>9} {'experta':>9}",
        ]
        for name, v in figures["growth_rules"].items():
            lines.append(
                f"{name + ' (' + str(v['rules']) + ' rules)':32} {v['build_ms']:9.0f} {v['direct_ms']:9.3f} "
                f"{v['fast_ms']:9.3f} {v['experta_ms']:9.3f}"
            )
        lines += ["", f"{'cases in one batch':32} {'cases/s':>9}"]
        for n, rate in figures["growth_cases"].items():
            lines.append(f"{n:32} {rate:9.0f}")
    return "\n".join(lines)


def write_figures(figures: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
