"""``coach new`` and ``coach edit``: write a routine in your own editor, checked when it closes.

``coach new ID`` writes a commented template (every kind of step, each key explained) or,
with ``--from ROUTINE``, a copy of a routine, into your routine folder, and opens it in
``$VISUAL`` or ``$EDITOR``. ``coach edit ID`` opens one of yours; a built-in is copied to your
folder first, and the copy replaces the built-in from then on (it says so). When the editor
closes, the file is checked; if it has problems, they are shown with their lines and you
choose to edit again or keep the file as it is, as ``crontab -e`` does.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from coach import paths
from coach.resources import builtin_routines_dir
from coach.routine import RoutineError, load_routine

if TYPE_CHECKING:
    from coach.catalog import Entry

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FALLBACK_EDITORS = ("editor", "nano", "vi")
"""Tried in this order when neither VISUAL nor EDITOR is set (``editor`` is Debian's
choice of the system's editor)."""

TEMPLATE = """\
# {name}: your own routine. Every key is explained in docs/routine-format.md;
# `coach validate {file}` checks it, `coach show {id}` shows its timeline.
# Lines starting with # are comments. Durations: 30s, 1m30s or 1:30.

name = "{name}"
description = "What it is for and who it suits. Move gently; stop and ease off if anything hurts, and see a professional for pain that stays."
tags = ["desk", "gentle"]         # for the filter: morning, desk, cool-down, back, massage, strength
equipment = ["chair"]             # what is needed; [] for nothing
prepare = "5s"                    # get-ready time before the first step

[defaults]
rest = "5s"                       # rest after each step, unless a step says otherwise

# A timed stretch done on each side: left, then "Switch sides", then right.
[[step]]
name = "Neck side stretch"
kind = "stretch"
duration = "20s"
sides = true
instructions = "Sit tall. Tilt your ear toward the shoulder of the side called. Keep both shoulders down."

# A strength step with reps and a tempo: the voice counts the reps, 3 seconds each.
[[step]]
name = "Shoulder squeezes"
kind = "strength"
reps = 8
tempo = "3s"
instructions = "Squeeze your shoulder blades together and down, hold, release."

# An open step: reps without a time. The screen counts up and waits for you (Enter).
[[step]]
name = "Sit-to-stand"
kind = "strength"
reps = 5
instructions = "Stand up from the chair without using your hands, then sit down slowly."

# Sets with a rest between them, and an extra spoken cue halfway.
[[step]]
name = "Slow breathing"
kind = "breathing"
duration = "30s"
sets = 2
set_rest = "10s"
instructions = "Breathe in through the nose for four, out through the mouth for six."
  [[step.cue]]
  at = "50%"
  say = "Let your shoulders drop."

# Self-massage: never roll on the lower spine itself.
[[step]]
name = "Forearm massage"
kind = "massage"
duration = "30s"
sides = true
rest = "0s"
instructions = "Press along the forearm of the side called with the other thumb, wrist to elbow."
"""  # noqa: E501  (a routine file's lines are as long as their sentences)


def _note(line: str) -> None:
    print(f"coach: {line}", file=sys.stderr)


def editor_command(environ: dict[str, str] | None = None) -> list[str] | None:
    """The editor to run: $VISUAL, then $EDITOR (each may carry arguments, ``code -w``),
    then the first of :data:`FALLBACK_EDITORS` found; None when there is none."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            return shlex.split(value)
    if sys.platform == "win32":
        return ["notepad"]
    for candidate in FALLBACK_EDITORS:
        if shutil.which(candidate):
            return [candidate]
    return None


def private_folder(folder: Path) -> None:
    """Make ``folder`` and every missing folder above it readable by the user only (0700);
    ``mkdir(parents=True, mode=...)`` gives the mode to the last one only."""
    missing: list[Path] = []
    at = folder
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)
    if not folder.is_dir():
        raise NotADirectoryError(20, "not a folder", str(folder))


def _write_private(path: Path, text: str) -> None:
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8") as stream:
        stream.write(text)


def _ask_again(ask: Callable[[str], str]) -> bool:
    """Whether the person wants to edit again; no answer (end of input) keeps the file."""
    while True:
        try:
            answer = ask("Edit it again? [Y/n] (n keeps the file as it is) ").strip().lower()
        except EOFError:
            return False
        if answer in ("", "y", "yes"):
            return True
        if answer in ("n", "no"):
            return False


def edit_until_valid(
    path: Path,
    *,
    editor: list[str] | None = None,
    ask: Callable[[str], str] = input,
    run: Callable[[list[str]], int] = lambda argv: subprocess.call(argv),
) -> int:
    """Open ``path`` in the editor, check it when the editor closes, and on problems offer to
    edit again. 0 when the file is valid, 1 when it is kept with problems."""
    command = editor if editor is not None else editor_command()
    if command is None:
        _note(f"no editor found: set VISUAL or EDITOR, or edit {path} by hand")
        return 1
    while True:
        try:
            code = run([*command, str(path)])
        except OSError as error:
            _note(f"cannot start the editor {command[0]!r}: {error.strerror or error}")
            return 1
        if code != 0:
            _note(f"the editor exited with status {code}; checking the file anyway")
        try:
            routine = load_routine(path, display_name=str(path))
        except RoutineError as error:
            for problem in error.problems:
                print(problem)
            if _ask_again(ask):
                continue
            _note(f"kept {path} as it is; it is listed as broken until it is fixed")
            return 1
        print(f"{path}: ok ({routine.name}, {len(routine.steps)} steps)")
        return 0


def _check_id(routine_id: str) -> str | None:
    if ID_PATTERN.match(routine_id):
        return None
    return (
        f"{routine_id!r} is not a routine id: use lower-case letters, digits, - and _, "
        "starting with a letter or digit (it becomes the file name)"
    )


def _source_text(ref: str) -> tuple[str, Path] | None:
    """The text of the routine ``ref`` (an id or a path) and its file."""
    from coach.catalog import looks_like_path

    if looks_like_path(ref):
        candidates = [Path(ref)]
    else:
        candidates = [
            paths.user_routines_dir() / f"{ref}.toml",
            builtin_routines_dir() / f"{ref}.toml",
        ]
    for candidate in candidates:
        if candidate.is_file():
            try:
                return candidate.read_text(encoding="utf-8"), candidate
            except (OSError, UnicodeDecodeError) as error:
                _note(f"cannot read {candidate}: {error}")
                return None
    _note(f"{ref}: no routine with this id (`coach list` shows them)")
    return None


def cmd_new(routine_id: str, *, source: str | None = None, **edit: object) -> int:
    """``coach new ID [--from ROUTINE]``."""
    bad = _check_id(routine_id)
    if bad:
        _note(bad)
        return 2
    target = paths.user_routines_dir() / f"{routine_id}.toml"
    if target.exists():
        _note(f"{target} already exists: `coach edit {routine_id}` opens it")
        return 1
    if (builtin_routines_dir() / f"{routine_id}.toml").exists():
        _note(f"{routine_id} is a built-in routine's id: `coach edit {routine_id}` makes it yours")
        return 1
    if source is None:
        name = routine_id.replace("-", " ").replace("_", " ").capitalize()
        text = TEMPLATE.format(name=name, file=target, id=routine_id)
    else:
        found = _source_text(source)
        if found is None:
            return 1
        original, origin = found
        text = f"# Copied from {origin} by `coach new {routine_id} --from {source}`.\n{original}"
    try:
        _write_private(target, text)
    except OSError as error:
        _note(f"cannot write {target}: {error.strerror or error}")
        return 1
    print(f"wrote {target}")
    return edit_until_valid(target, **edit)  # type: ignore[arg-type]


def _yours(routine_id: str) -> Path | None:
    """Your routine file with this id (its file name, as `coach list` shows it), when the
    id names a file in your folder and nothing outside it."""
    if (
        not routine_id
        or routine_id.startswith(".")
        or any(c in routine_id for c in "/\\\0")
        or Path(routine_id).name != routine_id
    ):
        return None
    path = paths.user_routines_dir() / f"{routine_id}.toml"
    return path if path.is_file() else None


def cmd_edit(routine_id: str, **edit: object) -> int:
    """``coach edit ID``: one of yours, or a built-in copied to your folder first."""
    mine = _yours(routine_id)
    if mine is not None:  # any file name `coach list` shows, "My Break" too
        return edit_until_valid(mine, **edit)  # type: ignore[arg-type]
    bad = _check_id(routine_id)
    if bad:
        _note(bad)
        return 2
    target = paths.user_routines_dir() / f"{routine_id}.toml"
    if not target.exists():
        builtin = builtin_routines_dir() / f"{routine_id}.toml"
        if not builtin.is_file():
            _note(f"{routine_id}: no routine with this id (`coach new {routine_id}` makes one)")
            return 1
        try:
            _write_private(target, builtin.read_text(encoding="utf-8"))
        except OSError as error:
            _note(f"cannot write {target}: {error.strerror or error}")
            return 1
        print(
            f"{routine_id} is built in: copied it to {target}. Your copy replaces the built-in "
            "from now on; delete the copy to go back to the built-in."
        )
    return edit_until_valid(target, **edit)  # type: ignore[arg-type]


def edit_in_terminal(entry: Entry | None, *, ask: Callable[[str], str] = input) -> None:
    """The app's ``ctrl+e`` / ``ctrl+n`` while it is suspended: edit ``entry`` (None: ask
    for a new routine's id and write one), then wait for Enter so the result can be read."""
    try:
        if entry is None:
            routine_id = ask("New routine's id (lower-case letters, digits, -): ").strip()
            if routine_id:
                cmd_new(routine_id, ask=ask)
        elif entry.builtin:
            cmd_edit(entry.id, ask=ask)
        else:
            edit_until_valid(entry.path, ask=ask)
        ask("Press Enter to go back to coach. ")
    except EOFError:
        pass
