"""Check and convert answers against their questions.

Answers come from YAML/JSON case files (typed values), from the CLI and from web forms
(strings). Each is converted to its Python value (bool, choice id, frozenset of choice ids,
int, date, datetime) or `UNKNOWN`; a bad answer yields an `AnswerError` naming the question,
what was given and what is allowed, and never affects the other answers. `answer_to_data` writes
every accepted answer back in a form that reads as the same value (years before 1000 included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from engine.errors import AnswerError
from engine.i18n import _
from engine.load.conditions import UNKNOWN
from engine.load.model import Choice, Question
from engine.suggestions import suggest

UNKNOWN_WORDS = {"unknown", "don't know", "dont know", "i don't know", "?"}
YES_WORDS = {"yes", "y", "true"}
NO_WORDS = {"no", "n", "false"}
MAX_TEXT = 200


def allowed_text(question: Question) -> str:
    """What may be answered to `question`, in words."""
    kind = question.type
    if kind == "yes_no":
        text = "yes or no"
    elif kind == "choice":
        text = "one of " + ", ".join(question.choice_ids)
    elif kind == "multi_choice":
        text = "a list of any of " + ", ".join(question.choice_ids)
        alone = [c for c in question.choice_ids if c in question.exclusive_ids]
        if alone:
            text += " (" + ", ".join(alone) + ": only on its own)"
    elif kind == "integer":
        text = f"a whole number from {question.min} to {question.max}"
    elif kind == "date":
        text = "a date written YYYY-MM-DD" + (", not after the reference date" if question.past else "")
    else:
        text = "a date and time written YYYY-MM-DDTHH:MM" + (", not after the reference date" if question.past else "")
    return text + (", or unknown (I don't know)" if question.allow_unknown else "")


def _error(question: Question, given: Any, message: str, suggestion: str | None = None) -> AnswerError:
    shown = given if not isinstance(given, str) or len(given) <= MAX_TEXT else given[:MAX_TEXT] + "…"
    return AnswerError(question.id, shown, message, allowed_text(question), suggestion)


def _is_unknown_word(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS


NOT_CANONICAL = object()


def canonical_answer(question: Question, value: Any, reference: dt.datetime) -> Any:
    """The typed value of an answer already in its canonical form (as case files and forms hold
    it), or NOT_CANONICAL: then the full parser decides and words any error. Interviews and
    batches spend most of their checking time here, so it avoids every conversion it can."""
    kind, cls = question.type, value.__class__
    if cls is str and value == "unknown":
        return UNKNOWN if question.allow_unknown else NOT_CANONICAL
    if kind == "yes_no":
        return value if cls is bool else NOT_CANONICAL
    if kind == "choice":
        return value if cls is str and value in question.choice_id_set else NOT_CANONICAL
    if kind == "integer":
        return value if cls is int and question.min <= value <= question.max else NOT_CANONICAL
    if kind == "multi_choice":
        ids = question.choice_id_set
        if cls is not list or not all(item.__class__ is str and item in ids for item in value):
            return NOT_CANONICAL
        chosen = frozenset(value)
        return NOT_CANONICAL if len(chosen) > 1 and chosen & question.exclusive_ids else chosen
    if cls is str and (len(value) == 10 if kind == "date" else len(value) == 16 and value[10] == "T"):
        try:
            parsed = dt.date.fromisoformat(value) if kind == "date" else dt.datetime.fromisoformat(value)
        except ValueError:
            return NOT_CANONICAL
        if kind == "datetime" and parsed.tzinfo is not None:  # "2026-02-28T0930Z" is 16 characters too
            return NOT_CANONICAL
        limit = reference.date() if kind == "date" else reference
        return NOT_CANONICAL if question.past and parsed > limit else parsed
    return NOT_CANONICAL


def parse_answer(question: Question, value: Any, reference: dt.datetime) -> Any:
    """The typed value of one answer, or raise `ValueError` carrying an `AnswerError`."""
    fast = canonical_answer(question, value, reference)
    if fast is not NOT_CANONICAL:
        return fast
    if value is UNKNOWN or _is_unknown_word(value):
        if question.allow_unknown:
            return UNKNOWN
        raise AnswerValueError(_error(question, value, '"I don\'t know" is not accepted for this question'))
    parser = _PARSERS[question.type]
    result = parser(question, value)
    if question.past and result > (reference if isinstance(result, dt.datetime) else reference.date()):
        raise AnswerValueError(_error(question, value, "this is in the future for a past event"))
    return result


class AnswerValueError(ValueError):
    """An answer that cannot be accepted; `.error` says why."""

    def __init__(self, error: AnswerError):
        super().__init__(str(error))
        self.error = error


def _yes_no(question: Question, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in YES_WORDS | NO_WORDS:
        return value.strip().lower() in YES_WORDS
    raise AnswerValueError(_error(question, value, "expected yes or no"))


def _choice(question: Question, value: Any) -> str:
    if isinstance(value, str) and value.strip() in question.choice_id_set:
        return value.strip()
    hint = suggest(str(value), question.choice_ids) if isinstance(value, str) else None
    raise AnswerValueError(_error(question, value, "not one of the allowed choices", hint))


def _multi_choice(question: Question, value: Any) -> frozenset:
    if isinstance(value, str):
        value = [part for part in (p.strip() for p in value.split(",")) if part]
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise AnswerValueError(_error(question, value, "expected a list of choices"))
    chosen = []
    for item in value:
        if not isinstance(item, str) or item not in question.choice_id_set:
            hint = suggest(str(item), question.choice_ids) if isinstance(item, str) else None
            raise AnswerValueError(_error(question, item, "not one of the allowed choices", hint))
        chosen.append(item)
    clash = exclusive_clash(question, chosen)
    if clash is not None:
        alone, others = clash
        raise AnswerValueError(
            _error(
                question,
                value,
                f"“{alone.label}” cannot be ticked together with "
                + " or ".join(f"“{c.label}”" for c in others)
                + f": untick “{alone.label}” or the other choices",
            )
        )
    return frozenset(chosen)


def exclusive_clash(question: Question, chosen: Any) -> tuple[Choice, tuple[Choice, ...]] | None:
    """A choice that stands alone ("None known") ticked with others: that choice and the others
    ticked; None when the ticks do not contradict each other."""
    ticked = set(chosen)
    if len(ticked) < 2 or not ticked & question.exclusive_ids:
        return None
    alone = next(c for c in question.choices if c.id in ticked and c.exclusive)
    return alone, tuple(c for c in question.choices if c.id in ticked and c is not alone)


def _integer(question: Question, value: Any) -> int:
    if isinstance(value, bool):
        raise AnswerValueError(_error(question, value, "expected a whole number, not yes/no"))
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 12:
            raise AnswerValueError(_error(question, value, "expected a whole number"))
        value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise AnswerValueError(_error(question, value, "expected a whole number"))
    if not question.min <= value <= question.max:
        raise AnswerValueError(_error(question, value, "out of range"))
    return value


def _date(question: Question, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise AnswerValueError(_error(question, value, "not a valid date"))


def _datetime(question: Question, value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, str) and ("T" in value or " " in value.strip()):
        try:
            return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=None, second=0, microsecond=0)
        except ValueError:
            pass
    raise AnswerValueError(_error(question, value, "not a valid date and time"))


_PARSERS = {
    "yes_no": _yes_no,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "integer": _integer,
    "date": _date,
    "datetime": _datetime,
}


def parse_answers(
    questions: Mapping[str, Question], raw: Mapping[str, Any], reference: dt.datetime
) -> tuple[dict[str, Any], list[AnswerError]]:
    """Typed answers for every acceptable answer, and an error for each one that is not."""
    typed: dict[str, Any] = {}
    errors: list[AnswerError] = []
    for key, value in raw.items():
        question = questions.get(key) if isinstance(key, str) else None
        if question is None:
            errors.append(
                AnswerError(
                    str(key),
                    value,
                    "there is no question with this id",
                    "question ids of the knowledge base",
                    suggest(str(key), questions),
                )
            )
            continue
        try:
            typed[key] = parse_answer(question, value, reference)
        except AnswerValueError as err:
            errors.append(err.error)
    return typed, errors


def answer_text(question: Question, value: Any, labels: Mapping[str, str] | None = None) -> str:
    """An answer as the user would read it; `labels` are the choice labels to use (default: English).
    The words of its own (yes, no, I don't know) are in the current language (engine.i18n)."""
    if value is UNKNOWN:
        return _("I don't know")
    if question.type == "yes_no":
        return _("yes") if value else _("no")
    if labels is None:
        labels = {c.id: c.label for c in question.choices or []}
    if question.type == "choice":
        return labels.get(value, str(value))
    if question.type == "multi_choice":
        return "; ".join(labels.get(v, v) for v in question.choice_ids if v in value) or _("none of these")
    if question.type == "datetime":
        return value.isoformat(" ", "minutes")
    return str(value)


def integer_ranges(values: list[int]) -> str:
    """Whole numbers in words, runs written as ranges: [14, 15, 16, 18] -> "14–16, 18"."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def answer_to_data(value: Any) -> Any:
    """An answer as plain YAML/JSON data (the case-file form)."""
    if value is UNKNOWN:
        return "unknown"
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, dt.datetime):  # answers are kept to the minute; strftime would write the year 226 as "226"
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
