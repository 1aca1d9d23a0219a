"""The session log: every session, in a SQLite file in the user's data folder.

:class:`SessionStore` is the file: opened with :meth:`SessionStore.open`, it never raises for
a bad file. A damaged one is moved aside (``log.sqlite3.corrupt-20261201T194500``) and a new
one started; one written by a newer coach is left untouched and read, never written; a file
that cannot be used at all gives a store in memory. Each time, :attr:`status_line` says so in
one line. The file, its ``-wal`` and ``-shm`` companions and the folder are its owner's only
(0600 / 0700), set on creation and put right on opening.

:class:`SessionRecorder` listens to a session's events and writes its progress: a row as the
session starts, an update as each segment ends, the outcome at the finish. A process that
dies mid-routine leaves its row at "running" with the steps done so far; how coach tells
that the process is gone: each live session holds an exclusive lock on a small file of its
own (``log.sqlite3.live/<token>.lock``, ``flock`` or ``msvcrt.locking``). The kernel drops
the lock when the process ends however it ends, so a "running" row whose lock can be taken
is a session whose process is gone: it reads as interrupted everywhere, and the next coach
that opens the log writes it so. A process id would not do: ids are reused, and a lock
needs no clock, no ``/proc`` and no heartbeat.

Writing never stops a routine: every OSError and sqlite3 error while logging becomes one
status line, and the routine carries on.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from coach import history, paths
from coach.files import not_a_file
from coach.history import OLD_WORDS, STATUSES, SessionRecord, Summary
from coach.outcome import Scorecard
from coach.text import plural

if TYPE_CHECKING:
    from coach.session import Event
    from coach.timeline import Timeline

__all__ = [
    "EXPORT_FIELDS",
    "LOG_NAME",
    "SCHEMA_VERSION",
    "SessionRecord",
    "SessionRecorder",
    "SessionStore",
    "local_now",
]

_T = TypeVar("_T")

LOG_NAME = paths.LOG_NAME
BUSY_TIMEOUT_MS = 2000
"""How long a write waits for another coach process's write (each takes a millisecond)."""
QUICK_BUSY_MS = 20
"""How long a progress write waits before leaving it to the next one: the routine's loop
must not stall on a log someone else holds locked."""
WRITE_ATTEMPTS = 4
"""Attempts at a write that must land (the start of a session, its end, the ratings)."""
LOCK_WAIT = 30.0
"""Seconds a finished session waits, kept in memory, for a log another program holds
locked (a backup tool, a database browser left open). The routine's end never waits: the
session is written in the background as soon as the lock frees, and a command waits at
most this long on its way out."""
NOTE_LIMIT = 2000

_TOTALS = {
    # Per local day: the heat map, streaks, weeks, the back-feel trend and its averages.
    "day_totals": ("local_day", True),
    # Per routine, across all days.
    "routine_totals": ("routine_id", False),
}


def _totals_table(table: str, key: str, with_feel: bool) -> str:
    feel = (
        ", feel_before_sum INTEGER NOT NULL, feel_before_n INTEGER NOT NULL,"
        " feel_after_sum INTEGER NOT NULL, feel_after_n INTEGER NOT NULL"
        if with_feel
        else ""
    )
    return (
        f"CREATE TABLE {table} ({key} TEXT PRIMARY KEY, sessions INTEGER NOT NULL, "
        f"completed INTEGER NOT NULL, active_ms INTEGER NOT NULL{feel}) WITHOUT ROWID"
    )


def _add(table: str, key: str, with_feel: bool) -> str:
    """SQL adding the NEW row of sessions to a totals table."""
    values = [
        f"NEW.{key}",
        "1",
        "NEW.status = 'completed'",
        "CAST(round(NEW.active_seconds * 1000) AS INTEGER)",
    ]
    names = ["sessions", "completed", "active_ms"]
    if with_feel:
        values += [
            "coalesce(NEW.feel_before, 0)",
            "NEW.feel_before IS NOT NULL",
            "coalesce(NEW.feel_after, 0)",
            "NEW.feel_after IS NOT NULL",
        ]
        names += ["feel_before_sum", "feel_before_n", "feel_after_sum", "feel_after_n"]
    sums = ", ".join(f"{n} = {n} + excluded.{n}" for n in names)
    return (
        f"INSERT INTO {table} VALUES ({', '.join(values)}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {sums};"
    )


def _subtract(table: str, key: str, with_feel: bool) -> str:
    """SQL taking the OLD row of sessions away from a totals table."""
    changes = [
        "sessions = sessions - 1",
        "completed = completed - (OLD.status = 'completed')",
        "active_ms = active_ms - CAST(round(OLD.active_seconds * 1000) AS INTEGER)",
    ]
    if with_feel:
        changes += [
            "feel_before_sum = feel_before_sum - coalesce(OLD.feel_before, 0)",
            "feel_before_n = feel_before_n - (OLD.feel_before IS NOT NULL)",
            "feel_after_sum = feel_after_sum - coalesce(OLD.feel_after, 0)",
            "feel_after_n = feel_after_n - (OLD.feel_after IS NOT NULL)",
        ]
    return (
        f"UPDATE {table} SET {', '.join(changes)} WHERE {key} = OLD.{key}; "
        f"DELETE FROM {table} WHERE {key} = OLD.{key} AND sessions <= 0;"
    )


def _totals_schema() -> tuple[str, ...]:
    tables = [_totals_table(t, key, feel) for t, (key, feel) in _TOTALS.items()]
    add = " ".join(_add(t, key, feel) for t, (key, feel) in _TOTALS.items())
    subtract = " ".join(_subtract(t, key, feel) for t, (key, feel) in _TOTALS.items())
    return (
        *tables,
        f"CREATE TRIGGER sessions_added AFTER INSERT ON sessions BEGIN {add} END",
        f"CREATE TRIGGER sessions_removed AFTER DELETE ON sessions BEGIN {subtract} END",
        "CREATE TRIGGER sessions_changed AFTER UPDATE OF local_day, routine_id, status, "
        f"active_seconds, feel_before, feel_after ON sessions BEGIN {subtract} {add} END",
    )


MIGRATIONS: list[tuple[str, ...]] = [
    # 1: the sessions, and their totals per local day and per routine. The local day a
    # session started on has its own column; the totals are kept by triggers in the same
    # transaction as each write (whole milliseconds, so adding and taking away is exact),
    # so the history screen reads a row a day however many sessions the log holds.
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine_id TEXT NOT NULL,
            routine_name TEXT NOT NULL,
            digest TEXT NOT NULL DEFAULT '',
            started_utc TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL,
            local_day TEXT NOT NULL,
            ended_utc TEXT,
            updated_utc TEXT,
            planned_seconds REAL NOT NULL DEFAULT 0,
            active_seconds REAL NOT NULL DEFAULT 0,
            paused_seconds REAL NOT NULL DEFAULT 0,
            steps_completed INTEGER NOT NULL DEFAULT 0,
            steps_skipped INTEGER NOT NULL DEFAULT 0,
            steps_total INTEGER NOT NULL DEFAULT 0,
            skipped_steps TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL
                CHECK (status IN ('running', 'completed', 'abandoned', 'interrupted')),
            feel_before INTEGER CHECK (feel_before BETWEEN 0 AND 10),
            feel_after INTEGER CHECK (feel_after BETWEEN 0 AND 10),
            note TEXT,
            live_lock TEXT
        )""",
        "CREATE INDEX sessions_by_start ON sessions (started_utc)",
        "CREATE INDEX sessions_by_day ON sessions (local_day)",
        "CREATE INDEX sessions_by_routine ON sessions (routine_id, started_utc)",
        "CREATE INDEX sessions_running ON sessions (status) WHERE status = 'running'",
        *_totals_schema(),
    ),
    # 2: the break reminder's offers and the answers to them, one row each, with the local
    # day they happened on (``coach stats`` counts breaks taken and skipped per day).
    (
        """CREATE TABLE breaks (
            id INTEGER PRIMARY KEY,
            at_utc TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL,
            local_day TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('offered', 'started', 'snoozed', 'skipped')),
            routine_id TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX breaks_by_day ON breaks (local_day, kind)",
    ),
]

