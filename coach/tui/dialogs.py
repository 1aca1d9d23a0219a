"""Small screens over the others: are you sure, the keys, and how does your back feel."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
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
            yield Static(self._question, classes="dialog-title")
            if self._detail:
                yield Static(self._detail)
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
    ("ctrl+p", "every command, searchable"),
)


PICK_KEYS = (
    ("↑ ↓", "move through the routines; the preview follows"),
    ("enter", "start the routine"),
    ("/ or a–z", "filter by name or tag; escape clears"),
    ("t", "only one tag: morning, desk, cool-down, back, massage, strength"),
    ("h", "history: your sessions, streaks and how your back felt"),
    ("ctrl+e", "edit the routine in your editor (a built-in is copied first)"),
    ("ctrl+n", "write a new routine in your editor"),
    ("ctrl+r", "break reminders on or off (the header shows the next one)"),
    ("q", "quit"),
    ("ctrl+p", "every command, searchable"),
)


class HelpScreen(ModalScreen[None]):
    """What every key of a screen does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,enter", "close", "close")
    ]

    def __init__(self, keys: tuple[tuple[str, str], ...] = PLAYER_KEYS) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        width = max(len(key) for key, _ in self._keys)
        lines = "\n".join(f"{key:>{width}}  {what}" for key, what in self._keys)
        with Vertical(classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            yield Static(lines)
            yield Static("Move gently. Stop and ease off if anything hurts.", classes="dialog-note")
            yield Static("escape close", classes="dialog-keys")

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
            yield Static(self._question, classes="dialog-title")
            yield Static("0 = no pain at all, 10 = the worst you can imagine")
            yield FeelScale(id="scale")
            yield Static("← → or 0-9  enter choose   escape skip", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(FeelScale).focus()

    @on(FeelScale.Chosen)
    def _chosen(self, event: FeelScale.Chosen) -> None:
        if self.is_active:  # a second Enter before it closed
            self.dismiss(event.value)

    def action_skip(self) -> None:
        if self.is_active:
            self.dismiss(None)
