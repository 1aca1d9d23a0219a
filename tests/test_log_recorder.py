"""The recorder: a session's events in, its row in the log out, on a fake clock and a
real SQLite file. Written at the start, updated as each segment ends, the outcome at the
finish; a log that fails never stops the routine."""

from __future__ import annotations

import io
import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach.clock import FakeClock
from coach.history import SessionRecord
from coach.log import SessionRecorder, SessionStore
from coach.plain import run_plain
from coach.session import Session, State
from coach.timeline import Timeline

from .helpers import routine, timeline

THREE = """
name = "Three steps"
prepare = "2s"
[[step]]
name = "Chin tucks"
kind = "strength"
duration = "10s"
[[step]]
name = "Seated twist"
kind = "stretch"
duration = "10s"
sides = true
[[step]]
name = "Dead bug"
kind = "strength"
reps = 6
"""
TOKYO = timezone(timedelta(hours=9))
MORNING = datetime(2026, 3, 10, 8, 0, tzinfo=TOKYO)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    opened = SessionStore.open(tmp_path / "log.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def only(store: SessionStore) -> SessionRecord:
    [record] = store.sessions()
    return record


class Driver:
    """A session, its recorder and a fake clock, moved by hand like the app would."""

    def __init__(self, store: SessionStore | None, plan: Timeline, **options: object) -> None:
        self.clock = FakeClock(500.0)
        self.session = Session(plan)
        self.recorder = SessionRecorder(store, plan, wall=lambda: MORNING, **options)  # type: ignore[arg-type]

    def send(self, events: list) -> None:  # type: ignore[type-arg]
        self.recorder.on_events(events, self.clock.now())

    def start(self) -> None:
        self.send(self.session.start(self.clock.now()))

    def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.send(self.session.tick(self.clock.now()))

    def do(self, command: str, *args: float) -> None:
        events = getattr(self.session, command)(self.clock.now(), *args)
        self.send(events)


def test_a_completed_run_is_logged_with_everything(store: SessionStore) -> None:
    plan = timeline(THREE)
    clock = FakeClock(50.0)
    recorder = SessionRecorder(store, plan, wall=lambda: MORNING, feel_before=4)
    session = run_plain(
        plan, clock=clock, out=io.StringIO(), sleep=clock.advance, listeners=[recorder.on_events]
    )
    assert session.state is State.FINISHED
    recorder.rate(after=6, note="  easier than yesterday \n")
    assert recorder.status_line is None
    record = only(store)
    assert record.id == recorder.session_id
    assert (record.routine_id, record.routine_name) == ("test", "Three steps")
    assert record.digest == routine(THREE).digest and len(record.digest) == 64
    assert record.started_utc == datetime(2026, 3, 9, 23, 0, tzinfo=timezone.utc)
    assert record.utc_offset_minutes == 540
    assert record.local_day.isoformat() == "2026-03-10"
    assert record.ended_utc == record.started_utc + timedelta(seconds=32)
    assert (record.planned_seconds, record.active_seconds, record.paused_seconds) == (32, 32, 0)
    assert (record.steps_completed, record.steps_skipped, record.steps_total) == (3, 0, 3)
    assert record.status == "completed"
    assert (record.feel_before, record.feel_after) == (4, 6)
    assert record.note == "easier than yesterday"


def test_the_row_is_written_at_the_start_and_updated_as_segments_end(
    store: SessionStore,
) -> None:
    drive = Driver(store, timeline(THREE))
    drive.start()
    record = only(store)
    assert (record.status, record.steps_completed, record.active_seconds) == ("running", 0, 0)
    assert record.ended_utc is None
    drive.wait(2)  # get ready ends
    drive.wait(10)  # chin tucks end
    record = only(store)
    assert (record.status, record.steps_completed, record.active_seconds) == ("running", 1, 12)
    assert record.updated_utc == record.started_utc + timedelta(seconds=12)
    drive.wait(10)  # the twist's left side: the step is not done yet
    assert only(store).steps_completed == 1


def test_skips_pauses_and_stops_are_counted(store: SessionStore) -> None:
    drive = Driver(store, timeline(THREE))
    drive.start()
    drive.wait(2)
    drive.wait(4)
    drive.do("skip")  # chin tucks skipped after 4 s
    drive.do("pause")
    drive.clock.advance(30)
    drive.do("resume")
    assert only(store).paused_seconds == 30
    drive.wait(10)
    drive.wait(10)  # both sides of the twist
    drive.do("pause")
    drive.clock.advance(5)
    drive.do("stop")  # quit at the dead bug, while paused
    record = only(store)
    assert record.status == "stopped"
    assert (record.steps_completed, record.steps_skipped) == (1, 1)
    assert record.skipped_steps == ("Chin tucks",)
    assert record.active_seconds == 26
    assert record.paused_seconds == 35
    assert record.ended_utc == record.started_utc + timedelta(seconds=61)


def test_a_step_cut_short_by_the_end_is_neither_completed_nor_skipped(
    store: SessionStore,
) -> None:
    drive = Driver(store, timeline(THREE))
    drive.start()
    drive.wait(12)  # get ready, chin tucks
    drive.wait(10)  # the twist's left side
    drive.wait(3)
    drive.do("stop")
    record = only(store)
    assert (record.steps_completed, record.steps_skipped, record.status) == (1, 0, "stopped")


def test_going_back_and_doing_a_step_after_all_counts_it_done(store: SessionStore) -> None:
    drive = Driver(store, timeline(THREE))
    drive.start()
    drive.wait(12)  # chin tucks done; the twist just started
    drive.do("back")  # within the grace: back to chin tucks, the twist left unfinished
    assert only(store).skipped_steps == ()  # going back is not skipping
    drive.wait(10)
    drive.wait(10)
    drive.wait(10)
    drive.do("done")  # the dead bug, an open step
    record = only(store)
    assert (record.status, record.steps_completed, record.steps_skipped) == ("completed", 3, 0)
    assert record.skipped_steps == ()


def test_ratings_are_checked(store: SessionStore) -> None:
    with pytest.raises(ValueError, match="0 to 10"):
        SessionRecorder(store, timeline(THREE), feel_before=11)
    drive = Driver(store, timeline(THREE))
    with pytest.raises(ValueError, match="0 to 10"):
        drive.recorder.rate(after=-1)
    drive.recorder.rate(before=3)  # before the start: kept for the row
    drive.start()
    drive.recorder.rate(note="x" * 5000)
    record = only(store)
    assert record.feel_before == 3 and record.note is not None and len(record.note) == 2000


def test_without_a_store_nothing_is_written_and_nothing_breaks() -> None:
    drive = Driver(None, timeline(THREE))
    drive.start()
    drive.wait(60)
    drive.recorder.rate(after=5)
    assert drive.recorder.session_id is None and drive.recorder.status_line is None


def test_a_log_that_fails_mid_routine_never_stops_it(store: SessionStore) -> None:
    plan = timeline(THREE)
    clock = FakeClock(0.0)
    recorder = SessionRecorder(store, plan)
    seen: list[int] = []

    def break_the_log_after_the_start(events: object, now: float) -> None:
        seen.append(1)
        if len(seen) == 2:
            store._db.close()  # the file's connection gone, as after a disk failure

    session = run_plain(
        plan,
        clock=clock,
        out=io.StringIO(),
        sleep=clock.advance,
        listeners=[recorder.on_events, break_the_log_after_the_start],
    )
    assert session.state is State.FINISHED
    line = recorder.status_line
    assert line is not None and "\n" not in line
    assert "could not write this session" in line and "the routine carries on" in line
    recorder.rate(after=5)  # neither raises


def test_a_progress_write_does_not_wait_for_a_locked_log(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = SessionStore.open(path)
    drive = Driver(store, timeline(THREE))
    drive.start()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    began = time.monotonic()
    drive.wait(12)
    assert time.monotonic() - began < 1.0  # the 2 s busy timeout was not waited out
    other.execute("COMMIT")
    assert drive.recorder.status_line is None
    assert only(store).steps_completed == 0  # not written yet...
    drive.wait(20)
    assert only(store).steps_completed == 2  # ...the next write carries everything

    # The end waits for the lock (and retries) rather than lose the outcome.
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    drive.do("done")
    assert drive.recorder.status_line is None
    assert only(store).status == "completed"
    store.close()
    other.close()


def test_a_read_only_log_gets_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    SessionStore.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    store = SessionStore.open(path)
    assert not store.writable
    drive = Driver(store, timeline(THREE))
    drive.start()
    drive.wait(100)
    assert drive.recorder.session_id is None
    assert drive.recorder.status_line is None  # the store's own line says it once
    store.close()


def test_a_naive_wall_clock_is_read_as_local_time(store: SessionStore) -> None:
    plan = timeline(THREE)
    recorder = SessionRecorder(store, plan, wall=lambda: datetime(2026, 5, 1, 9, 30))
    session = Session(plan)
    recorder.on_events(session.start(0.0), 0.0)
    record = only(store)
    assert record.local_start.replace(tzinfo=None) == datetime(2026, 5, 1, 9, 30)
