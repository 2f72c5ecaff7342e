"""Normative strength (issue 12): `pathway check` enforces it, and every output says how binding
each conclusion is - "prohibited by" only for binding law, advice otherwise, and under the
international reference profile never that national law prohibits."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.main import main
from engine import KnowledgeError, load_knowledge
from engine.load.model import Citation
from engine.render.catalogue import catalogue_markdown
from engine.render.report import to_data, to_text
from engine.run.session import assess_typed
from tests.case_generation import NOW
from tests.conftest import small_copy_with
from web.api.models import AssessmentOut


def _problem_text(tmp_path, overlay: str) -> str:
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(small_copy_with(tmp_path, overlay))
    [problem] = err.value.problems
    return str(problem)


def test_a_prohibition_on_non_binding_sources_only_is_an_error_unless_the_rule_says_why(tmp_path):
    text = _problem_text(tmp_path, "non_binding_prohibition")
    for words in ("rules/zz.yaml:2", "[R-TEST-01]", "non_binding_prohibition", "'prosecution'", "non-binding sources"):
        assert words in text, text


def test_pathway_check_prints_the_non_binding_prohibition_and_fails(tmp_path):
    result = CliRunner().invoke(
        main, ["check", "--knowledge", str(small_copy_with(tmp_path, "non_binding_prohibition"))]
    )
    assert result.exit_code == 1 and "non-binding sources only" in result.output


def test_a_citation_may_not_claim_more_force_than_its_source(tmp_path):
    text = _problem_text(tmp_path, "force_beyond_source")
    assert "sources.0.force" in text and "GC24 can be applied at most as 'authoritative_interpretation'" in text


def test_a_quotation_needs_the_text_to_have_been_read():
    with pytest.raises(ValueError, match="needs verification V or S"):
        Citation(id="GC24", pinpoint="para 1", verification="NV", quote="words nobody read")


CHILD_AT_13 = {"age_at_conduct": 13, "first_contact": "summoned"}


def _strength(result, kind, measure_id):
    return next(m for m in result.measures if (m.kind, m.id) == (kind, measure_id))


def test_binding_law_reads_prohibited_by_and_an_interpretation_reads_advised_against(kb):
    result = assess_typed(kb, {"age_at_conduct": 17}, "baseline", NOW, engine="compiled")
    death = _strength(result, "prohibit", "death_penalty")
    assert death.binding and death.strength == "treaty_obligation"
    assert (
        death.words.startswith("Prohibited by CRC art 37(a)") and "Convention on the Rights of the Child" in death.words
    )
    minimum = _strength(result, "prohibit", "mandatory_minimum_sentence")
    assert not minimum.binding and minimum.strength == "authoritative_interpretation"
    assert (
        minimum.words.startswith("The international standards advise against this") and "GC24 para 78" in minimum.words
    )
    assert minimum.reasons  # why it is still listed as a prohibition


def test_under_the_baseline_the_result_compares_with_reference_values_never_with_national_law(kb):
    result = assess_typed(kb, CHILD_AT_13, "baseline", NOW, engine="compiled")
    prosecution = _strength(result, "prohibit", "prosecution")
    assert prosecution.strength == "authoritative_interpretation"
    assert "international reference values (macr = 14), not with national law" in prosecution.words
    text = to_text(result, kb)
    assert "Compared with the international reference values" in text and "never as what national law prohibits" in text
    assert "Prohibited by CRC art 40(3)(a)" not in text


def test_below_a_national_minimum_age_the_prohibition_is_binding(kb):
    result = assess_typed(kb, {"age_at_conduct": 11, "first_contact": "summoned"}, "ruritania", NOW, engine="compiled")
    prosecution = _strength(result, "prohibit", "prosecution")
    assert prosecution.binding and prosecution.words.startswith("Prohibited by CRC art 40(3)(a)")
    assert "national values given in the profile (macr = 12)" in prosecution.words


def test_a_design_inference_says_so(kb):
    answers = {
        "age_at_conduct": 16,
        "first_contact": "arrested",
        "currently_detained": True,
        "detention_start_date": NOW.date().replace(month=1),
        "charged_formally": False,
    }
    result = assess_typed(kb, answers, "baseline", NOW, engine="compiled")
    release = _strength(result, "recommend", "release_from_detention")
    assert release.strength == "design_inference" and "on its own reasoning" in release.words


def test_the_json_report_and_the_api_carry_the_strength_the_words_and_the_quotation(kb):
    result = assess_typed(kb, CHILD_AT_13, "baseline", NOW, engine="compiled")
    data = to_data(result)
    assert data["international_reference"] is True
    measure = next(m for m in data["measures"] if (m["kind"], m["id"]) == ("prohibit", "prosecution"))
    assert measure["strength"]["level"] == "authoritative_interpretation" and not measure["strength"]["binding"]
    assert measure["strength"]["reference_values"] == [{"parameter": "macr", "international": 14}]
    assert measure["strength"]["why_still_prohibited"]
    crc = next(s for s in measure["sources"] if s["id"] == "CRC")
    assert crc["symbol"] == "A/RES/44/25" and crc["quote"].startswith("The establishment of a minimum age")
    AssessmentOut.model_validate(json.loads(json.dumps(data, default=str)))


def test_the_catalogue_shows_each_conclusions_strength_and_the_cap_of_the_reference_profile(kb):
    text = catalogue_markdown(kb)
    assert "- prohibit `death_penalty`: binding treaty obligation (CRC art 37(a))" in text
    assert "- prohibit `mandatory_minimum_sentence`: authoritative interpretation (GC24 para 78)" in text
    assert (
        "- prohibit `prosecution`: binding treaty obligation (CRC art 40(3)(a)); under the international reference "
        "profile authoritative interpretation, as it follows from the reference value of macr"
    ) in text
    assert "**Why still a prohibition:**" in text
