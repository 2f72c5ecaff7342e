"""`pathway tree CASE [--svg FILE] [--jurisdiction ID]`: the text tree, and the SVG as on the web page."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.conftest import SMALL

CASE = """\
jurisdiction: baseline
reference_date: 2026-03-01
answers:
  age_at_conduct: 15
  admits_facts: true
  conduct: violence
  arrest_datetime: 2026-02-27T09:30
"""


def run(*args):
    return CliRunner().invoke(main, ["tree", *args, "--knowledge", str(SMALL)])


@pytest.fixture
def case(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(CASE)
    return path


def test_the_text_tree_is_printed(case):
    result = run(str(case))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "This case (International reference values · 2026-03-01 12:00)"
    assert "├─ DP-7 Diversion" in lines
    assert "│  ├─ Rule applied: R-DIV-01 Diversion" in lines
    assert "│  │  └─ → Recommended: Divert" in lines
    assert "│  └─ 2 rules did not apply: R-CHG-01 Expression only; R-PROS-01 Prosecution when no diversion" in lines
    assert lines[lines.index("Not reached by this case:") + 1] == "  DP-2 MACR"
    assert lines[lines.index("Outcome:") + 1 :] == [
        "  Required: Bring before a judge",
        "  Required: Legal assistance",
        "  Recommended: Divert",
        "  Flag: The time limit has passed",
    ]


def test_the_svg_is_written_like_the_web_page(case, tmp_path):
    target = tmp_path / "tree.svg"
    result = run(str(case), "--svg", str(target))
    assert result.exit_code == 0, result.output
    svg = target.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")
    # dot writes "-" as a character reference
    assert 'id="tree&#45;outcome"' in svg and "R&#45;DIV&#45;01" in svg
    assert f"Diagram written to {target}." in result.stderr


def test_the_jurisdiction_option_overrides_the_case_file(case):
    result = run(str(case), "--jurisdiction", "lowland")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("This case (Lowland")


def test_a_case_file_that_cannot_be_assessed_is_refused_as_by_assess(tmp_path, case):
    missing = run(str(tmp_path / "missing.yaml"))
    assert missing.exit_code == 2
    assert "The case file cannot be assessed:" in missing.stderr and "cannot read the file" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(CASE.replace("age_at_conduct: 15", "age_at_conduct: fifteen"))
    refused = run(str(bad))
    assert refused.exit_code == 2 and "age_at_conduct" in refused.stderr
    assert refused.stdout == ""
    unknown = run(str(case), "--jurisdiction", "atlantis")
    assert unknown.exit_code == 2 and "atlantis" in unknown.stderr


def test_an_svg_path_that_cannot_be_written_is_refused_before_anything_is_printed(case, tmp_path):
    result = run(str(case), "--svg", str(tmp_path / "no" / "such" / "tree.svg"))
    assert result.exit_code == 2
    assert "The SVG cannot be written to" in result.stderr and "does not exist" in result.stderr
    assert result.stdout == ""


def test_without_graphviz_the_text_is_printed_and_the_svg_refused(case, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    target = tmp_path / "tree.svg"
    result = run(str(case), "--svg", str(target))
    assert result.exit_code == 1
    assert "Rule applied: R-DIV-01 Diversion" in result.stdout
    assert "Graphviz (the dot program) is not installed" in result.stderr
    assert not target.exists()
