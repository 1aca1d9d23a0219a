"""The routine format: one routine per TOML file, loaded into frozen data.

The format is a public contract (``docs/routine-format.md``). Loading is strict: every
problem in a file is reported, each as one line that names the file, the line, the step and
the key, shaped like tomli's ``TOMLDecodeError``. Nothing here touches the UI, speech or the
log; the only I/O is reading the one file in :func:`load_routine`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tomli

from coach.durations import DurationError, format_clock, parse_duration
from coach.files import UTF16, TooLarge, Unreadable, is_utf16, read_small_file
from coach.showing import QUOTE_LIMIT, printable, show_key, unsafe_character
from coach.showing import quote as _quote
from coach.showing import show_value as _show
from coach.sourcemap import KeyPath, scan_key_lines
from coach.text import cell_len

KINDS = ("stretch", "strength", "massage", "breathing", "rest")
"""What a step is; the TUI colours and the log count by it."""

MAX_FILE_BYTES = 1024 * 1024
MAX_STEPS = 500
MAX_SETS = 50
MAX_REPS = 1000
MAX_COUNTDOWN = 10
MAX_TEXT = 2000
MAX_TOTAL = 12 * 3600.0
"""The longest routine, from the first "get ready" to the end: twelve hours (500 steps of
a minute and a half; a 300,000-hour routine once passed)."""
MAX_WORK_SEGMENTS = 2000
"""Sets and sides of all steps together: each is a segment of the timeline."""
MAX_STEP_CUES = 5000
"""A step's own cues, counted once for each of its sets and sides, for all steps together."""
LONG_TEXT = ("description", "instructions", "say")
"""The texts that may run over several lines; no other text may hold a newline."""

TOP_KEYS = (
    "name",
    "description",
    "tags",
    "equipment",
    "source",
    "prepare",
    "defaults",
    "cues",
    "step",
)
DEFAULT_KEYS = ("kind", "duration", "rest", "set_rest", "sets", "tempo")
CUES_KEYS = ("countdown", "halfway", "next_up")
STEP_KEYS = (
    "name",
    "kind",
    "duration",
    "reps",
    "tempo",
    "sides",
    "instructions",
    "say",
    "sets",
    "set_rest",
    "rest",
    "cue",
)
CUE_KEYS = ("at", "say")

DEFAULT_PREPARE = 5.0


@dataclass(frozen=True)
class StepCue:
    """An extra cue a step asks for: ``at`` as written, and what to say."""

    anchor: Literal["start", "end", "percent"]
    """``start``: ``value`` seconds after the start; ``end``: ``value`` seconds before the end;
    ``percent``: at ``value`` per cent of the step."""
    value: float
    say: str


@dataclass(frozen=True)
class Step:
    """One step of a routine, with the routine's defaults already applied."""

    number: int
    """1-based position in the routine, as errors and the preview show it."""
    name: str
    kind: str
    duration: float | None
    """Seconds per side and per set; ``None`` for an open rep step that waits for "done".
    A timed rep step has ``reps * tempo``."""
    reps: int | None = None
    tempo: float | None = None
    sides: bool = False
    sets: int = 1
    set_rest: float = 0.0
    rest: float = 0.0
    """Rest after this step (none follows the last step)."""
    instructions: str = ""
    say: str | None = None
    cues: tuple[StepCue, ...] = ()

    @property
    def is_open(self) -> bool:
        """An open step has no set length: the person says when it is done."""
        return self.duration is None

    @property
    def counts_reps(self) -> bool:
        """A timed rep step: the voice counts each rep on the tempo."""
        return self.reps is not None and self.tempo is not None

    @property
    def spoken(self) -> str:
        """What the voice says as the step starts."""
        if self.say:
            return self.say
        return f"{self.name}. {self.instructions}".strip() if self.instructions else self.name

    @property
    def work_segments(self) -> int:
        """How many times the step is done: once per set, and per side."""
        return self.sets * (2 if self.sides else 1)

    @property
    def planned(self) -> float:
        """Seconds of work and set rests, without the rest after it (open steps count 0)."""
        per_set = (self.duration or 0.0) * (2 if self.sides else 1)
        return per_set * self.sets + self.set_rest * (self.sets - 1)


