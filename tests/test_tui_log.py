"""The app and the session log together, on a real SQLite file: what a person does in the app
is what the log keeps, and the history screen shows it back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from textual.pilot import Pilot

from coach.history import SessionRecord
from coach.log import SessionStore
from coach.settings import Settings
from coach.tui.history import HeatMap, HistoryScreen, shade, sparkline
from coach.tui.pick import PickScreen
from tests.test_tui import Scenario, run, text
from tests.tui_helpers import TODAY, Harness, make_app, sample_routine


@pytest.fixture
def store() -> Iterator[SessionStore]:
    with SessionStore.open() as opened:  # in this test's COACH_HOME
        assert opened.writable and opened.status_line is None
        yield opened


def _run(harness: Harness, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    run(harness, scenario, size)


def test_a_routine_done_in_the_app_is_logged_completed_with_the_ratings(
    store: SessionStore,
) -> None:
    h = make_app(start=sample_routine(), settings=Settings(ask_back_feel=True), store=store)

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("7", "enter")
        await pilot.pause()
        h.advance(13.0)
        [running] = store.sessions()
        assert running.status == "running"
        assert running.feel_before == 7
        h.advance(15.0)
        await pilot.press("enter")  # the open step, 28 s in
        h.advance(20.0)
        await pilot.pause()
        await pilot.press("4", "enter", "l", "e", "s", "s", "enter")
        await pilot.pause()

    _run(h, scenario)
    [session] = store.sessions()
    assert session.status == "completed"
    assert session.routine_id == "test-routine"
    assert (session.steps_completed, session.steps_skipped, session.steps_total) == (3, 0, 3)
    assert session.active_seconds == pytest.approx(48.0)
    assert (session.feel_before, session.feel_after, session.note) == (7, 4, "less")
    assert session.local_day == TODAY


def test_stopping_in_the_app_is_logged_as_stopped_with_where(
    store: SessionStore,
) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(5.0)
        await pilot.press("n")  # skip the left side of the first step
        await pilot.press("q", "y")
        await pilot.pause()

    _run(make_app(start=sample_routine(), store=store), scenario)
    [session] = store.sessions()
    assert session.status == "stopped"
    # The left side skipped, stopped in the right: the step is the one it was stopped in.
    assert session.steps_completed == 0 and session.skipped_steps == ()
    assert session.stopped_during == "Neck side stretch"


def test_closing_the_app_mid_routine_logs_it_as_stopped_not_running(
    store: SessionStore,
) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(20.0)
        h.app.exit()  # ctrl+q: the person chose to leave
        await pilot.pause()

    _run(make_app(start=sample_routine(), store=store), scenario)
    [session] = store.sessions()
    assert session.status == "stopped"
    assert session.active_seconds == pytest.approx(20.0)


def test_a_closed_terminal_logs_the_routine_as_interrupted_with_its_end(
    store: SessionStore,
) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(20.0)
        h.app.cut_off()  # what SIGHUP and SIGTERM do
        await pilot.pause()

    _run(make_app(start=sample_routine(), store=store), scenario)
    [session] = store.sessions()
    assert session.status == "interrupted"
    assert session.ended_utc is not None
    assert session.stopped_during == "Neck side stretch"
    assert session.active_seconds == pytest.approx(20.0)


ZONE = timezone(timedelta(hours=1))


def _session(day: date, minutes: float, **fields: Any) -> SessionRecord:
    start = datetime(day.year, day.month, day.day, 7, 30, tzinfo=ZONE).astimezone(timezone.utc)
    values: dict[str, Any] = {
        "id": 0,
        "routine_id": "desk-break",
        "routine_name": "Desk-break posture reset",
        "digest": "x",
        "started_utc": start,
        "utc_offset_minutes": 60,
        "ended_utc": start + timedelta(minutes=minutes),
        "planned_seconds": minutes * 60,
        "active_seconds": minutes * 60,
        "paused_seconds": 0.0,
        "steps_completed": 9,
        "steps_skipped": 0,
        "steps_total": 9,
        "status": "completed",
    }
    values.update(fields)
    return SessionRecord(**values)


def seed(store: SessionStore) -> None:
    """Five weeks of practice ending today: a four-day streak now, a best of six earlier."""
    records = []
    for back in (0, 1, 2, 3):
        records.append(_session(TODAY - timedelta(days=back), 5 + 3 * back))
    for back in range(10, 16):
        records.append(
            _session(
                TODAY - timedelta(days=back),
                12,
                routine_id="lower-back-relief",
                routine_name="Lower-back relief",
                feel_before=6 - back % 3,
                feel_after=3,
            )
        )
    records.append(_session(TODAY - timedelta(days=30), 40, status="stopped"))
    store.add(records)


def test_h_opens_the_history_with_streaks_weeks_routines_and_back_feel(
    store: SessionStore,
) -> None:
    seed(store)

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        pick = h.app.screen
        assert isinstance(pick, PickScreen)
        assert "streak 4 days" in text(pick, "#header-note")
        await pilot.press("tab", "h")
        await pilot.pause()
        screen = h.app.screen
        assert isinstance(screen, HistoryScreen)
        assert "streak 4 days · best 6 days" in text(screen, "#header-note")
        weeks = text(screen, "#weeks")
        assert "this week 24m · last week 14m" in weeks  # Mon 11, Tue 8, Wed 5; Sun 14
        assert "11 sessions" in weeks
        per_routine = text(screen, "#per-routine")
        assert per_routine.index("Desk-break") < per_routine.index("Lower-back relief")  # 78 > 72
        assert "Desk-break posture reset" in text(screen, "#recent").splitlines()[0]
        feel = text(screen, "#feel")
        assert "before → 3.0 after" in feel and "before  " in feel
        await pilot.press("escape")
        assert isinstance(h.app.screen, PickScreen)

    _run(make_app(store=store), scenario)


def test_the_history_of_an_empty_log_says_what_to_do(store: SessionStore) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("tab", "h")
        await pilot.pause()
        screen = h.app.screen
        assert isinstance(screen, HistoryScreen)
        assert "No sessions yet" in text(screen, "#recent")
        assert "ask_back_feel" in text(screen, "#feel")

    _run(make_app(store=store), scenario)


def test_the_heat_map_shades_each_day_by_minutes(store: SessionStore) -> None:
    seed(store)
    summary = store.summary(TODAY)

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("tab", "h")
        await pilot.pause()
        rows = str(h.app.screen.query_one(HeatMap).render()).splitlines()
        assert rows[0].lstrip().startswith(("Jun", "Jul")), rows[0]
        wednesday = rows[1 + TODAY.weekday()]
        assert wednesday.startswith("Wed")
        assert wednesday.endswith(" ▒"), "today: 5 minutes"
        assert rows[1].endswith(" ▒"), "Monday: 11 minutes"
        assert rows[7].startswith("Sun") and rows[7].endswith("  "), "Sunday is to come"

    assert summary.days[TODAY] == pytest.approx(5)
    _run(make_app(store=store), scenario, size=(100, 40))


def test_shades_and_sparkline() -> None:
    assert [shade(m) for m in (0, 1, 5, 15, 30, 90)] == [0, 1, 2, 3, 4, 4]
    assert sparkline([0, 5, 10]) == "▁▅█"


@pytest.mark.parametrize("size", [(40, 12), (80, 24), (100, 30), (140, 40)], ids=str)
def test_history_snapshot(snap_compare: Any, store: SessionStore, size: tuple[int, int]) -> None:
    seed(store)
    h = make_app(store=store)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("tab", "h")
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=size, run_before=run_before)


def test_no_log_means_a_clear_word_not_a_crash() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("tab", "h")
        await pilot.pause()
        assert isinstance(h.app.screen, PickScreen)
        assert text(h.app.screen, "#header-note") == ""

    _run(make_app(), scenario)


def test_ctrl_q_on_the_finish_screen_keeps_the_answers(store: SessionStore) -> None:
    h = make_app(start=sample_routine(), settings=Settings(ask_back_feel=True), store=store)

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("escape")  # no rating before
        await pilot.pause()
        await pilot.press("q", "y")
        await pilot.pause()
        await pilot.press("3", "enter", "o", "k", "ctrl+q")
        await pilot.pause()

    _run(h, scenario)
    [session] = store.sessions()
    assert (session.status, session.feel_after, session.note) == ("stopped", 3, "ok")


def test_stopping_before_the_audio_came_up_logs_nothing(store: SessionStore) -> None:
    class NeverReady:
        """Audio that never comes up (a stand-in: the real one is in test_tui_audio.py)."""

        def start(self) -> None: ...

        def close(self) -> None: ...

        async def cues_for(self, timeline: object) -> None:
            await asyncio.Event().wait()

    h = make_app(start=sample_routine(), store=store)
    h.app.services.audio = NeverReady()  # type: ignore[assignment]

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("q", "y")
        await pilot.pause()
        assert isinstance(h.app.screen, PickScreen)

    _run(h, scenario)
    assert store.sessions() == []
