"""Text for a terminal: measured in cells, cut with an ellipsis, counted with the right word.

A Japanese character or an emoji takes two cells of a terminal, an accent that combines with
the letter before it takes none: ``len()`` counts neither right, so names padded with
``f"{name:<24}"`` push the next column out. Every column coach prints or shows (``coach
list``, ``show``, ``log``, the app's list and History) is padded and cut here.

Standard library only (``unicodedata``), so ``coach list`` stays quick and the core imports no
UI library; a test checks that it measures as the app's renderer does.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

ELLIPSIS = "…"
"""What ends text that was cut: one cell."""

_ZERO_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def char_width(char: str) -> int:
    """Cells one character takes: 0 (combining marks, joiners), 1, or 2 (wide and full-width
    characters: CJK, most emoji)."""
    if char.isascii():
        return 1 if char.isprintable() else 0
    if unicodedata.category(char) in _ZERO_CATEGORIES:
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_len(text: str) -> int:
    """Cells ``text`` takes in a terminal."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(char_width(char) for char in text)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells; when it does not fit, it ends with ``…``."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    room = width - 1  # the ellipsis' cell
    used = 0
    end = 0
    for index, char in enumerate(text):
        size = char_width(char)
        if used + size > room:
            break
        used += size
        end = index + 1
    return text[:end].rstrip() + ELLIPSIS


def fit(text: str, width: int, align: Literal["<", ">"] = "<") -> str:
    """``text`` cut to ``width`` cells (with ``…``) and padded with spaces to exactly that
    many: ``"<"`` keeps it on the left, ``">"`` on the right."""
    text = cut(text, width)
    padding = " " * (width - cell_len(text))
    return text + padding if align == "<" else padding + text


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 step``, ``2 steps``, ``0 steps``: a count with its word."""
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"
