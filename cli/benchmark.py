"""Benchmark figures of what users wait for (never a timed test): `pathway bench`, `make bench`.

One run measures, and prints as one table (and `--out` writes as JSON):

1. **Batch as a user runs it**: `pathway batch FILE.jsonl --out results.jsonl` as a subprocess
   (process start, imports, loading and compiling the knowledge, reading, checking, assessing
   and writing, all included) for 1,000, 10,000 and 100,000 generated cases whose headers
   vary (each case its own reference moment, the profiles in turn), so no header cache always
   hits; the rate the batch prints for itself is shown beside it (the difference is start-up).
2. **Every interview step**: generated interviews walked through
   `engine.run.session.interview_step` (the one engine call a page makes), every step timed,
   the last one (complete answers: experta's run) included and also shown apart.
3. **Pages**: whole pages through the Flask app's WSGI interface (the test client, in process,
   the real knowledge, a client that sends its Origin like a browser): the question page and the
   answer's POST along a journey through each scenario of the library, then, with the scenario
   loaded, the result, its tree (SVG), the decision record and "what would change this".
4. **The audit command**: `pathway audit` as a subprocess, wall time.
5. **Per-case paths, as ratios to plain Python measured in the same run**: the three-valued
   interpreter (`engine.run.evaluator.evaluate_case`, plain Python walking the conditions) is
   the reference; the compiled evaluator and experta are given as ratios to it.
6. **experta against the number of rules**: the shipped rules duplicated x1, x2, x4.

Then the targets, each met or not. The machine is shared and noisy: absolute times move from
run to run, ratios within one run hold. `--cases` scales the run down for a smoke run
(`make bench-smoke`). docs/performance.md explains the method and keeps the latest table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.analysis.generate import NOW, random_full_case, random_walk_case
from engine.cases.case_file import case_data
from engine.load.conditions import UNKNOWN, Atom, transform
from engine.load.knowledge_base import KnowledgeBase, Rule
from engine.load.loader import DEFAULT_KNOWLEDGE
from engine.load.model import INTERNATIONAL_PROFILE
from engine.run.evaluator import evaluate_case
from engine.run.session import assess_typed, engine_for, interview_step, memo, program_for

INTERPRETER = "interpreter (plain Python, engine.run.evaluator)"
COMPILED = "compiled evaluator (engine.run.compiled)"
EXPERTA = "experta run (reset, declare, run)"
ASSESS_EXPERTA = "assess with experta (+ trace, measures, questions)"
BATCH_SIZES = (1_000, 10_000, 100_000)
BATCH_TARGET_SIZE = 10_000
FULL_SCALE_CASES = 1_000  # --cases below this scales every section down (smoke runs)
PAGES = {
    "result": "/result",
    "tree (result/tree.svg)": "/result/tree.svg",
    "record": "/record",
    "what would change": "/what-would-change",
}
QUESTION_PAGE, ANSWER_POST = "question page (GET /step/n)", "answer (POST /step/n, redirect)"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
ASKED = re.compile(r'name="question" value="([^"]+)"')
BATCH_RATE = re.compile(r"; ([0-9.]+) s \(")
MAX_STEPS = 120


# ------------------------------------------------------------------ timing


def _summary(timings: list[float]) -> dict[str, float]:
    """Milliseconds: n, min, p50 (the median), p95 and p99 (nearest rank: the smallest timing
    with at least that share of the timings at or below it, so never below the median), max."""
    ordered = sorted(timings)

    def rank(share: float) -> float:
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    return {
        "n": len(ordered),
        "min_ms": ordered[0],
        "p50_ms": statistics.median(ordered),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "max_ms": ordered[-1],
    }


def _timed(run: Callable[[Any], object], items: list) -> list[float]:
    timings = []
    for item in items:
        start = time.perf_counter()
        run(item)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _interleaved(runs: dict[Any, Callable[[Any], object]], items: list) -> dict[Any, list[float]]:
    """Each item through every run in turn (a, b, c, then the next item): a slow spell of the
    shared machine falls on every run alike, so ratios between them hold."""
    timings: dict[Any, list[float]] = {name: [] for name in runs}
    for item in items:
        for name, run in runs.items():
            start = time.perf_counter()
            run(item)
            timings[name].append((time.perf_counter() - start) * 1000)
    return timings


def _command() -> list[str]:
    """`pathway` as a user runs it: the console script next to this interpreter (else the module)."""
    script = Path(sys.executable).with_name("pathway")
    if script.exists():
        return [str(script)]
    found = shutil.which("pathway")
    return [found] if found else [sys.executable, "-m", "cli.main"]


def _environment() -> dict[str, str]:
    """The environment of the commands timed: Python's default of caching bytecode, as on a user's
    machine (a sandbox may switch it off with PYTHONDONTWRITEBYTECODE: every start would then
    compile the project's modules again)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _knowledge_args(kb: KnowledgeBase) -> list[str]:
    return [] if Path(kb.root).resolve() == DEFAULT_KNOWLEDGE.resolve() else ["--knowledge", str(kb.root)]


# ------------------------------------------------------------------ 1. batch as a user runs it


def _shifted(answers: dict, shift: dt.timedelta) -> dict:
    """The same case at another moment: every date and time moved with the reference moment."""
    return {k: v + shift if isinstance(v, (dt.date, dt.datetime)) else v for k, v in answers.items()}


def write_varied_cases(kb: KnowledgeBase, path: Path, count: int, pool: list[dict], rng: random.Random) -> None:
    """`count` JSON lines, each case with a header of its own: its own reference moment (to the
    minute, within ten years; its dates moved with it) and the profiles in turn."""
    profiles = sorted(kb.jurisdictions)
    with path.open("w", encoding="utf-8") as stream:
        for index in range(count):
            shift = dt.timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
            answers = _shifted(pool[index % len(pool)], shift)
            data = case_data(answers, profiles[index % len(profiles)], NOW + shift, kb.version)
            stream.write(json.dumps(data, default=str) + "\n")


def _run_batch(kb: KnowledgeBase, source: Path, out: Path, workers: int | None, extra: list[str]) -> dict:
    command = [*_command(), "batch", str(source), "--out", str(out), *extra, *_knowledge_args(kb)]
    if workers is not None:
        command += ["--workers", str(workers)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_environment())  # noqa: S603 (no shell; our own command)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} ended with status {done.returncode}: {done.stderr[-2000:]}")
    inside = BATCH_RATE.search(done.stdout)
    with out.open("rb") as results:
        lines = sum(1 for _ in results)
    return {
        "seconds": seconds,
        "batch_seconds": float(inside.group(1)) if inside else None,
        "exit_status": done.returncode,
        "result_lines": lines,
    }


def _batch_figures(kb: KnowledgeBase, sizes: list[int], pool: list[dict], rng, workers: int | None) -> dict:
    """Each size timed as a subprocess (three times below 100,000 cases: the median run is kept)."""
    raised = kb.jurisdictions[INTERNATIONAL_PROFILE].values.get("macr")
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="pathway-bench-") as folder:
        warm = Path(folder) / "warm-up.jsonl"  # one run first, not kept: the bytecode cache is written
        write_varied_cases(kb, warm, 10, pool, rng)
        _run_batch(kb, warm, Path(folder) / "results.jsonl", workers, [])
        for size in sizes:
            source, out = Path(folder) / f"cases-{size}.jsonl", Path(folder) / "results.jsonl"
            write_varied_cases(kb, source, size, pool, rng)
            runs = [_run_batch(kb, source, out, workers, []) for _ in range(3 if size < 100_000 else 1)]
            best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
            figures[f"{size:,} cases"] = {
                "cases": size,
                "runs": len(runs),
                **best,
                "cases_per_s": size / best["seconds"],
            }
            if size == sizes[min(1, len(sizes) - 1)] and isinstance(raised, int):
                # A proposed change of national law: every case under its profile and with MACR + 2.
                compare = _run_batch(kb, source, out, workers, ["--set", f"macr={raised + 2}"])
                figures[f"{size:,} cases, --set macr={raised + 2} (two laws)"] = {
                    "cases": size,
                    "runs": 1,
                    **compare,
                    "cases_per_s": size / compare["seconds"],
                }
    for name, values in figures.items():
        inside = values["batch_seconds"]
        values["batch_cases_per_s"] = values["cases"] / inside if inside else None
        values["start_up_s"] = values["seconds"] - inside if inside else None
        if values["result_lines"] != values["cases"]:
            raise RuntimeError(f"batch of {name}: {values['result_lines']} result lines")
    return figures


