"""The interface's catalogues checked against the code: every message translated, placeholders kept.

The messages are extracted from the code and templates of `engine`, `cli` and `web` as they are
(so a new `_()` counts at once, before anyone runs `make translations`) and looked up in each
language's `.po` file. `pathway check` prints the coverage per language and fails below 100 %;
`make translations` writes the same extraction to `engine/locale/messages.pot` and updates the
`.po` files from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from engine.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

ROOT = Path(__file__).resolve().parents[2]
# What is extracted from each package: its Python code, and the web app's Jinja2 templates.
METHODS = {
    "engine": [("**.py", "python")],
    "cli": [("**.py", "python")],
    "web": [("**.py", "python"), ("templates/**.html", "jinja2")],
}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}
# %(name)s, %(num)d (gettext style) and {name}, {m:g} (str.format style).
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)(?:![rsa])?(?::[^}]*)?\}")
HEADER_NOTE = (
    "Machine translation, not yet reviewed by a translator. Knowledge texts are translated by id under knowledge/."
)


@dataclass
class Coverage:
    """One language's catalogue against the messages of the code."""

    language: str
    total: int
    missing: list[str] = field(default_factory=list)  # msgids with no translation (or no entry)
    placeholders: list[str] = field(default_factory=list)  # msgids whose translation changes the placeholders

    @property
    def translated(self) -> int:
        return self.total - len(self.missing)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def extract() -> Catalog:
    """Every interface message of the code, with where it is used (the template of the catalogues)."""
    catalog = Catalog(
        project="Justice Pathway", domain=DOMAIN, header_comment="# Interface messages of Justice Pathway."
    )
    for package, method_map in METHODS.items():
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / package, method_map, keywords=KEYWORDS
        ):
            if "__pycache__" in filename:
                continue
            catalog.add(message, None, [(f"{package}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> list[str]:
    return sorted(named or "{}" for pair in PLACEHOLDER.findall(text) for named in [pair[0] or pair[1]])


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog | None:
    path = po_path(language)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _keeps_placeholders(source: str | tuple[str, ...], texts: list[str]) -> bool:
    """Whether every translation has the placeholders of its message: the same ones, or for a
    plural, those of the singular at least and those of the plural at most (a form for one may
    leave the number out)."""
    if isinstance(source, str):
        return all(placeholders(text) == placeholders(source) for text in texts)
    least, most = set(placeholders(source[0])), set(placeholders(source[1]))
    return all(least <= set(placeholders(text)) <= most for text in texts)


@lru_cache(maxsize=1)
def coverage() -> list[Coverage]:
    """Each translated language's coverage of the messages the code uses now."""
    wanted = [message for message in extract() if message.id]
    found = []
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        catalogue = read_catalogue(language)
        report = Coverage(language, len(wanted))
        for message in wanted:
            entry = catalogue.get(message.id, message.context) if catalogue is not None else None
            strings = entry.string if entry is not None else None
            texts = [s for s in (strings if isinstance(strings, tuple) else (strings,)) if s]
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if (
                entry is None
                or entry.fuzzy
                or not texts
                or len(texts) < (len(strings) if isinstance(strings, tuple) else 1)
            ):
                report.missing.append(key)
                continue
            if not _keeps_placeholders(message.id, texts):
                report.placeholders.append(key)
        found.append(report)
    return found


def write_template(path: Path = LOCALE_DIR / "messages.pot") -> None:
    """The extraction as the catalogues' template (`make translations` updates the .po files from it)."""
    from babel.messages.pofile import write_po

    with path.open("wb") as handle:
        write_po(handle, extract(), width=100, sort_output=True, omit_header=False)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--write-template"]:
        sys.exit("usage: python -m engine.analysis.interface_translations --write-template")
    write_template()
