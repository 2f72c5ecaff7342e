"""The records and watch-list decision (issue 15) from the command line, as a prosecutor uses it:
`pathway interview --hearing records_and_information` asks the age and the data request, and the
result advises against listing a child below the MACR, or requires an individual review above it."""

from __future__ import annotations

from click.testing import CliRunner

from cli.main import main

ARGS = ["interview", "--hearing", "records_and_information", "--date", "2026-03-01"]


def _result(typed: str) -> str:
    run = CliRunner().invoke(main, ARGS, input=typed)
    assert run.exit_code == 0, run.output
    return run.output


def test_a_watch_list_request_for_an_eleven_year_old_is_advised_against():
    output = _result("11\n1,2\n4\n")
    assert "[DP-13] Has any of the following been done, or asked for, with the child's data?" in output
    prohibited = output.split("PROHIBITED OR ADVISED AGAINST", 1)[1].split("RECOMMENDED", 1)[0]
    assert "Entry of the child in a terrorism watch-list" in prohibited
    assert "The international standards advise against this" in prohibited.split("terrorism watch-list", 1)[1]
    assert "Individual review before any listing" not in output


def test_a_watch_list_request_for_a_seventeen_year_old_needs_an_individual_review():
    output = _result("17\n17\n1\n4\n")  # age then, age today, the request, first contact
    required = output.split("REQUIRED NOW", 1)[1].split("PROHIBITED OR ADVISED AGAINST", 1)[0]
    assert "Individual review before any listing, biometric collection or sharing" in required
    assert "Tension between the Security Council's watch-list and biometric duties" in output
    assert "Entry of the child in a terrorism watch-list" not in output.split("PROHIBITED OR ADVISED AGAINST", 1)[1]
