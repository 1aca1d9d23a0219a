"""The session log's file, on real SQLite files: modes, schema, damage, newer versions,
liveness, two processes at once, and the SQL totals against the pure reference."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import random
import re
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach import log
from coach.clock import FakeClock
from coach.history import SessionRecord, summarize
from coach.log import SCHEMA_VERSION, SessionRecorder, SessionStore
from coach.plain import run_plain

from .helpers import timeline
from .test_history import at, make

POSIX = os.name != "nt"
TINY = """
name = "Tiny"
prepare = 0
[[step]]
name = "One"
kind = "stretch"
duration = 1
[[step]]
name = "Two"
kind = "stretch"
duration = 1
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_once(store: SessionStore | None, text: str = TINY) -> SessionRecorder:
    """Follow a routine to its end on a fake clock, with a recorder listening."""
    clock = FakeClock(100.0)
    plan = timeline(text)
    recorder = SessionRecorder(store, plan)
    run_plain(
        plan, clock=clock, out=io.StringIO(), sleep=clock.advance, listeners=[recorder.on_events]
    )
    return recorder


def default_log(coach_home: Path) -> Path:
    return coach_home / "data" / "log.sqlite3"


# -- the file --------------------------------------------------------------------------------


def test_a_new_log_is_private_versioned_and_in_wal_mode(coach_home: Path) -> None:
    store = SessionStore.open()
    path = default_log(coach_home)
    assert store.path == path and store.writable and store.status_line is None
    run_once(store)
    if POSIX:
        assert mode(path.parent) == 0o700
        assert mode(path) == 0o600
        for companion in ("-wal", "-shm"):
            assert mode(path.with_name(path.name + companion)) == 0o600
        assert mode(path.with_name(path.name + ".live")) == 0o700
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT status FROM sessions").fetchall() == [("completed",)]


@pytest.mark.skipif(not POSIX, reason="file modes")
def test_loose_modes_are_put_right_on_opening(coach_home: Path) -> None:
    SessionStore.open().close()
    path = default_log(coach_home)
    os.chmod(path, 0o644)
    os.chmod(path.parent, 0o755)
    store = SessionStore.open()
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    store.close()


@pytest.mark.skipif(not POSIX, reason="file modes")
def test_a_log_named_by_path_leaves_an_existing_folder_alone(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    store = SessionStore.open(tmp_path / "mine.sqlite3")
    assert mode(tmp_path) == 0o755  # not ours to change
    assert mode(tmp_path / "mine.sqlite3") == 0o600
    store.close()


def test_an_empty_file_becomes_a_log(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"")
    store = SessionStore.open(path)
    assert store.status_line is None and store.writable
    assert run_once(store).session_id == 1
    store.close()


def test_forward_migrations_keep_the_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.sqlite3"
    store = SessionStore.open(path)
    run_once(store)
    store.close()
    later = [*log.MIGRATIONS, ("ALTER TABLE sessions ADD COLUMN mood TEXT",)]
    monkeypatch.setattr(log, "MIGRATIONS", later)
    monkeypatch.setattr(log, "SCHEMA_VERSION", len(later))
    store = SessionStore.open(path)
    assert store.status_line is None
    [record] = store.sessions()
    assert record.status == "completed"
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(later)
        assert "mood" in [row[1] for row in db.execute("PRAGMA table_info(sessions)")]


# -- damaged and newer files -----------------------------------------------------------------

ASIDE = re.compile(r"log\.sqlite3\.corrupt-\d{8}T\d{6}(-\d+)?$")


def aside_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ASIDE.match(p.name))