@dataclass(frozen=True)
class CueSettings:
    """Which automatic cues a routine wants."""

    countdown: int = 3
    """Signal each of the last N seconds of a timed segment (0: none)."""
    halfway: bool = False
    """Say "halfway" in timed work."""
    next_up: bool = True
    """Announce the next step near the end of a step when no rest follows it."""


@dataclass(frozen=True)
class Routine:
    """What a routine file says, checked."""

    id: str
    name: str
    steps: tuple[Step, ...]
    description: str = ""
    tags: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    prepare: float = DEFAULT_PREPARE
    cues: CueSettings = field(default_factory=CueSettings)
    path: Path | None = None
    digest: str = ""
    """SHA-256 of the file's bytes, so the log can tell which version was run."""

    @property
    def total(self) -> float:
        """Planned seconds from the first "get ready" to the end (open steps count 0)."""
        rests = sum(step.rest for step in self.steps[:-1])
        return self.prepare + sum(step.planned for step in self.steps) + rests

    @property
    def has_open_steps(self) -> bool:
        return any(step.is_open for step in self.steps)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a routine file."""

    file: str
    message: str
    line: int | None = None
    step: int | None = None
    step_name: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.step is not None:
            name = f" {_quote(self.step_name, QUOTE_LIMIT)}" if self.step_name else ""
            parts.append(f"step {self.step}{name}")
        if self.key:
            parts.append(self.key)
        parts.append(self.message)
        # The file name is anybody's (and so, in a problem with no value quoted, the rest).
        return printable(": ".join(parts))


class RoutineError(ValueError):
    """A routine file that cannot be used; ``problems`` holds every one found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def first_line(self) -> str:
        """The first problem, for lists that give each broken file one line."""
        extra = len(self.problems) - 1
        more = f" (and {extra} more)" if extra > 0 else ""
        return f"{self.problems[0]}{more}"


def load_routine(path: str | Path, *, display_name: str | None = None) -> Routine:
    """Read and check one routine file. Raises ``RoutineError`` for anything wrong with it."""
    path = Path(path)
    shown = display_name or path.name
    data = read_routine_file(path, shown)
    return parse_routine(data, routine_id=path.stem, display_name=shown, path=path)


