"""The reminder's events in the session log: the migration that adds their table to a log
written before it, and what ``coach stats`` reads back."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach import log
from coach.log import SCHEMA_VERSION, SessionStore

ZONE = timezone(timedelta(hours=2))


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def test_a_log_from_before_reminders_gains_the_breaks_table_and_keeps_its_sessions(
    tmp_path: Path,
) -> None:
    # A log of schema 1, as coach wrote it before reminders (written here by hand: today's
    # recorder writes columns a schema-1 table does not have).
    path = tmp_path / "log.sqlite3"
    old = sqlite3.connect(path)
    for statement in log.MIGRATIONS[0]:
        old.execute(statement)
    old.execute("PRAGMA user_version = 1")
    old.execute(
        "INSERT INTO sessions (routine_id, routine_name, started_utc, utc_offset_minutes, "
        "local_day, active_seconds, status) VALUES ('desk', 'Desk', "
        "'2026-11-18T07:00:00.000+00:00', 60, '2026-11-18', 60, 'completed')"
    )
    old.commit()
    old.close()
    os.chmod(path, 0o600)
    store = SessionStore.open(path)
    assert store.status_line is None
    assert [r.status for r in store.sessions()] == ["completed"]
    assert store.log_break("offered", "desk-break")
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert db.execute("SELECT kind, routine_id FROM breaks").fetchall() == [
            ("offered", "desk-break")
        ]
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_break_days_count_each_kind_on_its_local_day(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "log.sqlite3")
    monday = date(2026, 11, 30)
    for kind in ("offered", "started", "offered", "skipped", "offered", "snoozed", "started"):
        assert store.log_break(kind, "desk-break", at(monday))
    # Late in the evening at UTC+2 is the next day in UTC, but the person's day is Monday.
    assert store.log_break("skipped", "desk-break", at(monday, 23))
    assert store.log_break("started", "desk-break", at(monday + timedelta(days=1)))
    days = store.break_days(monday)
    assert days[monday] == {"offered": 3, "started": 2, "skipped": 2, "snoozed": 1}
    assert days[monday + timedelta(days=1)] == {"started": 1}
    assert store.break_days(monday + timedelta(days=2)) == {}
    store.close()


def test_an_unknown_break_kind_is_refused(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "log.sqlite3")
    with pytest.raises(ValueError):
        store.log_break("napped")
    store.close()


def test_a_read_only_log_keeps_no_break_and_says_so() -> None:
    store = SessionStore.in_memory()
    store.writable = False
    assert not store.log_break("offered")
    assert store.status_line is not None and "cannot log the break" in store.status_line


def test_break_lines_per_day_and_week() -> None:
    from coach.break_stats import break_lines

    wednesday = date(2026, 12, 2)
    days = {
        wednesday: {"offered": 3, "started": 2, "skipped": 1},
        date(2026, 11, 30): {"offered": 1, "snoozed": 1, "started": 1},
        date(2026, 11, 24): {"offered": 1, "skipped": 1},
    }
    lines = break_lines(days, wednesday, weeks=2)
    assert lines[0] == "breaks (coach remind), per day:"
    assert lines[1].split() == ["2026-12-02", "2", "taken", "1", "skipped", "0", "snoozed"] + [
        "3",
        "offered",
        "today",
    ]
    assert lines[3].split()[:2] == ["2026-11-30", "1"]
    week = lines[lines.index("breaks per week (from Monday):") + 1]
    assert week.split() == [
        "2026-11-30",
        "3",
        "taken",
        "1",
        "skipped",
        "1",
        "snoozed",
        "4",
        "offered",
        "this",
        "week",
    ]
    last = lines[-1]
    assert last.split()[:5] == ["2026-11-23", "0", "taken", "1", "skipped"]
    assert break_lines({}, wednesday, weeks=2) == []


def test_the_history_screen_shows_breaks_beside_the_sessions() -> None:
    import asyncio

    from textual.widgets import Static

    from coach.break_stats import break_summary
    from coach.log import SessionStore
    from coach.tui.history import HistoryScreen
    from tests.tui_helpers import TODAY, make_app

    store = SessionStore.in_memory()
    monday = TODAY - timedelta(days=TODAY.weekday())
    for kind, day in [("started", TODAY), ("skipped", TODAY), ("started", monday)]:
        store.log_break(kind, "desk-break", at(day))
    h = make_app(store=store)
    h.app.services.breaks = lambda: break_summary(store.break_days(monday), TODAY)

    async def go() -> None:
        async with h.app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("tab", "h")
            await pilot.pause()
            screen = h.app.screen
            assert isinstance(screen, HistoryScreen)
            line = str(screen.query_one("#breaks", Static).render())
            assert line == "breaks: today 1 taken, 1 skipped · this week 2 taken, 1 skipped"

    asyncio.run(go())
    assert break_summary({}, TODAY) is None


def test_the_apps_own_reminders_keep_their_events_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With break_reminders on, the list's reminder logs its breaks as `coach remind` does
    (and a routine taken with them switched off is no break)."""
    from coach.app import Services
    from coach.catalog import discover
    from coach.clock import FakeClock
    from coach.remind_app import add_breaks_and_editing
    from coach.settings import Settings

    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # no bus to look for
    store = SessionStore.open(tmp_path / "log.sqlite3")
    services = Services(clock=FakeClock(), settings=Settings(), entries=discover)
    add_breaks_and_editing(services, Settings(break_reminders=True), store=store)
    reminders = services.reminders
    assert reminders is not None and reminders.on
    reminders.start()
    reminders.end()
    reminders.switch(False)
    reminders.start()
    reminders.end()
    assert store.break_days(date.today() - timedelta(days=1)) == {date.today(): {"started": 1}}
    store.close()