def test_a_file_that_is_not_a_database_is_moved_aside_never_deleted(coach_home: Path) -> None:
    path = default_log(coach_home)
    path.parent.mkdir(parents=True)
    garbage = b"this is not SQLite, it is a shopping list\n" * 200
    path.write_bytes(garbage)
    path.with_name(path.name + "-wal").write_bytes(b"stale wal")
    store = SessionStore.open()
    [moved] = aside_files(path.parent)
    assert moved.read_bytes() == garbage
    assert moved.with_name(moved.name + "-wal").read_bytes() == b"stale wal"
    line = store.status_line
    assert line is not None and "\n" not in line
    assert "damaged" in line and moved.name in line and "started a new one" in line
    # And it keeps working, in a fresh file where the old one was.
    assert store.writable and store.path == path
    assert run_once(store).status_line is None
    assert [r.status for r in store.sessions()] == ["completed"]
    store.close()
    again = SessionStore.open()
    assert again.status_line is None and len(again.sessions()) == 1
    again.close()


def test_another_programs_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    before = path.read_bytes()
    store = SessionStore.open(path)
    assert store.status_line is not None and "not a coach session log" in store.status_line
    [moved] = aside_files(tmp_path)
    assert moved.read_bytes() == before
    store.close()


def test_damage_found_by_a_query_later_moves_the_file_aside_then(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = SessionStore.open(path)
    store.add(make(at("2026-10-01") + timedelta(hours=n)) for n in range(40))
    store.close()
    with sqlite3.connect(path) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        [(root,)] = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'day_totals'")
    damaged = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    damaged[start : start + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(damaged))

    store = SessionStore.open(path)  # the quick look on opening does not reach that page
    assert store.status_line is None
    summary = store.summary(date(2026, 10, 2))
    # The totals are made again from the sessions, which are all still there.
    assert summary.total_sessions == 40
    assert store.status_line is not None and "damaged" in store.status_line
    assert "with all 40 sessions" in store.status_line and not store.incomplete
    [moved] = aside_files(tmp_path)
    assert moved.read_bytes() == bytes(damaged)
    # The routine after it is logged in the new file.
    assert run_once(store).status_line is None
    assert len(store.sessions()) == 41
    store.close()


def test_a_newer_log_is_read_never_written(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = SessionStore.open(path)
    store.add([make(at("2026-10-01")), make(at("2026-10-02"))])
    store.close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = digest(path)

    store = SessionStore.open(path)
    line = store.status_line
    assert line is not None and "\n" not in line
    assert "newer coach" in line and "not logged" in line
    assert not store.writable
    assert len(store.sessions()) == 2
    assert store.summary(date(2026, 10, 2)).total_sessions == 2
    recorder = run_once(store)
    assert recorder.session_id is None and recorder.status_line is None
    with pytest.raises(sqlite3.Error):
        store.add([make(at("2026-10-03"))])
    store.close()
    assert digest(path) == before
    assert not aside_files(tmp_path)


def test_a_newer_log_that_cannot_be_read_gives_no_log_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sessions_v9 (everything BLOB)")
        db.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, shape TEXT)")
        db.execute("PRAGMA user_version = 9")
    before = digest(path)
    store = SessionStore.open(path)
    assert store.status_line is not None and "newer coach" in store.status_line
    assert store.sessions() == []
    run_once(store)  # logged in memory at most; never in the file
    store.close()
    assert digest(path) == before


def test_a_log_that_cannot_be_made_gives_a_store_in_memory(coach_home: Path) -> None:
    coach_home.mkdir()
    (coach_home / "data").write_text("a file where the folder should be")
    store = SessionStore.open()
    assert store.path is None
    line = store.status_line
    assert line is not None and "cannot use the session log" in line and "\n" not in line
    assert run_once(store).status_line is None
    assert [r.status for r in store.sessions()] == ["completed"]
    store.close()


# -- liveness --------------------------------------------------------------------------------


def test_a_running_session_reads_as_running_while_its_store_lives(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    owner = SessionStore.open(path)
    plan = timeline(TINY)
    recorder = SessionRecorder(owner, plan)
    from coach.session import Session

    session = Session(plan)
    recorder.on_events(session.start(0.0), 0.0)
    recorder.on_events(session.tick(1.0), 1.0)
    other = SessionStore.open(path)  # another store on the same file (another screen)
    [seen] = other.sessions()
    assert (seen.status, seen.steps_completed, seen.ended_utc) == ("running", 1, None)
    owner.close()  # the owner goes without a word
    [seen] = other.sessions()
    assert seen.status == "interrupted"
    other.close()
    reopened = SessionStore.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT status, live_lock FROM sessions").fetchall() == [
            ("interrupted", None)
        ]
    assert list(path.with_name(path.name + ".live").iterdir()) == []
    reopened.close()


def test_a_running_row_without_its_lock_file_reads_as_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    SessionStore.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO sessions (routine_id, routine_name, started_utc, utc_offset_minutes, "
            "local_day, status, live_lock) VALUES ('x', 'X', '2026-10-01T08:00:00.000+00:00', "
            "0, '2026-10-01', 'running', 'feedfacefeedface')"
        )
    store = SessionStore.open(path)
    assert [r.status for r in store.sessions()] == ["interrupted"]
    store.close()


# -- two processes at once -------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import io, sys, time
    from pathlib import Path
    from coach.clock import FakeClock
    from coach.log import SessionRecorder, SessionStore
    from coach.plain import run_plain
    from coach.routine import parse_routine
    from coach.timeline import build_timeline

    path, routine_id, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    text = Path(sys.argv[4]).read_text()
    plan = build_timeline(parse_routine(text, routine_id=routine_id))
    store = SessionStore.open(path)
    assert store.status_line is None, store.status_line
    # Both start writing at the same moment: each waits until the other is ready.
    (path.parent / f"ready-{routine_id}").touch()
    while len(list(path.parent.glob("ready-*"))) < 2:
        time.sleep(0.005)
    for _ in range(count):
        clock = FakeClock(0.0)
        recorder = SessionRecorder(store, plan)
        run_plain(plan, clock=clock, out=io.StringIO(), sleep=clock.advance,
                  listeners=[recorder.on_events])
        assert recorder.status_line is None, recorder.status_line
        assert recorder.session_id is not None
    store.close()
    print("ok")
    """
)


def test_two_processes_logging_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    routine = tmp_path / "tiny.toml"
    routine.write_text(TINY, encoding="utf-8")
    count = 200
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(count), str(routine)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
        assert out.strip() == "ok"
    store = SessionStore.open(path)
    records = store.sessions()
    assert len(records) == 2 * count
    assert len({r.id for r in records}) == 2 * count
    assert {r.status for r in records} == {"completed"}
    assert {r.steps_completed for r in records} == {2}
    totals = {t.routine_id: t.sessions for t in store.summary(date.today()).per_routine}
    assert totals == {"first": count, "second": count}
    store.close()


# -- the SQL totals agree with the pure reference ----------------------------------------------


def random_records(rng: random.Random, count: int, today: date) -> list[SessionRecord]:
    records = []
    for n in range(count):
        offset = rng.choice([0, 60, 120, 540, -300, -240, 330])
        day = today - timedelta(days=rng.randrange(0, 400))
        when = datetime(day.year, day.month, day.day, tzinfo=timezone(timedelta(minutes=offset)))
        when += timedelta(minutes=rng.randrange(0, 24 * 60))
        rated = rng.random() < 0.4
        records.append(
            make(
                when,
                status=rng.choice(["completed", "completed", "stopped", "interrupted", "partial"]),
                minutes=round(rng.uniform(0, 30), 3),
                routine=rng.choice(["desk-break", "cool-down", "mine"]),
                before=rng.randrange(0, 11) if rated else None,
                after=rng.randrange(0, 11) if rated and rng.random() < 0.8 else None,
                number=n,
            )
        )
    return records


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_from_sql_matches_the_pure_one(tmp_path: Path, seed: int) -> None:
    today = date(2026, 12, 1)
    rng = random.Random(seed)
    store = SessionStore.open(tmp_path / "log.sqlite3")
    store.add(random_records(rng, 300, today))
    # Some of them edited afterwards, as a finish screen would: the totals follow.
    with sqlite3.connect(tmp_path / "log.sqlite3") as db:
        db.execute("UPDATE sessions SET feel_after = 9, status = 'completed' WHERE id % 7 = 0")
        db.execute("DELETE FROM sessions WHERE id % 11 = 0")
    fast = store.summary(today)
    slow = summarize(store.sessions(), today)
    assert fast.days.keys() == slow.days.keys()
    for day, minutes in slow.days.items():
        assert fast.days[day] == pytest.approx(minutes, abs=1e-6)
    assert (fast.current_streak, fast.best_streak) == (slow.current_streak, slow.best_streak)
    assert fast.week_minutes == pytest.approx(slow.week_minutes)
    assert fast.last_week_minutes == pytest.approx(slow.last_week_minutes)
    assert [(t.routine_id, t.name, t.sessions, t.completed) for t in fast.per_routine] == [
        (t.routine_id, t.name, t.sessions, t.completed) for t in slow.per_routine
    ]
    assert fast.total_sessions == slow.total_sessions
    assert fast.total_minutes == pytest.approx(slow.total_minutes)
    assert fast.feel_before_avg == pytest.approx(slow.feel_before_avg)
    assert fast.feel_after_avg == pytest.approx(slow.feel_after_avg)
    assert [(p.day, p.before, p.after) for p in fast.feel] == [
        (p.day, pytest.approx(p.before), pytest.approx(p.after)) for p in slow.feel
    ]
    assert [r.id for r in fast.recent] == [r.id for r in slow.recent]
    store.close()


def test_sessions_filters_newest_first(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "log.sqlite3")
    store.add(
        [
            make(at("2026-10-01"), routine="desk-break"),
            make(at("2026-10-02"), routine="cool-down"),
            make(at("2026-10-03", 8, +9), routine="desk-break"),  # 23:00 UTC on the 2nd
            make(at("2026-10-04"), routine="desk-break"),
        ]
    )
    days = [r.local_day.day for r in store.sessions()]
    assert days == [4, 3, 2, 1]
    assert [r.local_day.day for r in store.sessions(since=date(2026, 10, 3))] == [4, 3]
    assert [r.local_day.day for r in store.sessions(routine="desk-break", limit=2)] == [4, 3]
    assert store.sessions(routine="nothing") == []
    store.close()


@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0, reason="chown needs root")
def test_a_data_folder_another_user_owns_is_named(coach_home: Path) -> None:
    """Whoever owns the log's folder can swap the log for a file of theirs, or read the
    next one: coach used it without a word."""
    folder = coach_home / "data"
    folder.mkdir(parents=True)
    os.chown(folder, 65534, -1)
    with SessionStore.open() as store:
        assert store.writable
        assert store.status_line == (
            f"the data folder {folder} belongs to another user (uid 65534), who can read or "
            "replace your session log: give it to yourself (chown) or move COACH_HOME"
        )


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_a_data_folder_others_can_write_that_cannot_be_fixed_is_named(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 0777 folder is made 0700 on opening; where that fails (a file system that refuses
    chmod, a folder not the person's to change), it was used in silence. chmod is made to
    fail here: this machine's test user may change its own folder's mode."""
    folder = coach_home / "data"
    folder.mkdir(parents=True)
    folder.chmod(0o777)

    def refuse(path: object, mode: int, **kwargs: object) -> None:
        if Path(str(path)) == folder:
            raise PermissionError(errno.EPERM, "Operation not permitted")
        real_chmod(path, mode, **kwargs)  # type: ignore[arg-type]

    real_chmod = os.chmod
    monkeypatch.setattr(os, "chmod", refuse)
    with SessionStore.open() as store:
        assert store.status_line == (
            f"the data folder {folder} can be written by other users (mode 0777), who can "
            "read or replace your session log: chmod 700 it"
        )


def test_a_coach_home_that_is_a_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COACH_HOME=/etc/passwd said "cannot use the session log /etc/passwd/data/log.sqlite3
    (File exists)": which file, and why it matters, was left to guess."""
    home = tmp_path / "home-file"
    home.write_text("not a folder\n")
    monkeypatch.setenv("COACH_HOME", str(home))
    with SessionStore.open() as store:
        assert store.status_line == (
            f"cannot use the session log {home}/data/log.sqlite3 ({home} is a file, not a "
            "folder); sessions are kept only until coach closes"
        )
