"""Batch, compare, the compiled evaluator, synthetic growth and the benchmark script (no timing asserted)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random

import pytest
from click.testing import CliRunner

from cli.benchmark import duplicate_rules
from cli.main import main
from engine.cases.batch import LawVariant, parse_overrides, run_batch
from engine.cases.batch_input import BatchInputError, Files, collect, jsonl_units
from engine.cases.case_file import CaseChecker, case_data, check_case_data
from engine.errors import CaseFileError
from engine.run.compiler import compile_engine_class
from engine.run.evaluator import evaluate_case
from engine.run.program import Program
from engine.run.session import assess_typed, dated_program, engine_for, memo, program_for
from tests.case_generation import NOW, random_full_case, random_walk_case


def _write_cases(kb, path, count, seed=7):
    rng = random.Random(seed)
    profiles = sorted(kb.jurisdictions)
    cases = []
    with path.open("w", encoding="utf-8") as stream:
        for index in range(count):
            jurisdiction = profiles[index % len(profiles)]
            answers = random_walk_case(kb, rng, jurisdiction) if index % 3 else random_full_case(kb, rng)
            if index % 5 == 0:  # some incomplete cases too
                answers = dict(list(answers.items())[: len(answers) // 2])
            cases.append((jurisdiction, answers))
            stream.write(json.dumps(case_data(answers, jurisdiction, NOW, kb.version), default=str) + "\n")
    return cases


def _results(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_batch_results_equal_experta_case_by_case(kb, tmp_path):
    source = tmp_path / "cases.jsonl"
    cases = _write_cases(kb, source, 120)
    out = tmp_path / "results.jsonl"
    runner = CliRunner()
    done = runner.invoke(main, ["batch", str(source), "--out", str(out), "--workers", "2"])
    assert done.exit_code == 0, done.output
    results = _results(out)
    assert len(results) == len(cases)
    for (jurisdiction, answers), result in zip(cases, results, strict=True):
        program = dated_program(kb, jurisdiction, NOW)[0]  # the law in force on the cases' reference date
        run = engine_for(program).assess(answers, NOW)
        assert set(result["measures"]) == {f"{k}:{m}" for k, m in run.measures}, result["case"]
        assert result["rules"] == [r.id for r in program.ordered_rules if r.id in set(run.fired)]
        reference = evaluate_case(program, answers, NOW)
        assert result["complete"] == (None not in reference.status.values())
    assert "case(s)" in done.output and "measure" in done.output


def test_experta_engine_option_gives_the_same_lines(kb, tmp_path):
    source = tmp_path / "cases.jsonl"
    _write_cases(kb, source, 30)
    units = collect(source)
    fast_blocks, experta_blocks = [], []
    run_batch(kb, units, [LawVariant(None)], workers=1, write=fast_blocks.append)
    run_batch(kb, units, [LawVariant(None)], workers=1, engine="experta", write=experta_blocks.append)
    fast_lines, experta_lines = (b"".join(blocks).decode().splitlines() for blocks in (fast_blocks, experta_blocks))
    assert len(fast_lines) == 30
    for fast, slow in zip(fast_lines, experta_lines, strict=True):
        fast, slow = json.loads(fast), json.loads(slow)
        fast.pop("complete", None)
        assert fast == slow


def test_bad_cases_are_reported_and_the_batch_goes_on(kb, tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "good.yaml").write_text("answers:\n  age_at_conduct: 15\n", encoding="utf-8")
    (folder / "bad.yaml").write_text("answers:\n  age_at_conduct: fifteen\n", encoding="utf-8")
    (folder / "more.jsonl").write_text(
        '{"answers": {"age_at_conduct": 16}}\n{not json\n{"answers": {"no_such_question": 1}}\n', encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(main, ["batch", str(folder), "--out", str(out)])
    assert done.exit_code == 2  # errors: reported, with the exit status saying so
    results = {r["case"]: r for r in _results(out)}
    assert len(results) == 5
    bad = results[str(folder / "bad.yaml")]["error"][0]
    assert "bad.yaml:2" in bad and "age_at_conduct" in bad
    assert "more.jsonl:2" in results[f"{folder / 'more.jsonl'}:2"]["error"][0]
    assert "no_such_question" in results[f"{folder / 'more.jsonl'}:3"]["error"][0]
    assert "measures" in results[str(folder / "good.yaml")]
    assert "measures" in results[f"{folder / 'more.jsonl'}:1"]
    assert "3 with errors" in done.output


def test_compare_under_a_raised_macr_counts_what_changes(kb, tmp_path):
    source = tmp_path / "cases.jsonl"
    cases = _write_cases(kb, source, 60)
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(
        main, ["batch", str(source), "--jurisdiction", "baseline", "--set", "macr=16", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    raised = compile_engine_class(Program(kb, "baseline", {"macr": 16}))()
    changed = 0
    for (_, answers), line in zip(cases, _results(out), strict=True):
        before = engine_for(program_for(kb, "baseline")).assess(answers, NOW).measures
        after = raised.assess(answers, NOW).measures
        assert set(line["b"]["measures"]) == {f"{k}:{m}" for k, m in after}
        assert line["changed"] == (before != after)
        changed += before != after
    assert f"{changed} of 60 case(s) change" in done.output
    profiles = CliRunner().invoke(main, ["batch", str(source), "--jurisdiction", "baseline", "--compare", "ruritania"])
    assert profiles.exit_code == 0 and "B: ruritania" in profiles.output


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("macrr=14", "did you mean 'macr'"),
        ("macr=fourteen", "whole number"),
        ("young_adult_extension=maybe", "true or false"),
        ("macr", "NAME=VALUE"),
    ],
)
def test_overrides_are_checked_against_the_parameters(kb, setting, message):
    with pytest.raises(BatchInputError, match=message):
        parse_overrides(kb, [setting])


def test_override_values_are_typed(kb):
    assert parse_overrides(kb, ["macr=14", "young_adult_extension=false"]) == {
        "macr": 14,
        "young_adult_extension": False,
    }
    assert CliRunner().invoke(main, ["batch", ".", "--set", "nope=1"]).exit_code == 2


def test_duplicated_rule_bases_conclude_the_same_measures(kb):
    rng = random.Random(3)
    grown = duplicate_rules(kb, 3)
    assert len(grown.rules) == 3 * len(kb.rules)
    for _ in range(40):
        answers = random_full_case(kb, rng)
        for jurisdiction in kb.jurisdictions:
            original = evaluate_case(program_for(kb, jurisdiction), answers, NOW)
            bigger = evaluate_case(program_for(grown, jurisdiction), answers, NOW)
            assert sorted(bigger.fired()) == sorted(
                [*original.fired(), *(f"{r}~2" for r in original.fired()), *(f"{r}~3" for r in original.fired())]
            )


def test_interview_steps_are_provisional_and_the_end_is_experta(kb):
    rng = random.Random(11)
    answers = max((random_walk_case(kb, rng, "baseline") for _ in range(5)), key=len)
    partial = {"age_at_conduct": 15}  # a child: the interview goes on
    step = assess_typed(kb, partial, "baseline", NOW)
    assert step.engine == "compiled" and step.open_questions and step.experta_order == []
    checked = assess_typed(kb, partial, "baseline", NOW, engine="experta")
    assert checked.measure_pairs() == step.measure_pairs() and checked.engine == "experta"
    end = assess_typed(kb, answers, "baseline", NOW)
    assert end.engine == "experta" and end.complete
    assert assess_typed(kb, answers, "baseline", NOW) is not end  # no memo by default: nothing of a case is kept


def test_the_memo_answers_repeats_only_when_switched_on(kb):
    answers = {"age_at_conduct": 15}
    try:
        memo.size = 8
        first = assess_typed(kb, answers, "baseline", NOW)
        assert assess_typed(kb, dict(answers), "baseline", NOW) is first
    finally:
        memo.size = 0
        memo.clear()
    assert assess_typed(kb, answers, "baseline", NOW) is not first


def _ordered(summary: dict) -> bool:
    return 0 < summary["min_ms"] <= summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"] <= summary["max_ms"]


def test_the_benchmark_runs_and_prints_every_row(kb, tmp_path):
    """`make bench-smoke` (the CLI, in process): every section runs on a tiny scale and prints each
    of its rows; the JSON holds the same figures. No timing is asserted."""
    out = tmp_path / "bench" / "latest.json"
    done = CliRunner().invoke(main, ["bench", "--cases", "10", "--workers", "1", "--out", str(out)])
    assert done.exit_code == 0, done.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    rows = done.output.splitlines()

    def row(name: str, width: int = 58) -> str:
        found = [line for line in rows if line[:width].rstrip() == name]
        assert len(found) == 1, f"no printed row of its own for {name!r}"
        return found[0]

    # 1. the batch as a user runs it: a subprocess per size, every case back in the results file
    assert [v["cases"] for k, v in figures["batch"].items() if "--set" not in k] == [10, 100, 1000]
    for name, batch in figures["batch"].items():
        assert batch["exit_status"] == 0 and batch["result_lines"] == batch["cases"], name
        assert batch["seconds"] > 0 and batch["batch_seconds"] is not None, name
        assert f"{batch['seconds']:9.2f} {batch['cases_per_s']:9.0f}" in row(name)
    # 2. every interview step, the last ones (experta) among them and apart
    steps = figures["interview"]["steps"]
    whole = {k: v for k, v in steps.items() if not k.startswith("cases with events")}
    assert whole["every step (the last included)"]["n"] == sum(v["n"] for k, v in whole.items() if "every" not in k)
    assert steps["last step: complete answers -> experta's result"]["n"] == figures["interview"]["walks"]
    # the cases with events (dated answers: deadlines with states) are timed apart as well
    events = figures["interview"]["walks with events"]
    assert 0 < events <= figures["interview"]["walks"]
    assert steps["cases with events: last step (experta, deadline states)"]["n"] == events
    # 3. pages, 5. per-case paths with their ratio to the interpreter
    pages = figures["pages"]["pages"]
    assert set(pages) >= {
        "question page (GET /step/n)",
        "result",
        "tree (result/tree.svg)",
        "record",
        "what would change",
    }
    for name, summary in [*steps.items(), *pages.items(), *figures["paths"].items()]:
        assert summary["n"] > 0 and _ordered(summary), (name, summary)
        assert f"{summary['p50_ms']:9.3f} {summary['p95_ms']:9.3f}" in row(name), name
    for name, path in figures["paths"].items():
        assert row(name).endswith(f"{path['ratio_to_interpreter']:9.2f}")
    # 4. the audit command, 6. growth with the rules
    audit = [line for line in rows if line.startswith("4. `pathway audit`")]
    assert figures["audit"]["exit_status"] == 0 and f"{figures['audit']['seconds']:9.2f} s" in audit[0]
    assert [v["rules"] for v in figures["growth_rules"].values()] == [len(kb.rules) * n for n in (1, 2, 4)]
    for name, grown in figures["growth_rules"].items():
        assert f"{grown['experta_ms']:9.3f}" in row(f"{name} ({grown['rules']} rules)", 32)
    assert row("time(x4) / time(x1)", 32).endswith(f"{figures['growth_ratio']['experta']:9.2f}")
    # the targets, each with its status
    assert len(figures["targets"]) == 6
    for target in figures["targets"]:
        assert any(target["target"] in line and target["figure"] in line for line in rows), target


def test_collect_reads_a_single_file(tmp_path):
    case = tmp_path / "one.yaml"
    case.write_text("answers: {}\n", encoding="utf-8")
    assert collect(case) == [Files((str(case),))]
    with pytest.raises(BatchInputError):
        collect(tmp_path / "missing.jsonl")


def test_jsonl_blocks_keep_every_line_and_its_number(tmp_path):
    lines = [json.dumps({"answers": {"age_at_conduct": n % 18}}) for n in range(40)]
    lines[7] = ""  # blank lines are skipped but still counted
    lines[20] = '{"answers": {"age_at_conduct": 15, "age_now": 16, "conduct_category": "support"}}' + " " * 300
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")  # no newline after the last line
    units = list(jsonl_units(source, block=64))  # smaller than a line: blocks must grow to whole lines
    assert len(units) > 10 and all(u.offset + u.length == v.offset for u, v in itertools.pairwise(units))
    cases = [case for unit in units for case in unit.cases()]
    assert [c.line for c in cases] == [n + 1 for n, text in enumerate(lines) if text]
    assert [c.text.decode().strip() for c in cases] == [text.strip() for text in lines if text]
    assert sum(u.size for u in units) == len(lines)


def test_a_folder_is_read_in_sorted_order_with_jsonl_files_in_place(kb, tmp_path):
    (tmp_path / "a.yaml").write_text("answers: {age_at_conduct: 15}\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"answers": {"age_at_conduct": 16}}\n', encoding="utf-8")
    (tmp_path / "c.json").write_text('{"answers": {"age_at_conduct": 17}}', encoding="utf-8")
    blocks = []
    run_batch(kb, collect(tmp_path), [LawVariant(None)], workers=1, write=blocks.append)
    names = [json.loads(line)["case"] for line in b"".join(blocks).decode().splitlines()]
    assert names == [str(tmp_path / "a.yaml"), f"{tmp_path / 'b.jsonl'}:1", str(tmp_path / "c.json")]


def _case_variants(kb):
    """Good cases, and cases with each kind of problem, as the JSON lines of a batch hold them."""
    rng = random.Random(5)
    good = [
        case_data(random_walk_case(kb, rng, "baseline") if n % 2 else random_full_case(kb, rng), "baseline", NOW, "v")
        for n in range(40)
    ]
    good = [json.dumps(case, default=str) for case in good]
    first = json.loads(good[0])

    def changed(**keys):
        return json.dumps({**first, **keys})

    bad = [
        changed(answers={**first["answers"], "age_at_conduct": "fifteen"}),
        changed(answers={**first["answers"], "no_such_question": True}),
        changed(jurisdiction="atlantis"),
        changed(reference_date="yesterday"),
        changed(extra=1),
        changed(answers=["not", "a", "mapping"]),
        changed(answers={"custody_conditions": [["nested"]]}),
        changed(reference_date="2026-03-01T12:00", answers={"arrest_datetime": "2026-03-02T09:00"}),
        changed(answers={"age_at_conduct": True}),
        changed(answers={"age_at_conduct": 15.0, "parents_notified": " notified ", "legal_assistance": "yes"}),
        changed(answers={"detention_start_date": "unknown", "arrest_datetime": "unknown"}),
        '{"answers": {"age_at_conduct": 1' + "0" * 5000 + "}}",
        "[" * 100_000 + "]" * 100_000,
        "[1, 2]",
        "{not json",
        '{"answers": {"age_at_conduct": 12, "age_at_conduct": 16}}',
    ]
    return good + bad + good  # the second round of good cases comes through the remembered headers


def test_the_batch_case_checker_equals_check_case_data(kb):
    checker = CaseChecker(kb)
    for index, text in enumerate(_case_variants(kb)):
        try:
            expected = check_case_data(kb, json.loads(text), "cases.jsonl", None, index + 1)
        except (CaseFileError, ValueError, RecursionError) as err:
            with pytest.raises(CaseFileError) as caught:
                checker.check_json(text.encode(), "cases.jsonl", index + 1)
            if isinstance(err, CaseFileError):
                assert [str(p) for p in caught.value.problems] == [str(p) for p in err.problems]
            else:
                assert f"cases.jsonl:{index + 1}" in str(caught.value.problems[0])
            continue
        assert checker.check_json(text.encode(), "cases.jsonl", index + 1) == expected


def test_the_batch_checker_judges_a_date_against_each_case_reference(kb):
    checker = CaseChecker(kb)
    for reference, accepted in [("2026-03-02T12:00", True), ("2026-02-27T12:00", False), ("2026-03-02T12:00", True)]:
        text = json.dumps({"reference_date": reference, "answers": {"arrest_datetime": "2026-03-01T09:00"}})
        if accepted:
            assert checker.check_json(text, "c.jsonl").answers["arrest_datetime"] == dt.datetime(2026, 3, 1, 9)
        else:
            with pytest.raises(CaseFileError, match="in the future"):
                checker.check_json(text, "c.jsonl")