# ------------------------------------------------------------------ 2. every interview step


def _interview_figures(kb: KnowledgeBase, walks: list[tuple[str, dict]]) -> dict:
    """Every state of every walk (no answer, then one more answer at a time, until complete),
    through `interview_step` as a page calls it: the question at the next step, or the end."""
    memo.clear()  # off by default (size 0): every step is computed
    every, before_last, last, dated, dated_last = [], [], [], [], []
    for jurisdiction, answers in walks:
        items = list(answers.items())
        # a case with events: a dated answer (arrest, detention, review) and so deadlines with states
        with_events = any(kb.questions[q].type in ("date", "datetime") for q in answers)
        for size in range(len(items) + 1):
            state = dict(items[:size])
            start = time.perf_counter()
            step = interview_step(kb, state, jurisdiction, NOW, size + 1)
            elapsed = (time.perf_counter() - start) * 1000
            every.append(elapsed)
            (last if size == len(items) else before_last).append(elapsed)
            if with_events:
                (dated_last if size == len(items) else dated).append(elapsed)
            assert (step.asking is None) == (size == len(items)), "a walk ends where the interview ends"
    return {
        "walks": len(walks),
        "walks with events": sum(any(kb.questions[q].type in ("date", "datetime") for q in a) for _, a in walks),
        "walks with a dated follow-up": sum(any(q in kb.ask_when for q in a) for _, a in walks),
        "steps": {
            "every step (the last included)": _summary(every),
            "steps with a next question (compiled evaluator)": _summary(before_last),
            "last step: complete answers -> experta's result": _summary(last),
            "cases with events: steps with a next question": _summary(dated),
            "cases with events: last step (experta, deadline states)": _summary(dated_last),
        },
    }


