"""The session log tells the truth: each step's outcome and every second, by one rule in the
core, the same in the session, plain mode and the log (a real SQLite file), whatever the
person presses."""

from __future__ import annotations

import io
import os
import queue
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach.clock import FakeClock
from coach.history import SessionRecord
from coach.log import SessionRecorder, SessionStore
from coach.outcome import Ending, StepOutcome
from coach.plain import run_plain
from coach.session import PROGRESS_EVERY, CueDue, Event, Session

from .helpers import timeline

DESK = """
name = "Desk"
prepare = "5s"
[[step]]
name = "Chin tucks"
kind = "strength"
duration = "30s"
[[step]]
name = "Shoulder squeezes"
kind = "strength"
duration = "30s"
[[step]]
name = "Neck side stretch"
kind = "stretch"
duration = "15s"
sides = true
"""
"""Get ready 0-5, chin tucks 5-35, shoulder squeezes 35-65, neck left 65-80, right 80-95."""
MORNING = datetime(2026, 3, 10, 8, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    with SessionStore.open(tmp_path / "log.sqlite3") as opened:
        yield opened


def outcomes(session: Session, now: float) -> dict[str, StepOutcome]:
    return {step.name: step.outcome for step in session.tally(now).steps}


def test_going_back_is_not_skipping_and_the_latest_visit_decides() -> None:
    """n on chin tucks, back twice, let it finish, stop 7 s into shoulder squeezes."""
    clock = FakeClock()
    session = Session(timeline(DESK))
    session.start(clock.now())
    session.tick(clock.advance(6))  # 1 s into chin tucks
    session.skip(clock.now())  # to shoulder squeezes
    session.back(clock.advance(1))  # back to chin tucks
    session.back(clock.advance(1))  # back to get ready
    session.tick(clock.advance(5 + 30 + 7))  # chin tucks done, 7 s into shoulder squeezes
    session.stop(clock.now())
    assert outcomes(session, clock.now()) == {
        "Chin tucks": StepOutcome.DONE,
        "Shoulder squeezes": StepOutcome.STOPPED_DURING,
        "Neck side stretch": StepOutcome.NOT_REACHED,
    }


def test_n_then_b_in_plain_mode_is_logged_as_it_happened(store: SessionStore) -> None:
    """The issue's plain run: n then b during shoulder squeezes, then q and y."""
    clock = FakeClock(100.0)
    plan = timeline(DESK)
    recorder = SessionRecorder(store, plan, wall=lambda: MORNING)
    script = iter([(40, "n"), (1, "b"), (1, "q"), (1, "y")])

    class Keys(queue.Queue[object]):
        """Each key comes in after its seconds (the loop waits for keys here)."""

        def get(self, block: bool = True, timeout: float | None = None) -> object:
            step = next(script, None)
            if step is None:
                raise AssertionError("the run should have ended")
            clock.advance(step[0])
            return step[1]

    out = io.StringIO()
    run_plain(plan, clock=clock, out=out, commands=Keys(), listeners=[recorder.on_events])
    text = out.getvalue()
    assert "[skipped Shoulder squeezes]" in text
    assert "[back to Shoulder squeezes]" in text
    [record] = store.sessions()
    assert record.status == "stopped"
    assert (record.steps_completed, record.steps_skipped) == (1, 0)
    assert record.skipped_steps == ()
    assert record.stopped_during == "Shoulder squeezes"


def test_an_open_step_is_in_the_finish_words() -> None:
    plan = timeline(
        """
        name = "Open"
        prepare = 0
        [[step]]
        name = "Hold"
        kind = "stretch"
        duration = "20s"
        [[step]]
        name = "Bridges"
        kind = "strength"
        reps = 5
        """
    )
    clock = FakeClock()
    session = Session(plan)
    session.start(clock.now())
    session.tick(clock.advance(20))
    events = session.done(clock.advance(2))
    [finish] = [e for e in events if isinstance(e, CueDue) and e.cue.kind.value == "finish"]
    assert finish.cue.text == "Done. Well done, that was 22 seconds."


def test_a_long_hold_is_written_every_few_seconds_not_only_at_its_end(
    store: SessionStore,
) -> None:
    plan = timeline(
        'name = "Long"\nprepare = 0\n[[step]]\nname = "Hold"\nkind = "stretch"\nduration = 60\n'
    )
    clock = FakeClock(10.0)
    session = Session(plan)
    recorder = SessionRecorder(store, plan, wall=lambda: MORNING)
    recorder.on_events(session.start(clock.now()), clock.now())
    for _ in range(40):  # 20 s, woken as often as the session asks
        deadline = session.next_deadline()
        assert deadline is not None and deadline <= clock.now() + 5
        clock.advance(0.5)
        recorder.on_events(session.tick(clock.now()), clock.now())
    [record] = store.sessions()
    assert record.status == "running"
    assert 17.0 <= record.active_seconds <= 20.0


def test_skipping_through_a_routine_is_not_completed(store: SessionStore) -> None:
    clock = FakeClock()
    plan = timeline(DESK)
    session = Session(plan)
    recorder = SessionRecorder(store, plan, wall=lambda: MORNING)
    events: list[Event] = session.start(clock.now())
    while not session.is_over:
        events += session.skip(clock.advance(1))
    recorder.on_events(events, clock.now())
    tally = session.tally(clock.now())
    assert tally.ending is Ending.PARTIAL
    assert not tally.completed
    [record] = store.sessions()
    assert record.status == "partial"
    assert store.summary(MORNING.date()).current_streak == 0


def test_most_of_the_exercise_done_is_completed() -> None:
    """Skipping one step of three, the rest done: completed."""
    clock = FakeClock()
    session = Session(timeline(DESK))
    session.start(clock.now())
    session.tick(clock.advance(6))
    session.skip(clock.now())  # chin tucks skipped after 1 s
    session.tick(clock.advance(70))  # the rest runs out
    tally = session.tally(clock.now())
    assert tally.ending is Ending.COMPLETED
    assert [s.outcome for s in tally.steps] == [
        StepOutcome.SKIPPED,
        StepOutcome.DONE,
        StepOutcome.DONE,
    ]
    assert tally.exercise == pytest.approx(61.0)
    assert tally.planned_exercise == 90.0


# -- the real command: kill -9, SIGTERM, SIGHUP, q then y ------------------------------------


def write_hold(coach_home: Path, seconds: int = 120) -> None:
    folder = coach_home / "config" / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hold.toml").write_text(
        f'name = "Hold"\nprepare = 0\n[[step]]\nname = "Long hold"\nkind = "stretch"\n'
        f'duration = {seconds}\n[[step]]\nname = "After"\nkind = "stretch"\nduration = 5\n',
        encoding="utf-8",
    )


