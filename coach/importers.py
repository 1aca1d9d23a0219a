"""``coach import FILE``: a routine from a plain list, or from another app's export.

A plain list has one exercise a line: its name, a comma, then what to do::

    # Lines starting with # are comments; "- " or "1. " before a line is fine too.
    Cat-cow, 45s
    Bird-dog, 10 reps, each side
    Side plank, 20s each side
    Wall push-up, 3 sets, 8 reps, rest 20s
    Rest, 30s

Just Another Workout Timer's workout JSON (``{"title": ..., "sets": [{"repetitions": N,
"exercises": [{"name": ..., "duration": SECONDS}]}]}``, one workout, or its backup with
``"workouts"``) is read too: a set with one exercise becomes a step with sets, a set of
several is written out in order, its repetitions times; an exercise named "Rest" or "Pause"
is a rest.

Every line is used or reported: a line that cannot be read is an error with its line
number, and nothing is written until the whole file reads. The result is checked with the
same loader as every routine before it is saved.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from coach import paths
from coach.durations import DurationError, format_clock, parse_duration
from coach.routine import MAX_STEPS

MAX_IMPORT_BYTES = 1024 * 1024

SAFETY = (
    "Move gently; stop and ease off if anything hurts, and see a professional for pain that stays."
)
PLAIN_HINT = (
    'write one exercise a line: "Cat-cow, 45s", "Bird-dog, 10 reps" or "Side plank, 20s each side"'
)


@dataclass
class Step:
    """One step as the import understood it."""

    name: str
    kind: str = "stretch"
    duration: float | None = None
    reps: int | None = None
    sides: bool = False
    sets: int = 1
    rest: float | None = None


@dataclass
class Imported:
    """A routine read from another format, before it is written as TOML."""

    name: str
    origin: str
    steps: list[Step] = field(default_factory=list)


class ImportProblems(Exception):
    """The file cannot be imported; each problem is one line, ``file:line: ...``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "cannot import")
        self.problems = problems


# -- the plain list --------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_REPS = re.compile(r"^(\d+)\s*(?:reps?|repetitions?|times|x)$|^x\s*(\d+)$", re.IGNORECASE)
_SETS = re.compile(r"^(\d+)\s*(?:sets?|rounds?)$", re.IGNORECASE)
_SIDES = re.compile(r"\s*\b(?:each|per|both|every)\s+sides?$|^\s*(?:each|per)\s+side$", re.I)
_REST = re.compile(r"^rest\s+(.+)$", re.IGNORECASE)
_UNITS = [
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:sec|secs|second|seconds)\b", re.I), r"\1s"),
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:min|mins|minute|minutes)\b", re.I), r"\1m"),
]


def _time(text: str) -> float | None:
    for pattern, replacement in _UNITS:
        text = pattern.sub(replacement, text)
    try:
        return parse_duration(text.strip())
    except DurationError:
        return None


_STRENGTH_WORDS = ("plank", "squat", "push-up", "pushup", "bridge", "lunge", "crunch", "dead bug")


def guess_kind(name: str, *, reps: bool) -> str:
    """The step kind a name suggests: rest, massage, breathing; reps mean strength."""
    lower = name.lower()
    if lower in ("rest", "pause", "break"):
        return "rest"
    if any(word in lower for word in ("massage", "knead", "rub", "ball release")):
        return "massage"
    if "breath" in lower:
        return "breathing"
    if reps or any(word in lower for word in _STRENGTH_WORDS):
        return "strength"
    return "stretch"


def _plain_line(text: str) -> tuple[Step | None, str | None]:
    """A step from one line, or the reason it cannot be read."""
    if "," not in text:
        return None, f"cannot read {json.dumps(text, ensure_ascii=False)}: {PLAIN_HINT}"
    name, *parts = (part.strip() for part in text.split(","))
    if not name:
        return None, f"no exercise name before the comma: {PLAIN_HINT}"
    step = Step(name=name)
    for part in parts:
        if not part:
            continue
        if _SIDES.search(part):
            step.sides = True
            part = _SIDES.sub("", part).strip()
            if not part:
                continue
        if match := _REPS.match(part):
            step.reps = int(match.group(1) or match.group(2))
        elif match := _SETS.match(part):
            step.sets = int(match.group(1))
        elif match := _REST.match(part):
            rest = _time(match.group(1))
            if rest is None:
                return None, f"{json.dumps(part)} is not a rest time like rest 20s"
            step.rest = rest
        elif (seconds := _time(part)) is not None:
            step.duration = seconds
        else:
            return None, (
                f"{json.dumps(part, ensure_ascii=False)} is not a time (45s, 1m30s), reps "
                '(10 reps), sets (3 sets), a rest (rest 20s) or "each side"'
            )
    if step.duration is None and step.reps is None:
        return None, f"{json.dumps(name, ensure_ascii=False)} needs a time or reps: {PLAIN_HINT}"
    if not 1 <= step.sets <= 50 or (step.reps is not None and not 1 <= step.reps <= 1000):
        return None, "sets go from 1 to 50 and reps from 1 to 1000"
    step.kind = guess_kind(name, reps=step.reps is not None)
    return step, None


