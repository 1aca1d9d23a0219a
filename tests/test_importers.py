"""``coach import``: plain lists and Just Another Workout Timer's JSON become routines that
``coach validate`` passes; a line that cannot be read is an error with its number."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.importers import ImportProblems, parse_jawt, parse_plain_list, to_toml
from coach.routine import parse_routine

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"


def _coach(*args: str) -> subprocess.CompletedProcess[str]:
    command = str(Path(sys.executable).with_name("coach"))
    return subprocess.run([command, *args], capture_output=True, text=True, timeout=60)


def test_the_three_forms_of_the_issue_and_more() -> None:
    text = (
        "# comment\n"
        "- Cat-cow, 45s\n"
        "2. Bird-dog, 10 reps\n"
        "Side plank, 20s each side\n"
        "Wall push-up, 3 sets, 8 reps, rest 20s\n"
        "Breathing, 2 min\n"
        "Forearm massage, 30 seconds, per side\n"
        "\n"
    )
    routine = parse_plain_list(text, file="desk.txt", name="Desk")
    got = [(s.name, s.kind, s.duration, s.reps, s.sides, s.sets, s.rest) for s in routine.steps]
    assert got == [
        ("Cat-cow", "stretch", 45.0, None, False, 1, None),
        ("Bird-dog", "strength", None, 10, False, 1, None),
        ("Side plank", "strength", 20.0, None, True, 1, None),
        ("Wall push-up", "strength", None, 8, False, 3, 20.0),
        ("Breathing", "breathing", 120.0, None, False, 1, None),
        ("Forearm massage", "massage", 30.0, None, True, 1, None),
    ]
    checked = parse_routine(to_toml(routine), routine_id="desk")
    assert [s.name for s in checked.steps] == [s.name for s in routine.steps]
    assert "stop and ease off if anything hurts" in checked.description


def test_every_unreadable_line_is_an_error_with_its_number() -> None:
    text = "Cat-cow, 45s\nCat cow 45s\n\nPlank, 45 parsecs\n, 10 reps\nNeck turn, each side\n"
    with pytest.raises(ImportProblems) as caught:
        parse_plain_list(text, file="list.txt", name="List")
    problems = caught.value.problems
    assert [p.split(":")[1] for p in problems] == ["2", "4", "5", "6"]
    assert problems[0].startswith('list.txt:2: cannot read "Cat cow 45s": write one exercise')
    assert '"45 parsecs" is not a time' in problems[1]
    assert "needs a time or reps" in problems[3]


def test_a_list_longer_than_a_routine_can_be_says_so() -> None:
    """It was written out, then refused as "the imported routine does not check"."""
    text = "".join(f"Step {n}, 10s\n" for n in range(501))
    with pytest.raises(ImportProblems) as caught:
        parse_plain_list(text, file="long.txt", name="Long")
    assert caught.value.problems == ["long.txt: 501 exercises; a routine holds at most 500 steps"]


def test_an_empty_list_is_an_error() -> None:
    with pytest.raises(ImportProblems, match="no exercises"):
        parse_plain_list("# nothing\n\n", file="empty.txt", name="Empty")


def test_jawt_sets_become_steps_and_rests() -> None:
    data = json.loads((EXAMPLES / "jawt-workout.json").read_text())
    [routine] = parse_jawt(data, file="jawt-workout.json")
    assert routine.name == "Evening mobility"
    got = [(s.name, s.kind, s.duration, s.sets) for s in routine.steps]
    assert got == [
        ("March on the spot", "stretch", 60, 1),
        ("Arm circles", "stretch", 30, 1),
        ("Hip flexor stretch", "stretch", 40, 1),
        ("Rest", "rest", 15, 1),
        ("Hip flexor stretch", "stretch", 40, 1),
        ("Rest", "rest", 15, 1),
        ("Dead bug", "strength", 30, 3),
    ]


def test_a_jawt_backup_with_a_broken_exercise_names_it() -> None:
    data = {
        "workouts": [{"title": "A", "sets": [{"repetitions": 1, "exercises": [{"name": "X"}]}]}]
    }
    with pytest.raises(ImportProblems) as caught:
        parse_jawt(data, file="backup.json")
    assert caught.value.problems == [
        "backup.json: workout 1 (A), set 1, exercise 1 (X): needs a duration in seconds"
    ]


def test_a_jawt_set_repeated_past_the_step_limit_is_refused_before_it_is_written_out() -> None:
    """A billion repetitions of a two-exercise set was written out in memory first."""
    two = [{"name": "A", "duration": 5}, {"name": "B", "duration": 5}]
    data = {"title": "Big", "sets": [{"repetitions": 10**5, "exercises": two}]}
    with pytest.raises(ImportProblems) as caught:
        parse_jawt(data, file="big.json")
    assert caught.value.problems == [
        "big.json: workout 1 (Big), set 1: 100000 repetitions of 2 exercises are more than "
        "500 steps"
    ]


@pytest.mark.parametrize("example", ["desk-list.txt", "jawt-workout.json"])
def test_import_round_trips_through_validate(example: str, coach_home: Path) -> None:
    result = _coach("import", str(EXAMPLES / example))
    assert result.returncode == 0, result.stderr
    written = coach_home / "config" / "routines" / f"{Path(example).stem}.toml"
    assert f"wrote {written}" in result.stdout
    checked = _coach("validate", str(written))
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.startswith(f"{written}: ok")
    assert (written.stat().st_mode & 0o777) == 0o600
    again = _coach("import", str(EXAMPLES / example))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_import_of_a_bad_file_writes_nothing(tmp_path: Path, coach_home: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Cat-cow, 45s\nhello there\n")
    result = _coach("import", str(bad))
    assert result.returncode == 1
    hint = '"Cat-cow, 45s", "Bird-dog, 10 reps" or "Side plank, 20s each side"'
    expected = f'{bad}:2: cannot read "hello there": write one exercise a line: {hint}'
    assert result.stderr.strip() == expected
    assert not (coach_home / "config" / "routines").exists()
    other = tmp_path / "other.json"
    other.write_text('{"exercises": []}')
    result = _coach("import", str(other))
    assert result.returncode == 1 and "not a Just Another Workout Timer workout" in result.stderr


def test_import_with_id_name_and_output(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    result = _coach(
        "import", str(EXAMPLES / "desk-list.txt"), "--name", "My desk", "-o", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert _coach("validate", str(target)).returncode == 0
    assert 'name = "My desk"' in target.read_text()


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes and /dev/zero are POSIX")
def test_a_fifo_or_a_device_is_refused_at_once_not_read_forever(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "list.fifo"
    os.mkfifo(fifo)
    command = str(Path(sys.executable).with_name("coach"))
    for path in (str(fifo), "/dev/zero"):
        # No writer ever comes to the pipe, and /dev/zero never ends: both must be refused.
        result = subprocess.run(
            [command, "import", path], capture_output=True, text=True, timeout=20
        )
        assert result.returncode == 1
        assert result.stderr.strip() == f"{path}: not a file (a list of exercises is a file)"
