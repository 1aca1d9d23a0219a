"""How the reminder screen looks, counting down and with a break due, at 80x24 and 40x12
(behaviour is asserted in test_tui_remind.py)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.test_tui_remind import make

SIZES = [(80, 24), (40, 12)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("worked", [240, 600], ids=["counting", "due"])
def test_remind_screen(snap_compare: Any, worked: int, size: tuple[int, int]) -> None:
    h = make()

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        h.work(worked)
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=size, run_before=run_before)
