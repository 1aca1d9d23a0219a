"""A block of text that may not fit its room: it wraps, and when it runs out of lines the
last one ends with ``…``, so a cut instruction or caption never passes for the whole."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

from coach.text import clamp, wrap


class Clamped(Static):
    """A :class:`Static` for plain text (no markup: it comes from routine files as written)
    whose height is its wrapped lines, capped by its ``max-height``."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)
        self._text = text

    def update(self, content: object = "", *, layout: bool = True) -> None:
        self._text = str(content)
        super().update(self._text, layout=layout)

    @property
    def text(self) -> str:
        """All of the text, however much of it shows."""
        return self._text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The whole text, wrapped as render() wraps it; max-height cuts it down. Empty, it
        # keeps its one line, as a Static does, so the screen does not jump between steps.
        return max(1, len(wrap(self._text, width)))

    def render(self) -> RenderResult:
        width, height = self.content_size
        if width <= 0 or height <= 0:
            return Content(self._text)
        return Content(clamp(self._text, width, height))