_SESSIONS_V2 = """CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    routine_id TEXT NOT NULL,
    routine_name TEXT NOT NULL,
    digest TEXT NOT NULL DEFAULT '',
    started_utc TEXT NOT NULL,
    utc_offset_minutes INTEGER NOT NULL,
    local_day TEXT NOT NULL,
    ended_utc TEXT,
    updated_utc TEXT,
    planned_seconds REAL NOT NULL DEFAULT 0,
    active_seconds REAL NOT NULL DEFAULT 0,
    paused_seconds REAL NOT NULL DEFAULT 0,
    steps_completed INTEGER NOT NULL DEFAULT 0,
    steps_skipped INTEGER NOT NULL DEFAULT 0,
    steps_total INTEGER NOT NULL DEFAULT 0,
    skipped_steps TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL
        CHECK (status IN ('running', 'completed', 'partial', 'stopped', 'interrupted')),
    feel_before INTEGER CHECK (feel_before BETWEEN 0 AND 10),
    feel_after INTEGER CHECK (feel_after BETWEEN 0 AND 10),
    note TEXT,
    live_lock TEXT,
    stopped_during TEXT,
    exercise_seconds REAL
)"""
_V1_COLUMNS = (
    "id, routine_id, routine_name, digest, started_utc, utc_offset_minutes, local_day, "
    "ended_utc, updated_utc, planned_seconds, active_seconds, paused_seconds, "
    "steps_completed, steps_skipped, steps_total, skipped_steps, status, feel_before, "
    "feel_after, note, live_lock"
)

MIGRATIONS.append(
    # 2: one word for each way a session ends (a stop you chose was "abandoned": now
    # "stopped"; a routine run to its end with most of it skipped is "partial"), the step a
    # session was stopped during, and the exercise seconds done. SQLite cannot change a
    # CHECK in place: the table is made anew and the rows copied, in the same transaction.
    # The totals keep their rows: "completed" rows stay completed.
    (
        "DROP TRIGGER sessions_added",
        "DROP TRIGGER sessions_removed",
        "DROP TRIGGER sessions_changed",
        "ALTER TABLE sessions RENAME TO sessions_v1",
        _SESSIONS_V2,
        f"INSERT INTO sessions ({_V1_COLUMNS}) SELECT "
        + _V1_COLUMNS.replace(
            "status,", "CASE status WHEN 'abandoned' THEN 'stopped' ELSE status END,"
        )
        + " FROM sessions_v1",
        "DROP TABLE sessions_v1",
        "CREATE INDEX sessions_by_start ON sessions (started_utc)",
        "CREATE INDEX sessions_by_day ON sessions (local_day)",
        "CREATE INDEX sessions_by_routine ON sessions (routine_id, started_utc)",
        "CREATE INDEX sessions_running ON sessions (status) WHERE status = 'running'",
        *_totals_schema()[len(_TOTALS) :],
    )
)
"""Forward migrations: entry N-1 takes a log from schema N-1 to N (``PRAGMA user_version``).
Only ever append."""

SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    "id",
    "routine_id",
    "routine_name",
    "digest",
    "started_utc",
    "utc_offset_minutes",
    "ended_utc",
    "planned_seconds",
    "active_seconds",
    "paused_seconds",
    "steps_completed",
    "steps_skipped",
    "steps_total",
    "status",
    "feel_before",
    "feel_after",
    "note",
    "skipped_steps",
    "updated_utc",
    "live_lock",
    "stopped_during",
    "exercise_seconds",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM sessions"
_WRITABLE = frozenset(_COLUMNS[1:]) | {"local_day"}


def local_now() -> datetime:
    """The wall clock, as an aware datetime in the local offset."""
    return datetime.now().astimezone()


# -- small helpers ---------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _reason(error: BaseException) -> str:
    """An error as a few words on one line."""
    if isinstance(error, OSError) and error.strerror:
        text = error.strerror
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())


