"""Knowledge texts in other languages, translated by id: `knowledge/translations/<lang>/<kind>.yaml`.

English is the source language: every text a user reads (a question, its help and choices, a
rule's title and explanation, a measure, a route, a hearing...) is written in English in its
knowledge file and translated by the id of its entry. Each translation keeps `source_hash`, the
hash of the English texts of the entry it was made from (`pathway translations` computes it): when
the English changes, the translation is *outdated*, reported by `pathway check` and no longer
shown (English is shown instead, marked). Each also carries a review status: `unreviewed` until a
legal translator has reviewed it (`status: reviewed` with `reviewed_by`), shown to the user.

The quoted words of instruments (a citation's `quote`) are not translated here: only an official
language version of the instrument may stand for them, and none is recorded yet, so they are
shown in English, marked as English.

Lookups are dictionary reads built once at load time (`Translations.text`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import Field, model_validator

from engine.errors import Problem
from engine.load.knowledge_base import Located
from engine.load.model import Strict
from engine.load.yaml_source import line_of
from engine.suggestions import suggest

SOURCE_LANGUAGE = "en"
LANGUAGE_CODE = r"^[a-z]{2,3}$"
CHOICES = "choices"  # a question's choice labels: field "choices.<choice id>"


@dataclass(frozen=True)
class Kind:
    """A kind of knowledge entry whose texts are translated: where its entries are, which fields
    are text, and whether they are legal texts (their review status is shown to the user)."""

    attribute: str  # the KnowledgeBase attribute holding the entries by id (or a list with ids)
    fields: tuple[str, ...]
    legal: bool
    singular: str


KINDS: dict[str, Kind] = {
    "questions": Kind("questions", ("text", "help", "unit"), legal=True, singular="question"),
    "routes": Kind("routes", ("headline", "summary"), legal=True, singular="route"),
    "hearings": Kind("hearings", ("title", "who", "summary"), legal=False, singular="hearing"),
    "decision_points": Kind("decision_points", ("title", "summary"), legal=False, singular="decision point"),
    "measures": Kind("measures", ("title", "description"), legal=True, singular="measure"),
    "rules": Kind("rules", ("title", "explanation", "non_binding_prohibition"), legal=True, singular="rule"),
    "not_encoded": Kind("not_encoded", ("title", "why"), legal=True, singular="point left to judgement"),
    "parameters": Kind("parameters", ("title", "description"), legal=True, singular="parameter"),
    "sources": Kind("sources", ("title",), legal=True, singular="source"),
    "events": Kind("events", ("title",), legal=False, singular="event kind"),
    "jurisdictions": Kind("jurisdictions", ("name", "description"), legal=False, singular="jurisdiction profile"),
}

Status = Literal["unreviewed", "reviewed"]
# What a looked-up text is: the English original (English asked for), a translation (unreviewed or
# reviewed), or English standing in for a translation that is missing or outdated.
TextStatus = Literal["source", "unreviewed", "reviewed", "missing", "outdated"]


class Translation(Strict):
    """One translated entry: its id, the hash of the English it was made from, its review status and
    its translated texts (any of the kind's fields; the others stay English)."""

    id: str = Field(min_length=1)
    source_hash: str = Field(pattern=r"^[0-9a-f]{12}$")
    status: Status
    reviewed_by: str | None = Field(default=None, min_length=1)
    text: str | None = Field(default=None, min_length=1)
    help: str | None = Field(default=None, min_length=1)
    unit: str | None = Field(default=None, min_length=1)
    choices: dict[str, str] | None = None
    title: str | None = Field(default=None, min_length=1)
    name: str | None = Field(default=None, min_length=1)
    headline: str | None = Field(default=None, min_length=1)
    summary: str | None = Field(default=None, min_length=1)
    who: str | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, min_length=1)
    explanation: str | None = Field(default=None, min_length=1)
    non_binding_prohibition: str | None = Field(default=None, min_length=1)
    why: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _review(self) -> Translation:
        if self.status == "reviewed" and self.reviewed_by is None:
            raise ValueError("a reviewed translation names its reviewer: add 'reviewed_by'")
        if self.status == "unreviewed" and self.reviewed_by is not None:
            raise ValueError("'reviewed_by' is for a reviewed translation: set 'status: reviewed' or remove it")
        return self

    def texts(self) -> dict[str, str]:
        """The translated texts by field ("choices.<id>" for a choice label)."""
        found = {name: value for name in TEXT_FIELDS if (value := getattr(self, name)) is not None}
        for choice, label in (self.choices or {}).items():
            found[f"{CHOICES}.{choice}"] = label
        return found