def parse_plain_list(text: str, *, file: str, name: str) -> Imported:
    """A routine from a plain list. Raises :class:`ImportProblems` naming every bad line."""
    routine = Imported(name=name, origin=f"a plain list ({Path(file).name})")
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _BULLET.sub("", raw).strip()
        if not line or line.startswith("#"):
            continue
        step, problem = _plain_line(line)
        if problem is not None:
            problems.append(f"{file}:{number}: {problem}")
        elif step is not None:
            routine.steps.append(step)
    if not routine.steps and not problems:
        problems.append(f"{file}: no exercises in it: {PLAIN_HINT}")
    elif len(routine.steps) > MAX_STEPS and not problems:
        problems.append(
            f"{file}: {len(routine.steps)} exercises; a routine holds at most {MAX_STEPS} steps"
        )
    if problems:
        raise ImportProblems(problems)
    return routine


# -- Just Another Workout Timer --------------------------------------------------------------


def looks_like_jawt(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    return ("sets" in data and "title" in data) or "workouts" in data


def parse_jawt(data: object, *, file: str) -> list[Imported]:
    """Workouts from Just Another Workout Timer's JSON (one workout, or a backup)."""
    workouts = data.get("workouts") if isinstance(data, dict) and "workouts" in data else [data]
    if not isinstance(workouts, list) or not workouts:
        raise ImportProblems([f'{file}: "workouts" should be a list of workouts'])
    found: list[Imported] = []
    problems: list[str] = []
    for w_index, workout in enumerate(workouts, start=1):
        where = f"{file}: workout {w_index}"
        if not isinstance(workout, dict) or not isinstance(workout.get("sets"), list):
            problems.append(f'{where}: has no "sets" list')
            continue
        title = str(workout.get("title") or Path(file).stem)
        known = len(problems)
        routine = Imported(name=title, origin=f"Just Another Workout Timer ({Path(file).name})")
        for s_index, jawt_set in enumerate(workout["sets"], start=1):
            at = f"{where} ({title}), set {s_index}"
            if not isinstance(jawt_set, dict) or not isinstance(jawt_set.get("exercises"), list):
                problems.append(f'{at}: has no "exercises" list')
                continue
            repetitions = jawt_set.get("repetitions", 1)
            if isinstance(repetitions, bool) or not isinstance(repetitions, int):
                problems.append(f"{at}: repetitions should be a whole number")
                continue
            steps: list[Step] = []
            for e_index, exercise in enumerate(jawt_set["exercises"], start=1):
                name = exercise.get("name") if isinstance(exercise, dict) else None
                seconds = exercise.get("duration") if isinstance(exercise, dict) else None
                if not isinstance(name, str) or not name.strip():
                    problems.append(f"{at}, exercise {e_index}: has no name")
                    continue
                if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                    problems.append(
                        f"{at}, exercise {e_index} ({name}): needs a duration in seconds"
                    )
                    continue
                if seconds <= 0:
                    continue  # the app lets a 0-second exercise stand; there is nothing to do
                steps.append(Step(name.strip(), guess_kind(name.strip(), reps=False), seconds))
            repetitions = max(1, repetitions)
            if len(steps) > 1 and len(routine.steps) + repetitions * len(steps) > MAX_STEPS:
                # Counted, not written out: a billion repetitions would fill the memory first.
                problems.append(
                    f"{at}: {repetitions} repetitions of {len(steps)} exercises are more "
                    f"than {MAX_STEPS} steps"
                )
                continue
            if len(steps) == 1:
                steps[0].sets = min(50, repetitions)
                routine.steps += steps
            else:
                routine.steps += [
                    Step(s.name, s.kind, s.duration) for _ in range(repetitions) for s in steps
                ]
        if len(routine.steps) > MAX_STEPS:
            problems.append(f"{where}: more than {MAX_STEPS} steps once the sets are written out")
        elif not routine.steps and len(problems) == known:
            problems.append(f"{where}: no exercises in it")
        found.append(routine)
    if problems:
        raise ImportProblems(problems)
    return found


# -- writing ---------------------------------------------------------------------------------


def _toml_string(text: str) -> str:
    # A JSON string is a TOML basic string (the same escapes, \uXXXX included).
    return json.dumps(text, ensure_ascii=False)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f'"{whole}s"' if abs(seconds - whole) < 1e-9 else f"{seconds:g}"


def to_toml(routine: Imported) -> str:
    """The routine as a TOML file, with a safe description and time to get into position."""
    lines = [
        f"# Imported from {routine.origin} by `coach import`.",
        "# Check the words and times, then `coach validate` this file; docs/routine-format.md",
        "# explains every key.",
        f"name = {_toml_string(routine.name)}",
        f"description = {_toml_string(SAFETY)}",
        'prepare = "10s"',
        "",
        "[defaults]",
        'rest = "10s"',
    ]
    for index, step in enumerate(routine.steps):
        lines += ["", "[[step]]", f"name = {_toml_string(step.name)}", f'kind = "{step.kind}"']
        if step.duration is not None:
            lines.append(f"duration = {_duration(step.duration)}")
        if step.reps is not None:
            lines.append(f"reps = {step.reps}")
        if step.sides:
            lines.append("sides = true")
        if step.sets > 1:
            lines += [f"sets = {step.sets}", 'set_rest = "10s"']
        rest = step.rest
        following = routine.steps[index + 1] if index + 1 < len(routine.steps) else None
        if step.kind == "rest" or (following is not None and following.kind == "rest"):
            rest = 0.0  # a rest step is the rest
        if rest is not None:
            lines.append(f"rest = {_duration(rest)}")
    return "\n".join(lines) + "\n"


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:64] or "imported"


