"""Case files: the answers of one case in YAML or JSON, as `pathway assess` reads and the web app saves.

```yaml
jurisdiction: baseline          # optional
reference_date: 2026-03-01      # optional (default: now)
answers:
  age_at_conduct: 15
  conduct_category: support
```
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from .answers import answer_to_data, parse_answers
from .entries import validate_entry
from .errors import CaseFileError, Problem
from .knowledge_base import KnowledgeBase
from .model import Strict, reference_datetime
from .session import reference_moment
from .yaml_source import line_of, parse_yaml_text

MAX_CASE_FILE_BYTES = 256 * 1024


class CaseFile(Strict):
    """The content of a case file."""

    jurisdiction: str | None = None
    reference_date: dt.datetime | None = None
    knowledge_version: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)

    @field_validator("reference_date", mode="before")
    @classmethod
    def _as_datetime(cls, value: Any) -> Any:
        return reference_datetime(value)


@dataclass(frozen=True)
class ParsedCase:
    """A case file checked against the knowledge base: typed answers ready to assess."""

    jurisdiction: str
    reference: dt.datetime
    answers: dict[str, Any]
    knowledge_version: str | None = None


def read_case_text(text: str | bytes, name: str) -> tuple[Any, list[Problem]]:
    """Parse the raw content of a case file (size-limited; UTF-8; YAML or JSON)."""
    if len(text) > MAX_CASE_FILE_BYTES:
        return None, [
            Problem(name, None, None, None, f"the file is too large ({len(text)} bytes; at most {MAX_CASE_FILE_BYTES})")
        ]
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            return None, [Problem(name, None, None, None, f"the file is not UTF-8 text (byte {err.start})")]
    return parse_yaml_text(text, name)


def parse_case(kb: KnowledgeBase, text: str | bytes, name: str, jurisdiction: str | None = None) -> ParsedCase:
    """Read and check a case file; raise `CaseFileError` listing every problem (file, line, field)."""
    data, problems = read_case_text(text, name)
    if problems:
        raise CaseFileError(problems)
    return check_case_data(kb, data, name, jurisdiction)


def check_case_data(
    kb: KnowledgeBase, data: Any, name: str, jurisdiction: str | None = None, line: int | None = None
) -> ParsedCase:
    """Check already-parsed case data (from YAML, or one JSON line of a batch file at `line`)."""
    try:
        return _check_case_data(kb, data, name, jurisdiction)
    except CaseFileError as err:
        if line is None:
            raise
        raise CaseFileError([replace(p, line=p.line or line) for p in err.problems]) from None


def _check_case_data(kb: KnowledgeBase, data: Any, name: str, jurisdiction: str | None) -> ParsedCase:
    case, problems = validate_entry(CaseFile, data, name)
    if case is None:
        raise CaseFileError(problems)
    chosen = jurisdiction or case.jurisdiction or "baseline"
    if chosen not in kb.jurisdictions:
        known = ", ".join(sorted(kb.jurisdictions))
        raise CaseFileError(
            [
                Problem(
                    name,
                    line_of(data, ("jurisdiction",)),
                    None,
                    "jurisdiction",
                    f"unknown jurisdiction '{chosen}' (known: {known})",
                )
            ]
        )
    reference = reference_moment(case.reference_date)
    typed, errors = parse_answers(kb.questions, case.answers, reference)
    if errors:
        raise CaseFileError(
            [
                Problem(
                    name,
                    line_of(data, ("answers", e.question_id)),
                    None,
                    f"answers.{e.question_id}",
                    f"{e.message} (given: {e.given!r}; allowed: {e.allowed})",
                    e.suggestion,
                )
                for e in errors
            ]
        )
    return ParsedCase(jurisdiction=chosen, reference=reference, answers=typed, knowledge_version=case.knowledge_version)


def read_case_file(kb: KnowledgeBase, path: Path, jurisdiction: str | None = None) -> ParsedCase:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CaseFileError([Problem(str(path), None, None, None, f"cannot read the file: {err.strerror}")]) from err
    return parse_case(kb, raw, str(path), jurisdiction)


def case_data(
    answers: dict[str, Any], jurisdiction: str, reference: dt.datetime, knowledge_version: str
) -> dict[str, Any]:
    """A case as plain data, in the form `parse_case` reads back."""
    return {
        "jurisdiction": jurisdiction,
        "reference_date": reference.strftime("%Y-%m-%dT%H:%M"),
        "knowledge_version": knowledge_version,
        "answers": {key: answer_to_data(value) for key, value in answers.items()},
    }