def _is_busy(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _is_damage(error: sqlite3.Error) -> bool:
    """True when the file itself is bad (not a database, malformed), not just unusable now."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
    text = str(error).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


class _Busy(Exception):
    """Another process holds the log's write lock; a progress write leaves it for later."""


class _Later:
    """A finished session kept in memory until another program lets go of the log's lock."""

    def __init__(self, session_id: int | None, fields: dict[str, object]) -> None:
        self.session_id = session_id
        """Its row, when one was written before the lock was taken; else it is inserted."""
        self.fields = fields
        self.settled = threading.Event()
        self.line: str | None = None
        """How it ended, for the person: written once the lock freed, or not written."""
        self.written = False


class _Damaged(Exception):
    """The file is not SQLite, not a coach log, or SQLite finds it malformed."""


def _private_folder(folder: Path, *, fix: bool) -> str | None:
    """Make ``folder`` (0700 when created); with ``fix``, take away others' access (where
    that can be done: a read-only file system keeps its modes, and is still read). Returns
    a line when the folder stays open to others: whoever can write in it can swap the log
    for a file of theirs."""
    paths.private_folder(folder)
    if not fix or os.name == "nt":
        return None
    info = folder.stat()
    mode = info.st_mode & 0o777
    if mode & 0o077:
        with contextlib.suppress(OSError):
            os.chmod(folder, mode & 0o700)
        mode = folder.stat().st_mode & 0o777
    risk = "who can read or replace your session log"
    if info.st_uid != os.geteuid():
        return (
            f"the data folder {folder} belongs to another user (uid {info.st_uid}), {risk}: "
            "give it to yourself (chown) or move COACH_HOME"
        )
    if mode & 0o022:
        return (
            f"the data folder {folder} can be written by other users (mode {mode:04o}), "
            f"{risk}: chmod 700 it"
        )
    return None


def _fix_file_modes(path: Path) -> None:
    """The log and its companions readable and writable by their owner only."""
    if os.name == "nt":
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        target = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            if target.stat().st_mode & 0o077:
                os.chmod(target, 0o600)


def _create_private(path: Path) -> None:
    """Create an empty file, 0600 from its first moment, unless it already exists."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _aside_name(path: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    return candidate


def _move_aside(path: Path, seen: os.stat_result | None) -> Path | None:
    """Rename a damaged log (and its -wal, -shm, -journal) to a timestamped name; never
    delete. None when another process already did (the file is no longer the one we saw)."""
    try:
        now_stat = path.stat()
    except FileNotFoundError:
        return None
    if seen is not None and (now_stat.st_dev, now_stat.st_ino) != (seen.st_dev, seen.st_ino):
        return None
    target = _aside_name(path, datetime.now())
    os.rename(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            os.rename(companion, target.with_name(target.name + suffix))
    return target


# -- liveness: one locked file per live session ---------------------------------------------


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting: True if taken."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


class _LiveLock:
    """Held by the process running a session, for as long as it runs.

    Made under a temporary name, locked, then renamed into place, so no other process can
    ever see the file unlocked while its owner lives.
    """

    def __init__(self, folder: Path) -> None:
        self.token = os.urandom(8).hex()
        self.path = folder / f"{self.token}.lock"
        temporary = folder / f".{self.token}.tmp"
        made = self.path if sys.platform == "win32" else temporary
        fd = os.open(made, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            if not _try_lock(fd):
                raise OSError(errno.ENOLCK, "could not lock a new file")
            os.write(fd, f"{os.getpid()}\n".encode())
            if made != self.path:
                os.replace(made, self.path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                made.unlink()
            raise
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        # Gone from its name before it is unlocked, so nobody finds it free and takes it
        # for a dead session's. (Windows cannot remove an open file: close it first there.)
        steps: list[Callable[[], object]] = [self.path.unlink, partial(os.close, self._fd)]
        for step in reversed(steps) if sys.platform == "win32" else steps:
            with contextlib.suppress(OSError):
                step()
        self._fd = None


def _lock_is_held(path: Path, *, clean: bool = True) -> bool:
    """Is a live process holding this session's lock? If not, the stale file is removed
    (with ``clean``).

    A lock that cannot be tested counts as not held: a live owner's next write puts its row
    back to "running", while a dead one's row would otherwise read as running for ever.
    """
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        try:
            taken = _try_lock(fd)
        except OSError:
            return False
        if not taken:
            return True
        if clean:
            with contextlib.suppress(OSError):
                path.unlink()
        return False
    finally:
        os.close(fd)


# -- the store -------------------------------------------------------------------------------


class SessionStore:
    """The session log: sessions in, records and summaries out. Safe to share between
    threads (one lock around the connection)."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        path: Path | None,
        writable: bool,
        status_line: str | None = None,
    ) -> None:
        self._db = connection
        self.path = path
        """The file; None for a store in memory."""
        self.writable = writable
        """False for a log from a newer coach: it is read, never written."""
        self.status_line = status_line
        """One line to show the person once (moved aside, newer version, cannot write)."""
        self._mutex = threading.RLock()
        self._live: dict[int, _LiveLock | None] = {}
        self._live_dir = None if path is None else path.with_name(path.name + ".live")
        self._closed = False
        self._seen: os.stat_result | None = None
        self.incomplete = False
        """True when an answer may lack sessions the log held (damage lost some, or the
        file could not be read): the commands show what they have and exit 1."""
        self.lock_wait = LOCK_WAIT
        """Seconds a finished session waits in memory for a log held locked elsewhere."""
        self._later: list[_Later] = []
        self._later_thread: threading.Thread | None = None
        self._later_deadline = 0.0

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> SessionStore:
        """Open the log (default: ``paths.data_dir() / "log.sqlite3"``), creating it.

        Never raises for a bad file: the store then works in memory or read-only and
        :attr:`status_line` says why.
        """
        default = path is None
        target = paths.log_file() if path is None else Path(path)
        try:
            return cls._open_file(target, fix_folder=default)
        except Exception as error:  # never a traceback for the log
            return cls.in_memory(
                f"cannot use the session log {target} ({_reason(error)}); "
                "sessions are kept only until coach closes"
            )

    @classmethod
    def in_memory(cls, status_line: str | None = None) -> SessionStore:
        """A log that lasts as long as the process: for when the file cannot be used, and
        for tests of the app."""
        connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _migrate(connection)
        return cls(connection, path=None, writable=True, status_line=status_line)

    @classmethod
    def _open_file(cls, path: Path, *, fix_folder: bool, tries: int = 3) -> SessionStore:
        if tries <= 0:
            raise OSError(errno.EIO, "it is damaged again each time it is made anew")
        folder_warning = None
        try:
            folder_warning = _private_folder(path.parent, fix=fix_folder)
            _create_private(path)
        except OSError:
            if not path.is_file():
                raise
            # A read-only file system, or a full one: reading needs no write access.
        seen = path.stat()
        # A FIFO (or a link to one, or to /dev/tty) would hold the first read for ever.
        problem = not_a_file(seen.st_mode, "a session log")
        if problem:
            raise OSError(errno.EINVAL, problem)
        if _has_foreign_header(path):
            return cls._replace_damaged(path, seen, "not an SQLite file", fix_folder, tries)
        # First a look that cannot write: a newer coach's file stays byte for byte as it is.
        look = _connect(path, read_only=True)
        try:
            version = _probe(look)
        except _Damaged as damage:
            look.close()
            return cls._replace_damaged(path, seen, str(damage), fix_folder, tries)
        except BaseException:
            look.close()
            raise
        if version > SCHEMA_VERSION:
            return cls._open_newer(path, version, look)
        look.close()
        connection = _connect(path)
        try:
            _prepare(connection)
        except sqlite3.Error as error:
            connection.close()
            if isinstance(error, sqlite3.DatabaseError) and _is_damage(error):
                return cls._replace_damaged(path, seen, _reason(error), fix_folder, tries)
            return cls._open_read_only(path, _cannot_write(path, error))
        store = cls(connection, path=path, writable=True, status_line=folder_warning)
        store._seen = seen
        try:
            _fix_file_modes(path)
            assert store._live_dir is not None
            _private_folder(store._live_dir, fix=True)
            store._sweep()
        except sqlite3.DatabaseError as error:
            connection.close()
            if isinstance(error, sqlite3.OperationalError) or not _is_damage(error):
                return cls._open_read_only(path, _cannot_write(path, error))
            return cls._replace_damaged(path, seen, _reason(error), fix_folder, tries)
        except OSError as error:
            connection.close()
            return cls._open_read_only(path, _cannot_write(path, error))
        return store

    @classmethod
    def _replace_damaged(
        cls, path: Path, seen: os.stat_result, reason: str, fix_folder: bool, tries: int
    ) -> SessionStore:
        try:
            moved = _move_aside(path, seen)
        except OSError as error:
            # Read where it lies, into memory: what can be read is still shown.
            store = cls.in_memory()
            kept, known = store._copy_from(path)
            store.incomplete = known is None or kept < known
            store.status_line = (
                f"the session log {path} is damaged ({reason}) and could not be moved aside "
                f"({_reason(error)}); {_kept_words(kept, known)}, kept only until coach closes"
            )
            return store
        store = cls._open_file(path, fix_folder=fix_folder, tries=tries - 1)
        if moved is not None:
            kept, known = store._copy_from(moved) if store.writable else (0, None)
            store.incomplete = store.incomplete or known is None or kept < known
            store.status_line = _damage_line(path, reason, moved, kept, known)
        return store

    def _copy_from(
        self, source: Path, skip: frozenset[int] = frozenset()
    ) -> tuple[int, int | None]:
        """Copy every session that can be read from the damaged log ``source`` into this
        one, ids and all (the day and routine totals follow, by the triggers): how many were
        copied, and how many it held (None when that cannot be told)."""
        names = ", ".join(_COPIED)
        sql = f"INSERT OR IGNORE INTO sessions ({names}) VALUES ({', '.join('?' * len(_COPIED))})"
        count = "SELECT count(*) FROM sessions"

        def take(rows: list[tuple[Any, ...]]) -> None:
            # OR IGNORE: a row read twice, or one the damage garbled past its checks, is
            # left out, not the whole batch.
            self._db.executemany(sql, [row for row in rows if row[0] not in skip])

        with self._mutex:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    before = int(self._db.execute(count).fetchone()[0])
                    known = _salvage(source, take)
                    after = int(self._db.execute(count).fetchone()[0])
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error:
                return 0, None  # the new log stays empty; the damaged file stays aside
        return after - before, known

    @classmethod
    def _open_newer(cls, path: Path, version: int, look: sqlite3.Connection) -> SessionStore:
        line = (
            f"the session log {path} is from a newer coach (format {version}, this one "
            f"knows {SCHEMA_VERSION}); left as it is: this session is not logged"
        )
        return cls._open_read_only(path, line, look)

    @classmethod
    def _open_read_only(
        cls, path: Path, line: str, connection: sqlite3.Connection | None = None
    ) -> SessionStore:
        try:
            if connection is None:
                connection = _connect(path, read_only=True)
            # Its sessions are read only if they have the columns this coach knows.
            connection.execute(_SELECT + " LIMIT 0").fetchall()
        except sqlite3.Error:
            if connection is not None:
                connection.close()
            return cls.in_memory(line + " (and it cannot be read here)")
        return cls(connection, path=path, writable=False, status_line=line)

    def _sweep(self) -> None:
        """Write "interrupted" on the rows of sessions whose process is gone, and clear
        their lock files."""
        with self._mutex:
            rows = self._db.execute(
                "SELECT id, live_lock FROM sessions WHERE status = 'running'"
            ).fetchall()
            for session_id, token in rows:
                if not self._is_live(session_id, token):
                    # Only if still running: its owner may have just written its end.
                    self._retry(
                        partial(
                            self._db.execute,
                            "UPDATE sessions SET status = 'interrupted', live_lock = NULL "
                            "WHERE id = ? AND status = 'running'",
                            (session_id,),
                        )
                    )
        if self._live_dir is not None:
            with contextlib.suppress(OSError):
                for stale in self._live_dir.glob("*.lock"):
                    _lock_is_held(stale)

    def _is_live(self, session_id: int, token: str | None) -> bool:
        if session_id in self._live:
            return True
        if token is None or self._live_dir is None:
            return False
        return _lock_is_held(self._live_dir / f"{token}.lock", clean=self.writable)

    # -- reading ----------------------------------------------------------------------------

    def sessions(
        self,
        *,
        since: date | None = None,
        routine: str | None = None,
        limit: int | None = None,
    ) -> list[SessionRecord]:
        """Sessions, newest first: from the local day ``since`` on, of one ``routine`` id,
        at most ``limit``. A session whose process is gone reads as interrupted."""
        return self._reading(
            lambda: list(self.iter_sessions(since=since, routine=routine, limit=limit)), list
        )

    def _reading(self, query: Callable[[], _T], empty: Callable[[], _T]) -> _T:
        """Run a query. Damage found on the way: the file is replaced by a new one holding
        every session that could be read, and the query asked again of that (so the answer
        is never "no sessions" for want of a totals page). Any other failure: ``empty()``,
        :attr:`status_line` says why and :attr:`incomplete` is set."""
        for attempt in range(2):
            try:
                return query()
            except (sqlite3.Error, OSError, ValueError) as error:
                if attempt == 0 and self._read_damaged(error):
                    continue
                self._read_failed(error)
                break
        return empty()

    def iter_sessions(
        self,
        *,
        since: date | None = None,
        routine: str | None = None,
        limit: int | None = None,
        batch: int = 100,
    ) -> Iterator[SessionRecord]:
        """What :meth:`sessions` gives, read ``batch`` rows at a time (flat memory for a log
        of any size). Raises sqlite3.Error, OSError or ValueError for a log it cannot read."""
        where, values = _filter(since, routine)
        sql = f"{_SELECT}{where} ORDER BY started_utc DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            values.append(max(0, limit))
        with self._mutex:
            cursor = self._db.execute(sql, values)
        while True:
            with self._mutex:
                rows = cursor.fetchmany(batch)
                records = [self._record(row) for row in rows]
            if not records:
                return
            yield from records

    def count(self, *, since: date | None = None, routine: str | None = None) -> int:
        """How many sessions :meth:`sessions` would give without a limit (0 when the log
        cannot be read)."""
        where, values = _filter(since, routine)
        try:
            with self._mutex:
                return int(
                    self._db.execute(f"SELECT count(*) FROM sessions{where}", values).fetchone()[0]
                )
        except (sqlite3.Error, OSError) as error:
            self._read_failed(error)
            return 0

    def export_rows(self, batch: int = 100) -> Iterator[tuple[object, ...]]:
        """Every session, oldest first, as the values of :data:`EXPORT_FIELDS`, read from the
        file ``batch`` rows at a time: memory stays flat however long the log. Raises
        sqlite3.Error when the file cannot be read (an export must not look complete when it
        is not)."""
        with self._mutex:
            cursor = self._db.execute(_EXPORT_SELECT)
        while True:
            with self._mutex:
                rows = cursor.fetchmany(batch)
            if not rows:
                return
            for row in rows:
                yield self._export_row(row)

    def _export_row(self, row: Sequence[Any]) -> tuple[object, ...]:
        """One session's export values, straight from its row: the times are stored as
        :func:`_iso` wrote them and the local day as :func:`history.local_day` gave it, so
        only the local start is worked out (as :attr:`SessionRecord.local_start` does)."""
        (sid, rid, name, digest, status, live, day, started, offset, *rest) = row
        if status == "running" and not self._is_live(sid, live):
            status = "interrupted"
        skipped = rest[-6]  # before stopped_during, exercise_seconds and the feel and note
        rest[-6] = [] if skipped in ("[]", "", None) else [str(n) for n in json.loads(skipped)]
        local = datetime.fromisoformat(started).astimezone(_zone(offset))
        return (
            sid,
            rid,
            name,
            digest,
            status,
            day,
            local.isoformat(timespec="seconds"),
            started,
            offset,
            *rest,
        )

    def summary(self, today: date) -> Summary:
        """Everything the history screen shows, added up in SQL; ``today`` is the person's
        local date."""
        return self._reading(partial(self._summary, today), partial(history.empty_summary, today))

    def _summary(self, today: date) -> Summary:
        with self._mutex:
            day_rows = self._db.execute(
                "SELECT local_day, active_ms, completed, feel_before_sum, feel_before_n, "
                "feel_after_sum, feel_after_n FROM day_totals"
            ).fetchall()
            routine_rows = self._db.execute(
                "SELECT routine_id, sessions, completed, active_ms FROM routine_totals"
            ).fetchall()
            names = {
                rid: self._db.execute(
                    "SELECT routine_name FROM sessions WHERE routine_id = ? "
                    "ORDER BY started_utc DESC LIMIT 1",
                    (rid,),
                ).fetchone()
                for rid, *_ in routine_rows
            }
            recent = list(self.iter_sessions(limit=history.RECENT))
        days: dict[date, float] = {}
        completed_days: list[date] = []
        feel: list[history.FeelPoint] = []
        sums = [0, 0, 0, 0]
        for day_text, active_ms, completed, b_sum, b_n, a_sum, a_n in day_rows:
            day = date.fromisoformat(day_text)
            days[day] = active_ms / 60_000
            if completed:
                completed_days.append(day)
            if b_n or a_n:
                feel.append(
                    history.FeelPoint(
                        day, b_sum / b_n if b_n else None, a_sum / a_n if a_n else None
                    )
                )
            for n, value in enumerate((b_sum, b_n, a_sum, a_n)):
                sums[n] += value
        per_routine = [
            history.RoutineTotal(
                rid, (names.get(rid) or (rid,))[0], count, active_ms / 60_000, completed
            )
            for rid, count, completed, active_ms in routine_rows
        ]
        return history.assemble(
            today=today,
            days=days,
            completed_days=completed_days,
            per_routine=per_routine,
            recent=recent,
            feel=feel,
            feel_sums=(float(sums[0]), sums[1], float(sums[2]), sums[3]),
        )

    def _record(self, row: Sequence[Any]) -> SessionRecord:
        values = dict(zip(_COLUMNS, row, strict=True))
        status = values["status"]
        if status == "running" and not self._is_live(values["id"], values["live_lock"]):
            status = "interrupted"
        status = OLD_WORDS.get(status, status)
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r} in session {values['id']}")
        skipped = json.loads(values["skipped_steps"] or "[]")
        started = _moment(values["started_utc"])
        assert started is not None
        return SessionRecord(
            id=values["id"],
            routine_id=values["routine_id"],
            routine_name=values["routine_name"],
            digest=values["digest"],
            started_utc=started,
            utc_offset_minutes=values["utc_offset_minutes"],
            ended_utc=_moment(values["ended_utc"]),
            planned_seconds=values["planned_seconds"],
            active_seconds=values["active_seconds"],
            paused_seconds=values["paused_seconds"],
            steps_completed=values["steps_completed"],
            steps_skipped=values["steps_skipped"],
            steps_total=values["steps_total"],
            status=status,
            feel_before=values["feel_before"],
            feel_after=values["feel_after"],
            note=values["note"],
            skipped_steps=tuple(str(name) for name in skipped),
            updated_utc=_moment(values["updated_utc"]),
            stopped_during=values["stopped_during"],
            exercise_seconds=values["exercise_seconds"],
        )

    def _read_damaged(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.DatabaseError) and self._damaged(error)

    def _read_failed(self, error: BaseException) -> None:
        where = self.path if self.path is not None else "in memory"
        self.status_line = f"cannot read the session log {where} ({_reason(error)})"
        self.incomplete = True

    def _damaged(self, error: sqlite3.DatabaseError) -> bool:
        """A query found the file damaged: move it aside, start a new one and copy into it
        every session that can still be read (the totals follow). A file that cannot be
        moved (read-only) is read where it lies, into memory. False when the error is not
        damage or nothing could be done."""
        if not _is_damage(error) or self.path is None or self._closed:
            return False
        path = self.path
        reason = _reason(error)
        with self._mutex:
            # This process's running sessions are written again, whole, by their recorders.
            mine = frozenset(self._live)
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            for lock in self._live.values():
                if lock is not None:
                    lock.release()
            self._live.clear()
            failure: Exception | None = None
            moved: Path | None = None
            if self.writable:
                try:
                    moved = _move_aside(path, self._seen)
                    fresh = SessionStore._open_file(path, fix_folder=False)
                except Exception as problem:
                    failure = problem
            else:
                failure = OSError(errno.EROFS, "it cannot be written here")
            if failure is not None:
                fresh = SessionStore.in_memory()
                kept, known = fresh._copy_from(path, mine)
                self.path = None
                self._live_dir = None
                self.writable = True
                self.incomplete = self.incomplete or known is None or kept < known
                self.status_line = (
                    f"the session log {path} is damaged ({reason}) and could not be moved "
                    f"aside ({_reason(failure)}); {_kept_words(kept, known)}, kept only until "
                    "coach closes"
                )
                self._db = fresh._db
                return True
            kept, known = (0, None)
            if moved is not None and fresh.writable:
                kept, known = fresh._copy_from(moved, mine)
            self._db, self.writable, self._seen = fresh._db, fresh.writable, fresh._seen
            if moved is None:  # another coach moved it a moment ago, and copied it
                self.status_line = fresh.status_line or (
                    f"the session log {path} was damaged ({reason}); another coach replaced it"
                )
            else:
                self.incomplete = self.incomplete or known is None or kept < known
                self.status_line = _damage_line(path, reason, moved, kept, known)
        return True

    def _guarded(self, action: Callable[[], _T]) -> _T:
        """Run a write; if it finds the file damaged, replace the file and run it again on
        the new one, once."""
        try:
            return action()
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) or not self._damaged(error):
                raise
        return action()

    # -- writing ----------------------------------------------------------------------------

    def add(self, records: Iterable[SessionRecord]) -> int:
        """Write finished sessions as they are (ids are given anew), in one transaction: for
        imports, tests and the benchmark. Returns how many. Raises sqlite3.Error/OSError."""
        names = [c for c in _COLUMNS if c not in ("id", "live_lock")] + ["local_day"]
        sql = f"INSERT INTO sessions ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        rows = [
            (
                r.routine_id,
                r.routine_name,
                r.digest,
                _iso(r.started_utc),
                r.utc_offset_minutes,
                None if r.ended_utc is None else _iso(r.ended_utc),
                r.planned_seconds,
                r.active_seconds,
                r.paused_seconds,
                r.steps_completed,
                r.steps_skipped,
                r.steps_total,
                r.status,
                r.feel_before,
                r.feel_after,
                r.note,
                json.dumps(list(r.skipped_steps)),
                None if r.updated_utc is None else _iso(r.updated_utc),
                r.stopped_during,
                r.exercise_seconds,
                r.local_day.isoformat(),
            )
            for r in records
        ]
        self._require_writable()

        def write() -> None:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(sql, rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

        with self._mutex:
            self._guarded(lambda: self._retry(write))
        return len(rows)

    BREAK_KINDS = ("offered", "started", "snoozed", "skipped")

    def log_break(self, kind: str, routine_id: str = "", at: datetime | None = None) -> bool:
        """Keep one reminder event (``offered``, ``started``, ``snoozed``, ``skipped``) at
        ``at`` (default: now, local). False, never an exception, when it could not be kept:
        a reminder must not stop for the log."""
        if kind not in self.BREAK_KINDS:
            raise ValueError(f"not a break event: {kind!r}")
        moment = at if at is not None else local_now()
        offset = moment.utcoffset() or timedelta(0)
        row = (
            _iso(moment),
            int(offset.total_seconds() // 60),
            moment.date().isoformat(),
            kind,
            routine_id,
        )
        sql = (
            "INSERT INTO breaks (at_utc, utc_offset_minutes, local_day, kind, routine_id) "
            "VALUES (?, ?, ?, ?, ?)"
        )
        try:
            self._require_writable()
            with self._mutex:
                self._guarded(lambda: self._retry(lambda: self._db.execute(sql, row)))
        except (sqlite3.Error, OSError) as error:
            self.status_line = self.status_line or f"cannot log the break ({_reason(error)})"
            return False
        return True

    def break_days(self, since: date) -> dict[date, dict[str, int]]:
        """Reminder events per local day from ``since`` on: ``{day: {kind: count}}``."""
        sql = (
            "SELECT local_day, kind, count(*) FROM breaks WHERE local_day >= ? "
            "GROUP BY local_day, kind"
        )
        days: dict[date, dict[str, int]] = {}
        try:
            with self._mutex:
                rows = self._db.execute(sql, (since.isoformat(),)).fetchall()
        except (sqlite3.Error, OSError) as error:
            self._read_failed(error)
            return days
        for day, kind, count in rows:
            days.setdefault(date.fromisoformat(day), {})[kind] = int(count)
        return days

    def _require_writable(self) -> None:
        if self._closed:
            raise sqlite3.ProgrammingError("the session log is closed")
        if not self.writable:
            raise sqlite3.OperationalError("the session log is read-only")

    def _begin(self, fields: dict[str, object], *, wait: bool) -> int:
        """Insert a running session's row, holding its live lock. Returns its id."""
        self._require_writable()
        lock: _LiveLock | None = None
        if self._live_dir is not None:
            try:
                lock = _LiveLock(self._live_dir)
            except OSError:
                lock = None  # others will read it as interrupted; its own writes say running
        values = {**fields, "live_lock": None if lock is None else lock.token}
        names = list(values)
        sql = f"INSERT INTO sessions ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
        try:
            with self._mutex:
                cursor = self._guarded(
                    lambda: self._write(lambda: self._db.execute(sql, list(values.values())), wait)
                )
                session_id = cursor.lastrowid
                assert session_id is not None
                self._live[session_id] = lock
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return session_id

    def _save(self, session_id: int, fields: dict[str, object], *, wait: bool) -> bool:
        """Update a session's row. False when the row is not there (the log was replaced)."""
        self._require_writable()
        unknown = set(fields) - _WRITABLE
        if unknown:
            raise ValueError(f"not session fields: {sorted(unknown)}")
        names = list(fields)
        sql = f"UPDATE sessions SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?"
        with self._mutex:
            cursor = self._guarded(
                lambda: self._write(
                    lambda: self._db.execute(sql, [*fields.values(), session_id]), wait
                )
            )
            return cursor.rowcount > 0

    def _end(self, session_id: int) -> None:
        """The session's outcome is written: let go of its live lock."""
        with self._mutex:
            lock = self._live.pop(session_id, None)
            # Copy the WAL back into the file now, between sessions, so the next session's
            # progress writes never pay for SQLite's automatic checkpoint (an fsync) mid-way.
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        if lock is not None:
            lock.release()

    @property
    def late_lines(self) -> list[str]:
        """How each finished session that waited for another program's lock ended, one line
        each (read after :meth:`close`, which waits for them)."""
        return [later.line for later in self._later if later.line is not None]

    @property
    def unwritten(self) -> int:
        """Finished sessions that waited for the lock and were not written: a command that
        ran one exits 1."""
        return sum(1 for later in self._later if not later.written)

    def _write_later(self, session_id: int | None, fields: dict[str, object]) -> _Later:
        """Keep a finished session in memory and write it, on a thread of its own, as soon
        as another program lets go of the log's lock (within :attr:`lock_wait`)."""
        later = _Later(session_id, fields)
        with self._mutex:
            self._later.append(later)
            if self._later_thread is None:
                self._later_deadline = time.monotonic() + self.lock_wait
                self._later_thread = threading.Thread(
                    target=self._write_waiting, name="coach-log-later", daemon=True
                )
                self._later_thread.start()
        return later

    def _write_waiting(self) -> None:
        path = self.path
        assert path is not None
        connection: sqlite3.Connection | None = None
        failure: str | None = None
        try:
            # Its own connection: the store's stays free for reading (the history screen)
            # while this one waits in SQLite's busy handler.
            connection = _connect(path)
            while True:
                with self._mutex:
                    waiting = [later for later in self._later if not later.settled.is_set()]
                left = self._later_deadline - time.monotonic()
                if not waiting or left <= 0:
                    break
                connection.execute(f"PRAGMA busy_timeout = {int(min(left, 2.0) * 1000)}")
                began = time.monotonic()
                try:
                    for later in waiting:
                        self._write_row(connection, later)
                except sqlite3.OperationalError as error:
                    if not _is_busy(error):
                        raise
                    if time.monotonic() - began < 0.1:  # busy without SQLite's wait
                        time.sleep(0.1)
        except (sqlite3.Error, OSError) as error:
            failure = _reason(error)
        finally:
            if connection is not None:
                connection.close()
            with self._mutex:
                for later in self._later:
                    if later.settled.is_set():
                        continue
                    later.line = (
                        f"could not write this session to the log {path} ({failure})"
                        if failure
                        else f"the session log {path} stayed locked by another program for "
                        f"{self.lock_wait:g} s: this session was not written"
                    )
                    later.settled.set()

    def _write_row(self, connection: sqlite3.Connection, later: _Later) -> None:
        with self._mutex:
            fields = dict(later.fields)
        names = list(fields)
        done = False
        if later.session_id is not None:
            sql = f"UPDATE sessions SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?"
            done = connection.execute(sql, [*fields.values(), later.session_id]).rowcount > 0
        if not done:
            sql = (
                f"INSERT INTO sessions ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)})"
            )
            later.session_id = connection.execute(sql, list(fields.values())).lastrowid
        with self._mutex:
            if later.fields != fields:
                return  # ratings came in meanwhile: written on the next round
            later.written = True
            later.line = (
                f"the session log {self.path} was locked by another program; this session "
                "was written once it freed"
            )
            later.settled.set()
        if later.session_id is not None:
            self._end(later.session_id)

    def _write(self, action: Callable[[], sqlite3.Cursor], wait: bool) -> sqlite3.Cursor:
        if wait:
            # One busy timeout (2 s: another coach's write takes a millisecond); a lock held
            # longer is another program's, and the session waits for it in memory instead.
            return self._retry(action, attempts=1)
        self._db.execute(f"PRAGMA busy_timeout = {QUICK_BUSY_MS}")
        try:
            return action()
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                raise _Busy from error
            raise
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _retry(self, action: Callable[[], _T], attempts: int = WRITE_ATTEMPTS) -> _T:
        """Run a write, again after a moment if another process still held the lock when
        the busy timeout ran out (and for the busy cases SQLite does not wait on)."""
        for attempt in range(attempts):
            try:
                return action()
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or attempt == attempts - 1:
                    raise
                # A little jitter, so two waiting processes do not collide again.
                time.sleep(0.02 * (attempt + 1) + os.urandom(1)[0] / 10_000)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the file. Sessions still running here read as interrupted from now on.
        Sessions waiting for another program's lock are waited for first, within
        :attr:`lock_wait` of the first of them."""
        thread = self._later_thread
        if thread is not None:
            thread.join(timeout=max(0.0, self._later_deadline - time.monotonic()) + 2.0)
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            for lock in self._live.values():
                if lock is not None:
                    lock.release()
            self._live.clear()
            with contextlib.suppress(sqlite3.Error):
                self._db.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _filter(since: date | None, routine: str | None) -> tuple[str, list[object]]:
    """The WHERE clause (with its leading space) and values of a sessions query."""
    where: list[str] = []
    values: list[object] = []
    if since is not None:
        where.append("local_day >= ?")
        values.append(since.isoformat())
    if routine is not None:
        where.append("routine_id = ?")
        values.append(routine)
    return (" WHERE " + " AND ".join(where) if where else ""), values


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit). Read-only ones never
    change the file: not even the checkpoint a last connection makes as it closes.

    A read-only look at a WAL log needs its ``-shm`` file, which a read-only file system or
    folder cannot give: then the file is read as it lies on disk (``immutable``), which is
    what it is while nobody can write there."""
    if not read_only:
        return _open_connection(str(path), uri=False)
    target = path.resolve().as_uri()
    connection = _open_connection(target + "?mode=ro", uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        connection.close()
        return _open_connection(target + "?immutable=1", uri=True)
    except sqlite3.DatabaseError:
        pass  # damage: for the caller's look to find and name
    return connection


def _open_connection(target: str, *, uri: bool) -> sqlite3.Connection:
    connection = sqlite3.connect(
        target,
        uri=uri,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def _cannot_write(path: Path, error: BaseException) -> str:
    return (
        f"cannot write to the session log {path} ({_reason(error)}); it is read, but "
        "sessions are not logged"
    )


_COPIED = (*_COLUMNS, "local_day")
_INDEXES = ("sessions_by_start", "sessions_by_day", "sessions_by_routine")


_SALVAGE_BATCH = 1000


def _salvage(source: Path, take: Callable[[list[tuple[Any, ...]]], None]) -> int | None:
    """Hand ``take`` every session that can still be read from a damaged log, a batch at a
    time (a log of 100,000 sessions is never all in memory); how many it held (None when
    that cannot be told).

    First everything in order; when a damaged page stops that, every id the table or any
    of its indexes still lists, each read on its own, so one bad page costs only the
    sessions on it (those already handed over come again; ``take`` ignores them).
    """
    select = f"SELECT {', '.join(_COPIED)} FROM sessions"
    try:
        if _has_foreign_header(source):
            return None
        connection = _connect(source, read_only=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        read = 0
        try:
            cursor = connection.execute(select + " ORDER BY id")
            while batch := cursor.fetchmany(_SALVAGE_BATCH):
                take(batch)
                read += len(batch)
            return read
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.IntegrityError):
                raise
        ids: set[int] = set()
        for scan in ["SELECT id FROM sessions"] + [
            f"SELECT id FROM sessions INDEXED BY {index}" for index in _INDEXES
        ]:
            with contextlib.suppress(sqlite3.DatabaseError):
                for (session_id,) in connection.execute(scan):
                    ids.add(session_id)
        batch = []
        for session_id in sorted(ids):
            with contextlib.suppress(sqlite3.DatabaseError):
                row = connection.execute(select + " WHERE id = ?", (session_id,)).fetchone()
                if row is not None:
                    batch.append(row)
            if len(batch) >= _SALVAGE_BATCH:
                take(batch)
                batch = []
        take(batch)
        return len(ids) or None
    finally:
        connection.close()


def _kept_words(kept: int, known: int | None) -> str:
    if known is not None and kept == known:
        if known == 1:
            return "its 1 session could be read"
        return f"all {known} sessions in it could be read" if known else "it held no sessions"
    if kept == 0:
        return "no session in it could be read"
    held = f" of {known}" if known is not None else ""
    return f"{kept}{held} {'session' if kept == 1 and not held else 'sessions'} in it could be read"


def _damage_line(path: Path, reason: str, moved: Path, kept: int, known: int | None) -> str:
    """What a person is told when a damaged log was replaced: where it went, and how much
    of it the new one holds."""
    start = f"the session log {path} was damaged ({reason}); moved it to {moved.name}"
    if known is not None and kept == known:
        held = f" with all {known} sessions from it" if known else ""
        if known == 1:
            held = " with its 1 session"
        return f"{start} and started a new one{held}"
    if kept == 0:
        return f"{start} and started a new one: no session in it could be read"
    if known is None:
        return (
            f"{start} and started a new one with the {plural(kept, 'session')} that could be read "
            "from it (any others could not be read)"
        )
    return (
        f"{start} and started a new one with {kept} of {known} sessions from it (the other "
        f"{known - kept} could not be read)"
    )


_HEADER = b"SQLite format 3\x00"


def _has_foreign_header(path: Path) -> bool:
    """True for a file that has bytes but not SQLite's: SQLite is never let near it (it
    would take a ``-wal`` beside it for its own, and delete it on closing)."""
    with open(path, "rb") as stream:
        start = stream.read(len(_HEADER))
    return bool(start) and start != _HEADER


def _probe(connection: sqlite3.Connection) -> int:
    """The schema version of a file that looks like a sound coach log (0: empty). Raises
    _Damaged.

    Reads only: a newer coach's file must stay byte for byte as it was.
    """
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).fetchall()
            if not name.startswith("sqlite_")
        }
        if "sessions" in tables:
            # Walks one index from end to end: a cut-off file fails here. Deeper damage
            # shows when a query reaches it, and is handled then (see _damaged); a full
            # ``PRAGMA quick_check`` would cost 170 ms on a log of 100,000 sessions.
            connection.execute("SELECT count(*) FROM sessions").fetchone()
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) or not _is_damage(error):
            raise
        raise _Damaged(_reason(error)) from error
    if version == 0 and tables:
        raise _Damaged("not a coach session log")
    if version > 0 and "sessions" not in tables:
        raise _Damaged("not a coach session log")
    return version


def _prepare(connection: sqlite3.Connection) -> None:
    """WAL (readers never wait for the writer), and the schema brought up to date."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            connection.execute("PRAGMA journal_mode = WAL").fetchone()
            break
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    # A crash loses nothing written (the WAL is in the OS's hands); only a power cut can
    # cost the last write, and each write is then a millisecond, not an fsync.
    connection.execute("PRAGMA synchronous = NORMAL")
    for attempt in range(WRITE_ATTEMPTS):
        try:
            _migrate(connection)
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _migrate(connection: sqlite3.Connection) -> None:
    """Apply the forward migrations the file lacks, all in one transaction."""
    target = len(MIGRATIONS)
    if int(connection.execute("PRAGMA user_version").fetchone()[0]) >= target:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another coach may have just done it.
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        for statements in MIGRATIONS[version:target]:
            for statement in statements:
                connection.execute(statement)
        if version < target:
            connection.execute(f"PRAGMA user_version = {target}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


# -- the recorder ----------------------------------------------------------------------------


def _check_feel(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{what} should be a whole number from 0 to 10, not {value!r}")
    return value


@dataclass
class _Progress:
    t0: float
    started: datetime
    card: Scorecard
    last: float = 0.0


class SessionRecorder:
    """Listens to a Session's events and writes its progress to the store.

    ``on_events`` has the shape of :data:`coach.plain.Listener`. The first batch holds the
    session's start: the row is written then; every batch that is more than cues updates it
    (each segment's start and end, a pause, and the session's progress note every
    :data:`~coach.session.PROGRESS_EVERY` seconds, so a kill loses at most that much); the
    finish writes the ending. It never raises and returns in a millisecond or so: a
    progress write that would wait on another process's lock is left to the next one (each
    write holds the whole state so far). Problems show in :attr:`status_line`.

    What it writes comes from a :class:`~coach.outcome.Scorecard` fed the session's events:
    the one rule for each step's outcome and the time spent. A running session is written
    as it would read if it were cut off this moment (its current step "stopped during").
    """

    def __init__(
        self,
        store: SessionStore | None,
        timeline: Timeline,
        *,
        wall: Callable[[], datetime] = local_now,
        feel_before: int | None = None,
    ) -> None:
        self._store = store
        self._timeline = timeline
        self._wall = wall
        self._feel_before = _check_feel(feel_before, "feel_before")
        self._feel_after: int | None = None
        self._note: str | None = None
        self._progress: _Progress | None = None
        self._done = False
        self.session_id: int | None = None
        """The session's row in the log, once written."""
        self._status: str | None = None
        self._later: _Later | None = None

    @property
    def status_line(self) -> str | None:
        """One line to show the person when logging this session went wrong (or waits for
        another program's lock, and then how that ended)."""
        if self._later is not None and self._later.line is not None:
            return self._later.line
        return self._status

    def on_events(self, events: Sequence[Event], now: float) -> None:
        """Take a batch of the session's events, produced at clock time ``now``."""
        try:
            self._take(events, now)
        except Exception as error:  # a log failure must never stop a routine
            self._failed(error)

    def rate(
        self, *, after: int | None = None, note: str | None = None, before: int | None = None
    ) -> None:
        """The finish screen's answers: how the back feels now (0 to 10) and a note.

        None leaves a value as it is. A rating outside 0 to 10 raises ValueError; a log that
        cannot be written does not (see :attr:`status_line`).
        """
        if after is not None:
            self._feel_after = _check_feel(after, "after")
        if before is not None:
            self._feel_before = _check_feel(before, "before")
        if note is not None:
            text = note.strip()[:NOTE_LIMIT]
            self._note = text or None
        later = self._later
        if later is not None and self._store is not None:
            with self._store._mutex:
                if not later.settled.is_set():  # still waiting for the lock: goes with it
                    later.fields.update(self._ratings())
                    return
            self.session_id = later.session_id
        try:
            if self.session_id is not None and self._store is not None:
                self._store._save(self.session_id, self._ratings(), wait=True)
        except Exception as error:
            self._failed(error)

    # -- internals --------------------------------------------------------------------------

    def _take(self, events: Sequence[Event], now: float) -> None:
        # Imported here, not at the top: `coach stats` and `coach log` need the store only,
        # and the engine's modules are a third of their start-up time.
        from coach.session import CueDue, Finished

        if self._done or not events:
            return
        progress = self._progress
        if progress is None:
            # Normally the start itself (SegmentStarted of segment 0, at 0.0); a recorder
            # attached late starts its row at whatever it sees first.
            first = events[0]
            at = first.due if isinstance(first, CueDue) else first.at
            started = self._wall()
            if started.tzinfo is None:
                started = started.astimezone()
            progress = self._progress = _Progress(
                t0=now - at, started=started, card=Scorecard(self._timeline)
            )
        progress.card.take(events)
        progress.last = now
        if any(isinstance(event, Finished) for event in events):
            self._done = True
        if self.session_id is None or any(not isinstance(e, CueDue) for e in events):
            self._flush(final=self._done)

    def _flush(self, *, final: bool) -> None:
        store = self._store
        progress = self._progress
        if store is None or progress is None or not store.writable:
            return
        fields = self._fields(progress, final)
        try:
            if self.session_id is None or not store._save(self.session_id, fields, wait=final):
                # The first write, or the log was replaced under us (it was damaged): the
                # whole row again.
                self.session_id = store._begin(self._first_fields(progress) | fields, wait=final)
        except _Busy:
            return  # the next event writes it all
        except sqlite3.OperationalError as error:
            if not (final and _is_busy(error) and store.path is not None):
                raise
            # Another program holds the log locked past the busy timeout: the routine's end
            # does not wait for it. The whole row, kept in memory, goes when it frees.
            row = self._first_fields(progress) | fields
            self._later = store._write_later(self.session_id, row)
            self._status = (
                f"the session log {store.path} is locked by another program: this session is "
                f"kept and written as soon as it frees (waiting up to {store.lock_wait:g} s)"
            )
            return
        if final and self.session_id is not None:
            store._end(self.session_id)

    def _first_fields(self, progress: _Progress) -> dict[str, object]:
        routine = self._timeline.routine
        offset = progress.started.utcoffset() or timedelta(0)
        minutes = round(offset.total_seconds() / 60)
        return {
            "routine_id": routine.id,
            "routine_name": routine.name,
            "digest": routine.digest,
            "started_utc": _iso(progress.started),
            "utc_offset_minutes": minutes,
            "local_day": history.local_day(progress.started, minutes).isoformat(),
            "planned_seconds": float(self._timeline.total),
            "steps_total": len(routine.steps),
        }

    def _fields(self, progress: _Progress, final: bool) -> dict[str, object]:
        from coach.outcome import Ending

        tally = progress.card.tally(ending=Ending.INTERRUPTED)
        stopped = tally.stopped_during
        moment = _iso(progress.started + timedelta(seconds=progress.last - progress.t0))
        return {
            "status": tally.ending.value if final and tally.ending else "running",
            "ended_utc": moment if final else None,
            "updated_utc": moment,
            "active_seconds": round(tally.active, 3),
            "paused_seconds": round(tally.paused, 3),
            "steps_completed": len(tally.done),
            "steps_skipped": len(tally.skipped),
            "skipped_steps": json.dumps([step.name for step in tally.skipped]),
            "stopped_during": None if stopped is None else stopped.name,
            "exercise_seconds": round(tally.exercise, 3),
            **self._ratings(),
        }

    def _ratings(self) -> dict[str, object]:
        return {
            "feel_before": self._feel_before,
            "feel_after": self._feel_after,
            "note": self._note,
        }

    def _failed(self, error: BaseException) -> None:
        if self._status is None:
            where = (
                "" if self._store is None or self._store.path is None else f" {self._store.path}"
            )
            self._status = (
                f"could not write this session to the log{where} ({_reason(error)}); "
                "the routine carries on"
            )