def _note(line: str) -> None:
    print(f"coach: {line}", file=sys.stderr)


def read_any(path: Path, *, name: str | None = None) -> list[Imported]:
    """The routines in ``path``: JSON from another app, else a plain list."""
    shown = str(path)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
            # A pipe with no writer would wait forever, /dev/zero would never end.
            raise ImportProblems([f"{shown}: not a file (a list of exercises is a file)"])
        if status.st_size > MAX_IMPORT_BYTES:
            raise ImportProblems([f"{shown}: larger than 1 MiB; not a list of exercises"])
        with path.open("rb") as stream:
            raw = stream.read(MAX_IMPORT_BYTES + 1)  # it may have grown since
        if len(raw) > MAX_IMPORT_BYTES:
            raise ImportProblems([f"{shown}: larger than 1 MiB; not a list of exercises"])
    except OSError as error:
        raise ImportProblems([f"{shown}: cannot be read ({error.strerror or error})"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ImportProblems([f"{shown}:{line}: not UTF-8 text"]) from None
    if text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportProblems([f"{shown}:{error.lineno}: not valid JSON: {error.msg}"]) from None
        if not looks_like_jawt(data):
            raise ImportProblems(
                [f"{shown}: JSON, but not a Just Another Workout Timer workout (title and sets)"]
            )
        found = parse_jawt(data, file=shown)
        if name is not None and len(found) == 1:
            found[0].name = name
        return found
    default = path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Imported"
    return [parse_plain_list(text, file=shown, name=name or default)]


def cmd_import(
    file: str, *, routine_id: str | None = None, name: str | None = None, output: str | None = None
) -> int:
    """``coach import FILE [--id ID] [--name NAME] [-o PATH]``."""
    from coach.authoring import ID_PATTERN, private_folder
    from coach.routine import RoutineError, parse_routine

    try:
        routines = read_any(Path(file), name=name)
    except ImportProblems as bad:
        for problem in bad.problems:
            print(problem, file=sys.stderr)
        return 1
    if (routine_id or output) and len(routines) > 1:
        _note(f"{file} holds {len(routines)} workouts; --id and --output take one at a time")
        return 2
    written = 0
    for routine in routines:
        ident = routine_id or _slug(routine.name if len(routines) > 1 else Path(file).stem)
        if not ID_PATTERN.match(ident):
            _note(f"{ident!r} is not a routine id: lower-case letters, digits, - and _")
            return 2
        target = Path(output) if output else paths.user_routines_dir() / f"{ident}.toml"
        text = to_toml(routine)
        try:
            checked = parse_routine(text, routine_id=ident, display_name=str(target))
        except RoutineError as error:  # the importer's own mistake: say it, write nothing
            for bad_line in error.problems:
                _note(f"the imported routine does not check: {bad_line}")
            return 1
        try:
            if not output:
                private_folder(target.parent)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            _note(f"{target} already exists; choose another --id (or --output)")
            return 1
        except OSError as error:
            _note(f"cannot write {target}: {error.strerror or error}")
            return 1
        with open(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        written += 1
        length = format_clock(checked.total) + ("+" if checked.has_open_steps else "")
        print(f"wrote {target}: {checked.name}, {len(checked.steps)} steps, {length}")
    if written and not output:
        print("`coach list` shows it; `coach edit ID` changes words and times.")
    return 0
