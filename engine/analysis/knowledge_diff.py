"""Compare two versions of `knowledge/` and replay cases under both.

A version is a folder, or a git revision of this repository (its `knowledge/` is extracted
to a temporary folder with `git archive`). The diff lists what was added, removed or changed
among rules, questions, measures, sources, parameters and profile values; the replay assesses
each case file under both versions and lists every case whose measures change.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.cases.case_file import parse_case
from engine.errors import CaseFileError
from engine.load.knowledge_base import KnowledgeBase
from engine.load.loader import load_knowledge
from engine.run.session import assess_typed

KINDS = ("rules", "questions", "measures", "sources", "parameters", "jurisdictions")


class RevisionError(ValueError):
    """A version name that is neither a folder nor a git revision of this repository."""


@dataclass(frozen=True)
class Change:
    kind: str
    id: str
    change: str  # added | removed | changed


@dataclass(frozen=True)
class CaseChange:
    case: str
    added: list[tuple[str, str]]
    removed: list[tuple[str, str]]
    error: str | None = None


def load_version(name: str, repo: Path | None = None) -> tuple[KnowledgeBase, tempfile.TemporaryDirectory | None]:
    """Load a knowledge version: a folder, or `REV` of the git repository holding the engine."""
    path = Path(name)
    if path.is_dir():
        return load_knowledge(path), None
    repo = repo or Path(__file__).resolve().parents[2]
    if name.startswith("-"):
        raise RevisionError(f"'{name}' is neither a folder nor a git revision")
    command = ["git", "-C", str(repo), "archive", "--format=tar", name, "knowledge"]
    try:
        archive = subprocess.run(command, capture_output=True, check=True).stdout  # noqa: S603 (no shell; name checked)
    except (subprocess.CalledProcessError, FileNotFoundError) as err:
        raise RevisionError(f"'{name}' is neither a folder nor a git revision with a knowledge/ folder") from err
    holder = tempfile.TemporaryDirectory(prefix="pathway-knowledge-")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(holder.name, filter="data")
    return load_knowledge(Path(holder.name) / "knowledge"), holder


def _entries(kb: KnowledgeBase, kind: str) -> dict[str, object]:
    if kind == "rules":
        return {rid: (rule.spec.model_dump(), rule.condition) for rid, rule in kb.rules.items()}
    if kind == "jurisdictions":
        return {f"{pid}.{name}": value for pid, p in kb.jurisdictions.items() for name, value in p.values.items()}
    return {eid: entry.model_dump() for eid, entry in getattr(kb, kind).items()}


def diff_knowledge(old: KnowledgeBase, new: KnowledgeBase) -> list[Change]:
    """Every entry added, removed or changed between two versions."""
    changes = []
    for kind in KINDS:
        before, after = _entries(old, kind), _entries(new, kind)
        changes += [Change(kind, key, "removed") for key in before if key not in after]
        changes += [Change(kind, key, "added") for key in after if key not in before]
        changes += [Change(kind, key, "changed") for key in after if key in before and before[key] != after[key]]
    return changes


def replay(
    old: KnowledgeBase, new: KnowledgeBase, case_files: list[Path], jurisdiction: str | None = None
) -> list[CaseChange]:
    """Assess each case under both versions; return the cases whose measures change (or fail)."""
    changed = []
    for path in case_files:
        raw = path.read_bytes()
        results = []
        try:
            for kb in (old, new):
                parsed = parse_case(kb, raw, str(path), jurisdiction)
                used = parsed.knowledge(kb)  # with the profile the case file carries, if any
                results.append(
                    assess_typed(used, parsed.answers, parsed.jurisdiction, parsed.reference).measure_pairs()
                )
        except CaseFileError as err:
            changed.append(CaseChange(str(path), [], [], "; ".join(str(p) for p in err.problems)))
            continue
        before, after = results
        if before != after:
            changed.append(CaseChange(str(path), sorted(after - before), sorted(before - after)))
    return changed
