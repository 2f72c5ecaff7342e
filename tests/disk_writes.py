"""Every write to disk this Python process makes while watched, seen through the interpreter's
audit hooks (PEP 578): files opened for writing, folders made, files moved, removed or cut."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_WATCHERS: list[list[str]] = []


def _audit(event: str, args: tuple) -> None:
    if not _WATCHERS:
        return
    seen = None
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if writing and isinstance(path, (str, bytes, os.PathLike)):  # an int is a pipe's descriptor (dot)
            seen = f"open {path} {mode or flags}"
    elif event in ("os.mkdir", "os.rename", "os.remove", "os.rmdir", "shutil.copyfile", "os.truncate"):
        seen = f"{event} {args[0]}"
    if seen is not None:
        for watcher in _WATCHERS:
            watcher.append(seen)


sys.addaudithook(_audit)


@contextmanager
def writes_made() -> Iterator[list[str]]:
    """The writes made inside the `with` block (the list fills as they happen)."""
    found: list[str] = []
    _WATCHERS.append(found)
    try:
        yield found
    finally:
        _WATCHERS.remove(found)
