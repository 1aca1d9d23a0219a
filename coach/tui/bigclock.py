"""The player's countdown, as large as the room it is given.

The time left is read from a mat two metres away, so the digits take what the layout leaves
them: one line on a 40x12 terminal, Textual's three-row digits where there are three rows,
and a block font scaled up (two pixels a cell, with half blocks) where there is more.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.reactive import reactive
from textual.renderables.digits import DIGITS, DIGITS3X3_BOLD
from textual.widget import Widget

FONT = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    "+": ("...", ".#.", "###", ".#.", "..."),
    "-": ("...", "...", "###", "...", "..."),
    " ": ("..", "..", "..", "..", ".."),
}
"""A 3x5 pixel font for what a countdown shows."""
FONT_ROWS = 5
HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def block_lines(text: str, scale: int) -> list[str]:
    """``text`` in the block font, each pixel ``scale`` cells wide and ``scale`` half-cells
    tall (so pixels come out square): ``ceil(5 * scale / 2)`` lines."""
    pixels = []
    for row in range(FONT_ROWS):
        line = ".".join(FONT.get(character, FONT[" "])[row] for character in text)
        wide = "".join(pixel * scale for pixel in line)
        pixels.extend([wide] * scale)
    if len(pixels) % 2:
        pixels.append("." * len(pixels[0]))
    return [
        "".join(HALVES[(a == "#", b == "#")] for a, b in zip(top, bottom, strict=True))
        for top, bottom in zip(pixels[0::2], pixels[1::2], strict=True)
    ]


def block_size(text: str, scale: int) -> tuple[int, int]:
    """Width and height in cells of :func:`block_lines`."""
    width = sum(len(FONT.get(c, FONT[" "])[0]) for c in text) + max(0, len(text) - 1)
    return width * scale, math.ceil(FONT_ROWS * scale / 2)


def three_row_lines(text: str) -> list[str]:
    """``text`` in Textual's three-row digits (as its ``Digits`` widget draws them)."""
    rows: list[list[str]] = [[], [], []]
    for character in text:
        try:
            at = DIGITS.index(character) * 3
        except ValueError:
            rows[0].append(" ")
            rows[1].append(" ")
            rows[2].append(character)
        else:
            for row in range(3):
                rows[row].append(DIGITS3X3_BOLD[at + row].ljust(3))
    return ["".join(row) for row in rows]


def clock_lines(text: str, width: int, height: int) -> list[str]:
    """``text`` as large as fits in ``width`` by ``height`` cells."""
    best: list[str] | None = None
    scale = 2
    # Sized for at least "0:00", so the digits keep their size as the seconds run down
    # (a "1" is as wide as an "8" in this font; only crossing ten minutes changes it).
    sized = text if len(text) >= 4 else "0:00"
    while True:
        wide, tall = block_size(sized, scale)
        if wide > width or tall > height:
            break
        best = block_lines(text, scale)
        scale += 1
    if best is not None:
        return best
    three = three_row_lines(text)
    if height >= 3 and len(three[0]) <= width:
        return three
    return [text]


class BigClock(Widget):
    """The countdown: ``value`` (``0:27``) drawn as large as the widget's size allows."""

    DEFAULT_CSS = """
    BigClock {
        width: 1fr;
        height: 1fr;
        min-height: 1;
        content-align: center middle;
        text-style: bold;
    }
    """

    value: reactive[str] = reactive("", layout=False)
    """The time shown, ``m:ss``."""

    breathing = True
    """Keep a blank row above and below the digits, unless that would leave them one line
    where they fit larger without (the player turns it off on short terminals)."""

    def update(self, value: str) -> None:
        """Show ``value``."""
        self.value = value

    def render_lines_text(self) -> list[str]:
        """The lines drawn at the widget's present size."""
        width, height = self.size
        if self.breathing and height > 2:
            lines = clock_lines(self.value, width, height - 2)
            if len(lines) > 1:
                return lines
        return clock_lines(self.value, width, height)

    def render(self) -> Text:
        lines = self.render_lines_text()
        return Text("\n".join(lines), no_wrap=True, overflow="crop")
