"""Tools for policy teams: rule catalogue, jurisdiction gaps, knowledge diff and replay."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from cli.main import main
from engine.analysis.gaps import gap_report
from engine.analysis.knowledge_diff import RevisionError, diff_knowledge, load_version, replay
from engine.load.loader import load_knowledge
from engine.render.catalogue import catalogue_markdown
from tests.conftest import SMALL


def test_the_catalogue_shows_every_rule_with_words_sources_and_scenarios(small_kb):
    text = catalogue_markdown(small_kb)
    for rule_id in small_kb.rules:
        assert f"### {rule_id} " in text
    assert "'age_at_conduct' is below the national parameter 'macr'" in text
    assert "GC24 para 101 — General Comment No. 24 (authoritative interpretation; verified)" in text
    assert "**Exception to:** R-DIV-01" in text and "**Does not apply when:** R-CHG-01 applies" in text
    assert "**Scenarios:** A twelve-year-old is below the minimum age" in text


def test_the_gap_report_shows_what_falls_short_and_the_rules_it_touches(small_kb):
    gaps = {g.parameter: g for g in gap_report(small_kb, "lowland")}
    assert gaps["macr"].falls_short and gaps["macr"].national == 12 and gaps["macr"].international == 14
    assert set(gaps["macr"].rules) == {"R-MACR-01", "R-MACR-02"}
    assert gaps["max_hours_before_judge"].falls_short  # 48 h is less protective than 24 h
    assert gap_report(small_kb, "baseline") == []


@pytest.fixture
def changed_copy(tmp_path):
    new = tmp_path / "new"
    shutil.copytree(SMALL, new)
    profile = new / "jurisdictions" / "lowland.yaml"
    profile.write_text(profile.read_text().replace("macr: 12", "macr: 14"))
    rules = new / "rules" / "dp02.yaml"
    rules.write_text(
        rules.read_text().replace(
            "then: {recommend: [prosecution]}", "then: {recommend: [prosecution], require: [legal_assistance]}"
        )
    )
    return new


def test_the_diff_names_each_changed_entry_and_the_replay_each_changed_case(small_kb, changed_copy, tmp_path):
    new_kb = load_knowledge(changed_copy)
    changes = {(c.kind, c.id, c.change) for c in diff_knowledge(small_kb, new_kb)}
    assert ("jurisdictions", "lowland.macr", "changed") in changes
    assert ("rules", "R-PROS-01", "changed") in changes
    assert len(changes) == 2
    thirteen = tmp_path / "thirteen.yaml"
    thirteen.write_text("jurisdiction: lowland\nreference_date: 2026-03-01\nanswers: {age_at_conduct: 13}\n")
    adult = tmp_path / "sixteen.yaml"
    adult.write_text(
        "jurisdiction: baseline\nreference_date: 2026-03-01\nanswers: {age_at_conduct: 16, conduct: expression}\n"
    )
    changed = replay(small_kb, new_kb, [thirteen, adult])
    assert [c.case for c in changed] == [str(thirteen)]
    assert ("require", "no_criminal_proceedings") in changed[0].added


def test_a_git_revision_or_a_bad_name_is_understood():
    kb, holder = load_version("HEAD")
    try:
        assert kb.rules
    finally:
        holder.cleanup()
    with pytest.raises(RevisionError, match="neither a folder nor a git revision"):
        load_version("no-such-revision-xyz")


def test_cli_gaps_audit_and_diff(changed_copy):
    runner = CliRunner()
    gaps = runner.invoke(main, ["gaps", "lowland", "--knowledge", str(SMALL)])
    assert (
        gaps.exit_code == 0
        and "FALLS SHORT: Minimum age of criminal responsibility (macr): national 12, international 14" in gaps.output
    )
    assert runner.invoke(main, ["gaps", "atlantis", "--knowledge", str(SMALL)]).exit_code == 2
    diff = runner.invoke(main, ["diff", str(SMALL), str(changed_copy)])
    assert diff.exit_code == 0 and "2 change(s)" in diff.output
    audit = runner.invoke(main, ["audit", "--samples", "50", "--knowledge", str(SMALL)])
    assert audit.exit_code == 0 and "Audit: 0 error(s)" in audit.output
