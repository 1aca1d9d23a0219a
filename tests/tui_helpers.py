"""Builders for the app tests: the real app, a fake clock, routines made here, no sound card."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from coach.app import CoachApp, Recorder, Services
from coach.catalog import Entry, discover, stamp
from coach.clock import FakeClock
from coach.log import SessionRecorder, SessionStore
from coach.routine import Routine
from coach.session import Event
from coach.settings import Settings, save_setting
from coach.timeline import Timeline
from coach.tui.player import PlayerScreen
from tests.helpers import routine

TEST_ROUTINE = """
name = "Test routine"
description = "A short routine for the tests. Stop and ease off if anything hurts."
tags = ["back", "gentle"]
equipment = ["mat"]
prepare = "3s"

[[step]]
name = "Neck side stretch"
kind = "stretch"
duration = "10s"
sides = true
rest = "5s"
instructions = "Tilt your ear toward the shoulder of the side called. Keep both shoulders down."

[[step]]
name = "Glute bridge"
kind = "strength"
reps = 10
instructions = "Lie on your back, knees bent. Lift your hips, hold a moment, lower slowly."

[[step]]
name = "Bird dog"
kind = "strength"
duration = "8s"
sets = 2
set_rest = "4s"
instructions = "On hands and knees, reach one arm forward, the other leg back. Back flat."
"""
"""Timeline: get ready 0-3, neck left 3-13, right 13-23, rest 23-28, glute bridge (open),
bird dog set 1 for 8 s, set rest 4 s, set 2 for 8 s."""


TODAY = date(2026, 11, 18)
"""A Wednesday: the day the app tests live on."""
ZONE = timezone(timedelta(hours=1))


def noon_of(day: date) -> Callable[[], datetime]:
    """A wall clock stopped at noon of ``day`` (UTC+1), for the log's timestamps."""
    return lambda: datetime(day.year, day.month, day.day, 12, 0, tzinfo=ZONE)


@dataclass
class RecordingLog:
    """Stands in for the session log where a test is about the screens, not the file."""

    feel_before: int | None
    batches: list[Sequence[Event]] = field(default_factory=list)
    ratings: list[tuple[int | None, str | None]] = field(default_factory=list)
    status_line: str | None = None

    def on_events(self, events: Sequence[Event], now: float) -> None:
        self.batches.append(list(events))

    def rate(self, *, after: int | None = None, note: str | None = None) -> None:
        self.ratings.append((after, note))


@dataclass
class Harness:
    app: CoachApp
    clock: FakeClock
    logs: list[RecordingLog]

    @property
    def player(self) -> PlayerScreen:
        screen = self.app.screen
        assert isinstance(screen, PlayerScreen), type(screen).__name__
        return screen

    def advance(self, seconds: float) -> None:
        """Move the clock and let the player catch up, as its timer would."""
        self.clock.advance(seconds)
        self.player.sync()


def sample_routine(routine_id: str = "test-routine") -> Routine:
    return routine(TEST_ROUTINE, routine_id=routine_id)


def make_app(
    *,
    start: Routine | None = None,
    settings: Settings | None = None,
    entries: list[Entry] | None = None,
    user_dir: Path | None = None,
    store: SessionStore | None = None,
    today: date = TODAY,
    config: Path | None = None,
) -> Harness:
    """The real app on a fake clock with no sound card. With ``store`` it logs to that real
    SQLite log (sessions start at :data:`NOON` of ``today``); without, to a RecordingLog."""
    clock = FakeClock(1000.0)
    logs: list[RecordingLog] = []

    def recorder(timeline: Timeline, feel_before: int | None) -> Recorder:
        if store is not None:
            return SessionRecorder(store, timeline, wall=noon_of(today), feel_before=feel_before)
        logs.append(RecordingLog(feel_before))
        return logs[-1]

    def find() -> list[Entry]:
        if entries is not None:
            return entries
        return discover(user_dir=user_dir)

    services = Services(
        clock=clock,
        settings=settings or Settings(),
        entries=find,
        save_setting=lambda key, value: save_setting(key, value, config) if config else None,
        routines_stamp=lambda: stamp(user_dir) if user_dir is not None else None,
        audio=None,
        recorder=recorder,
        summary=(lambda: store.summary(today)) if store is not None else lambda: None,
    )
    return Harness(CoachApp(services, routine=start), clock, logs)
