"""Labels of graph nodes: a text cut into a few short lines, the last one ending in "…" if cut."""

from __future__ import annotations

import textwrap


def wrap_label(text: str, width: int, lines: int) -> str:
    wrapped = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], wrapped[lines - 1][: width - 1] + "…"]
    return "\n".join(wrapped)


def one_line(text: str, width: int) -> str:
    """The text on one line of at most `width` characters, cut at a word and ending in "…" if cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    if width < 2:  # no room for a word: the mark of a cut alone
        return "…"
    return textwrap.shorten(text, width=width - 1, placeholder="") + "…"
