"""``coach remind``: the parts the plain loop and the Textual screen share.

The schedule is :class:`coach.reminder.Schedule`; this module hands it the time and carries
its offers to the person: :class:`Announcer` rings the terminal bell, sets the terminal's
title, plays the chime, speaks a line and shows a desktop notification, each where it can.
:func:`run_plain` is the line-based loop of ``coach remind --plain``.
"""

from __future__ import annotations

import contextlib
import math
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol, TextIO

from coach.durations import format_clock
from coach.reminder import Kind, Policy, Reminder, Schedule, State

if TYPE_CHECKING:
    from coach.notify import Notifications
    from coach.sound import Player
    from coach.speech import Speech, VoiceSpec

DEFAULT_ROUTINE = "desk-break"
TICK = 1.0
"""Seconds between ticks: often enough to notice a sleep gap and to answer on time."""

ACTIONS = (("start", "Start now"), ("snooze", "Snooze"), ("skip", "Skip"))
"""The answers to an offer: the key each adapter sends back, and its label."""


class BootClock:
    """Seconds on a clock that keeps counting while the machine sleeps (``CLOCK_BOOTTIME``
    on Linux; the wall clock elsewhere), so that a suspend shows as a gap between ticks.
    The monotonic clock stands still in a suspend on Linux and macOS, and would hide it."""

    def now(self) -> float:
        boottime = getattr(time, "CLOCK_BOOTTIME", None)
        if boottime is not None:
            return time.clock_gettime(boottime)
        return time.time()


def format_wait(seconds: float) -> str:
    """``23 min``, ``1 h 5 min``, ``40 s``: how long until the next break."""
    if seconds < 60:
        return f"{max(0, math.ceil(seconds))} s"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def status_text(schedule: Schedule) -> str:
    """One phrase for where the schedule is: the pick screen's header and ``?`` say it."""
    left = schedule.remaining()
    if schedule.state is State.OFF:
        return "reminders off"
    if schedule.state is State.ON_BREAK:
        return "on a break"
    if schedule.state is State.DUE or left is None:
        return "break due"
    return f"next break in {format_wait(left)}"


