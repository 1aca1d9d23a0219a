"""How the screens look, at 40x12, 80x24 and 100x30 (behaviour is asserted in test_tui.py).

Update after a deliberate change of looks: ``pytest tests/test_snapshots.py --snapshot-update``,
then look at ``snapshot_report.html`` or the SVG files before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from coach.settings import Settings
from tests.tui_helpers import Harness, make_app, sample_routine

SIZES = [(40, 12), (80, 24), (100, 30)]

Setup = Callable[[Harness], Any]


def at(seconds: float, *keys: str) -> Setup:
    """Move the fake clock to ``seconds`` into the routine, then press ``keys``."""

    async def setup(h: Harness, pilot: Pilot[None]) -> None:
        if seconds:
            h.advance(seconds)
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return setup  # type: ignore[return-value]


SCENES = {
    "player-prepare": at(1.2),
    "player-work-left-side": at(6.4),
    "player-rest": at(25.0),
    "player-open-rep-step": at(40.0),
    "player-sets": at(0, "n", "n", "n", "n", "enter", "n", "n"),
    "player-paused": at(8.0, "space"),
    "finish-stopped": at(14.0, "q", "y"),
    "help": at(6.4, "question_mark"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", sorted(SCENES))
def test_player_and_finish(snap_compare: Any, scene: str, size: tuple[int, int]) -> None:
    h = make_app(start=sample_routine())

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await SCENES[scene](h, pilot)

    assert snap_compare(h.app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pick(snap_compare: Any, size: tuple[int, int]) -> None:
    h = make_app()

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("down", "down")

    assert snap_compare(h.app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_finish_asks_how_the_back_feels(snap_compare: Any, size: tuple[int, int]) -> None:
    h = make_app(start=sample_routine(), settings=Settings(ask_back_feel=True))

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("4", "enter")
        await pilot.pause()
        h.advance(28.0)
        await pilot.press("enter")
        h.advance(20.0)
        await pilot.pause()
        await pilot.press("3")

    assert snap_compare(h.app, terminal_size=size, run_before=run_before)


def test_light_theme(snap_compare: Any) -> None:
    h = make_app(start=sample_routine())

    async def run_before(pilot: Pilot[None]) -> None:
        h.app.theme = "textual-light"
        h.advance(6.4)
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=(80, 24), run_before=run_before)


def test_no_color(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    h = make_app(start=sample_routine())

    async def run_before(pilot: Pilot[None]) -> None:
        h.advance(25.0)  # a rest: it must still read as one without colour
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=(80, 24), run_before=run_before)
