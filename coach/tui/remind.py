"""The reminder screen of ``coach remind``: how long until the next break, in big digits;
when one is due, the offer, with keys to start, snooze or skip. Starting opens the player;
when the routine is over the app comes back here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Digits, Footer, Static

from coach.durations import format_clock
from coach.remind import Reminders, format_wait
from coach.reminder import Kind, State
from coach.routine import Routine
from coach.timeline import build_timeline

TICK = 1.0
SETTLE = 1.0
"""Seconds an offer over the list ignores its keys: it comes unasked, maybe mid-word."""


class RemindScreen(Screen[None]):
    """Counts down to the next break; offers it when it is due."""

    # Its own look lives here: the screen is only shown by `coach remind`.
    DEFAULT_CSS = """
    RemindScreen { align: center middle; }
    RemindScreen #remind-box { width: 100%; height: auto; align: center middle; }
    RemindScreen #remind-head { width: 100%; text-align: center; text-style: bold; }
    RemindScreen #remind-digits { width: auto; }
    RemindScreen #remind-detail { width: 100%; text-align: center; color: $text-muted; }
    RemindScreen #remind-offer { width: 100%; text-align: center; margin-top: 1; }
    RemindScreen.-due #remind-head { color: $warning; }
    RemindScreen.-due #remind-digits { color: $warning; }
    RemindScreen.-off #remind-digits { color: $text-disabled; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "start"),
        Binding("z", "snooze", "snooze"),
        Binding("k", "skip", "skip"),
        Binding("p", "switch", "pause"),
        Binding("q", "leave", "quit"),
        Binding("escape", "close", "later", show=False),
    ]

    @dataclass
    class StartWanted(Message):
        """Start the break's routine (the app opens the player, then comes back here)."""

        routine: Routine

    @dataclass
    class Answered(Message):
        """A notification's button was pressed (posted from the notifier's thread)."""

        key: str

    def __init__(self, reminders: Reminders, routine: Routine, *, popup: bool = False) -> None:
        """``popup``: shown over the list when a break falls due in the app; it closes
        once answered (escape leaves the break due)."""
        super().__init__()
        self.popup = popup
        self.reminders = reminders
        self.routine = routine
        self._length = build_timeline(routine).total
        self.last_events: list[Kind] = []
        self._shown_title = ""
        self._shown_state: State | None = None
        self._shown_at: float | None = None
        """When the offer popped up over the list (on the reminder's clock)."""
        self._was_settling = False

    def compose(self) -> ComposeResult:
        with Vertical(id="remind-box"):
            yield Static("", id="remind-head")
            with Center():
                yield Digits("", id="remind-digits")
            yield Static("", id="remind-detail")
            yield Static("", id="remind-offer")
        yield Footer()

    def on_mount(self) -> None:
        announcer = self.reminders.announcer
        if announcer is not None:
            # Called from the notifier's thread: post_message is the thread-safe way in.
            def answered(key: str) -> None:
                self.post_message(self.Answered(key))

            announcer.on_action = answered
        if self.popup:
            self._shown_at = self.reminders.clock()
            self._was_settling = True
        # Over the list the app keeps the time; here only the view follows it.
        self.set_interval(TICK, self.refresh_view if self.popup else self.tick)
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def tick(self) -> None:
        """Count the time since the last tick and show where the schedule is."""
        events = self.reminders.tick()
        self.last_events = [e.kind for e in events]
        if any(e.kind is Kind.OFFERED for e in events):
            self.app.bell()
            self._title("coach: break due")
        elif self.reminders.schedule.state is not State.DUE:
            self._title("coach")
        self.refresh_view()

    def _title(self, text: str) -> None:
        """The terminal's title (a tab in the background shows it). Textual has no call for
        it, so the escape sequence goes straight to its output driver."""
        if text == self._shown_title:
            return
        self._shown_title = text
        driver = getattr(self.app, "_driver", None)
        if driver is not None and not self.app.is_headless:
            driver.write(f"\x1b]2;{text}\x07")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that do something now: snooze with a break due, skip with one due
        or snoozed, start unless reminders are paused (the footer keeps room for the rest)."""
        state = self.reminders.schedule.state
        if action in ("start", "snooze", "skip") and self._settling():
            return None  # shown, but an "s" typed for the filter does not start the routine
        if action == "snooze":
            return state is State.DUE
        if action == "skip":
            return state in (State.DUE, State.SNOOZED)
        if action == "start":
            return state is not State.OFF
        return True

    def _settling(self) -> bool:
        shown = self._shown_at
        return shown is not None and self.reminders.clock() - shown < SETTLE

    def refresh_view(self) -> None:
        schedule = self.reminders.schedule
        settling = self._settling()
        if schedule.state is not self._shown_state or settling != self._was_settling:
            self._shown_state, self._was_settling = schedule.state, settling
            self.refresh_bindings()
        policy = schedule.policy
        head = self.query_one("#remind-head", Static)
        digits = self.query_one("#remind-digits", Digits)
        detail = self.query_one("#remind-detail", Static)
        offer = self.query_one("#remind-offer", Static)
        state = schedule.state
        self.set_class(state is State.DUE, "-due")
        self.set_class(state is State.OFF, "-off")
        routine = f"{self.routine.name} · {format_clock(self._length)}"
        if state is State.DUE:
            head.update("TIME FOR A BREAK")
            digits.update(format_clock(self._length))
            detail.update(routine)
            offer.update(f"s start now · z snooze {format_wait(policy.snooze)} · k skip")
            return
        if state is State.OFF:
            head.update("REMINDERS PAUSED")
            digits.update("--:--")
            detail.update(f"p to turn them on again · {routine}")
            offer.update("")
            return
        left = schedule.remaining() or 0.0
        at = (self.reminders.wall() + timedelta(seconds=left)).strftime("%H:%M")
        snoozed = " (snoozed)" if state is State.SNOOZED else ""
        head.update(f"NEXT BREAK IN{snoozed.upper()}")
        digits.update(format_clock(left))
        detail.update(f"about {at} · every {format_wait(policy.every)} of work · {routine}")
        offer.update("s to take it now")

    # -- answers ----------------------------------------------------------------------------

    def action_start(self) -> None:
        if self.reminders.schedule.state is State.OFF:
            return
        # The app's flow tells the schedule the routine started and ended.
        if self.popup:
            self.dismiss(None)
            self.app.post_message(self.StartWanted(self.routine))
        else:
            self.post_message(self.StartWanted(self.routine))

    def action_snooze(self) -> None:
        if self.reminders.snooze():
            self.notify(f"Snoozed for {format_wait(self.reminders.schedule.policy.snooze)}.")
        self._answered()

    def action_skip(self) -> None:
        if self.reminders.skip():
            self.notify("Skipped: the next one comes after a whole interval.")
        self._answered()

    def action_close(self) -> None:
        if self.popup:
            self.dismiss(None)

    def action_leave(self) -> None:
        """q: over the list, back to the list (the break stays due); at home, quit."""
        if self.popup:
            self.dismiss(None)
        else:
            self.app.exit()

    def _answered(self) -> None:
        if self.popup:
            self.dismiss(None)
        else:
            self.refresh_view()

    def action_switch(self) -> None:
        self.reminders.switch(not self.reminders.on)
        self._answered()

    def on_remind_screen_answered(self, message: Answered) -> None:
        action = {"start": self.action_start, "snooze": self.action_snooze}.get(
            message.key, self.action_skip
        )
        action()


class BreakDueScreen(RemindScreen, inherit_bindings=False):
    """Over the routine list, when a break falls due in the app: start, snooze or skip it,
    or put it off with escape (it is offered again after the snooze time)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "start now"),
        Binding("z", "snooze", "snooze"),
        Binding("k", "skip", "skip"),
        Binding("escape,q", "close", "later"),
    ]

    def __init__(self, reminders: Reminders, routine: Routine) -> None:
        super().__init__(reminders, routine, popup=True)