# ------------------------------------------------------------------ 3. pages


def _browser(app):
    client = app.test_client()
    client.environ_base["HTTP_ORIGIN"] = "http://localhost"  # a browser sends its page's origin with a form
    return client


def _token(html: str) -> str:
    match = TOKEN.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def _page_figures(kb: KnowledgeBase, scenarios: int, rounds: int, lang: str = "en") -> dict:
    """A journey per scenario (question pages and answers as a browser sends them), then the
    scenario loaded as the case and its result pages opened `rounds` times; the browser asks for
    `lang` (Accept-Language), so the knowledge texts are looked up in that language."""
    from engine.load.answers import parse_answers
    from engine.load.conditions import UNKNOWN
    from web import create_app
    from web.forms import UNKNOWN_VALUE, form_value

    config = {"SECRET_KEY": secrets.token_hex(32), "KNOWLEDGE_DIR": str(kb.root)}
    if lang != "en":
        config["LANGUAGES"] = ["en", lang]
    app = create_app(config)
    app_kb = app.extensions["pathway_kb"]
    timings: dict[str, list[float]] = {QUESTION_PAGE: [], ANSWER_POST: [], **{name: [] for name in PAGES}}

    def timed(name: str, expect: int, call: Callable[..., Any], *args: Any, **kwargs: Any):
        start = time.perf_counter()
        response = call(*args, **kwargs)
        timings[name].append((time.perf_counter() - start) * 1000)
        if response.status_code != expect:
            raise RuntimeError(f"{name}: status {response.status_code}, expected {expect}")
        return response

    chosen = list(enumerate(app_kb.scenarios, 1))[:scenarios]
    kept = timings
    for turn, (number, entry) in enumerate([chosen[0], *chosen]):
        # The first journey warms the app up (templates, the engine threads, Graphviz) and is not kept.
        timings = kept if turn else {name: [] for name in kept}
        scenario = entry.scenario
        answers, errors = parse_answers(app_kb.questions, scenario.answers, scenario.reference_date)
        if errors:
            raise RuntimeError(f"scenario {number} has answers the knowledge refuses: {errors[0]}")
        client = _browser(app)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
        start = client.post(
            "/",
            data={
                "csrf_token": _token(client.get("/").get_data(as_text=True)),
                "jurisdiction": scenario.jurisdiction,
                "reference_date": scenario.reference_date.date().isoformat(),
                "reference_time": scenario.reference_date.strftime("%H:%M"),
            },
        )
        location = start.headers.get("Location", "")
        for _ in range(MAX_STEPS):
            if not location.startswith("/step/"):
                break
            html = timed(QUESTION_PAGE, 200, client.get, location).get_data(as_text=True)
            asked = ASKED.search(html)
            if asked is None or asked.group(1) not in answers:
                break  # the scenario stops before the interview does
            question = app_kb.questions[asked.group(1)]
            value = answers[question.id]
            form = {"csrf_token": _token(html), "question": question.id}
            if value is UNKNOWN:
                form["unknown"] = UNKNOWN_VALUE
            else:
                form["answer"] = form_value(question, value)["values"]
            posted = timed(ANSWER_POST, 302, client.post, location, data=form)
            location = posted.headers.get("Location", "")
        loaded = client.post(
            f"/scenarios/{number}",
            data={"csrf_token": _token(client.get(f"/scenarios/{number}").get_data(as_text=True))},
        )
        if loaded.status_code != 302:
            raise RuntimeError(f"scenario {number} could not be loaded (status {loaded.status_code})")
        for _ in range(rounds):
            for name, path in PAGES.items():
                timed(name, 200, client.get, path)
    return {
        "scenarios": len(chosen),
        "rounds": rounds,
        "pages": {name: _summary(values) for name, values in timings.items() if values},
    }


