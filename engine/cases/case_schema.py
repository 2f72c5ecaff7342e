"""A case file's JSON checked in one pass by pydantic-core: the batch path for JSON lines.

`case_json_validator(kb)` builds a strict pydantic-core schema of a
whole case file from the questions: yes/no answers are JSON booleans, choices exact choice ids,
lists of choices become frozensets, whole numbers lie within the question's range, "unknown" is
accepted where the question allows it, and unknown keys are refused. Parsing and checking a
line then happen in Rust, in one pass.

The schema accepts only case files already in canonical form, and gives them the same typed
answers as `engine.cases.case_file.check_case_data`. Dates stay strings here: whether a date lies in
the future depends on the case's reference moment, so `engine.load.answers` converts them. Whatever
the schema refuses goes to `check_case_data`, which words every problem; that is why the
schema's own errors are never shown.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import SchemaValidator
from pydantic_core import core_schema as cs

from engine.load.conditions import UNKNOWN
from engine.load.knowledge_base import KnowledgeBase
from engine.load.model import Question


def _unknown(_: str) -> Any:
    return UNKNOWN


def _answer_schema(question: Question) -> cs.CoreSchema:
    kind = question.type
    if kind in ("date", "datetime"):
        return cs.str_schema(strict=True)  # converted against the reference moment afterwards
    if kind == "yes_no":
        schema = cs.bool_schema(strict=True)
    elif kind == "choice":
        schema = cs.literal_schema(list(question.choice_ids))
    elif kind == "multi_choice":
        schema = cs.frozenset_schema(cs.literal_schema(list(question.choice_ids)))
    else:
        schema = cs.int_schema(ge=question.min, le=question.max, strict=True)
    if not question.allow_unknown:
        return schema
    # The answer itself first (most answers are known); no choice may have the id "unknown".
    unknown = cs.no_info_after_validator_function(_unknown, cs.literal_schema(["unknown"]))
    return cs.union_schema([schema, unknown], mode="left_to_right")


def _optional(schema: cs.CoreSchema) -> cs.TypedDictField:
    return cs.typed_dict_field(schema, required=False)


def case_json_validator(kb: KnowledgeBase) -> SchemaValidator:
    """The validator of a canonical case file's JSON (a batch's `CaseChecker` builds it once, before forking)."""
    text = cs.nullable_schema(cs.str_schema(strict=True))
    answers = cs.typed_dict_schema(
        {qid: _optional(_answer_schema(question)) for qid, question in kb.questions.items()},
        extra_behavior="forbid",
    )
    schema = cs.typed_dict_schema(
        {
            "jurisdiction": _optional(text),
            "reference_date": _optional(text),
            "knowledge_version": _optional(text),
            "hearing": _optional(text),
            "answers": _optional(answers),
        },
        extra_behavior="forbid",
        strict=True,
    )
    return SchemaValidator(schema)