def read_routine_file(path: Path, shown: str) -> bytes:
    """The bytes of a routine file, at most :data:`MAX_FILE_BYTES`. Raises ``RoutineError``
    for what is not a regular file (a FIFO would block for ever, ``/dev/zero`` would never
    end) and for a file that cannot be read, each with its reason in one line."""
    try:
        return read_small_file(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise RoutineError([Problem(shown, "no such file")]) from None
    except TooLarge:
        raise RoutineError([Problem(shown, "file is larger than 1 MiB")]) from None
    except Unreadable as error:
        raise RoutineError([Problem(shown, str(error))]) from None


def parse_routine(
    data: bytes | str,
    *,
    routine_id: str,
    display_name: str | None = None,
    path: Path | None = None,
) -> Routine:
    """Check a routine file's contents. Raises ``RoutineError`` listing every problem."""
    shown = display_name or f"{routine_id}.toml"
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_FILE_BYTES:
        raise RoutineError([Problem(shown, "file is larger than 1 MiB")])
    if is_utf16(raw):
        raise RoutineError([Problem(shown, UTF16, line=1)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RoutineError(
            [Problem(shown, f"is not UTF-8 text (byte 0x{raw[error.start]:02x})", line=line)]
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        document = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        message = f"not valid TOML: {error.msg} (column {error.colno})"
        raise RoutineError([Problem(shown, message, line=error.lineno)]) from None
    except RecursionError:
        message = "not valid TOML: arrays or inline tables are nested too deeply"
        raise RoutineError([Problem(shown, message)]) from None
    except ValueError:
        # Python's limit on the digits of a whole number (4,300); TOML's own is 64 bits.
        raise RoutineError([_long_number(shown, text)]) from None
    checker = _Checker(shown, text)
    routine = checker.routine(document, routine_id, path, hashlib.sha256(raw).hexdigest())
    if checker.problems or routine is None:
        # Top to bottom, as a person reads the file; problems without a line go last.
        problems = sorted(checker.problems, key=lambda p: p.line or len(text) + 1)
        raise RoutineError(problems)
    return routine


_INVISIBLE = (
    "shows nothing: it holds only characters of no width "
    "(zero-width spaces, joiners, combining marks)"
)


def _invisible(text: str) -> str:
    """Text that shows nothing, quoted so it can be seen: each character as ``\\u200d``."""
    shown = "".join(f"\\u{ord(char):04x}" for char in text[:8])
    return f'"{shown}..."' if len(text) > 8 else f'"{shown}"'


def _long_number(shown: str, text: str) -> Problem:
    import re

    match = re.search(r"[0-9][0-9_]{999,}", text)
    if match is None:
        return Problem(shown, "not valid TOML: a value that cannot be read")
    line = text.count("\n", 0, match.start()) + 1
    return Problem(shown, "not valid TOML: a number with thousands of digits", line=line)


def _suggest(key: str, allowed: tuple[str, ...]) -> str:
    import difflib  # only on the error path: keeps `coach list` quick

    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key (did you mean {close[0]}?)"
    return "unknown key (expected one of " + ", ".join(allowed) + ")"


class _Invalid(Exception):
    """A value that is wrong; the problem has been recorded already."""


class _Checker:
    """Walks a parsed document, collecting every problem with its line."""

    def __init__(self, file: str, source: str) -> None:
        self.file = file
        self._source = source
        self._lines: Mapping[KeyPath, int] | None = None
        self.problems: list[Problem] = []
        self._step: tuple[int, str | None] | None = None

    # -- reporting --------------------------------------------------------------------------

    @property
    def lines(self) -> Mapping[KeyPath, int]:
        """Each key's line, scanned only once there is a problem to place: the scan costs
        more than the parse, and a valid file never needs it."""
        if self._lines is None:
            self._lines = scan_key_lines(self._source)
        return self._lines

    def problem(self, path: KeyPath, key: str | None, message: str) -> None:
        line = None
        probe = path
        while probe and line is None:
            line = self.lines.get(probe)
            probe = probe[:-1]
        step, name = self._step if self._step else (None, None)
        self.problems.append(Problem(self.file, message, line, step, name, key))

    def unknown_keys(
        self, table: Mapping[str, Any], allowed: tuple[str, ...], path: KeyPath, prefix: str
    ) -> None:
        for key in table:
            if key not in allowed:
                self.problem(path + (key,), prefix + show_key(key), _suggest(key, allowed))

    # -- typed getters: each returns the value or raises _Invalid after recording --------------

    def text(self, table: Mapping[str, Any], key: str, path: KeyPath, label: str) -> str | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str):
            self.problem(path + (key,), label, f"{_show(value)} is not text (put it in quotes)")
            raise _Invalid
        value = value.strip()
        if not value:
            self.problem(path + (key,), label, "is empty")
            raise _Invalid
        if len(value) > MAX_TEXT:
            self.problem(path + (key,), label, f"is longer than {MAX_TEXT} characters")
            raise _Invalid
        self.no_controls(value, path + (key,), label, newlines=key in LONG_TEXT)
        if not cell_len(value):  # a name of zero-width joiners lists as a blank line
            self.problem(path + (key,), label, f"{_invisible(value)} {_INVISIBLE}")
            raise _Invalid
        return value

    def no_controls(self, value: str, path: KeyPath, label: str, *, newlines: bool) -> None:
        """Text a terminal would take for a command (ESC, BEL, NUL, a right-to-left
        override) has no place in a routine: it could retitle the window or fill the
        clipboard of whoever runs it."""
        found = unsafe_character(value, newlines=newlines)
        if found is not None:
            breaks = " (line breaks are)" if newlines else ""
            self.problem(
                path,
                label,
                f"{_show(value)} holds a control character (U+{ord(found):04X}), "
                f"not allowed in routine text{breaks}",
            )
            raise _Invalid

    def text_list(
        self, table: Mapping[str, Any], key: str, path: KeyPath, label: str, *, one: bool = False
    ) -> tuple[str, ...]:
        if key not in table:
            return ()
        value = table[key]
        if one and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            self.problem(path + (key,), label, 'must be an array of text, like ["chair"]')
            raise _Invalid
        for item in value:
            if len(item) > MAX_TEXT:
                self.problem(path + (key,), label, f"has a text longer than {MAX_TEXT} characters")
                raise _Invalid
            self.no_controls(item, path + (key,), label, newlines=False)
            if not cell_len(item):
                self.problem(path + (key,), label, f"{_invisible(item)} {_INVISIBLE}")
                raise _Invalid
        return tuple(item.strip() for item in value)

    def duration(
        self, table: Mapping[str, Any], key: str, path: KeyPath, label: str, *, zero: bool
    ) -> float | None:
        if key not in table:
            return None
        try:
            return parse_duration(table[key], allow_zero=zero)
        except DurationError as error:
            self.problem(path + (key,), label, str(error))
            raise _Invalid from None

    def integer(
        self, table: Mapping[str, Any], key: str, path: KeyPath, label: str, low: int, high: int
    ) -> int | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path + (key,), label, f"{_show(value)} is not a whole number")
            raise _Invalid
        if not low <= value <= high:
            self.problem(path + (key,), label, f"{value} is not between {low} and {high}")
            raise _Invalid
        return value

    def boolean(self, table: Mapping[str, Any], key: str, path: KeyPath, label: str) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            self.problem(path + (key,), label, f"{_show(value)} is not true or false")
            raise _Invalid
        return value

    def kind(self, table: Mapping[str, Any], path: KeyPath, label: str) -> str | None:
        if "kind" not in table:
            return None
        value = table["kind"]
        if not isinstance(value, str) or value not in KINDS:
            hint = ""
            if isinstance(value, str):
                import difflib

                close = difflib.get_close_matches(value.lower(), KINDS, n=1, cutoff=0.5)
                hint = f" (did you mean {close[0]}?)" if close else ""
            self.problem(
                path + ("kind",),
                label,
                f"{_show(value)} is not a kind{hint}; use one of " + ", ".join(KINDS),
            )
            raise _Invalid
        return value

    @staticmethod
    def attempt(getter: Any, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        try:
            return True, getter(*args, **kwargs)
        except _Invalid:
            return False, None

    # -- the document ---------------------------------------------------------------------

    def routine(
        self, doc: Mapping[str, Any], routine_id: str, path: Path | None, digest: str
    ) -> Routine | None:
        self.unknown_keys(doc, TOP_KEYS, (), "")
        ok = True

        def get(getter: Any, *args: Any, **kwargs: Any) -> Any:
            nonlocal ok
            good, value = self.attempt(getter, *args, **kwargs)
            ok = ok and good
            return value

        name = get(self.text, doc, "name", (), "name")
        if name is None and "name" not in doc:
            self.problem((), "name", "is missing (every routine needs a name)")
            ok = False
        description = get(self.text, doc, "description", (), "description") or ""
        tags = get(self.text_list, doc, "tags", (), "tags") or ()
        equipment = get(self.text_list, doc, "equipment", (), "equipment") or ()
        source = get(self.text_list, doc, "source", (), "source", one=True) or ()
        prepare = get(self.duration, doc, "prepare", (), "prepare", zero=True)
        defaults = self.defaults(doc)
        cues = self.cue_settings(doc)
        steps = self.steps(doc, defaults or {}, cues)
        if not ok or defaults is None or cues is None or steps is None or self.problems:
            return None
        if not self.bounded(steps, DEFAULT_PREPARE if prepare is None else prepare):
            return None
        return Routine(
            id=routine_id,
            name=name,
            description=description,
            tags=tags,
            equipment=equipment,
            source=source,
            prepare=DEFAULT_PREPARE if prepare is None else prepare,
            cues=cues,
            steps=steps,
            path=path,
            digest=digest,
        )

    def bounded(self, steps: tuple[Step, ...], prepare: float) -> bool:
        """Whether the routine stays within its bounds (length, sets and sides, cues), so
        its timeline is a size a person could follow. The first step past one is named."""
        total = prepare
        segments = 0
        cues = 0
        for index, step in enumerate(steps):
            self._step = (step.number, step.name)
            total += step.planned + (step.rest if index + 1 < len(steps) else 0.0)
            segments += step.work_segments
            cues += len(step.cues) * step.work_segments
            path: KeyPath = ("step", index)
            if total > MAX_TOTAL:
                self.problem(
                    path,
                    None,
                    f"the routine passes 12 hours in this step ({format_clock(total)} by its "
                    "end; a routine lasts at most 12 hours)",
                )
            elif segments > MAX_WORK_SEGMENTS:
                self.problem(
                    path + ("sets",),
                    "sets",
                    f"the routine passes {MAX_WORK_SEGMENTS} sets and sides in this step "
                    f"({segments} by its end)",
                )
            elif cues > MAX_STEP_CUES:
                self.problem(
                    path + ("cue",),
                    "cue",
                    f"{len(step.cues)} cues, each said in {step.work_segments} sets and "
                    f"sides, pass the {MAX_STEP_CUES} cues a routine may have ({cues} by here)",
                )
            else:
                continue
            self._step = None
            return False
        self._step = None
        return True

    def table(self, doc: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            self.problem((key,), key, f"must be a table ([{key}])")
            return None
        return value

    def defaults(self, doc: Mapping[str, Any]) -> dict[str, Any] | None:
        table = self.table(doc, "defaults")
        if table is None:
            return None
        path: KeyPath = ("defaults",)
        self.unknown_keys(table, DEFAULT_KEYS, path, "defaults.")
        out: dict[str, Any] = {}
        results = [
            ("kind", self.attempt(self.kind, table, path, "defaults.kind")),
            (
                "duration",
                self.attempt(
                    self.duration, table, "duration", path, "defaults.duration", zero=False
                ),
            ),
            ("rest", self.attempt(self.duration, table, "rest", path, "defaults.rest", zero=True)),
            (
                "set_rest",
                self.attempt(
                    self.duration, table, "set_rest", path, "defaults.set_rest", zero=True
                ),
            ),
            (
                "sets",
                self.attempt(self.integer, table, "sets", path, "defaults.sets", 1, MAX_SETS),
            ),
            (
                "tempo",
                self.attempt(self.duration, table, "tempo", path, "defaults.tempo", zero=False),
            ),
        ]
        good = True
        for key, (ok, value) in results:
            good = good and ok
            if value is not None:
                out[key] = value
        return out if good else None

    def cue_settings(self, doc: Mapping[str, Any]) -> CueSettings | None:
        table = self.table(doc, "cues")
        if table is None:
            return None
        path: KeyPath = ("cues",)
        self.unknown_keys(table, CUES_KEYS, path, "cues.")
        ok1, countdown = self.attempt(
            self.integer, table, "countdown", path, "cues.countdown", 0, MAX_COUNTDOWN
        )
        ok2, halfway = self.attempt(self.boolean, table, "halfway", path, "cues.halfway")
        ok3, next_up = self.attempt(self.boolean, table, "next_up", path, "cues.next_up")
        if not (ok1 and ok2 and ok3):
            return None
        base = CueSettings()
        return CueSettings(
            countdown=base.countdown if countdown is None else countdown,
            halfway=base.halfway if halfway is None else halfway,
            next_up=base.next_up if next_up is None else next_up,
        )

    def steps(
        self, doc: Mapping[str, Any], defaults: Mapping[str, Any], cues: CueSettings | None
    ) -> tuple[Step, ...] | None:
        raw = doc.get("step")
        if raw is None:
            self.problem((), "step", "the routine has no steps (add a [[step]] table)")
            return None
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.problem(("step",), "step", "must be [[step]] tables")
            return None
        if not raw:
            self.problem(("step",), "step", "the routine has no steps (add a [[step]] table)")
            return None
        if len(raw) > MAX_STEPS:
            self.problem(("step",), "step", f"{len(raw)} steps is more than {MAX_STEPS}")
            return None
        steps = []
        for index, table in enumerate(raw):
            step = self.step(index, table, defaults)
            if step is not None:
                steps.append(step)
        self._step = None
        return tuple(steps) if len(steps) == len(raw) else None

    def step(
        self, index: int, table: Mapping[str, Any], defaults: Mapping[str, Any]
    ) -> Step | None:
        path: KeyPath = ("step", index)
        name_value = table.get("name")
        self._step = (index + 1, name_value.strip() if isinstance(name_value, str) else None)
        before = len(self.problems)
        self.unknown_keys(table, STEP_KEYS, path, "")

        def get(getter: Any, *args: Any, **kwargs: Any) -> Any:
            return self.attempt(getter, *args, **kwargs)[1]

        name = get(self.text, table, "name", path, "name")
        if "name" not in table:
            self.problem(path, "name", "is missing (every step needs a name)")
        kind = get(self.kind, table, path, "kind")
        if kind is None and "kind" not in table:
            kind = defaults.get("kind")
            if kind is None:
                self.problem(path, "kind", "is missing; use one of " + ", ".join(KINDS))
        before_timing = len(self.problems)
        duration = get(self.duration, table, "duration", path, "duration", zero=False)
        reps = get(self.integer, table, "reps", path, "reps", 1, MAX_REPS)
        tempo = get(self.duration, table, "tempo", path, "tempo", zero=False)
        # With a bad duration, cue times cannot be checked against it: say nothing of them.
        timing_known = len(self.problems) == before_timing
        sides = get(self.boolean, table, "sides", path, "sides") or False
        sets = get(self.integer, table, "sets", path, "sets", 1, MAX_SETS)
        set_rest = get(self.duration, table, "set_rest", path, "set_rest", zero=True)
        rest = get(self.duration, table, "rest", path, "rest", zero=True)
        instructions = get(self.text, table, "instructions", path, "instructions") or ""
        say = get(self.text, table, "say", path, "say")

        given = {key for key in ("duration", "reps", "tempo") if key in table}
        if not given & {"duration", "reps"} and "duration" in defaults:
            duration = defaults["duration"]
            given.add("duration")
        if "reps" in given and "duration" not in given and "tempo" not in given:
            tempo = defaults.get("tempo")
        if not given & {"duration", "reps"}:
            self.problem(path, "duration", "is missing (a step needs a duration, or reps)")
        if "tempo" in given and "reps" not in given:
            self.problem(path + ("tempo",), "tempo", "needs reps (tempo is the time of one rep)")
        if "tempo" in given and "duration" in given:
            self.problem(
                path + ("tempo",),
                "tempo",
                "give duration or tempo, not both (reps x tempo is the duration)",
            )
        if reps is not None and tempo is not None and duration is None:
            duration = reps * tempo
            if duration > 4 * 3600:
                self.problem(path + ("reps",), "reps", "reps x tempo is longer than 4 hours")
        sets = defaults.get("sets", 1) if sets is None else sets
        set_rest = defaults.get("set_rest", 0.0) if set_rest is None else set_rest
        rest = defaults.get("rest", 0.0) if rest is None else rest
        if sets == 1 and "set_rest" in table:
            self.problem(path + ("set_rest",), "set_rest", "needs sets of 2 or more")
        cues = self.step_cues(table, path, duration, timing_known=timing_known)
        if len(self.problems) > before or name is None or kind is None or cues is None:
            return None
        if duration is None and reps is None:
            return None
        return Step(
            number=index + 1,
            name=name,
            kind=kind,
            duration=duration,
            reps=reps,
            tempo=tempo,
            sides=sides,
            sets=sets,
            set_rest=set_rest,
            rest=rest,
            instructions=instructions,
            say=say,
            cues=cues,
        )

    def step_cues(
        self,
        table: Mapping[str, Any],
        path: KeyPath,
        duration: float | None,
        *,
        timing_known: bool,
    ) -> tuple[StepCue, ...] | None:
        raw = table.get("cue", [])
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.problem(path + ("cue",), "cue", "must be [[step.cue]] tables")
            return None
        cues = []
        good = True
        for number, cue_table in enumerate(raw, start=1):
            cue_path = path + ("cue", number - 1)
            label = f"cue {number}: "
            self.unknown_keys(cue_table, CUE_KEYS, cue_path, label)
            ok_say, say = self.attempt(self.text, cue_table, "say", cue_path, label + "say")
            if ok_say and say is None:
                self.problem(cue_path, label + "say", "is missing (what should the voice say?)")
                ok_say = False
            if "at" not in cue_table:
                self.problem(cue_path, label + "at", 'is missing (use "15s", "-5s" or "50%")')
                good = False
                continue
            at = self.cue_at(
                cue_table["at"], (*cue_path, "at"), label + "at", duration, timing_known
            )
            if at is None or not ok_say:
                good = False
                continue
            anchor, value = at
            cues.append(StepCue(anchor=anchor, value=value, say=say))
        return tuple(cues) if good else None

    def cue_at(
        self,
        value: object,
        path: KeyPath,
        label: str,
        duration: float | None,
        timing_known: bool,
    ) -> tuple[Literal["start", "end", "percent"], float] | None:
        hint = '(use "15s" after the start, "-5s" before the end, or "50%")'
        anchor: Literal["start", "end", "percent"]
        if isinstance(value, str) and value.strip().endswith("%"):
            try:
                amount = float(value.strip()[:-1])
            except ValueError:
                amount = math.nan
            if not 0 < amount < 100:
                self.problem(path, label, f"{_show(value)} is not a percentage between 0 and 100")
                return None
            anchor = "percent"
        else:
            text = value.strip() if isinstance(value, str) else value
            negative = isinstance(text, str) and text.startswith("-")
            if negative and isinstance(text, str):
                text = text[1:]
            try:
                amount = parse_duration(text, allow_zero=False)
            except DurationError as error:
                reason = (
                    str(error) if error.out_of_range else f"{_show(value)} is not a cue time {hint}"
                )
                self.problem(path, label, reason)
                return None
            anchor = "end" if negative else "start"
        if not timing_known:
            return anchor, amount
        if duration is None:
            if anchor != "start":
                self.problem(
                    path, label, f"{_show(value)} needs a timed step (this one waits for done)"
                )
                return None
            return anchor, amount
        if anchor != "percent" and amount >= duration:
            past = "past the step's end" if anchor == "start" else "before the step's start"
            self.problem(path, label, f"{_show(value)} is {past} (it lasts {duration:g}s)")
            return None
        return anchor, amount