# ------------------------------------------------------------------ 4. the audit command


def _audit_figures(kb: KnowledgeBase) -> dict:
    """`pathway audit` twice: the first run writes the bytecode cache of its modules, the second is kept."""
    command = [*_command(), "audit", *_knowledge_args(kb)]
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=_environment())  # noqa: S603 (no shell; our own command)
        runs.append((time.perf_counter() - start, done.returncode))
    return {"seconds": runs[1][0], "first_run_seconds": runs[0][0], "exit_status": runs[1][1]}


# ------------------------------------------------------------------ 5. per-case paths


def _paths(kb: KnowledgeBase, full: list[dict], jurisdiction: str, experta_cases: int) -> dict[str, dict]:
    """The same cases through each path, interleaved case by case (experta on the first `experta_cases`)."""
    program = program_for(kb, jurisdiction)
    engine = engine_for(program)
    compiled = program.compiled
    for case in full[:5]:  # warm: the first run of each path pays for lazy imports and caches
        evaluate_case(program, case, NOW), compiled.evaluate(case, NOW), engine.assess(case, NOW)
    timings = _interleaved(
        {
            INTERPRETER: lambda c: evaluate_case(program, c, NOW),
            COMPILED: lambda c: compiled.evaluate(c, NOW),
            EXPERTA: lambda c: engine.assess(c, NOW),
            ASSESS_EXPERTA: lambda c: assess_typed(kb, c, jurisdiction, NOW, engine="experta"),
        },
        full[:experta_cases],
    )
    more = _interleaved(
        {INTERPRETER: lambda c: evaluate_case(program, c, NOW), COMPILED: lambda c: compiled.evaluate(c, NOW)},
        full[experta_cases:],
    )
    paths = {name: _summary(values + more.get(name, [])) for name, values in timings.items()}
    base = paths[INTERPRETER]["p50_ms"]
    for values in paths.values():
        values["ratio_to_interpreter"] = values["p50_ms"] / base
    return paths


