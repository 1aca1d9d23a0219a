"""Faults on a real session log, through the real ``coach`` command: damaged pages (the
totals, the sessions themselves), a read-only file system, a full disk, another process
holding the log's lock. The log must never look fine when it is not: each fault says what
happened and where the damaged file went, keeps what can be kept, and a command that
cannot do its job exits non-zero. docs/session-log.md says the same, fault by fault.

A read-only file system and a full disk are a small tmpfs where this machine lets the test
mount one (root with CAP_SYS_ADMIN); otherwise a folder without write permission and a file
size limit (RLIMIT_FSIZE) stand in for them (``COACH_TEST_NO_MOUNT=1`` runs those here).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coach.log import SessionStore
from tests.test_history import make

ASIDE = re.compile(r"log\.sqlite3\.corrupt-\d{8}T\d{6}(-\d+)?")
TINY = (
    'name = "Tiny"\nprepare = 0\n[cues]\ncountdown = 0\nnext_up = false\n'
    '[[step]]\nname = "Hold"\nkind = "stretch"\nduration = "1s"\n'
)


def coach(
    *args: str,
    home: Path,
    preexec: Callable[[], None] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "coach", *args],
        env={**os.environ, "COACH_HOME": str(home)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def seed(home: Path, count: int, *, notes: bool = False) -> Path:
    """A log of ``count`` sessions, one a day back from today; its path."""
    now = datetime.now().astimezone().replace(hour=8, minute=0, second=0, microsecond=0)
    records = [make(now - timedelta(days=n), number=n) for n in range(count)]
    if notes:
        from dataclasses import replace

        records = [replace(r, note=f"session {n} " + "x" * 300) for n, r in enumerate(records)]
    path = home / "data" / "log.sqlite3"
    with SessionStore.open(path) as store:
        store.add(records)
    return path


def _pages(path: Path, table: str) -> tuple[int, list[int]]:
    """The page size, and the pages of ``table``'s b-tree: its root, then its children."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        [(root,)] = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
    data = path.read_bytes()
    page = data[(root - 1) * size : root * size]
    header = 100 if root == 1 else 0
    children: list[int] = []
    if page[header] in (0x02, 0x05):  # an interior page: its cells point at children
        cells = int.from_bytes(page[header + 3 : header + 5], "big")
        for n in range(cells):
            at = int.from_bytes(page[header + 12 + 2 * n : header + 14 + 2 * n], "big")
            children.append(int.from_bytes(page[at : at + 4], "big"))
        children.append(int.from_bytes(page[header + 8 : header + 12], "big"))
    return size, [root, *children]


def damage(path: Path, pages: list[int], size: int) -> None:
    data = bytearray(path.read_bytes())
    for page in pages:
        data[(page - 1) * size : page * size] = b"\xa5" * size
    path.write_bytes(bytes(data))


def aside(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ASIDE.fullmatch(p.name))


# -- damaged pages ---------------------------------------------------------------------------


