"""The finish screen: what was done, and (when asked for) how the back feels now."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from coach.durations import format_clock
from coach.outcome import Ending
from coach.text import plural
from coach.tui.player import RunResult
from coach.tui.widgets import FeelScale

Rate = Callable[[int | None, str | None], None]
"""Receives the answers: the back-feel rating after the routine and the note."""


def summary_lines(result: RunResult) -> list[str]:
    """What the finish screen says about the routine that just ended: the session's own
    tally, by the rule the log and plain mode use (:mod:`coach.outcome`)."""
    tally = result.tally
    steps = tally.steps
    lines = [
        f"{format_clock(tally.active)} of exercise · "
        f"{len(tally.done)} of {plural(len(steps), 'step')} done"
        + (f" · paused {format_clock(tally.paused)}" if tally.paused >= 1 else "")
    ]
    if tally.skipped:
        lines.append("skipped: " + ", ".join(s.name for s in tally.skipped))
    if tally.stopped_during is not None:
        lines.append(f"stopped during: {tally.stopped_during.name}")
    left = tally.not_reached
    if left:
        lines.append(f"not reached: {len(left)} step{'s' if len(left) != 1 else ''}")
    if tally.ending is Ending.PARTIAL:
        # Only said when it matters: WELL DONE already says a routine counted (and at
        # 40x12 the back-feel scale needs the room).
        lines.append(
            f"{format_clock(tally.exercise)} of {format_clock(tally.planned_exercise)} "
            "exercise done: at least half counts as completed, and for your streak"
        )
    return lines


TITLES = {
    Ending.COMPLETED: "WELL DONE",
    Ending.PARTIAL: "THE END",
    Ending.STOPPED: "STOPPED",
    Ending.INTERRUPTED: "INTERRUPTED",
}


class FinishScreen(Screen[str]):
    """Dismissed with ``"pick"`` (back to the routines) or ``"quit"``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "leave('pick')", "back to routines"),
        Binding("escape", "skip", "skip"),
        Binding("q", "leave('quit')", "quit"),
    ]

    def __init__(
        self,
        result: RunResult,
        *,
        ask_feel: bool = False,
        feel_before: int | None = None,
        rate: Rate | None = None,
    ) -> None:
        super().__init__()
        self.result = result
        self._ask = ask_feel
        self._before = feel_before
        self._rate = rate
        self.feel_after: int | None = None
        self._note = ""
        self._saved = False

    def compose(self) -> ComposeResult:
        result = self.result
        name = result.timeline.routine.name
        # It scrolls where the terminal is short; what has the focus is kept in sight.
        with VerticalScroll(id="finish"):
            yield Static(name, id="finish-routine", markup=False)
            title = TITLES[result.tally.ending] if result.tally.ending else "STOPPED"
            yield Static(title, id="finish-title")
            yield Static("\n".join(summary_lines(result)), id="finish-summary", markup=False)
            if self._ask:
                before = f"  (before: {self._before})" if self._before is not None else ""
                yield Static(f"How does your back feel now?{before}", classes="question")
                with Horizontal(classes="feel-row"):
                    yield FeelScale(id="feel-after")
                yield Static("0 = no pain at all, 10 = the worst", classes="hint")
                yield Input(placeholder="a note, if you like (enter saves)", id="note")
            yield Static("Move gently, and stop and ease off if anything hurts.", classes="hint")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape skips the questions; with none asked, enter says the same.
        return self._ask or action != "skip"

    def on_mount(self) -> None:
        self.set_class(not self.result.completed, "-stopped")
        if self._ask:
            scale = self.query_one("#feel-after", FeelScale)
            scale.focus(scroll_visible=False)
            # Where the terminal is short, scrolled just enough to show the scale (not to
            # its middle, which would hide the summary above it).
            box = self.query_one("#finish", VerticalScroll)
            self.call_after_refresh(box.scroll_to_widget, scale, animate=False)

    @on(FeelScale.Chosen)
    def _felt(self, event: FeelScale.Chosen) -> None:
        self.feel_after = event.value
        self.query_one("#note", Input).focus()

    @on(Input.Changed, "#note")
    def _typed(self, event: Input.Changed) -> None:
        self._note = event.value

    @on(Input.Submitted, "#note")
    def _noted(self) -> None:
        self.action_leave("pick")

    def _save(self) -> None:
        if self._saved or not self._ask:
            return
        self._saved = True
        note = self._note.strip() or None
        if self._rate is not None and (self.feel_after is not None or note):
            self._rate(self.feel_after, note)

    def action_skip(self) -> None:
        """Escape: no more questions, back to the routines; an answer already chosen is kept."""
        self.action_leave("pick")

    def action_leave(self, where: str) -> None:
        if not self.is_active:  # a second key before it closed
            return
        self._save()
        self.dismiss(where)

    def on_unmount(self) -> None:
        self._save()  # the app closed from here (ctrl+q): keep what was answered


class TimerFinishScreen(FinishScreen):
    """The finish screen of ``coach remind``: enter goes back to the break timer (the app
    shows the reminder screen again), and its key says so."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "leave('pick')", "back to the timer"),
    ]
