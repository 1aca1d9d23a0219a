"""What the commands say: lengths, open steps, counts, cut names, wide characters, near-miss ids.

The real ``coach`` command, with routines and a log made here."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from coach.text import cell_len

from .test_cli import DATA, coach
from .test_history import make
from .test_log_cli import local, seed

TODAY = date.today()


def user_routine(coach_home: Path, routine_id: str, text: str) -> Path:
    folder = coach_home / "config" / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{routine_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def one_step(name: str, seconds: int, *, step: str = "Breathe", tags: str = "[]") -> str:
    return (
        f'name = "{name}"\nprepare = 0\ntags = {tags}\n'
        f'[[step]]\nname = "{step}"\nkind = "breathing"\nduration = {seconds}\n'
    )


def line_of(output: str, start: str) -> str:
    [line] = [line for line in output.splitlines() if line.startswith(start)]
    return line


# -- lengths below a minute, and the one way of writing a total --------------------------------


def test_a_15_second_routine_is_15s_in_list_and_show(coach_home: Path) -> None:
    user_routine(coach_home, "quick", one_step("Quick breath", 15))
    user_routine(coach_home, "tiny", one_step("Tiny breath", 6))
    listed = coach("list").stdout
    assert "15s" in line_of(listed, "quick")
    assert "6s" in line_of(listed, "tiny")
    shown = coach("show", "quick").stdout
    assert "15s · 1 step" in shown


def test_stats_say_seconds_below_a_minute() -> None:
    seed([make(local(TODAY), minutes=0.75, routine="desk-break", name="Desk break")])
    out = coach("stats").stdout
    assert "this week: 45s" in out
    assert "0 min" not in out
    assert "45s" in line_of(out, "  desk-break")


def test_open_steps_the_total_is_said_one_way_and_later_starts_are_marked(
    coach_home: Path,
) -> None:
    user_routine(coach_home, "everything", (DATA / "valid" / "everything.toml").read_text())
    shown = coach("show", "everything").stdout
    assert "3m 40s+ · 4 steps · mat" in shown
    # Dead bug is open (8 reps, no time): the step after it cannot start at the same moment.
    dead_bug = line_of(shown, "  3 ")
    lie_still = line_of(shown, "  4 ")
    assert "  2:25  Dead bug" in dead_bug
    assert "  2:40+  Lie still" in lie_still
    assert "3:40+  end" in shown
    assert "3m 40s+" in line_of(coach("list").stdout, "everything")


# -- counts and cut names ------------------------------------------------------------------


def test_one_step_is_one_step(coach_home: Path) -> None:
    minimal = str(DATA / "valid" / "minimal.toml")
    assert coach("validate", minimal).stdout.strip() == f"{minimal}: ok (Minimal, 1 step)"
    assert "· 1 step" in coach("show", minimal).stdout
    record = make(local(TODAY), routine="desk-break", name="Desk break")
    seed([record.__class__(**{**record.__dict__, "steps_completed": 1, "steps_total": 1})])
    assert "1/1 step " in coach("log").stdout


def test_log_cuts_a_long_name_with_an_ellipsis() -> None:
    seed([make(local(TODAY), routine="strength", name="Back-friendly strength, short and sweet")])
    line = coach("log").stdout.splitlines()[0]
    assert "Back-friendly strength, sho…" in line
    assert "shor " not in line


# -- a near-miss id ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "show"])
def test_a_misspelt_id_gets_a_did_you_mean(command: str) -> None:
    result = coach(command, "desk-brake")
    assert result.returncode == 1
    assert "did you mean desk-break?" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- the end cue -----------------------------------------------------------------------------


def test_the_end_cue_of_a_3_20_routine_says_minutes_and_seconds(coach_home: Path) -> None:
    user_routine(coach_home, "three", one_step("Three twenty", 200))
    out = coach("show", "three", "--timeline").stdout
    assert "finish: Done. Well done, that was 3 minutes and 20 seconds." in out


# -- wide characters -------------------------------------------------------------------------

WIDE = ["朝のストレッチ", "🧘 Calm breath", "Desk break plain"]


def column_at(line: str, text: str) -> int:
    """The terminal column where ``text`` starts in ``line``."""
    return cell_len(line[: line.index(text)])


def test_wide_names_keep_the_columns_of_list_and_show(coach_home: Path) -> None:
    for number, name in enumerate(WIDE):
        user_routine(coach_home, f"wide-{number}", one_step(name, 30 + number, tags='["zz"]'))
    listed = coach("list").stdout
    lines = [line_of(listed, f"wide-{number}") for number in range(len(WIDE))]
    assert len({column_at(line, "zz") for line in lines}) == 1, listed
    assert len({column_at(line, "s  zz") for line in lines}) == 1, listed

    steps = "".join(
        f'[[step]]\nname = "{name}"\nkind = "stretch"\nduration = 10\n' for name in WIDE
    )
    user_routine(coach_home, "steps", f'name = "Steps"\nprepare = 0\n{steps}')
    shown = coach("show", "steps").stdout
    rows = [line_of(shown, f"  {number} ") for number in (1, 2, 3)]
    assert len({column_at(row, "stretch") for row in rows}) == 1, shown


def test_wide_names_keep_the_columns_of_log_and_stats() -> None:
    seed(
        [
            make(local(TODAY - timedelta(days=n)), routine=f"r{n}", name=name)
            for n, name in enumerate(WIDE)
        ]
    )
    lines = coach("log").stdout.splitlines()
    assert len({column_at(line, "10:00 of") for line in lines}) == 1, lines
    stats = coach("stats").stdout
    rows = [line_of(stats, f"  r{n} ") for n in range(len(WIDE))]
    assert len({column_at(row, "1 session") for row in rows}) == 1, stats
