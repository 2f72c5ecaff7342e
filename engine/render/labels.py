"""Labels of graph nodes: a text cut into a few short lines, the last one ending in "…" if cut; the
font and the alignment a label takes in the current language (Arabic: an Arabic font, right-aligned)."""

from __future__ import annotations

import textwrap

from engine.i18n import current_language, text_direction

LATIN_FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
# Arabic labels are shaped by Pango (PNG, PDF) or the browser (SVG): Noto Sans Arabic is Debian's
# fonts-noto-core (Makefile SYSTEM_PACKAGES); DejaVu Sans has Arabic glyphs too, and the Latin ones.
SCRIPT_FONTS = {"ar": "Noto Sans Arabic,DejaVu Sans,sans-serif"}


def label_font() -> str:
    """The font list of graph labels in the current language."""
    return SCRIPT_FONTS.get(current_language(), LATIN_FONT)


def start_align() -> str:
    """Where a line of a label starts: Graphviz's LEFT, or RIGHT in a right-to-left language."""
    return "RIGHT" if text_direction(current_language()) == "rtl" else "LEFT"


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
