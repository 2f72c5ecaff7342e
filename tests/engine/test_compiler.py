"""The experta compilation: the hazards of experta that it must make impossible, one test each."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from engine.load.conditions import UNKNOWN
from engine.run.compiler import compile_engine_class
from engine.run.evaluator import evaluate_case
from engine.run.experta_compat import watchers
from engine.run.session import assess_typed, engine_for, program_for

NOW = dt.datetime(2026, 3, 1, 12, 0)
ROOT = Path(__file__).resolve().parents[2]


def small_cases():
    """Every combination of answers of the small knowledge base, missing answers included."""
    ages = [None, UNKNOWN, 0, 11, 12, 13, 14, 15, 17, 25]
    admits = [None, True, False]
    conduct = [None, "expression", "violence"]
    arrest = [None, dt.datetime(2026, 2, 28, 13, 0), dt.datetime(2026, 2, 20, 9, 0)]
    for values in itertools.product(ages, admits, conduct, arrest):
        case = dict(zip(("age_at_conduct", "admits_facts", "conduct", "arrest_datetime"), values, strict=False))
        yield {k: v for k, v in case.items() if v is not None}


def test_experta_agrees_with_the_direct_evaluator_on_every_small_case(small_kb):
    """No negation fires early (no truth maintenance in experta): conclusions equal the 3-valued reference."""
    checked = 0
    for jurisdiction in small_kb.jurisdictions:
        program = program_for(small_kb, jurisdiction)
        engine = engine_for(program)
        for case in small_cases():
            run = engine.assess(case, NOW)
            reference = evaluate_case(program, case, NOW)
            assert set(run.fired) == set(reference.fired()), case
            expected = {(k, m) for rid in reference.fired() for k, m in small_kb.rules[rid].spec.then.measures()}
            assert run.measures == expected, case
            checked += 1
    assert checked == 2 * 10 * 3 * 3 * 3


def test_a_rule_with_two_matching_branches_concludes_once(small_kb):
    result = assess_typed(
        small_kb, {"age_at_conduct": 15, "admits_facts": True, "conduct": "violence"}, "baseline", NOW, engine="experta"
    )
    assert result.experta_order.count("R-SAFE-01") == 1
    assert [m.id for m in result.measures].count("legal_assistance") == 1


def test_negated_derived_fact_waits_for_its_rule(small_kb):
    """R-DIV-01 needs 'below_macr' to be false: below the MACR it must never fire, in any engine."""
    result = assess_typed(small_kb, {"age_at_conduct": 12, "admits_facts": True}, "baseline", NOW, engine="experta")
    assert "R-DIV-01" not in result.experta_order
    assert ("recommend", "diversion") not in result.measure_pairs()


def test_an_exception_defeats_the_rule_it_names(small_kb):
    case = {"age_at_conduct": 15, "admits_facts": True, "conduct": "expression"}
    result = assess_typed(small_kb, case, "baseline", NOW, engine="experta")
    assert "R-CHG-01" in result.experta_order and "R-DIV-01" not in result.experta_order
    case["conduct"] = "violence"
    assert "R-DIV-01" in assess_typed(small_kb, case, "baseline", NOW, engine="experta").experta_order


def test_engines_in_parallel_threads_do_not_share_facts(small_kb):
    cases = list(small_cases())
    program = program_for(small_kb, "baseline")
    # Each thread's own engine directly: the check is that engines never see each other's facts.
    expected = [engine_for(program).assess(c, NOW).measures for c in cases]
    failures = []

    def worker(offset: int) -> None:
        for i in range(len(cases)):
            index = (i + offset) % len(cases)
            got = engine_for(program).assess(cases[index], NOW).measures
            if got != expected[index]:
                failures.append(index)

    threads = [threading.Thread(target=worker, args=(n * 97,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_each_engine_has_a_class_of_its_own(small_kb):
    program = program_for(small_kb, "baseline")
    assert compile_engine_class(program) is not compile_engine_class(program)


def test_firing_order_is_the_same_in_every_process():
    script = (
        "import datetime as dt, json\n"
        "from engine import load_knowledge\n"
        "from engine.run.session import assess_typed\n"
        "kb = load_knowledge('tests/fixtures/small')\n"
        "r = assess_typed(kb, {'age_at_conduct': 15, 'admits_facts': True, 'conduct': 'violence',"
        " 'arrest_datetime': dt.datetime(2026, 2, 20)}, 'lowland', dt.datetime(2026, 3, 1), engine='experta')\n"
        "print(json.dumps([r.experta_order, [s.rule_id for s in r.trace]]))\n"
    )
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout.strip())
    assert len(outputs) == 1, outputs
    order, trace = json.loads(outputs.pop())
    assert len(order) >= 3 and sorted(order) == sorted(trace)


def test_importing_the_engine_leaves_the_root_logger_alone():
    script = "import logging; import engine.run.session; print(len(logging.getLogger().handlers))"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0"


def test_no_answer_reaches_any_log_even_with_experta_watchers_on(small_kb, caplog):
    """experta's watchers log every fact and match when switched on; they must stay silent here."""
    secret_date = dt.datetime(2026, 2, 27, 13, 37)
    watchers.watch()
    try:
        with caplog.at_level(logging.DEBUG):
            assess_typed(
                small_kb, {"age_at_conduct": 13, "admits_facts": True, "arrest_datetime": secret_date}, "baseline", NOW
            )
    finally:
        watchers.unwatch()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "13:37" not in logged and "age_at_conduct" not in logged and "Case(" not in logged


def test_the_engine_is_built_once_per_thread_and_profile_not_per_case(small_kb):
    program = program_for(small_kb, "baseline")
    first = engine_for(program)
    for case in list(small_cases())[:50]:
        assess_typed(small_kb, case, "baseline", NOW, engine="experta")
    assert engine_for(program) is first
