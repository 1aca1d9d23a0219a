"""Hostile routine files, data-driven: each file in data/hostile (and each that git cannot
hold, made here: a FIFO, links to /dev/zero and /dev/urandom, a folder, a link loop, a
dangling link, names with escape codes or bytes that are not UTF-8, a 0.9 MB file that
would expand to two million cues) goes through the real ``coach`` command: ``validate``,
``show``, ``run --plain``, ``list`` and ``show`` of an unknown id with it among the user's
routines. Each must answer in one clear line (its .err twin), with no traceback, nothing
that would drive the terminal, and within a timeout: a hang fails the test.

The app's start with every one of them in the routines folder is in
tests/test_hostile_app.py."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.showing import printable

HOSTILE = Path(__file__).parent / "data" / "hostile"
FILES = sorted(HOSTILE.glob("*.toml"))
TIMEOUT = 30
BUILTINS = (
    "cool-down",
    "core-strength",
    "desk-break",
    "lower-back-relief",
    "morning-stretch",
    "self-massage",
)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def _text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


def _bytes(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def _huge_timeline(path: Path) -> None:
    cues = "".join(f'[[step.cue]]\nat = "50%"\nsay = "Cue {n}"\n' for n in range(20_000))
    head = 'name = "Big"\n\n[[step]]\nname = "Hold"\nkind = "stretch"\nduration = "30s"\n'
    path.write_text(head + "sides = true\nsets = 50\n" + cues, encoding="utf-8")


_STEP = 'name = "Hostile"\n\n[[step]]\nname = "{name}"\nkind = "stretch"\nduration = "{dur}"\n'

# name -> (how to make it, the one line `coach validate NAME` answers)
MADE: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo.toml": (_fifo, "fifo.toml: is a named pipe (FIFO), not a routine file"),
    "zero.toml": (_link("/dev/zero"), "zero.toml: is a device, not a routine file"),
    "urandom.toml": (_link("/dev/urandom"), "urandom.toml: is a device, not a routine file"),
    "folder.toml": (lambda p: p.mkdir(), "folder.toml: is a folder, not a routine file"),
    "loop.toml": (_link("loop.toml"), "loop.toml: is a symbolic link that goes round in a loop"),
    "dangling.toml": (
        _link("gone.toml"),
        "dangling.toml: is a symbolic link to a file that does not exist",
    ),
    "huge-timeline.toml": (
        _huge_timeline,
        'huge-timeline.toml:9: step 1 "Hold": cue: 20000 cues, each said in 100 sets and '
        "sides, pass the 5000 cues a routine may have (2000000 by here)",
    ),
    "long-step-name.toml": (
        _text(_STEP.format(name="x" * 100_000, dur="30s")),
        'long-step-name.toml:4: step 1 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...": name: is '
        "longer than 2000 characters",
    ),
    "\x1b]0;PWN\x07.toml": (
        _text("name = \n"),
        "\\u001b]0;PWN\\u0007.toml:1: not valid TOML: Invalid value (column 8)",
    ),
    os.fsdecode(b"\xff\xfe.toml"): (
        _text(_STEP.format(name="Hold", dur="0.5s")),
        '\\udcff\\udcfe.toml:6: step 1 "Hold": duration: "0.5s" is shorter than 1 second '
        "(durations are 1s to 4h)",
    ),
    # Saved as "Unicode" by an editor that means UTF-16: say so, not just "byte 0xff".
    "utf16.toml": (
        _bytes(_STEP.format(name="Hold", dur="30s").encode("utf-16")),
        "utf16.toml:1: is UTF-16 text, not UTF-8 (save it again as UTF-8)",
    ),
    "utf16be.toml": (
        _bytes(b"\xfe\xff" + "name = 1".encode("utf-16-be")),
        "utf16be.toml:1: is UTF-16 text, not UTF-8 (save it again as UTF-8)",
    ),
}
CASES = [p.name for p in FILES] + list(MADE)


def _make(folder: Path, name: str) -> None:
    if name in MADE:
        MADE[name][0](folder / name)
    else:
        (folder / name).write_bytes((HOSTILE / name).read_bytes())


def _expected(name: str) -> str:
    if name in MADE:
        return MADE[name][1]
    return (HOSTILE / name).with_suffix(".err").read_text(encoding="utf-8").rstrip("\n")


def coach(
    *args: str, home: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command, with a timeout: a hang is a failure, not a stuck test run."""
    result = subprocess.run(
        [sys.executable, "-m", "coach", *args],
        cwd=cwd,
        env={**os.environ, "COACH_HOME": str(home), **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=TIMEOUT,
        errors="surrogateescape",
    )
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream
        assert not any(c in stream for c in "\x1b\x07\x00\x9b\u202e"), repr(stream)
    return result


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("name", CASES, ids=[printable(n) for n in CASES])
def test_validate_show_and_run_give_one_line(name: str, case_dir: Path, coach_home: Path) -> None:
    _make(case_dir, name)
    expected = _expected(name)
    assert len(expected) < 300

    result = coach("validate", name, home=coach_home, cwd=case_dir)
    # validate looks inside a folder for routine files; show and run take one routine
    told = (
        f"{name}: no routine files (.toml) here; -r looks in subfolders too"
        if (case_dir / name).is_dir() and not (case_dir / name).is_symlink()
        else expected
    )
    assert (result.returncode, result.stdout.splitlines(), result.stderr) == (1, [told], "")

    for args in (["show", name], ["run", name, "--plain", "--mute", "--no-sound"]):
        result = coach(*args, home=coach_home, cwd=case_dir)
        assert result.returncode == 1, args
        assert (result.stdout, result.stderr.splitlines()) == ("", [f"coach: {expected}"]), args


def test_dev_zero_given_as_a_path_is_refused_at_once(coach_home: Path) -> None:
    for device in ("/dev/zero", "/dev/urandom"):
        result = coach("validate", device, home=coach_home)
        assert result.stdout == f"{device}: is a device, not a routine file\n"


def test_list_shows_every_file_with_its_one_line(tmp_path: Path, coach_home: Path) -> None:
    """All of them at once in the user's folder: the built-ins still list, and each hostile
    file has its line, naming it and saying why."""
    user = coach_home / "config" / "routines"
    user.mkdir(parents=True)
    for name in CASES:
        _make(user, name)

    result = coach("list", home=coach_home)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    for routine_id in BUILTINS:
        assert any(line.startswith(routine_id + " ") for line in lines), routine_id
    for name in CASES:
        where = printable(str(user)) + "/"
        assert any(f"broken: {where}{_expected(name)}" in line for line in lines), name
    assert len(lines) == len(BUILTINS) + len(CASES)

    # By id too: what is not a file is named with its reason, not "no routine with this id".
    for routine_id in ("fifo", "zero", "urandom", "folder", "loop", "dangling"):
        result = coach("show", routine_id, home=coach_home)
        expected = f"coach: {where}{_expected(routine_id + '.toml')}"
        assert (result.returncode, result.stderr.splitlines()) == (1, [expected]), routine_id

    result = coach("show", "not-there", home=coach_home)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("coach: not-there: no routine with this id (known: ")
    assert "desk-break" in line and "fifo" in line


CONFIGS: dict[str, Callable[[Path], None]] = {
    "nested 500 deep": _text("rate = " + "[" * 500 + "]" * 500 + "\n"),
    "a 5,000-digit number": _text("rate = " + "1" * 5000 + "\n"),
    "a FIFO": _fifo,
    "/dev/zero": _link("/dev/zero"),
}


@pytest.mark.parametrize("config", list(CONFIGS))
def test_a_hostile_config_never_stops_a_plain_run(
    config: str, case_dir: Path, coach_home: Path
) -> None:
    """The docs promise a broken config never stops coach: one line, and the routine runs."""
    folder = coach_home / "config"
    folder.mkdir(parents=True)
    CONFIGS[config](folder / "config.toml")
    routine = case_dir / "tiny.toml"
    routine.write_text(
        'name = "Tiny"\nprepare = 0\n[cues]\ncountdown = 0\nnext_up = false\n'
        '[[step]]\nname = "Hold"\nkind = "stretch"\nduration = "1s"\n'
    )
    result = coach("run", str(routine), "--plain", "--mute", "--no-sound", home=coach_home)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "config.toml" in line]
    assert line.startswith(f"coach: {folder / 'config.toml'}") and "default" in line
    assert "Done" in result.stdout


