"""What the translations of the knowledge texts cover, and the translator's chores (`pathway translations`).

- `coverage_lines`: per kind of text and per language, the entries with a current translation
  (what `pathway check` prints);
- `stubs`: a YAML skeleton of the entries still missing in a language, the English beside each
  field as a comment, to paste into knowledge/translations/<lang>/<kind>.yaml;
- `fill_hashes`: writes `source_hash` (the hash of the current English) into the entries of a
  translation file that have none yet, and into the outdated ones named (after the translator has
  brought them up to date). The file is edited line by line, so its layout and comments stay.
"""

from __future__ import annotations

from pathlib import Path

from engine.load.knowledge_base import KnowledgeBase
from engine.load.translations import CHOICES, KINDS, Translations, english_texts, entries_by_id, source_hash
from engine.load.yaml_source import LineDict, read_yaml


def coverage_lines(translations: Translations, languages: list[str]) -> list[str]:
    """A table: one row per kind of text, one column per language ("translated/total (percent)")."""
    if not languages:
        return []
    coverage = {lang: translations.coverage(lang) for lang in languages}
    width = max(len(kind) for kind in KINDS) + 2
    rows = [("".ljust(width) + "".join(lang.ljust(18) for lang in languages)).rstrip()]
    for kind in [*KINDS, "all"]:
        cells = []
        for lang in languages:
            if kind == "all":
                translated = sum(c.translated for c in coverage[lang].values())
                total = sum(c.total for c in coverage[lang].values())
                outdated = sum(c.outdated for c in coverage[lang].values())
            else:
                cover = coverage[lang][kind]
                translated, total, outdated = cover.translated, cover.total, cover.outdated
            percent = 100 * translated // total if total else 100
            cell = f"{translated}/{total} ({percent}%)" + (f" {outdated} old" if outdated else "")
            cells.append(cell.ljust(18))
        rows.append((kind.ljust(width) + "".join(cells)).rstrip())
    return rows


def missing(kb: KnowledgeBase, lang: str, kind: str) -> list[str]:
    """The ids of the entries of a kind with no translation at all in `lang` (outdated ones excluded)."""
    translated = {entry_id for (language, k, entry_id) in kb.translations.entries if language == lang and k == kind}
    return [entry_id for entry_id in entries_by_id(kb, kind) if entry_id not in translated]


def _comment(text: str) -> str:
    return " ".join(text.split())


def stubs(kb: KnowledgeBase, lang: str, kind: str) -> str:
    """YAML entries for what is missing in `lang`, the English as comments (no text is filled in)."""
    out = []
    for entry_id in missing(kb, lang, kind):
        texts = english_texts(entries_by_id(kb, kind)[entry_id], kind)
        out += [f"  - id: {entry_id}", f'    source_hash: "{source_hash(texts)}"', "    status: unreviewed"]
        for name, english in texts.items():
            if name.startswith(CHOICES + "."):
                continue
            out.append(f"    # {name}: {_comment(english)}")
        choices = [(name.split(".", 1)[1], english) for name, english in texts.items() if name.startswith(CHOICES)]
        if choices:
            out.append("    # choices:")
            out += [f"    #   {choice}: {_comment(english)}" for choice, english in choices]
    return "\n".join(out) + ("\n" if out else "")


def fill_hashes(kb: KnowledgeBase, lang: str, kind: str, path: Path, accept: set[str]) -> list[str]:
    """Write the current `source_hash` into entries without one, and into the outdated ones in
    `accept`; return the ids changed. Nothing else in the file changes."""
    data, problems = read_yaml(path)
    if problems or not isinstance(data, LineDict) or not isinstance(data.get(kind), list):
        raise ValueError(f"{path}: cannot read a list under '{kind}:' ({'; '.join(map(str, problems))})")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    english = entries_by_id(kb, kind)
    changed: list[tuple[int, str | None, str, str]] = []  # (0-based line, old line or None to insert, new, id)
    for item in data[kind]:
        if not isinstance(item, LineDict) or item.get("id") not in english:
            continue
        current = source_hash(english_texts(english[item["id"]], kind))
        if "source_hash" not in item:
            id_line = lines[item.key_lines["id"] - 1]
            indent = " " * (len(id_line) - len(id_line.lstrip(" -")))
            changed.append((item.key_lines["id"], None, f'{indent}source_hash: "{current}"\n', item["id"]))
        elif item["id"] in accept and item["source_hash"] != current:
            number = item.key_lines["source_hash"] - 1
            old = lines[number]
            changed.append((number, old, old.replace(str(item["source_hash"]), current), item["id"]))
    for number, old, new, _ in sorted(changed, reverse=True):
        if old is None:
            lines.insert(number, new)
        else:
            lines[number] = new
    path.write_text("".join(lines), encoding="utf-8")
    return [entry_id for *_, entry_id in changed]
