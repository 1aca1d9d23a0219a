"""Small screens over the others: are you sure, the keys, and how does your back feel."""

from __future__ import annotations

from typing import ClassVar

from rich.padding import Padding
from rich.table import Table
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from coach.tui.widgets import FeelScale


class ConfirmScreen(ModalScreen[bool]):
    """A yes-or-no question; ``y`` or Enter says yes, ``n`` or Escape says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "yes"),
        Binding("n,escape", "answer(False)", "no"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str, no: str) -> None:
        super().__init__()
        self._question = question
        self._detail = detail
        self._keys = f"{yes}   {no}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # A question may quote a routine's name: shown as written, never as markup.
            yield Static(self._question, classes="dialog-title", markup=False)
            if self._detail:
                yield Static(self._detail, markup=False)
            yield Static(self._keys, classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        if self.is_active:  # a second key before it closed
            self.dismiss(yes)


PLAYER_KEYS = (
    ("space", "pause, and resume"),
    ("enter", "done: finish a step that waits for you"),
    ("n  →", "skip to the next segment"),
    ("p  ←", "back to the start of this step (twice: the one before)"),
    ("+  -", "10 seconds more, or less, on this segment"),
    ("m", "voice on or off (captions always show)"),
    ("s", "sounds on or off (the countdown is spoken when off)"),
    ("q", "stop the routine (it is logged as stopped)"),
    ("ctrl+q", "stop it and close coach (asks first too)"),
    ("ctrl+p", "every command, searchable"),
)
PLAYER_NOTE = "The routine waits while this help, the palette or a question is open."


PICK_KEYS = (
    ("a–z", "type to filter by name or tag; escape clears"),
    ("↑ ↓", "move through the routines; the preview follows"),
    ("enter", "start the routine"),
    ("tab", "leave the filter for the list, where letters are keys:"),
    ("t", "  only one tag: morning, desk, cool-down, back, massage, strength"),
    ("h", "  history: your sessions, streaks and how your back felt"),
    ("/", "  back to the filter (or just type)"),
    ("→", "the routine's steps, where the list leaves no room beside it"),
    ("ctrl+e", "edit the routine in your editor (a built-in is copied first)"),
    ("ctrl+n", "write a new routine in your editor"),
    ("ctrl+r", "break reminders on or off (the header shows the next one)"),
    ("? f1", "this help"),
    ("q ctrl+q", "quit"),
    ("ctrl+p", "every command, searchable"),
)


def key_table(keys: tuple[tuple[str, str], ...]) -> Table:
    """Keys right-aligned, each one's words beside it; words that start indented (the keys
    under another) keep the indent on every line they wrap to."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", no_wrap=True)
    table.add_column()
    for key, what in keys:
        words = what.lstrip(" ")
        indent = len(what) - len(words)
        table.add_row(key, Padding(words, (0, 0, 0, indent)) if indent else words)
    return table


class HelpScreen(ModalScreen[None]):
    """What every key of a screen does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,enter", "close", "close")
    ]

    def __init__(
        self, keys: tuple[tuple[str, str], ...] = PLAYER_KEYS, note: str = PLAYER_NOTE
    ) -> None:
        super().__init__()
        self._keys = keys
        self._note = note

    def compose(self) -> ComposeResult:
        keys = key_table(self._keys)
        # It scrolls (arrows, page keys) where the terminal is too short for it all.
        with VerticalScroll(classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            yield Static(keys)
            if self._note:
                yield Static(self._note, classes="dialog-note")
            yield Static("Move gently. Stop and ease off if anything hurts.", classes="dialog-note")
            yield Static("escape close", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        if self.is_active:
            self.dismiss(None)


class TextScreen(ModalScreen[None]):
    """A page of words over the screen (a routine's steps where the list leaves no room for
    them beside it); it scrolls where the terminal is short."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,left,enter", "close", "close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self._title, classes="dialog-title")
            yield Static(self._text)
            yield Static("escape back", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        if self.is_active:
            self.dismiss(None)


class FeelScreen(ModalScreen[int | None]):
    """``How does your back feel?``: 0 to 10, or Escape to skip."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "skip", "skip")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._question, classes="dialog-title", markup=False)
            yield Static("0 = no pain at all, 10 = the worst you can imagine")
            yield FeelScale(id="scale")
            yield Static("← → or 0-9  enter choose   escape skip", classes="dialog-keys")

    def on_mount(self) -> None:
        self._fit(self.app.size.height)
        self.query_one(FeelScale).focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        # At 40x12 the box gives up its blank rows, so its keys stay on screen.
        self.set_class(height < 14, "-short")

    @on(FeelScale.Chosen)
    def _chosen(self, event: FeelScale.Chosen) -> None:
        if self.is_active:  # a second Enter before it closed
            self.dismiss(event.value)

    def action_skip(self) -> None:
        if self.is_active:
            self.dismiss(None)
