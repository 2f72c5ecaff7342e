"""Per-knowledge-version cache for heavy pages (pathway map SVG, audit, coverage, catalogue).

What is cached depends only on the knowledge base and the language of its words (never on a case):
it is computed once per knowledge version and language in this app and kept in `app.extensions`. A lock per entry makes concurrent
first requests compute it once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

from engine.i18n import current_language

T = TypeVar("T")
EXTENSION = "pathway_cache"


class KnowledgeCache:
    def __init__(self) -> None:
        self._values: dict[tuple, Any] = {}
        self._locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        if key in self._values:
            return self._values[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                self._values[key] = compute()
        return self._values[key]

    def __contains__(self, key: tuple) -> bool:
        return key in self._values


def cached(name: str, *parts: Any, compute: Callable[[], T]) -> T:
    """The value of `compute()` for this app's knowledge version and this request's language, computed on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = app.extensions.setdefault(EXTENSION, KnowledgeCache())
    kb = app.extensions["pathway_kb"]
    return cache.get((kb.version, name, *parts, current_language()), compute)