@dataclass(frozen=True)
class Offer:
    """What the announcement says."""

    routine_name: str
    routine_length: float
    snooze: float

    @property
    def title(self) -> str:
        return "Time for a break"

    @property
    def message(self) -> str:
        return f"{self.routine_name}, {format_clock(self.routine_length)}. Stand up, breathe out."

    @property
    def spoken(self) -> str:
        minutes = max(1, round(self.routine_length / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return f"Time for a break. {self.routine_name}, {minutes} {unit}."


class Terminal(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


def _after(delay: float, action: Callable[[], object]) -> None:
    if delay <= 0:
        action()
        return
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()


class Announcer:
    """Carries an offer to the person by every way there is. Each part is handed in and may
    be missing: ``terminal`` (bell and title; None when it is not a terminal), ``player``
    (the chime and the spoken line), ``speech`` with ``voice``, ``notifications``."""

    def __init__(
        self,
        offer: Offer,
        *,
        terminal: Terminal | None = None,
        player: Player | None = None,
        speech: Speech | None = None,
        voice: VoiceSpec | None = None,
        notifications: Notifications | None = None,
        on_action: Callable[[str], None] | None = None,
        bell: Callable[[], None] | None = None,
        chime: bool = True,
        later: Callable[[float, Callable[[], object]], object] = _after,
    ) -> None:
        """``chime``: play the chime (the ``sounds`` setting); ``later(delay, action)``
        runs the spoken line once the chime is over (a timer thread; tests run it by hand)."""
        self.offer = offer
        self._chime = chime
        self._later = later
        self._terminal = terminal
        self._player = player
        self._speech = speech
        self._voice = voice
        self.notifications = notifications
        """The desktop's notification service, where there is one (it may come later)."""
        self.on_action = on_action
        """Called with the key of a notification's button (from the notifier's thread)."""
        self._bell = bell
        self._spoken_path: object = None
        self._parts: Callable[[], tuple[Player | None, Speech | None, VoiceSpec | None]] | None
        self._parts = None

    def attach(
        self, parts: Callable[[], tuple[Player | None, Speech | None, VoiceSpec | None]]
    ) -> None:
        """Take the player, the speech process and the voice from ``parts`` at each
        announcement (the app opens them after it starts)."""
        self._parts = parts

    def prepare(self) -> None:
        """Render the spoken line now, so it plays on the beat when the break is due."""
        if self._speech is None or self._voice is None:
            return

        def rendered(result: object) -> None:
            self._spoken_path = getattr(result, "path", None)

        self._speech.render(self.offer.spoken, self._voice, rendered)

    def announce(self, reminder: Reminder) -> None:
        """The break is due (or due again)."""
        if self._parts is not None:
            self._player, self._speech, self._voice = self._parts()
        self.title("coach: break due")
        if self._bell is not None:
            self._bell()
        elif self._terminal is not None:
            with contextlib.suppress(OSError, ValueError):
                self._terminal.write("\a")
                self._terminal.flush()
        self._sound()
        if self.notifications is not None:
            self.notifications.send(
                self.offer.title, self.offer.message, ACTIONS, self._answer, wait=False
            )

    def _answer(self, key: str) -> None:
        if self.on_action is not None:
            self.on_action(key)

    def title(self, text: str) -> None:
        """Set the terminal's title (OSC 2), where there is a terminal."""
        if self._terminal is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self._terminal.write(f"\x1b]2;{text}\x07")
            self._terminal.flush()

    def _sound(self) -> None:
        from pathlib import Path

        player = self._player
        playing = player is not None and player.available
        delay = 0.0
        if playing and self._chime and player is not None:
            with contextlib.suppress(Exception):
                chime = player.sound("chime")
                player.play("chime")
                delay = chime.duration if chime is not None else 0.0
        path = self._spoken_path

        def speak() -> None:
            # After the chime, not over it.
            if playing and player is not None and isinstance(path, Path):
                with contextlib.suppress(Exception):
                    player.play(player.load(path))
                    return
            if self._speech is not None and self._voice is not None:
                self._speech.say(self.offer.spoken, self._voice)

        self._later(delay, speak)


Log = Callable[[Reminder], None]
"""Writes a reminder event to the log (only the ``logged`` ones are kept)."""


class Reminders:
    """The schedule with its clock, its announcer and its log: what every front end (the
    plain loop, the reminder screen, the pick screen's header) asks and tells. Each event is
    logged and each offer announced here, once, whoever caused it."""

    def __init__(
        self,
        schedule: Schedule,
        *,
        clock: Callable[[], float],
        announcer: Announcer | None = None,
        log: Log = lambda reminder: None,
        idle: Callable[[], float | None] = lambda: None,
        wall: Callable[[], datetime] = datetime.now,
    ) -> None:
        """``wall``: the local time of day, for "about 14:05" (a fixed one in tests)."""
        self.schedule = schedule
        self.clock = clock
        self.wall = wall
        self.announcer = announcer
        self._log = log
        self.idle = idle
        """Seconds since the last input, where the desktop reports it (see coach.idle)."""
        self.on_switched_on: Callable[[], None] | None = None
        """Called when reminders are switched on (the app looks for notifications then)."""

    def _handle(self, events: list[Reminder]) -> list[Reminder]:
        for reminder in events:
            self._log(reminder)
            if reminder.kind is Kind.OFFERED and self.announcer is not None:
                self.announcer.announce(reminder)
        return events

    def tick(self) -> list[Reminder]:
        return self._handle(self.schedule.tick(self.clock(), self.idle()))

    def snooze(self) -> list[Reminder]:
        return self._handle(self.schedule.snooze(self.clock()))

    def skip(self) -> list[Reminder]:
        return self._handle(self.schedule.skip(self.clock()))

    def start(self) -> list[Reminder]:
        return self._handle(self.schedule.start(self.clock()))

    def end(self) -> list[Reminder]:
        return self._handle(self.schedule.end(self.clock()))

    def switch(self, on: bool) -> list[Reminder]:
        events = self._handle(self.schedule.switch(self.clock(), on))
        if on and self.on_switched_on is not None:
            self.on_switched_on()
        return events

    @property
    def on(self) -> bool:
        return self.schedule.state is not State.OFF

    def status(self) -> str:
        return status_text(self.schedule)


RunRoutine = Callable[["queue.Queue[object] | None"], None]
"""Runs the routine, reading its commands from the queue given (None: there is no input)."""

PLAIN_HELP = "Keys, each followed by Enter: s = start now, z = snooze, k = skip, ? = when, q = quit"

_COMMANDS = {
    "s": "start",
    "start": "start",
    "": "start",
    "z": "snooze",
    "snooze": "snooze",
    "k": "skip",
    "skip": "skip",
    "?": "status",
    "q": "quit",
    "quit": "quit",
}


def _clock_time(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def run_plain(
    reminders: Reminders,
    *,
    out: TextIO,
    inbox: queue.Queue[object],
    run_routine: RunRoutine,
    wall: Callable[[], datetime] = datetime.now,
    end_of_input: object = None,
    tick: float = TICK,
) -> int:
    """The ``--plain`` loop: a line for each offer and answer; commands come as lines in
    ``inbox`` (also from the notification's buttons). Returns 0 when told to quit."""
    schedule = reminders.schedule
    policy = schedule.policy
    announcer = reminders.announcer

    def say(text: str) -> None:
        out.write(f"{_clock_time(wall())}  {text}\n")
        out.flush()

    def _next() -> str:
        left = schedule.remaining()
        if left is None:
            return status_text(schedule)
        at = wall() + timedelta(seconds=left)
        return f"Next break in {format_wait(left)} (about {_clock_time(at)})."

    def title(text: str) -> None:
        if announcer is not None:
            announcer.title(text)

    def show(events: Sequence[Reminder]) -> None:
        for reminder in events:
            if reminder.kind is Kind.OFFERED and announcer is not None:
                offer = announcer.offer
                again = " (again)" if reminder.reason else ""
                say(
                    f"Time for a break{again}: {offer.routine_name}, "
                    f"{format_clock(offer.routine_length)}. "
                    f"s = start, z = snooze {format_wait(policy.snooze)}, k = skip"
                )
            elif reminder.kind is Kind.RESTARTED and reminder.reason in ("sleep", "idle"):
                why = "You were away" if reminder.reason == "idle" else "The computer slept"
                say(f"{why}: that counts as a break. {_next()}")

    title("coach: reminders on")
    say(f"Reminders on. {_next()}")
    input_over = False
    while True:
        show(reminders.tick())
        try:
            # After the end of input the notification's buttons may still answer here.
            item = inbox.get(timeout=tick)
        except queue.Empty:
            continue
        if item is end_of_input:
            input_over = True
            continue
        if not isinstance(item, str):
            continue
        command = _COMMANDS.get(item.strip().lower())
        if command == "quit":
            return 0
        if command == "status":
            say(_next() if schedule.state is not State.DUE else "A break is due.")
        elif command == "snooze":
            if reminders.snooze():
                say(f"Snoozed: {_next()}")
        elif command == "skip":
            if reminders.skip():
                say(f"Skipped. {_next()}")
        elif command == "start":
            if item.strip() == "" and schedule.state is not State.DUE:
                continue  # a stray Enter while working starts nothing
            reminders.start()
            if announcer is not None:
                title(f"coach: {announcer.offer.routine_name}")
            run_routine(None if input_over else inbox)
            reminders.end()
            title("coach: reminders on")
            say(f"Back to work. {_next()}")
        else:
            say(PLAIN_HELP)


def policy_from(every: float | None, snooze: float | None) -> Policy:
    """The policy for ``coach remind``, with the person's numbers where given. The sleep gap
    is never shorter than a few ticks, and never longer than the interval itself."""
    base = Policy()
    every = every if every is not None else base.every
    snooze = snooze if snooze is not None else base.snooze
    return Policy(
        every=every,
        snooze=snooze,
        sleep_gap=max(10 * TICK, min(base.sleep_gap, every)),
        idle_break=base.idle_break,
    )


def print_line(line: str) -> None:
    print(line, file=sys.stderr)
