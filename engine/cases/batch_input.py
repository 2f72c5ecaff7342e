"""The cases of a batch, cut into work units that a worker process reads on its own.

A batch is a directory of YAML/JSON case files, one case file, or a JSONL file (one case file's
content per line). A JSONL file is cut into blocks of whole lines (about `BLOCK` bytes), never
line by line in the parent: a worker receives a block's place in the file and the number of its
first line, reads it, and splits, parses and names each line (`file:line`). Case files go in
groups of `FILES_PER_UNIT` paths and the worker reads them. The parent only cuts, hands out and
writes.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

CASE_SUFFIXES = (".yaml", ".yml", ".json")
BLOCK = 1024 * 1024
FILES_PER_UNIT = 100


class BatchInputError(ValueError):
    """The batch cannot start (no such path, bad override): the message says what to do."""


class CaseText(NamedTuple):
    """One case as a worker sees it: its name in results and errors, and its text (None: read the file)."""

    name: str
    path: str
    line: int | None = None
    text: bytes | None = None


@dataclass(frozen=True)
class Lines:
    """Consecutive whole lines of a JSONL file: `length` bytes from `offset`, starting at line `first`.

    Only the place travels to the worker, which reads the bytes itself: the parent never
    copies a case through a pipe."""

    path: str
    first: int
    offset: int
    length: int
    size: int  # lines in the unit (the progress bar counts lines; blank lines are skipped)

    def cases(self) -> Iterator[CaseText]:
        with open(self.path, "rb") as stream:
            stream.seek(self.offset)
            data = stream.read(self.length)
        for number, text in enumerate(data.splitlines(), self.first):
            if text.strip():
                yield CaseText(f"{self.path}:{number}", self.path, number, text)


@dataclass(frozen=True)
class Files:
    """A group of case files, each read by the worker."""

    paths: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.paths)

    def cases(self) -> Iterator[CaseText]:
        for path in self.paths:
            yield CaseText(path, path)


Unit = Lines | Files


def jsonl_units(path: Path, block: int = BLOCK) -> Iterator[Lines]:
    """A JSONL file in units of about `block` bytes, each cut after a newline (mapped, not copied)."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
        first, offset = 1, 0
        while offset < size:
            newline = data.find(b"\n", min(offset + block, size) - 1)
            cut = size if newline < 0 else newline + 1
            lines = data[offset:cut].count(b"\n") + (newline < 0)
            yield Lines(str(path), first, offset, cut - offset, lines)
            first, offset = first + lines, cut


def collect(source: Path) -> list[Unit]:
    """The work units of a directory (files sorted by path), a case file or a JSONL file."""
    if not source.exists():
        raise BatchInputError(f"no such file or directory: {source}")
    if not source.is_dir():
        return list(jsonl_units(source)) if source.suffix == ".jsonl" else [Files((str(source),))]
    units: list[Unit] = []
    files: list[str] = []

    def flush() -> None:
        units.extend(Files(tuple(files[i : i + FILES_PER_UNIT])) for i in range(0, len(files), FILES_PER_UNIT))
        files.clear()

    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        if path.suffix == ".jsonl":
            flush()  # results keep the sorted order of the files
            units.extend(jsonl_units(path))
        elif path.suffix in CASE_SUFFIXES:
            files.append(str(path))
    flush()
    return units
