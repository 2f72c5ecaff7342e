"""Turn raw YAML entries into validated model objects, with problems that name file, line and field.

Shared by the knowledge loader and the case/scenario readers: a pydantic error becomes a
`Problem` worded for a policy team ("unexpected key 'exeption_to' ... did you mean
'exception_to'?") with the line taken from the YAML.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from engine.errors import Problem
from engine.load.model import DP_ID, NE_ID, RULE_ID, SNAKE, SOURCE_ID
from engine.load.yaml_source import LineDict, line_of
from engine.suggestions import suggest

M = TypeVar("M", bound=BaseModel)

PATTERN_WORDS = {
    SNAKE: "a snake_case id (lower-case letters, digits and _; starting with a letter), such as age_at_conduct",
    RULE_ID: "a rule id such as R-MACR-01",
    DP_ID: "a decision point id such as DP-2 or DP-9.2",
    SOURCE_ID: "a source id in capitals such as GC24 or EU-2016/800",
    NE_ID: "an id such as NE-best-interests-weighing",
}


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at `loc` inside `model` (following nested models), for messages."""
    current: Any = model
    for step in loc[:-1]:
        if isinstance(step, int) or current is None:
            continue
        field = getattr(current, "model_fields", {}).get(step)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if current is None or not hasattr(current, "model_fields"):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def problem_from_error(
    error: dict, model: type[BaseModel], raw: Any, file: str, entry: str | None, prefix: tuple
) -> Problem:
    """Word one pydantic error for the person editing the file."""
    loc = tuple(error["loc"])
    field = ".".join(str(p) for p in (*prefix, *loc)) or None
    line = line_of(raw, loc) if loc else getattr(raw, "line", None)
    kind = error["type"]
    given = error.get("input")
    suggestion = None
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc)
        suggestion = suggest(str(loc[-1]), allowed)
        message = f"unexpected key '{loc[-1]}' (allowed keys: {', '.join(allowed)})"
    elif kind == "missing":
        message = f"the required field '{loc[-1]}' is missing"
        line = line_of(raw, loc[:-1]) or line
    elif kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        message = f"{given!r} is not {PATTERN_WORDS.get(pattern, 'of the expected form ' + pattern)}"
    elif kind == "literal_error":
        message = f"{given!r} is not allowed here; expected {error['ctx']['expected']}"
        choices = [c.strip(" '") for c in error["ctx"]["expected"].replace(" or ", ",").split(",")]
        suggestion = suggest(str(given), choices)
    elif kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
    else:
        message = (
            f"{error['msg'].rstrip('.')} (given: {given!r})"
            if given is not None and not isinstance(given, dict)
            else error["msg"]
        )
    return Problem(file, line, entry, field, message, suggestion)


def validate_entry(model: type[M], raw: Any, file: str, prefix: tuple = ()) -> tuple[M | None, list[Problem]]:
    """Validate one raw entry against `model`; return the object (or None) and its problems."""
    entry = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    if not isinstance(raw, dict):
        line = None
        return None, [
            Problem(
                file,
                line,
                None,
                ".".join(map(str, prefix)) or None,
                f"expected a mapping of keys, found {_kind_words(raw)}",
            )
        ]
    try:
        return model.model_validate(dict(raw)), []
    except ValidationError as err:
        return None, [problem_from_error(e, model, raw, file, entry, prefix) for e in err.errors()]


def entries_of(data: Any, key: str, file: str) -> tuple[list[tuple[int, Any]], list[Problem]]:
    """The list under the top-level `key` of a file, as (index, raw entry) pairs."""
    if not isinstance(data, LineDict) or set(data) != {key}:
        found = ", ".join(map(str, data)) if isinstance(data, dict) else type(data).__name__
        return [], [
            Problem(
                file,
                getattr(data, "line", 1),
                None,
                key,
                f"the file must hold exactly one top-level key '{key}:' with a list (found: {found})",
            )
        ]
    items = data[key]
    if not isinstance(items, list):
        return [], [Problem(file, data.key_lines.get(key), None, key, f"'{key}' must be a list")]
    return list(enumerate(items)), []


def _kind_words(value: object) -> str:
    """What a YAML value is, in words (not a Python class name)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a value of another kind"