_ZONES: dict[int, timezone] = {}


def _zone(minutes: int) -> timezone:
    """The fixed zone ``minutes`` east of UTC (one object per offset, for the export)."""
    zone = _ZONES.get(minutes)
    if zone is None:
        zone = _ZONES[minutes] = timezone(timedelta(minutes=minutes))
    return zone


EXPORT_FIELDS = (
    "id",
    "routine_id",
    "routine_name",
    "digest",
    "status",
    "local_day",
    "local_start",
    "started_utc",
    "utc_offset_minutes",
    "ended_utc",
    "updated_utc",
    "planned_seconds",
    "active_seconds",
    "paused_seconds",
    "steps_completed",
    "steps_skipped",
    "steps_total",
    "skipped_steps",
    "stopped_during",
    "exercise_seconds",
    "feel_before",
    "feel_after",
    "note",
)
"""The columns of ``coach export``, in order (``SessionStore.export_rows`` gives them)."""


_EXPORT_SELECT = (
    "SELECT id, routine_id, routine_name, digest, status, live_lock, local_day, started_utc, "
    "utc_offset_minutes, ended_utc, updated_utc, planned_seconds, active_seconds, "
    "paused_seconds, steps_completed, steps_skipped, steps_total, skipped_steps, stopped_during, "
    "exercise_seconds, feel_before, feel_after, note FROM sessions ORDER BY started_utc, id"
)
"""The columns :meth:`SessionStore.export_rows` reads, in the order of ``EXPORT_FIELDS``
(with ``live_lock`` after ``status``, and ``local_start`` worked out from the start)."""
