"""The decision record downloaded from the web app is read by the command line as the case it holds:
`pathway assess RECORD.json` and `pathway diff OLD NEW --cases` (its case part, under `case:`)."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from cli.main import main

from .conftest import SMALL, User, browser_client
from .test_records import DEPARTED, DETAILS, record_decisions


def downloaded_record(app, jurisdiction: str = "baseline", age: str = "15") -> bytes:
    user = User(browser_client(app))
    user.start(jurisdiction)
    user.answer("age_at_conduct", age)
    user.answer("admits_facts", "yes")
    if int(age) >= 14:
        user.answer("conduct", "violence")
        user.answer("arrest_datetime", "2026-02-27T08:00")
    record_decisions(
        user,
        **DETAILS,
        decision_require_appearance_before_judge="departed",
        reason_require_appearance_before_judge=DEPARTED,
    )
    return user.client.get("/record/download").get_data()


def test_pathway_assess_reads_the_decision_record_file(app, tmp_path):
    record = tmp_path / "pathway-record-2026-03-01.json"
    record.write_bytes(downloaded_record(app))
    result = CliRunner().invoke(main, ["assess", str(record), "--json", "--knowledge", str(SMALL)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["answers"]["conduct"] == "violence" and data["reference_date"] == "2026-03-01T12:00"
    assert {m["id"] for m in data["measures"]} >= {"appearance_before_judge", "diversion"}


def test_pathway_assess_names_the_field_of_a_bad_record(app, tmp_path):
    data = json.loads(downloaded_record(app))
    data["case"]["answers"]["conduct"] = "violense"
    record = tmp_path / "record.json"
    record.write_text(json.dumps(data, indent=2))
    result = CliRunner().invoke(main, ["assess", str(record), "--knowledge", str(SMALL)])
    assert result.exit_code == 2
    assert "field 'case.answers.conduct'" in result.output and "Did you mean 'violence'?" in result.output


def test_pathway_diff_replays_a_decision_record(app, tmp_path):
    new = tmp_path / "new"
    shutil.copytree(SMALL, new)
    profile = new / "jurisdictions" / "lowland.yaml"
    profile.write_text(profile.read_text().replace("macr: 12", "macr: 14"))
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "record.json").write_bytes(downloaded_record(app, "lowland", "13"))
    (cases / "old-record.json").write_text(json.dumps({"record": "Justice Pathway decision record", "answers": []}))
    result = CliRunner().invoke(main, ["diff", str(SMALL), str(new), "--cases", str(cases)])
    assert result.exit_code == 0, result.output
    assert f"{cases / 'record.json'}: +[('require', 'child_protection_referral')" in result.output
    assert f"{cases / 'old-record.json'}: cannot be replayed:" in result.output and "field 'case'" in result.output
    assert "2 of 2 case(s) change." in result.output
