"""One of a thing is one thing: "1 rep", "1 session", wherever a count is written (the
step's time in `coach show` and the preview, plain mode, the player, the History screen,
and the line about a damaged log)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot

from coach.log import SessionStore, _damage_line, _kept_words
from coach.plain import describe
from coach.player_view import next_line
from coach.report import short_step_time, step_time
from coach.session import SegmentStarted
from coach.tui.history import HistoryScreen
from tests.helpers import timeline
from tests.test_tui import run, text
from tests.test_tui_log import _session
from tests.tui_helpers import TODAY, Harness, make_app

ONE_REP = """
name = "One rep"
prepare = 0

[[step]]
name = "Stand up"
kind = "strength"
duration = "30s"

[[step]]
name = "Big squat"
kind = "strength"
reps = 1
"""


def test_a_step_of_one_rep_says_one_rep() -> None:
    made = timeline(ONE_REP)
    step = made.routine.steps[1]
    assert (step_time(step), short_step_time(step)) == ("1 rep", "1 rep")
    [open_segment] = [s for s in made.segments if s.is_open]
    assert describe(SegmentStarted(at=30.0, segment=open_segment)) == (
        "[Big squat: 1 rep, press Enter when done]"
    )
    assert next_line(made, made.segments[0]) == "next: Big squat · 1 rep"


def test_a_damaged_log_of_one_session_says_one_session(tmp_path: Path) -> None:
    moved = tmp_path / "log.sqlite3.corrupt-20261201T194500"
    line = _damage_line(tmp_path / "log.sqlite3", "malformed", moved, 1, 1)
    assert line.endswith("started a new one with its 1 session")
    line = _damage_line(tmp_path / "log.sqlite3", "malformed", moved, 1, None)
    assert "with the 1 session that could be read" in line
    assert _kept_words(1, 1) == "its 1 session could be read"
    assert _kept_words(1, None) == "1 session in it could be read"


def test_the_history_of_one_session_says_one_session(coach_home: Path) -> None:
    with SessionStore.open() as store:
        store.add([_session(TODAY - timedelta(days=1), 10)])

        async def scenario(pilot: Pilot[None], h: Harness) -> None:
            await pilot.press("tab", "h")
            await pilot.pause()
            assert isinstance(h.app.screen, HistoryScreen)
            assert " · 1 session, 10m in all" in text(h.app.screen, "#weeks")

        run(make_app(store=store), scenario)