TEXT_FIELDS = tuple(dict.fromkeys(name for kind in KINDS.values() for name in kind.fields))


class Text(NamedTuple):
    """A knowledge text as shown: the words, their language, and what they are (`TextStatus`)."""

    text: str
    lang: str
    status: TextStatus
    legal: bool = False

    @property
    def fallback(self) -> bool:
        """English shown in place of a translation (missing or outdated)."""
        return self.status in ("missing", "outdated")

    def __str__(self) -> str:
        return self.text


def english_texts(entry: Any, kind: str) -> dict[str, str]:
    """The English texts of one entry by field (a rule's from its spec; choice labels as "choices.<id>")."""
    spec = getattr(entry, "spec", entry)
    texts = {name: value for name in KINDS[kind].fields if (value := getattr(spec, name, None))}
    if kind == "questions":
        for choice in spec.choices or ():
            texts[f"{CHOICES}.{choice.id}"] = choice.label
    return texts


def source_hash(texts: dict[str, str]) -> str:
    """The hash of an entry's English texts, beside each translation (12 hex digits)."""
    canonical = json.dumps(texts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def entries_by_id(kb: Any, kind: str) -> dict[str, Any]:
    """The entries of a kind by id (not_encoded is a list in the knowledge base)."""
    found = getattr(kb, KINDS[kind].attribute)
    return found if isinstance(found, dict) else {entry.id: entry for entry in found}


@dataclass
class Coverage:
    """How much of one kind of text one language has, counted in texts (a rule's title and its
    explanation are two; a question's text, help and each choice label count one each): with a
    current translation, outdated (English shown), and all the English texts."""

    translated: int = 0
    outdated: int = 0
    total: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


@dataclass
class Translations:
    """Every translation, checked against the English, looked up by (lang, kind, id, field)."""

    english: dict[tuple[str, str, str], str] = field(default_factory=dict)
    hashes: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> hash of the English
    fields: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (kind, id) -> its text fields
    entries: dict[tuple[str, str, str], tuple[Translation, Located]] = field(default_factory=dict)
    texts: dict[tuple[str, str, str, str], Text] = field(default_factory=dict)  # current translations only
    outdated: dict[tuple[str, str, str], Located] = field(default_factory=dict)  # (lang, kind, id)

    @property
    def languages(self) -> list[str]:
        return sorted({lang for lang, _, _ in self.entries})

    def text(self, kind: str, entry_id: str, field_name: str, lang: str) -> Text:
        """The text to show in `lang`: the translation if there is a current one, else the English
        (marked: missing or outdated). An entry or field without English text gives ""."""
        english = self.english.get((kind, entry_id, field_name), "")
        legal = KINDS[kind].legal
        if lang == SOURCE_LANGUAGE:
            return Text(english, SOURCE_LANGUAGE, "source", legal)
        found = self.texts.get((lang, kind, entry_id, field_name))
        if found is not None:
            return found
        status = "outdated" if (lang, kind, entry_id) in self.outdated else "missing"
        return Text(english, SOURCE_LANGUAGE, status, legal)

    def choice_labels(self, question: Any, lang: str) -> dict[str, str]:
        """A question's choice labels in `lang` (English where not translated)."""
        return {
            c.id: self.text("questions", question.id, f"{CHOICES}.{c.id}", lang).text for c in question.choices or ()
        }

    def coverage(self, lang: str) -> dict[str, Coverage]:
        """Per kind, how many of the English texts have a current translation in `lang`."""
        result = {kind: Coverage() for kind in KINDS}
        for (kind, entry_id), names in self.fields.items():
            cover = result[kind]
            cover.total += len(names)
            if (lang, kind, entry_id) in self.outdated:
                cover.outdated += len(names)
            else:
                cover.translated += sum((lang, kind, entry_id, name) in self.texts for name in names)
        return result

    def outdated_problems(self) -> list[Problem]:
        """A line for each outdated translation (a warning: the English is shown meanwhile)."""
        return [
            Problem(
                where.file,
                where.line,
                entry_id,
                "source_hash",
                f"outdated {lang} translation: the English of {kind} '{entry_id}' changed since it was made "
                "(English is shown until it is updated; `pathway translations` updates the hash)",
            )
            for (lang, kind, entry_id), where in self.outdated.items()
        ]


def build_translations(kb: Any, read: Any, files: list[tuple[str, str, Path]]) -> tuple[Translations, list[Problem]]:
    """Check every translation file against the knowledge base.

    `files` are (language, kind, path); `read(path, key, model)` yields (Translation, raw, file, line)
    like the loader's reader (so its problems name file and line).
    """
    result = Translations()
    problems: list[Problem] = []
    for kind in KINDS:
        for entry_id, entry in entries_by_id(kb, kind).items():
            texts = english_texts(entry, kind)
            result.hashes[(kind, entry_id)] = source_hash(texts)
            result.fields[(kind, entry_id)] = tuple(texts)
            for name, value in texts.items():
                result.english[(kind, entry_id, name)] = value
    for lang, kind, path in files:
        legal = KINDS[kind].legal
        for item, raw, file, line in read(path, kind, Translation):
            found = _check_entry(result, item, raw, kind, file, line)
            if found:
                problems += found
                continue
            key = (lang, kind, item.id)
            if key in result.entries:
                first = result.entries[key][1]
                problems.append(
                    Problem(
                        file, line, item.id, "id", f"duplicate translation (first given in {first.file}:{first.line})"
                    )
                )
                continue
            result.entries[key] = (item, Located(file, line))
            if item.source_hash != result.hashes[(kind, item.id)]:
                result.outdated[key] = Located(file, raw.key_lines.get("source_hash", line))
                continue
            for name, value in item.texts().items():
                result.texts[(lang, kind, item.id, name)] = Text(value, lang, item.status, legal)
    return result, problems


def _check_entry(result: Translations, item: Translation, raw: Any, kind: str, file: str, line: int) -> list[Problem]:
    """Unknown ids, fields the kind has not, fields or choices without English text."""
    if (kind, item.id) not in result.hashes:
        known = [entry_id for k, entry_id in result.hashes if k == kind]
        return [
            Problem(
                file,
                line,
                item.id,
                "id",
                f"unknown {KINDS[kind].singular} id '{item.id}': nothing to translate",
                suggest(item.id, known),
            )
        ]
    problems = []
    english = set(result.fields[(kind, item.id)])
    for name in item.texts():
        top = name.split(".")[0]
        if top not in KINDS[kind].fields and top != (CHOICES if kind == "questions" else None):
            problems.append(
                Problem(
                    file,
                    line_of(raw, (top,)),
                    item.id,
                    top,
                    f"{kind} have no text '{top}' to translate (they have: {', '.join(KINDS[kind].fields)})",
                )
            )
        elif name not in english:
            loc = (CHOICES, name.split(".", 1)[1]) if top == CHOICES else (name,)
            what = f"choice '{loc[1]}'" if top == CHOICES else f"'{name}'"
            problems.append(
                Problem(
                    file, line_of(raw, loc), item.id, name, f"the English entry has no {what}: nothing to translate"
                )
            )
    return problems


def _is_language(name: str) -> bool:
    return re.fullmatch(LANGUAGE_CODE, name) is not None and name != SOURCE_LANGUAGE


def translation_files(root: Path, rel: Any) -> tuple[list[tuple[str, str, Path]], list[Problem]]:
    """The translation files under `root/translations`: (language, kind, path), and misplaced files."""
    base = root / "translations"
    files, problems = [], []
    if not base.is_dir():
        return files, problems
    for path in sorted(base.rglob("*")):
        if path.is_dir() or path.name == "README.md":
            continue
        parts = path.relative_to(base).parts
        if len(parts) != 2 or not _is_language(parts[0]):
            problems.append(
                Problem(
                    rel(path),
                    None,
                    None,
                    None,
                    "a translation file goes in translations/<language code>/<kind>.yaml "
                    "(a lower-case ISO 639 code other than en, e.g. fr)",
                )
            )
        elif path.suffix != ".yaml" or path.stem not in KINDS:
            problems.append(
                Problem(
                    rel(path), None, None, None, f"unknown translation file: expected one of {', '.join(KINDS)} (.yaml)"
                )
            )
        else:
            files.append((parts[0], path.stem, path))
    return files, problems