# ------------------------------------------------------------------ 6. experta against the number of rules


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


def _rule_growth(kb: KnowledgeBase, cases: list[dict], jurisdiction: str) -> dict:
    """x1, x2, x4 rule bases built, then the same cases through all of them interleaved."""
    growth, runs = {}, {}
    for factor in (1, 2, 4):
        grown = duplicate_rules(kb, factor) if factor > 1 else dataclasses.replace(kb, programs={})  # built afresh
        start = time.perf_counter()
        program = program_for(grown, jurisdiction)
        engine = engine_for(program)
        compiled = program.compiled
        growth[f"x{factor}"] = {"rules": len(grown.rules), "build_ms": (time.perf_counter() - start) * 1000}
        engine.assess(cases[0], NOW)
        runs[f"x{factor}"] = {
            "interpreter": lambda c, p=program: evaluate_case(p, c, NOW),
            "compiled": lambda c, f=compiled: f.evaluate(c, NOW),
            "experta": lambda c, e=engine: e.assess(c, NOW),
        }
    flat = {(size, path): run for size, paths in runs.items() for path, run in paths.items()}
    timings = _interleaved(flat, cases)
    for (size, path), values in timings.items():
        growth[size][f"{path}_ms"] = statistics.median(values)
    return growth


# ------------------------------------------------------------------ the run


def _targets(figures: dict) -> list[dict]:
    targets = []
    batch = figures["batch"].get(f"{BATCH_TARGET_SIZE:,} cases")
    cores = figures["cpu_count"]
    if batch is not None:
        targets.append(
            {
                "target": f"batch as a user runs it >= 20,000 cases/s at 10,000 cases, varied headers, {cores} cores",
                "figure": f"{batch['cases_per_s']:,.0f} cases/s ({batch['seconds']:.2f} s for the whole process)",
                "met": batch["cases_per_s"] >= 20_000,
            }
        )
    else:
        targets.append({"target": "batch at 10,000 cases", "figure": "not run at this scale (--cases)", "met": None})
    steps = figures["interview"]["steps"]
    every, final = steps["every step (the last included)"], steps["last step: complete answers -> experta's result"]
    targets.append(
        {
            "target": "every interview step p95 <= 5 ms, the last included",
            "figure": f"every step p95 {every['p95_ms']:.2f} ms; last step p95 {final['p95_ms']:.2f} ms",
            "met": every["p95_ms"] <= 5 and final["p95_ms"] <= 5,
        }
    )
    if "growth_rules" in figures:
        ratio = figures["growth_ratio"]["experta"]
        targets.append(
            {
                "target": "experta linear in the rules: x4 rules at most x5 time",
                "figure": f"time(x4) / time(x1) = {ratio:.2f}",
                "met": ratio <= 5,
            }
        )
    else:
        targets.append({"target": "experta x4 rules <= x5 time", "figure": "not run (--no-growth)", "met": None})
    pages = figures["pages"]["pages"]
    for name in ("result", "what would change"):
        targets.append(
            {
                "target": f"{name} page p95 <= 150 ms",
                "figure": f"p95 {pages[name]['p95_ms']:.1f} ms (p50 {pages[name]['p50_ms']:.1f} ms)",
                "met": pages[name]["p95_ms"] <= 150,
            }
        )
    targets.append(
        {
            "target": "full journeys under `make load`: p99 <= 250 ms, 0 errors",
            "figure": "measured by tests/load/run.py (make load), not by this command",
            "met": None,
        }
    )
    return targets


