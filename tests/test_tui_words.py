"""What the app says: short lengths, open steps, counts, and columns with wide characters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from coach.catalog import discover
from coach.log import SessionStore
from coach.text import cell_len
from coach.tui.clamped import Clamped
from coach.tui.finish import FinishScreen
from coach.tui.history import HistoryScreen
from coach.tui.pick import PickScreen
from tests.helpers import routine
from tests.test_tui import run, text
from tests.test_tui_log import _session
from tests.tui_helpers import TODAY, Harness, make_app, sample_routine

DATA = Path(__file__).parent / "data"
WIDE = [
    "朝のストレッチ",
    "🧘 Calm breath",
    "Desk break plain",
    "腰痛のためのやさしいストレッチと呼吸",
]


def write(folder: Path, routine_id: str, name: str, seconds: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{routine_id}.toml").write_text(
        f'name = "{name}"\nprepare = 0\n[[step]]\nname = "Breathe"\nkind = "breathing"\n'
        f"duration = {seconds}\n",
        encoding="utf-8",
    )


def prompts(screen: PickScreen) -> list[str]:
    options = screen.query_one("#routines", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def column_at(line: str, text: str) -> int:
    return cell_len(line[: line.index(text)])


def test_the_list_says_seconds_and_open_steps_as_coach_list_does(tmp_path: Path) -> None:
    mine = tmp_path / "routines"
    write(mine, "quick", "Quick breath", 15)
    write(mine, "tiny", "Tiny breath", 6)
    (mine / "everything.toml").write_text((DATA / "valid" / "everything.toml").read_text())

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        shown = {line.split("  ")[0].strip(): line for line in prompts(screen)}
        assert shown["Quick breath"].endswith(" 15s")
        assert shown["Tiny breath"].endswith(" 6s")
        assert shown["Everything"].endswith(" 3m 40s+")
        screen.query_one("#routines", OptionList).highlighted = prompts(screen).index(
            shown["Everything"]
        )
        await pilot.pause()
        assert "3m 40s+ · 4 steps · mat" in text(screen, "#preview")

    run(make_app(user_dir=mine), scenario)


def test_one_step_done_is_one_step() -> None:
    one = routine(
        'name = "One"\nprepare = 0\n[[step]]\nname = "Breathe"\nkind = "breathing"\nduration = 5\n'
    )

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.0)
        await pilot.pause()
        finish = h.app.screen
        assert isinstance(finish, FinishScreen)
        assert "1 of 1 step done" in text(finish, "#finish-summary")

    run(make_app(start=one), scenario)


def test_wide_names_keep_the_app_list_aligned(tmp_path: Path) -> None:
    mine = tmp_path / "routines"
    for number, name in enumerate(WIDE):
        write(mine, f"wide-{number}", name, 30 + 60 * number)

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        lines = prompts(screen)  # the built-in routines and these
        assert len(lines) == len(WIDE) + 6
        assert {cell_len(line) for line in lines} == {32}, lines
        assert any(line.startswith("腰痛のためのやさしいス… ") for line in lines), lines

    run(make_app(user_dir=mine), scenario)


@pytest.fixture
def store() -> Iterator[SessionStore]:
    with SessionStore.open() as opened:
        yield opened


def wide_sessions(store: SessionStore) -> None:
    store.add(
        [
            _session(TODAY - timedelta(days=n), 0.75 + n, routine_id=f"r{n}", routine_name=name)
            for n, name in enumerate(WIDE)
        ]
    )


def test_history_keeps_columns_with_wide_names_and_says_seconds(store: SessionStore) -> None:
    wide_sessions(store)

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("tab", "h")
        await pilot.pause()
        screen = h.app.screen
        assert isinstance(screen, HistoryScreen)
        recent = text(screen, "#recent").splitlines()
        assert len({column_at(line, ":") for line in recent}) == 1
        times = [line.rsplit("  ", 1)[0] for line in recent]
        assert len({cell_len(line) for line in times}) == 1, recent
        per_routine = text(screen, "#per-routine").splitlines()
        assert len({column_at(line, "×") for line in per_routine}) == 1, per_routine
        assert any(line.rstrip().endswith("45s") for line in per_routine), per_routine
        assert "this week" in text(screen, "#weeks") and " 0 min" not in text(screen, "#weeks")

    run(make_app(store=store), scenario, size=(140, 40))


@pytest.mark.parametrize("size", [(80, 24), (40, 12)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_pick_with_wide_names_snapshot(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int]
) -> None:
    mine = tmp_path / "routines"
    for number, name in enumerate(WIDE):
        write(mine, f"wide-{number}", name, 15 + 60 * number)
    # The preview shows where a routine of yours lives: the same folder on every run.
    shown = Path("/home/you/.config/coach/routines")
    entries = [
        replace(e, path=shown / e.path.name) if not e.builtin else e
        for e in discover(user_dir=mine)
    ]
    h = make_app(entries=entries)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("end", "up")  # the longest wide name, the list scrolled to it
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=size, run_before=run_before)


def shown(widget: Clamped) -> str:
    return str(widget.render())


@pytest.mark.parametrize("size", [(40, 12), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_instructions_and_captions_cut_with_an_ellipsis(size: tuple[int, int]) -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.4)  # the neck stretch, left side: its instructions and its start cue
        await pilot.pause()
        for selector in ("#instructions", "#caption"):
            widget = h.player.query_one(selector, Clamped)
            text = shown(widget)
            lines = text.splitlines()
            assert 0 < len(lines) <= widget.content_size.height
            assert all(cell_len(line) <= widget.content_size.width for line in lines)
            flat = " ".join(text.split())
            if " ".join(widget.text.split()) == flat:
                assert size == (100, 30), f"{selector} fits at {size}"
            else:
                assert flat.endswith("…"), (selector, text)
                assert " ".join(widget.text.split()).startswith(flat[:-1].rstrip())

    run(make_app(start=sample_routine()), scenario, size=size)
