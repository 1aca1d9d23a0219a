"""Small widgets the screens share: a progress bar that draws only when it moves, a line of
text that repaints only what changed, and the 0-10 "how does your back feel" scale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from coach.showing import printable


def plain_text(text: str, *, newlines: bool = False) -> Content:
    """Text from outside coach (a file name, the log, a routine) as the screen shows it:
    never taken for Textual markup (``[/]`` once closed the app), its escape codes written
    out by the one function every output uses."""
    return Content(printable(text, newlines=newlines))


class Bar(Widget):
    """A one-line bar, ``██████░░░░  0:27 of 0:30``, filled from 0 to 1.

    Drawn a line at a time (no markup, no layout): the bar's cells repaint only when the fill
    moves a whole cell, and a new label repaints only the label's cells, so a countdown that
    changes its label every second sends the terminal a dozen cells, not the whole line.
    """

    DEFAULT_CSS = """
    Bar {
        height: 1;
        width: 1fr;
    }
    Bar > .bar--done { color: $primary; }
    Bar > .bar--todo { color: $foreground 25%; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"bar--done", "bar--todo"}

    fill: reactive[float] = reactive(0.0, layout=False, repaint=False)
    """How much of the bar is done, 0 to 1."""
    label: reactive[str] = reactive("", layout=False, repaint=False)
    """Text after the bar: the time it stands for."""

    def __init__(self, label: str = "", *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(Bar.label, label)
        self._looks: tuple[Style, Style, Style] | None = None

    def _room(self, label: str | None = None) -> int:
        """Cells for the bar itself, beside its label."""
        return max(0, self.size.width - len(self.label if label is None else label) - 2)

    def validate_fill(self, value: float) -> float:
        return min(1.0, max(0.0, value))

    def watch_fill(self, old: float, new: float) -> None:
        room = self._room()
        if round(room * old) != round(room * new):
            self.refresh()

    def watch_label(self, old: str, new: str) -> None:
        if len(old) != len(new):
            self.refresh()  # the bar's length changes with it
            return
        start = self._room() + 2
        changed = [n for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        if changed:
            self.refresh(Region(start + changed[0], 0, changed[-1] - changed[0] + 1, 1))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._looks = None

    def render(self) -> Text:
        """The line as text (what :meth:`render_line` draws, without its colours)."""
        room = self._room()
        done = round(room * self.fill)
        return Text("█" * done + "░" * (room - done) + (f"  {self.label}" if self.label else ""))

    def render_line(self, y: int) -> Strip:
        if self._looks is None:
            base = self.rich_style
            self._looks = (
                base,
                base + self.get_component_rich_style("bar--done"),
                base + self.get_component_rich_style("bar--todo"),
            )
        base, done_style, todo_style = self._looks
        room = self._room()
        done = round(room * self.fill)  # fill is kept within 0 to 1 by validate_fill
        segments = [
            Segment(text, style)
            for text, style in (("█" * done, done_style), ("░" * (room - done), todo_style))
            if text
        ]
        if self.label:
            segments.append(Segment(f"  {self.label}", base))
        return _strip(segments, self.size.width, base)


class Ticker(Widget):
    """One line of text that changes often (a clock): drawn a line at a time, and a new text
    repaints only the cells that changed. Aligned by its ``text-align`` style."""

    DEFAULT_CSS = """
    Ticker {
        height: 1;
    }
    """

    text: reactive[str] = reactive("", layout=False, repaint=False)

    def __init__(self, text: str = "", *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(Ticker.text, text)

    def _start(self, text: str) -> int:
        room = self.size.width - len(text)
        align = self.styles.text_align
        return room if align in ("right", "end") else room // 2 if align == "center" else 0

    def watch_text(self, old: str, new: str) -> None:
        if len(old) != len(new):
            self.refresh()
            return
        changed = [n for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        if changed:
            start = self._start(new)
            self.refresh(Region(start + changed[0], 0, changed[-1] - changed[0] + 1, 1))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self.text)

    def render(self) -> Text:
        """The text (what :meth:`render_line` draws)."""
        return Text(self.text)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        # Blank cells carry only the background, as Textual's own text widgets draw them.
        blank = Style.from_color(bgcolor=base.bgcolor)
        width = self.size.width
        if y:
            return Strip.blank(width, blank)
        text = self.text[:width]
        start = self._start(text)
        segments = [Segment(" " * start, blank)] if start else []
        segments.append(Segment(text, base))
        return _strip(segments, width, blank)


def _strip(segments: list[Segment], width: int, fill: Style) -> Strip:
    """A line of exactly ``width`` cells, its length counted here: rich's ``cell_len`` would
    keep each new text (a clock's, every second) in its cache."""
    length = sum(get_character_cell_size(c) for segment in segments for c in segment.text)
    return Strip(segments, length).adjust_cell_length(width, fill)


class KeyBar(Widget):
    """The player's footer: its keys on one line, as Textual's ``Footer`` shows them.

    ``Footer`` builds a widget per key, which costs the player's first paint 60 ms; this
    draws one line, and redraws when the screen's keys change (``done`` appears on a step
    that waits for it). Keys are not clickable here; every one is also in the command
    palette.
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key"}

    def __init__(
        self,
        *,
        keep: tuple[str, ...] = (),
        hide: Callable[[Binding], bool] | None = None,
        describe: Callable[[Binding], str] | None = None,
        id: str | None = None,
    ) -> None:
        """``keep``: the actions whose keys stay when the line is too narrow for all (the
        others give way from the right). ``hide``: keys that work but are not shown now
        (another key for the same thing is). ``describe``: a key's word as things are now
        (``space resume`` while paused), instead of its binding's."""
        super().__init__(id=id)
        self._keep = keep
        self._hide = hide
        self._describe = describe

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _changed(self, screen: object) -> None:
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        shown: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            if self._hide is not None and self._hide(binding):
                continue
            seen.add(binding.action)
            what = binding.description if self._describe is None else self._describe(binding)
            shown.append((self.app.get_key_display(binding), what, binding.action))
        room = self.size.width

        def width() -> int:
            return sum(len(key) + len(what) + 3 for key, what, _ in shown) - 1

        while room and width() > room:
            spare = [item for item in shown if item[2] not in self._keep]
            if not spare:
                break
            shown.remove(spare[-1])
        text = Text(no_wrap=True, overflow="crop")
        for key, what, _action in shown:
            text.append(f" {key} ", style=key_style)
            text.append(f"{what} ")
        text.rstrip()
        return text


class FeelScale(Widget, can_focus=True):
    """Pick a number from 0 (no pain, feels great) to 10 (the worst): arrows or digit keys,
    then Enter. ``1`` then ``0`` makes 10."""

    DEFAULT_CSS = """
    FeelScale {
        height: 1;
        width: auto;
    }
    FeelScale > .scale--chosen { background: $primary; color: $text; text-style: bold; }
    FeelScale:focus > .scale--chosen { background: $accent; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"scale--chosen"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "less", show=False),
        Binding("right", "move(1)", "more", show=False),
        Binding("enter", "choose", "choose"),
    ]

    value: reactive[int] = reactive(5)
    _after_one = False
    """The last key was the digit 1 (so a 0 now makes 10)."""

    @dataclass
    class Chosen(Message):
        """The person picked ``value``."""

        scale: FeelScale
        value: int

    def render(self) -> Text:
        text = Text(no_wrap=True)
        chosen = self.get_component_rich_style("scale--chosen")
        for number in range(11):
            text.append(f" {number} ", style=chosen if number == self.value else "")
        return text

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return sum(len(f" {n} ") for n in range(11))

    def action_move(self, step: int) -> None:
        self._after_one = False
        self.value = min(10, max(0, self.value + step))

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self, self.value))

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if character is not None and len(character) == 1 and character in "0123456789":
            digit = int(character)
            # The key "1" then the key "0" is ten; any other digit is itself.
            self.value = 10 if digit == 0 and self._after_one else digit
            self._after_one = digit == 1
            event.stop()
