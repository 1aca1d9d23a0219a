"""``coach new`` and ``coach edit`` with EDITOR set to a script that writes a broken routine
the first time and a fixed one the second, as a person fixing their typo would."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coach.authoring import editor_command

BROKEN = """\
name = "My break"
[[step]]
name = "Neck turn"
kind = "stretch"
duration = "30 parsecs"
"""

FIXED = """\
name = "My break"
description = "Stop and ease off if anything hurts."
[[step]]
name = "Neck turn"
kind = "stretch"
duration = "30s"
sides = true
"""


def _coach() -> str:
    return str(Path(sys.executable).with_name("coach"))


@pytest.fixture
def editor(tmp_path: Path) -> Path:
    """An editor that writes BROKEN on its first run and FIXED on every later one, and
    keeps the file it was given on its first run."""
    (tmp_path / "broken.toml").write_text(BROKEN)
    (tmp_path / "fixed.toml").write_text(FIXED)
    script = tmp_path / "fake-editor"
    script.write_text(
        "#!/bin/sh\n"
        f'runs="{tmp_path}/runs"\n'
        'echo run >> "$runs"\n'
        'if [ "$(wc -l < "$runs")" -eq 1 ]; then\n'
        f'  cp "$1" "{tmp_path}/first-seen.toml"\n'
        f'  cp "{tmp_path}/broken.toml" "$1"\n'
        "else\n"
        f'  cp "{tmp_path}/fixed.toml" "$1"\n'
        "fi\n"
    )
    script.chmod(0o755)
    return script


def coach(*args: str, editor: Path, answers: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EDITOR": str(editor)}
    env.pop("VISUAL", None)
    return subprocess.run(
        [_coach(), *args], input=answers, capture_output=True, text=True, env=env, timeout=60
    )


def test_new_shows_the_problem_with_its_line_then_reopens_until_fixed(
    editor: Path, coach_home: Path, tmp_path: Path
) -> None:
    result = coach("new", "my-break", editor=editor, answers="y\n")
    assert result.returncode == 0, result.stderr
    target = coach_home / "config" / "routines" / "my-break.toml"
    # The problem, with file and line, before the question.
    assert f'{target}:5: step 1 "Neck turn": duration: "30 parsecs" is not' in result.stdout
    assert "Edit it again? [Y/n]" in result.stdout
    assert f"{target}: ok (My break, 1 steps)" in result.stdout
    assert (tmp_path / "runs").read_text().count("run") == 2
    assert target.read_text() == FIXED
    # What the editor first opened was the commented template, every step kind in it.
    template = (tmp_path / "first-seen.toml").read_text()
    for kind in ("stretch", "strength", "breathing", "massage"):
        assert f'kind = "{kind}"' in template
    if os.name != "nt":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    listed = subprocess.run([_coach(), "list"], capture_output=True, text=True, check=True)
    assert "my-break" in listed.stdout and "My break" in listed.stdout


def test_no_keeps_the_broken_file_as_it_is(editor: Path, coach_home: Path) -> None:
    result = coach("new", "my-break", editor=editor, answers="n\n")
    assert result.returncode == 1
    target = coach_home / "config" / "routines" / "my-break.toml"
    assert target.read_text() == BROKEN
    assert "kept" in result.stderr and "broken" in result.stderr
    listed = subprocess.run([_coach(), "list"], capture_output=True, text=True, check=True)
    assert "broken: " in listed.stdout and "my-break.toml:5:" in listed.stdout


def test_no_answer_at_all_keeps_the_file(editor: Path, coach_home: Path) -> None:
    result = coach("new", "my-break", editor=editor, answers="")
    assert result.returncode == 1
    assert (coach_home / "config" / "routines" / "my-break.toml").read_text() == BROKEN


def test_edit_copies_a_builtin_first_and_says_so(editor: Path, coach_home: Path) -> None:
    result = coach("edit", "desk-break", editor=editor, answers="y\n")
    assert result.returncode == 0, result.stderr
    target = coach_home / "config" / "routines" / "desk-break.toml"
    assert f"desk-break is built in: copied it to {target}" in result.stdout
    assert "replaces the built-in" in result.stdout
    assert target.read_text() == FIXED
    shown = subprocess.run([_coach(), "show", "desk-break"], capture_output=True, text=True)
    assert shown.stdout.startswith("My break")


def test_edit_opens_a_routine_of_yours_whatever_its_file_is_called(
    editor: Path, coach_home: Path
) -> None:
    """`coach list` shows "My Break" for My Break.toml and `coach run` takes it: so does
    `coach edit`. A name that leads out of the folder is still refused."""
    folder = coach_home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "My Break.toml").write_text(FIXED)
    result = coach("edit", "My Break", editor=editor, answers="y\n")
    assert result.returncode == 0, result.stderr
    assert (folder / "My Break.toml").read_text() == FIXED  # broken, then fixed again
    for bad in ("../My Break", "/etc/passwd", ".."):
        refused = coach("edit", bad, editor=editor)
        assert refused.returncode == 2 and "not a routine id" in refused.stderr


def test_new_from_copies_a_routine(editor: Path, coach_home: Path, tmp_path: Path) -> None:
    result = coach("new", "my-desk", "--from", "desk-break", editor=editor, answers="y\n")
    assert result.returncode == 0, result.stderr
    first = (tmp_path / "first-seen.toml").read_text()
    assert first.startswith("# Copied from ")
    assert 'name = "Desk-break posture reset"' in first


def test_new_refuses_an_existing_id_and_a_bad_one(editor: Path, coach_home: Path) -> None:
    assert coach("new", "my-break", editor=editor, answers="y\n").returncode == 0
    again = coach("new", "my-break", editor=editor)
    assert again.returncode == 1 and "coach edit my-break" in again.stderr
    bad = coach("new", "../escape", editor=editor)
    assert bad.returncode == 2 and "not a routine id" in bad.stderr
    builtin = coach("new", "desk-break", editor=editor)
    assert builtin.returncode == 1 and "built-in" in builtin.stderr


def test_the_editor_comes_from_visual_then_editor_with_its_arguments() -> None:
    assert editor_command({"VISUAL": "code -w", "EDITOR": "vi"}) == ["code", "-w"]
    assert editor_command({"EDITOR": "nano"}) == ["nano"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
@pytest.mark.parametrize(
    "args",
    [("new", "mine"), ("edit", "desk-break"), ("import", "docs/examples/desk-list.txt")],
)
def test_the_folders_it_makes_are_private(
    args: tuple[str, ...], editor: Path, coach_home: Path
) -> None:
    if args[0] == "import":
        args = (args[0], str(Path(__file__).parent.parent / args[1]))
    result = coach(*args, editor=editor, answers="n\n")
    assert result.returncode in (0, 1), result.stderr
    made = [coach_home, *(p for p in coach_home.rglob("*") if p.is_dir())]
    assert len(made) >= 3  # COACH_HOME, config, routines
    for folder in made:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