def test_damaged_totals_are_rebuilt_from_the_sessions(coach_home: Path) -> None:
    """The day and routine totals can be made again from the sessions: nothing is lost, and
    the person is told what happened and where the damaged file went."""
    path = seed(coach_home, 30)
    for table in ("day_totals", "routine_totals"):
        size, pages = _pages(path, table)
        damage(path, pages[:1], size)

    result = coach("stats", home=coach_home)
    assert result.returncode == 0, result.stderr
    assert "all time: 30 sessions, 30 completed" in result.stdout
    [moved] = aside(path.parent)
    [line] = result.stderr.splitlines()
    assert "was damaged" in line and moved.name in line and "all 30 sessions" in line

    result = coach("log", "--limit", "100", home=coach_home)
    assert (result.returncode, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == 30


def test_damaged_session_pages_keep_every_session_that_can_be_read(coach_home: Path) -> None:
    """A damaged page of the sessions table loses the sessions on it, and only those: the
    rest are copied to a new log, the count of the lost ones is said, the command exits 1
    (its answer is not whole), and it never says "no sessions"."""
    path = seed(coach_home, 300, notes=True)
    size, pages = _pages(path, "sessions")
    assert len(pages) > 5, "the sessions span many pages"
    damage(path, [pages[2]], size)

    result = coach("log", "--limit", "1000", home=coach_home)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    [moved] = aside(path.parent)
    found = re.search(r"with (\d+) of 300 sessions", line)
    assert found and moved.name in line and "could not be read" in line, line
    kept = int(found.group(1))
    assert 200 < kept < 300
    assert len(result.stdout.splitlines()) == kept
    assert "no sessions" not in result.stdout

    result = coach("stats", home=coach_home)  # the new log: whole, and says nothing more
    assert (result.returncode, result.stderr) == (0, "")
    assert f"all time: {kept} sessions" in result.stdout


def test_a_log_where_nothing_can_be_read_never_says_no_sessions(coach_home: Path) -> None:
    path = seed(coach_home, 50, notes=True)
    size, pages = _pages(path, "sessions")
    damage(path, pages, size)  # the whole table, root and leaves
    result = coach("log", home=coach_home)
    assert result.returncode == 1
    assert "no sessions" not in result.stdout
    [moved] = aside(path.parent)
    [line] = result.stderr.splitlines()
    assert "damaged" in line and moved.name in line and "no session in it could be read" in line


# -- read-only and full file systems ---------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[bool]:
    """A tmpfs at ``folder``, if this machine allows mounting one (yields False if not)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = (
        os.geteuid() == 0
        and not os.environ.get("COACH_TEST_NO_MOUNT")
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
            capture_output=True,
            timeout=10,
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=10)


def _read_only(home: Path, mounted: bool) -> None:
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(home)], check=True, timeout=10)
    elif os.geteuid() != 0:
        for folder in (home / "data", home):
            folder.chmod(0o500)
    else:
        pytest.skip("root, and no mount allowed: a read-only folder cannot be made here")


def test_a_read_only_file_system_still_reads_the_log(tmp_path: Path) -> None:
    home = tmp_path / "ro-home"
    with tmpfs(home, "8m") as mounted:
        seed(home, 12)
        (tmp_path / "tiny.toml").write_text(TINY)
        _read_only(home, mounted)
        try:
            result = coach("log", home=home)
            assert result.returncode == 0, result.stderr
            assert len(result.stdout.splitlines()) == 12
            result = coach("export", "--format", "json", home=home)
            assert result.returncode == 0
            assert len(json.loads(result.stdout)) == 12
            result = coach("stats", home=home)
            assert "all time: 12 sessions" in result.stdout

            result = coach(
                "run", str(tmp_path / "tiny.toml"), "--plain", "--mute", "--no-sound", home=home
            )
            assert "Done" in result.stdout
            assert "session log" in result.stderr and "not logged" in result.stderr
        finally:
            if not mounted:
                for folder in (home, home / "data"):
                    folder.chmod(0o700)


def test_a_full_disk_still_reads_the_log_and_says_the_session_was_not_written(
    tmp_path: Path,
) -> None:
    home = tmp_path / "full-home"
    with tmpfs(home, "1m") as mounted:
        seed(home, 12)
        routine = tmp_path / "tiny.toml"
        routine.write_text(TINY)
        limit: Callable[[], None] | None = None
        if mounted:
            with contextlib.suppress(OSError), open(home / "filler", "wb") as filler:
                while True:
                    filler.write(b"\0" * 65536)
        else:

            def limit() -> None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

        result = coach("log", home=home, preexec=limit)
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 12
        result = coach(
            "run", str(routine), "--plain", "--mute", "--no-sound", home=home, preexec=limit
        )
        assert "Done" in result.stdout
        assert "session log" in result.stderr
        result = coach("log", home=home, preexec=limit)
        assert len(result.stdout.splitlines()) == 12  # the run above was not kept: and said so


def test_damage_on_a_read_only_file_system_is_read_where_it_lies(tmp_path: Path) -> None:
    home = tmp_path / "ro-damaged"
    with tmpfs(home, "8m") as mounted:
        path = seed(home, 30)
        size, pages = _pages(path, "day_totals")
        damage(path, pages[:1], size)
        _read_only(home, mounted)
        try:
            result = coach("stats", home=home)
            assert "all time: 30 sessions" in result.stdout
            assert "could not be moved aside" in result.stderr
            assert "all 30 sessions in it could be read" in result.stderr
            assert result.returncode == 0
        finally:
            if not mounted:
                for folder in (home, home / "data"):
                    folder.chmod(0o700)


def test_a_log_that_cannot_be_opened_fails_the_commands_that_read_it(coach_home: Path) -> None:
    """Not an empty log in memory in its place: `export` would save nothing, and say so
    with exit 0, to a backup script."""
    (coach_home / "data" / "log.sqlite3").mkdir(parents=True)
    for args in (["log"], ["stats"], ["export", "--format", "json"]):
        result = coach(*args, home=coach_home)
        assert result.returncode == 1, args
        assert result.stdout == "", args
        [line] = result.stderr.splitlines()
        assert line.startswith("coach: cannot use the session log"), line


def _fifo_log(data: Path) -> None:
    os.mkfifo(data / "log.sqlite3")


def _link_to_fifo_log(data: Path) -> None:
    os.mkfifo(data / "pipe")
    (data / "log.sqlite3").symlink_to(data / "pipe")


@pytest.mark.parametrize("make_log", [_fifo_log, _link_to_fifo_log], ids=["fifo", "link"])
def test_a_log_that_is_a_named_pipe_is_refused_not_waited_on(
    coach_home: Path, make_log: Callable[[Path], None]
) -> None:
    """Opening a FIFO to read its header waits for a writer that never comes: every
    command, and the app, hung before its first line."""
    data = coach_home / "data"
    data.mkdir(parents=True)
    make_log(data)
    for args in (["log"], ["stats"], ["export"]):
        result = coach(*args, home=coach_home, timeout=20)
        assert result.returncode == 1, args
        [line] = result.stderr.splitlines()
        assert line.startswith("coach: cannot use the session log"), line
        assert "is a named pipe (FIFO), not a session log" in line, line
    (coach_home / "config" / "routines").mkdir(parents=True)
    (coach_home / "config" / "routines" / "tiny.toml").write_text(TINY)
    result = coach("run", "tiny", "--plain", home=coach_home, timeout=20)
    assert "kept only until coach closes" in result.stderr
    assert stat.S_ISFIFO(os.stat(data / "log.sqlite3").st_mode)  # left as it was


# -- another process holding the lock ----------------------------------------------------------

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()  # until the test lets go
db.execute("COMMIT")
"""


def _hold_lock(path: Path) -> subprocess.Popen[str]:
    """Another process holding the log's write lock until a line arrives on its stdin."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _let_go(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    with contextlib.suppress(OSError):
        holder.stdin.write("\n")
        holder.stdin.close()
    holder.wait(timeout=30)


def test_a_session_finished_under_a_held_lock_is_written_when_it_frees(
    coach_home: Path, tmp_path: Path
) -> None:
    """Held from before the start until after the end: the session is kept in memory, the
    run says so, and it is written, whole, as soon as the lock frees."""
    path = seed(coach_home, 1)
    routine = tmp_path / "tiny.toml"
    routine.write_text(TINY)
    holder = _hold_lock(path)
    run = subprocess.Popen(
        [sys.executable, "-m", "coach", "run", str(routine), "--plain", "--mute", "--no-sound"],
        env={**os.environ, "COACH_HOME": str(coach_home)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stderr is not None
        first = run.stderr.readline()  # the routine is over, its session waits in memory
        assert "is locked by another program" in first and "kept" in first, first
    finally:
        _let_go(holder)
    out, rest = run.communicate(timeout=60)
    assert run.returncode == 0
    assert "Done" in out
    assert "was written once it freed" in rest, rest
    with SessionStore.open(path) as store:
        newest = store.sessions(limit=1)[0]
    assert newest.routine_id == "tiny"
    assert (newest.status, newest.steps_completed, newest.steps_total) == ("completed", 1, 1)
    assert newest.active_seconds >= 1.0


def test_a_lock_held_past_the_bound_says_the_session_was_not_written(
    coach_home: Path,
) -> None:
    """The wait is bounded (here 1 s): then the session is said not written, and the
    plain run exits 1."""
    from tests.test_log_store import run_once

    path = seed(coach_home, 1)
    holder = _hold_lock(path)
    try:
        store = SessionStore.open(path)
        store.lock_wait = 1.0
        recorder = run_once(store)
        store.close()
    finally:
        _let_go(holder)
    assert recorder.status_line is not None
    assert "locked" in recorder.status_line and "not written" in recorder.status_line
    with SessionStore.open(path) as store:
        assert [s.routine_id for s in store.sessions()] == ["desk-break"]


# -- the app ---------------------------------------------------------------------------------


def test_the_app_says_when_the_history_met_damage(coach_home: Path) -> None:
    """The history screen reads the totals: damage met there is told, as a notice, and the
    history shows every session copied to the new log (never an empty history in silence)."""
    import asyncio
    from datetime import date

    from textual.widgets import Static

    from coach.cli import log_news
    from coach.tui.history import HistoryScreen
    from tests.tui_helpers import make_app

    path = seed(coach_home, 30)
    size, pages = _pages(path, "day_totals")
    damage(path, pages[:1], size)
    store = SessionStore.open(path)
    harness = make_app(store=store, today=date.today())
    harness.app.services.log_news = log_news(store)  # as `coach` wires it

    async def go() -> None:
        async with harness.app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            messages = [n.message for n in harness.app._notifications]
            assert any("was damaged" in m and "all 30 sessions" in m for m in messages), messages
            await pilot.press("tab", "h")
            await pilot.pause()
            assert isinstance(harness.app.screen, HistoryScreen)
            assert "30 sessions" in str(harness.app.screen.query_one("#weeks", Static).render())

    try:
        asyncio.run(go())
    finally:
        store.close()
