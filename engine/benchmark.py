"""Benchmark figures for the engine (never a timed test): `pathway bench`.

Prints min / median / p95 per case for each path, and the ratio to direct evaluation measured
in the same run (absolute times on shared machines are noisy; ratios within one run are not).
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from .evaluator import evaluate_case
from .generate import NOW, random_full_case, random_walk_case
from .knowledge_base import KnowledgeBase
from .session import assess_typed, engine_for, program_for


def _timed(run: Callable[[dict], object], cases: list[dict]) -> list[float]:
    timings = []
    for case in cases:
        start = time.perf_counter()
        run(case)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "min_ms": ordered[0],
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))],
        "cases_per_s": len(ordered) / (sum(ordered) / 1000),
    }


def run_benchmark(kb: KnowledgeBase, cases: int, jurisdiction: str = "baseline", seed: int = 1) -> dict:
    """Time each path over the same generated cases; return the figures."""
    rng = random.Random(seed)
    full = [random_full_case(kb, rng) for _ in range(cases)]
    walks = [random_walk_case(kb, rng, jurisdiction) for _ in range(max(1, cases // 10))]
    steps = [dict(list(walk.items())[:n]) for walk in walks for n in range(len(walk) + 1)]
    program = program_for(kb, jurisdiction)
    engine = engine_for(program)
    start = time.perf_counter()
    program_for(kb, jurisdiction)
    build_ms = (time.perf_counter() - start) * 1000
    paths = {
        "direct evaluation (reference)": lambda c: evaluate_case(program, c, NOW),
        "experta run (reset + declare + run)": lambda c: engine.assess(c, NOW),
        "assess (full session result)": lambda c: assess_typed(kb, c, jurisdiction, NOW),
    }
    figures = {name: _summary(_timed(run, full)) for name, run in paths.items()}
    figures["interview step (answers so far -> result + next question)"] = _summary(
        _timed(lambda c: assess_typed(kb, c, jurisdiction, NOW), steps)
    )
    base = figures["direct evaluation (reference)"]["median_ms"]
    for values in figures.values():
        values["ratio_to_direct"] = values["median_ms"] / base
    return {
        "knowledge_version": kb.version,
        "rules": len(kb.rules),
        "questions": len(kb.questions),
        "cases": cases,
        "interview_steps": len(steps),
        "program_build_ms": build_ms,
        "paths": figures,
    }


def format_figures(figures: dict) -> str:
    lines = [
        f"Knowledge {figures['knowledge_version']}: {figures['rules']} rules, {figures['questions']} questions; "
        f"{figures['cases']} generated complete cases, {figures['interview_steps']} interview steps",
        f"{'path':62} {'min ms':>8} {'median':>8} {'p95':>8} {'cases/s':>9} {'x direct':>9}",
    ]
    for name, v in figures["paths"].items():
        lines.append(
            f"{name:62} {v['min_ms']:8.3f} {v['median_ms']:8.3f} {v['p95_ms']:8.3f} {v['cases_per_s']:9.0f} {v['ratio_to_direct']:9.1f}"
        )
    return "\n".join(lines)


def write_figures(figures: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
