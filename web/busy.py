"""A bound on expensive pages running at once in one process, so question pages are never starved.

What would change, the audit and the tree file take from a tenth of a second to seconds of CPU.
Each process runs at most `EXPENSIVE_PAGES_AT_ONCE` of them; one more gets a 503 page with
`Retry-After` at once instead of queueing behind the others (a queue would hold a server
thread, the resource the question pages need).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app
from werkzeug.exceptions import ServiceUnavailable

F = TypeVar("F", bound=Callable[..., Any])
RETRY_AFTER_SECONDS = 5
EXTENSION = "pathway_expensive_slots"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = threading.BoundedSemaphore(app.config["EXPENSIVE_PAGES_AT_ONCE"])


def expensive(view: F) -> F:
    """Run the view only if a slot is free; otherwise answer 503 with Retry-After."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        slots: threading.BoundedSemaphore = current_app.extensions[EXTENSION]
        if not slots.acquire(blocking=False):
            raise ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS)
        try:
            return view(*args, **kwargs)
        finally:
            slots.release()

    return wrapped  # type: ignore[return-value]
