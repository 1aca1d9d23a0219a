"""The real `coach` command, run as a person would run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import tomli

DATA = Path(__file__).parent / "data"


def coach(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        env=os.environ.copy(),
    )


def test_console_script_and_version() -> None:
    exe = shutil.which("coach", path=str(Path(sys.executable).parent))
    assert exe, "the coach console script is installed beside the interpreter"
    result = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("coach ")


def test_help_lists_the_commands() -> None:
    result = coach("--help")
    assert result.returncode == 0
    for command in ("list", "show", "validate", "run", "schema"):
        assert command in result.stdout


def test_validate_reports_every_error_and_exits_1() -> None:
    good = DATA / "valid" / "everything.toml"
    bad = DATA / "invalid" / "bad-values.toml"
    result = coach("validate", str(good), str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{good}: ok (Everything, 4 steps)"
    assert len([line for line in lines if line.startswith(f"{bad}:")]) == 9
    assert lines[-1] == "1 valid, 1 broken"
    assert "Traceback" not in result.stdout + result.stderr
    assert coach("validate", str(good)).returncode == 0


def test_validate_missing_file_is_one_line() -> None:
    result = coach("validate", "nowhere.toml")
    assert result.returncode == 1
    assert result.stdout.strip() == "nowhere.toml: no such file"


def test_list_shows_user_routines_and_broken_ones(coach_home: Path) -> None:
    mine = coach_home / "config" / "routines"
    mine.mkdir(parents=True)
    shutil.copy(DATA / "valid" / "minimal.toml", mine / "my-breath.toml")
    shutil.copy(DATA / "invalid" / "cues.toml", mine / "oops.toml")
    result = coach("list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    [ok] = [line for line in lines if line.startswith("my-breath")]
    assert "Minimal" in ok and "35s" in ok and "(yours)" in ok
    [broken] = [line for line in lines if line.startswith("oops")]
    assert "broken:" in broken and "oops.toml:9:" in broken and "(and 6 more)" in broken


def test_show_prints_steps_times_and_total() -> None:
    result = coach("show", str(DATA / "valid" / "everything.toml"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3m 40s+ · 4 steps · mat" in out
    assert "  1    0:10  Knee to chest  stretch    0:30, each side, then 10s rest" in out
    assert "      3:40+  end" in out
    assert "source: NHS: Exercises for back pain" in out


def test_show_unknown_id_is_one_line() -> None:
    result = coach("show", "no-such-routine")
    assert result.returncode == 1
    assert result.stderr.startswith("coach: no-such-routine: no routine with this id")
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_plain_follows_a_routine_in_real_time(tmp_path: Path) -> None:
    routine = tmp_path / "tiny.toml"
    routine.write_text(
        'name = "Tiny"\nprepare = "1s"\n[[step]]\nname = "Breathe"\nkind = "breathing"\n'
        "duration = 1\n",
        encoding="utf-8",
    )
    result = coach("run", str(routine), "--plain")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Tiny · 0:02",
        " 0:00  Get ready. First: Breathe.",
        " 0:01  Breathe",
        " 0:02  Done. Well done, that was 2 seconds.",
        " 0:02  [completed: 0:02 active, 1 of 1 step done]",
    ]


def test_schema_is_valid_and_accepts_every_valid_file_and_rejects_typos() -> None:
    result = coach("schema")
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((DATA / "valid").glob("*.toml")):
        document = tomli.loads(path.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(document)), path.name
    for name in ("unknown-keys", "wrong-shapes"):
        document = tomli.loads((DATA / "invalid" / f"{name}.toml").read_text(encoding="utf-8"))
        assert list(validator.iter_errors(document)), name


@pytest.mark.parametrize("command", [["--help"], ["list"]])
def test_help_and_list_import_no_ui_audio_or_log(command: list[str]) -> None:
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['coach', *{command!r}]\n"
        "try:\n"
        "    runpy.run_module('coach', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'pyttsx3', 'miniaudio', 'rich', 'sqlite3') or m == 'coach.log')\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "HEAVY []" in result.stderr, result.stderr[-500:]


def test_the_app_without_a_terminal_points_to_plain_mode() -> None:
    for args in ((), ("run", "desk-break")):
        result = coach(*args)
        assert result.returncode == 2
        assert result.stderr.strip() == (
            "coach: the app needs a terminal; for pipes and screen readers use "
            "`coach run ID --plain`"
        )


def test_run_with_an_unknown_routine_is_one_line_and_exit_1() -> None:
    result = coach("run", "no-such-routine")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no routine with this id" in result.stderr


def test_a_broken_file_with_a_built_ins_id_says_it_hides_the_built_in(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy of desk-break.toml edited and broken replaced the built-in without a word:
    `coach list` showed desk-break as broken, and `coach run desk-break` failed, as if coach's
    own routine were damaged."""
    from coach.cli import main

    folder = coach_home / "config" / "routines"
    folder.mkdir(parents=True)
    (folder / "desk-break.toml").write_text("name = \n")
    (folder / "mine.toml").write_text("name = \n")
    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    [line] = [line for line in out if "desk-break" in line]
    assert "broken:" in line and line.endswith("(hides the built-in desk-break)")
    [mine] = [line for line in out if line.startswith("mine ")]
    assert "broken:" in mine and "hides" not in mine  # no built-in of that id
    assert main(["show", "desk-break"]) == 1
    *_, last = capsys.readouterr().err.splitlines()
    assert last == (
        f"coach: {folder / 'desk-break.toml'}: hides the built-in desk-break "
        "(fix this file, or remove it to use the built-in)"
    )
