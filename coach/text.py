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
    return _ending(text, width)


def _ending(text: str, width: int) -> str:
    """``text`` cut to leave room for ``…`` in ``width`` cells, and the ``…``."""
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


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken between words (a word longer than
    a line is broken where it must); each newline starts a new line."""
    if width <= 0:
        return []
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            while cell_len(word) > width:  # a word longer than a line: break it
                if line:
                    lines.append(line)
                    line = ""
                head = _head(word, width)
                lines.append(head)
                word = word[len(head) :]
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _head(word: str, width: int) -> str:
    used = 0
    for index, char in enumerate(word):
        used += char_width(char)
        if used > width:
            return word[: max(1, index)]
    return word


def clamp(text: str, width: int, lines: int) -> str:
    """``text`` wrapped to ``width`` cells in at most ``lines`` lines; when it needs more, the
    last line ends with ``…``, so nobody takes a cut sentence for the whole of it."""
    wrapped = wrap(text, width)
    if len(wrapped) <= lines or lines <= 0:
        return "\n".join(wrapped)
    kept = wrapped[: lines - 1]
    line = wrapped[lines - 1]
    if cell_len(line) < width:
        last = line + ELLIPSIS
    else:  # a full line: give its last word's place to the ellipsis
        head = line.rpartition(" ")[0]
        last = head + ELLIPSIS if head else _ending(line, width)
    kept.append(last)
    return "\n".join(kept)
