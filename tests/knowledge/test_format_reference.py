"""docs/knowledge-format.md documents every key the loader accepts (the reference cannot drift)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.load import model
from engine.load.conditions import ATOM_OPS, ELAPSED_UNITS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "knowledge-format.md").read_text(encoding="utf-8")
MODELS = [
    model.Source,
    model.Citation,
    model.DecisionPoint,
    model.Parameter,
    model.Jurisdiction,
    model.Measure,
    model.Duration,
    model.Question,
    model.Choice,
    model.RuleSpec,
    model.Conclusions,
    model.NotEncoded,
    model.Scenario,
    model.Expectation,
]


@pytest.mark.parametrize("entry", MODELS, ids=lambda m: m.__name__)
def test_every_key_of_every_entry_is_documented(entry):
    for name, info in entry.model_fields.items():
        key = info.alias or name
        assert re.search(rf"(^|[\s{{,-]){re.escape(key)}:", DOC, re.MULTILINE), (
            f"'{key}' of {entry.__name__} is not documented"
        )


def test_every_condition_form_is_documented():
    for key in ("all", "any", "not", "fact", "unknown", "param", "international", *ELAPSED_UNITS, *ATOM_OPS):
        assert f"{key}:" in DOC, key


def test_every_enumerated_value_is_documented():
    for values in (model.BindingForce, model.Verification, model.QuestionType, model.MeasureTag, model.MeasureKind):
        for value in values.__args__:
            assert f"`{value}`" in DOC or f" {value} " in DOC or f"{value}," in DOC or f"{value}:" in DOC, value