def run_benchmark(
    kb: KnowledgeBase,
    cases: int,
    jurisdiction: str = INTERNATIONAL_PROFILE,
    seed: int = 1,
    growth: bool = True,
    workers: int | None = None,
    lang: str = "en",
) -> dict:
    """Every section over cases generated from `seed`; `cases` per-case paths (and the scale of
    the rest below FULL_SCALE_CASES). Returns the figures (see `format_figures`)."""
    rng = random.Random(seed)
    scale = min(1.0, cases / FULL_SCALE_CASES)
    program_for(kb, jurisdiction)
    full = [random_full_case(kb, rng) for _ in range(cases)]
    profiles = sorted(kb.jurisdictions)
    walks = [(profiles[n % len(profiles)], {}) for n in range(max(2, cases // 10))]
    # every tenth walk (and the second) is a child's arrest, every other one of them resumed after
    # the child's release (the detention begun 45 days ago), so that cases with events - dated
    # answers, their follow-ups (first appearance, charge, final decision, release) and deadlines
    # met, open, exceeded or ended - are timed at every scale
    arrest = {"age_at_conduct": 16, "first_contact": "arrested"}
    released = {**arrest, "currently_detained": False, "detention_start_date": (NOW - dt.timedelta(days=45)).date()}
    starts = {1: arrest, 11: released}
    walks = [(j, random_walk_case(kb, rng, j, starts.get(n % 20))) for n, (j, _) in enumerate(walks)]
    pool = full[:2000]  # the batches' cases: these answers, each line with a header of its own
    figures: dict[str, Any] = {
        "knowledge_version": kb.version,
        "rules": len(kb.rules),
        "questions": len(kb.questions),
        "cases": cases,
        "jurisdiction": jurisdiction,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "workers": workers,
        "load_average_at_start": os.getloadavg()[0],
    }
    sizes = sorted({max(2, round(size * scale)) for size in BATCH_SIZES})
    figures["batch"] = _batch_figures(kb, sizes, pool, rng, workers)
    figures["batch_pool"] = {  # the batches' case files: how many carry events (dated answers, follow-ups)
        "cases": len(pool),
        "with events": sum(any(kb.questions[q].type in ("date", "datetime") for q in a) for a in pool),
        "with a dated follow-up": sum(any(q in kb.ask_when and a[q] is not UNKNOWN for q in a) for a in pool),
    }
    for jurisdiction_, answers in walks[:2]:  # warm: engines are built on first use (once per thread and profile)
        interview_step(kb, answers, jurisdiction_, NOW)
    figures["interview"] = _interview_figures(kb, walks)
    figures["pages"] = _page_figures(
        kb, max(2, round(len(kb.scenarios) * scale)), rounds=2 if scale == 1 else 1, lang=lang
    )
    figures["lang"] = lang
    figures["audit"] = _audit_figures(kb)
    figures["paths"] = _paths(kb, full, jurisdiction, max(2, min(cases, 300)))
    if growth:
        figures["growth_rules"] = _rule_growth(kb, full[: max(2, min(cases // 4, 200))], jurisdiction)
        x1, x4 = figures["growth_rules"]["x1"], figures["growth_rules"]["x4"]
        figures["growth_ratio"] = {
            name: x4[f"{name}_ms"] / x1[f"{name}_ms"] for name in ("interpreter", "compiled", "experta")
        }
    figures["load_average_at_end"] = os.getloadavg()[0]
    figures["targets"] = _targets(figures)
    return figures


# ------------------------------------------------------------------ printing


def _row(name: str, v: dict, width: int = 58) -> str:
    return f"{name:{width}} {v['n']:7d} {v['p50_ms']:9.3f} {v['p95_ms']:9.3f} {v['p99_ms']:9.3f} {v['max_ms']:9.3f}"


def format_figures(figures: dict) -> str:
    head = f"{'':58} {'n':>7} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'max ms':>9}"
    lines = [
        f"Knowledge {figures['knowledge_version']}: {figures['rules']} rules, {figures['questions']} questions; "
        f"{figures['cpu_count']} CPU(s), Python {figures['python']}; --cases {figures['cases']}; "
        f"load average {figures['load_average_at_start']:.2f} at the start, {figures['load_average_at_end']:.2f} at the end",
        "",
        "1. Batch as a user runs it: `pathway batch FILE.jsonl --out results.jsonl`, a subprocess (varied headers); "
        f"{figures['batch_pool']['with events']} of the {figures['batch_pool']['cases']} case files used carry events, "
        f"{figures['batch_pool']['with a dated follow-up']} a dated follow-up (first appearance, charge, decision, release)",
        f"{'':58} {'wall s':>9} {'cases/s':>9} {'in batch':>9} {'start-up s':>10}",
    ]
    for name, v in figures["batch"].items():
        inside = f"{v['batch_cases_per_s']:9.0f}" if v["batch_cases_per_s"] else f"{'-':>9}"
        start = f"{v['start_up_s']:10.2f}" if v["start_up_s"] is not None else f"{'-':>10}"
        lines.append(f"{name:58} {v['seconds']:9.2f} {v['cases_per_s']:9.0f} {inside} {start}")
    interview = figures["interview"]
    lines += [
        "",
        f"2. Interview steps: engine.run.session.interview_step, {interview['walks']} generated walks "
        f"({interview['walks with events']} with events, {interview['walks with a dated follow-up']} with a dated follow-up)",
        head,
    ]
    lines += [_row(name, v) for name, v in interview["steps"].items()]
    pages = figures["pages"]
    lines += [
        "",
        f"3. Pages through the WSGI app (test client, in process, Origin sent, Accept-Language {figures.get('lang', 'en')}): {pages['scenarios']} scenarios, "
        f"result pages x{pages['rounds']}",
        head,
    ]
    lines += [_row(name, v) for name, v in pages["pages"].items()]
    audit = figures["audit"]
    lines += [
        "",
        f"4. {'`pathway audit`, the whole command (a subprocess)':55} {audit['seconds']:9.2f} s"
        f"  (exit status {audit['exit_status']}; first run {audit['first_run_seconds']:.2f} s)",
        "",
        f"5. Per case, ratio to the interpreter (plain Python) measured in this run (profile {figures['jurisdiction']})",
        f"{head} {'x interp':>9}",
    ]
    lines += [f"{_row(name, v)} {v['ratio_to_interpreter']:9.2f}" for name, v in figures["paths"].items()]
    if "growth_rules" in figures:
        lines += [
            "",
            "6. Cost against the number of rules (shipped rules duplicated; median ms per case)",
            f"{'rules':32} {'build ms':>9} {'interp':>9} {'compiled':>9} {'experta':>9}",
        ]
        for name, v in figures["growth_rules"].items():
            lines.append(
                f"{name + ' (' + str(v['rules']) + ' rules)':32} {v['build_ms']:9.0f} {v['interpreter_ms']:9.3f} "
                f"{v['compiled_ms']:9.3f} {v['experta_ms']:9.3f}"
            )
        ratio = figures["growth_ratio"]
        lines.append(
            f"{'time(x4) / time(x1)':32} {'':9} {ratio['interpreter']:9.2f} {ratio['compiled']:9.2f} "
            f"{ratio['experta']:9.2f}"
        )
    lines += ["", "Targets"]
    for target in figures["targets"]:
        status = {True: "met", False: "NOT MET", None: "not measured here"}[target["met"]]
        lines.append(f"  [{status}] {target['target']}: {target['figure']}")
    return "\n".join(lines)


def write_figures(figures: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
