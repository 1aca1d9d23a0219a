"""The app tells the truth about a session: the stop question is a pause, going back is not
skipping, and the finish screen, the log (a real SQLite file) and export agree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from coach.log import SessionStore
from coach.tui.dialogs import ConfirmScreen
from coach.tui.finish import FinishScreen
from tests.helpers import routine
from tests.test_session_truth import DESK
from tests.test_tui import run, text
from tests.tui_helpers import Harness, make_app, sample_routine


@pytest.fixture
def store() -> Iterator[SessionStore]:
    with SessionStore.open() as opened:
        yield opened


def test_the_stop_question_pauses_and_no_resumes_where_it_was(store: SessionStore) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        player = h.player
        h.advance(5.0)
        before = player.session.position(h.clock.now()).remaining
        await pilot.press("q")
        assert isinstance(h.app.screen, ConfirmScreen)
        h.clock.advance(6.0)
        player.sync()
        assert player.session.position(h.clock.now()).remaining == before
        await pilot.press("n")
        await pilot.pause()
        assert player.session.state.value == "running"
        assert player.session.position(h.clock.now()).remaining == before
        h.advance(1.0)
        assert player.session.position(h.clock.now()).remaining == pytest.approx(before - 1)

    run(make_app(start=sample_routine(), store=store), scenario)
    [session] = store.sessions()
    assert session.status == "stopped"  # the test closed the app mid-routine
    assert session.paused_seconds == pytest.approx(6.0)


def test_back_then_stop_is_stopped_during_not_skipped(store: SessionStore) -> None:
    """The issue's app run: n on chin tucks, p p back, let it finish, stop 7 s into
    shoulder squeezes."""

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.0)
        await pilot.press("n", "p", "p")
        h.advance(5.0)
        h.advance(30.0)
        h.advance(7.0)
        await pilot.press("q", "y")
        await pilot.pause()
        finish = h.app.screen
        assert isinstance(finish, FinishScreen)
        summary = text(finish, "#finish-summary")
        assert "skipped" not in summary
        assert "stopped during: Shoulder squeezes" in summary
        assert "1 of 3 steps done" in summary
        assert "STOPPED" in text(finish, "#finish-title")

    run(make_app(start=routine(DESK, routine_id="desk"), store=store), scenario)
    [session] = store.sessions()
    assert session.status == "stopped"
    assert session.skipped_steps == () and session.steps_skipped == 0
    assert session.stopped_during == "Shoulder squeezes"
    assert session.steps_completed == 1


def test_skipping_through_in_the_app_is_not_well_done(store: SessionStore) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        for _ in range(5):
            await pilot.press("n")
        await pilot.pause()
        finish = h.app.screen
        assert isinstance(finish, FinishScreen)
        assert "WELL DONE" not in text(finish, "#finish-title")
        assert "at least half" in text(finish, "#finish-summary")

    run(make_app(start=routine(DESK, routine_id="desk"), store=store), scenario)
    [session] = store.sessions()
    assert session.status == "partial"