def test_every_folder_and_file_coach_makes_is_private_under_umask_000(tmp_path: Path) -> None:
    """COACH_HOME and every folder below it 0700, every file 0600, though the umask would
    let anybody read and write them: the log is health data."""
    home = tmp_path / "new" / "coach-home"
    routine = tmp_path / "tiny.toml"
    routine.write_text(
        'name = "Tiny"\nprepare = 0\n[cues]\ncountdown = 0\nnext_up = false\n'
        '[[step]]\nname = "Hold"\nkind = "stretch"\nduration = "1s"\n'
    )
    for args in (["list"], ["run", str(routine), "--plain", "--no-sound"], ["log"]):
        subprocess.run(
            [sys.executable, "-m", "coach", *args],
            env={**os.environ, "COACH_HOME": str(home)},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=True,
            preexec_fn=lambda: os.umask(0),  # no threads in this test process need it
        )
    made = [home.parent, home, *home.rglob("*")]
    assert len(made) > 6, made  # config, data, cache, the log, the list's cache...
    wrong = {
        str(path.relative_to(tmp_path)): oct(path.stat().st_mode & 0o777)
        for path in made
        if path.stat().st_mode & 0o077
    }
    assert wrong == {}


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_coach_folders_left_open_by_an_older_coach_are_made_private(tmp_path: Path) -> None:
    """An older coach under umask 000 made its folders 0777; the log's folder was put right
    on opening, but the cache folder stayed open: anybody on the machine could swap the
    list's cache or the rendered speech, or plant a link where coach writes."""
    home = tmp_path / "coach-home"
    for name in ("cache", "data"):
        (home / name).mkdir(parents=True)
        (home / name).chmod(0o777)
    routine = tmp_path / "tiny.toml"
    routine.write_text(
        'name = "Tiny"\nprepare = 0\n[cues]\ncountdown = 0\nnext_up = false\n'
        '[[step]]\nname = "Hold"\nkind = "stretch"\nduration = "1s"\n'
    )
    for args in (["list"], ["run", str(routine), "--plain", "--no-sound"]):
        coach(*args, home=home)
    wrong = {
        path.name: oct(path.stat().st_mode & 0o777)
        for path in (home / "cache", home / "data", *(home / "cache").rglob("*"))
        if path.stat().st_mode & 0o077
    }
    assert wrong == {}


@pytest.mark.skipif(os.name == "nt", reason="symbolic links")
def test_the_list_cache_is_never_written_through_a_planted_link(tmp_path: Path) -> None:
    """The cache was written to `.routine-list.json.<pid>` first, opened without O_EXCL: a
    link planted at that name (a pid is easy to guess) had coach overwrite its target."""
    from coach import paths

    target = tmp_path / "cache" / "routine-list.json"
    target.parent.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (target.parent / f".{target.name}.{os.getpid()}").symlink_to(victim)
    paths.write_private(target, b"{}")
    assert victim.read_text() == "keep me\n"
    assert target.read_bytes() == b"{}" and not target.is_symlink()