def start_plain(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "coach", "run", *args, "--plain", "--mute", "--no-sound"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_row(deadline: float) -> SessionRecord:
    with SessionStore.open() as store:
        while time.monotonic() < deadline:
            records = store.sessions()
            if records:
                return records[0]
            time.sleep(0.05)
    raise AssertionError("no session row in time")


def lost_seconds(record: SessionRecord, at: datetime) -> float:
    """Seconds of the session the log does not hold, for a process ended at ``at``."""
    wall = (at - record.started_utc).total_seconds()
    return wall - record.active_seconds - record.paused_seconds


def finish(process: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_kill_9_loses_at_most_a_few_seconds(coach_home: Path) -> None:
    write_hold(coach_home)
    process = start_plain("hold")
    try:
        record = wait_for_row(time.monotonic() + 30)
        time.sleep(7.3)  # mid-hold, far from any cue or segment end
        process.send_signal(signal.SIGKILL)
        killed = datetime.now(timezone.utc)
    finally:
        finish(process)
    assert process.returncode == -signal.SIGKILL
    with SessionStore.open() as store:
        [record] = store.sessions()
    assert record.status == "interrupted"
    assert record.stopped_during == "Long hold"
    assert record.active_seconds > 4.0
    assert lost_seconds(record, killed) <= PROGRESS_EVERY + 1.0


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_terminated_plain_run_is_logged_as_ended_interrupted(coach_home: Path, name: str) -> None:
    write_hold(coach_home)
    process = start_plain("hold")
    try:
        wait_for_row(time.monotonic() + 30)
        time.sleep(3.3)
        process.send_signal(getattr(signal, name))
        sent = datetime.now(timezone.utc)
        out, _ = finish(process)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + getattr(signal, name)
    with SessionStore.open() as store:
        [record] = store.sessions()
    assert record.status == "interrupted"
    assert record.ended_utc is not None
    assert record.stopped_during == "Long hold"
    assert abs(lost_seconds(record, sent)) <= 1.0
    if name == "SIGTERM":
        assert "[interrupted]" in out


def test_q_asks_and_y_stops_with_exit_0(coach_home: Path) -> None:
    write_hold(coach_home)
    process = start_plain("hold")
    assert process.stdin is not None
    try:
        wait_for_row(time.monotonic() + 30)
        process.stdin.write("q\n")
        process.stdin.flush()
        time.sleep(1.0)  # the question is open: the routine waits
        process.stdin.write("y\n")
        process.stdin.flush()
        out, err = finish(process)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Stop this routine?" in out
    assert "[stopped]" in out
    with SessionStore.open() as store:
        [record] = store.sessions()
    assert record.status == "stopped"
    assert record.paused_seconds >= 0.5  # asking was a pause


def test_q_then_no_keeps_going() -> None:
    clock = FakeClock()
    out = io.StringIO()
    script = iter([(3, "q"), (10, ""), (1, "n"), (1, "n")])

    class Keys(queue.Queue[object]):
        def get(self, block: bool = True, timeout: float | None = None) -> object:
            step = next(script, None)
            if step is None:
                clock.advance(timeout or 0)
                raise queue.Empty
            clock.advance(step[0])
            return step[1]

    session = run_plain(timeline(DESK), clock=clock, out=out, commands=Keys())
    text = out.getvalue()
    assert "Stop this routine?" in text and "[resumed]" in text
    tally = session.tally(clock.now())
    assert tally.ending is Ending.COMPLETED
    assert tally.paused == pytest.approx(10.0)


def test_an_older_log_is_migrated_to_the_one_word_for_each_ending(tmp_path: Path) -> None:
    """A log from before: its "abandoned" sessions read (and are kept) as "stopped", and its
    totals still add up."""
    import sqlite3

    from coach.log import MIGRATIONS

    path = tmp_path / "log.sqlite3"
    old = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        old.execute(statement)
    old.execute("PRAGMA user_version = 1")
    columns = (
        "routine_id, routine_name, started_utc, utc_offset_minutes, local_day, "
        "active_seconds, status"
    )
    for status in ("completed", "abandoned", "interrupted"):
        old.execute(
            f"INSERT INTO sessions ({columns}) VALUES "
            f"('desk', 'Desk', '2026-11-18T07:00:00.000+00:00', 60, '2026-11-18', 60, ?)",
            (status,),
        )
    old.commit()
    old.close()
    with SessionStore.open(path) as store:
        statuses = sorted(r.status for r in store.sessions())
        summary = store.summary(MORNING.date().replace(month=11, day=18))
    assert statuses == ["completed", "interrupted", "stopped"]
    assert (summary.total_sessions, summary.completed_sessions) == (3, 1)
    raw = sqlite3.connect(path)
    assert sorted(s for (s,) in raw.execute("SELECT status FROM sessions")) == statuses
    raw.close()
