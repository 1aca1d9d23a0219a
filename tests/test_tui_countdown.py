"""The countdown holds still: its digits keep their size while a step runs (a caption coming
or going, a pause) and use the room a terminal of any size leaves them."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from coach.tui.bigclock import BigClock
from tests.helpers import routine
from tests.test_tui import run
from tests.tui_helpers import Harness, make_app, sample_routine

INSTRUCTIONS = (
    "Sit tall, arms relaxed. Squeeze your shoulder blades together and down, hold for three"
    " seconds, release. Keep your neck long and easy."
)
SAY = (
    "Shoulder squeezes. Squeeze your shoulder blades together and down, hold for three"
    " seconds, release, and again."
)
LONG_THEN_SHORT = f"""
name = "Captions"
prepare = 0

[[step]]
name = "Shoulder squeezes"
kind = "strength"
duration = "30s"
instructions = "{INSTRUCTIONS}"
say = "{SAY}"

  [[step.cue]]
  at = "50%"
  say = "Good."
"""


def _rows(h: Harness) -> int:
    clock = h.player.query_one("#digits", BigClock)
    return len([line for line in clock.render_lines_text() if line.strip()])


@pytest.mark.parametrize("size", [(80, 22), (80, 23), (80, 24), (80, 25), (100, 30), (100, 31)])
def test_the_digits_keep_their_size_when_a_short_caption_follows_a_long_one(
    size: tuple[int, int],
) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(1.0)
        await pilot.pause()
        assert "and again" in str(h.player.query_one("#caption").render())
        before = _rows(h)
        h.advance(15.0)
        await pilot.pause()
        assert "Good." in str(h.player.query_one("#caption").render())
        assert _rows(h) == before, size

    run(make_app(start=routine(LONG_THEN_SHORT, routine_id="captions")), scenario, size=size)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (40, 12), (120, 16)])
def test_pausing_keeps_the_digits_size(size: tuple[int, int]) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.4)
        await pilot.pause()
        running = _rows(h)
        await pilot.press("space")
        await pilot.pause()
        assert h.player.has_class("-paused")
        assert _rows(h) == running, size

    run(make_app(start=sample_routine()), scenario, size=size)


def test_a_mid_sized_terminal_with_a_notice_keeps_large_digits() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(1.0)
        h.player._notice(
            "No sound: no audio device could be opened (failed to open backend device); "
            "using captions only."
        )
        await pilot.pause()
        assert _rows(h) >= 3, "a 60x20 terminal shows more than the one-line countdown"
        bar = h.player.query_one("#routine-bar").region
        assert h.player.query_one("#next").region.bottom <= bar.y

    run(make_app(start=routine(LONG_THEN_SHORT, routine_id="captions")), scenario, size=(60, 20))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (60, 20)])
def test_the_digits_keep_their_size_from_work_to_rest_and_back(size: tuple[int, int]) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        rows = {}
        steps = ((6.4, "neck stretch"), (18.6, "rest"), (5.0, "glute bridge, open"))
        for at, kind in steps:
            h.advance(at)
            await pilot.pause()
            rows[h.clock.now(), kind] = _rows(h)
        assert len(set(rows.values())) == 1, (size, rows)

    run(make_app(start=sample_routine()), scenario, size=size)
