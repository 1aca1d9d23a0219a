"""The person's settings: ``config.toml`` in the config folder (``coach paths`` shows where).

::

    voice = "gmw/en-gb"   # an id from `coach voices`; leave it out for the engine's default
    rate = 170            # words per minute
    volume = 0.9          # of the voice, 0.0 to 1.0
    speak = true          # false: captions only, no voice
    sounds = true         # false: no ticks, bells or chimes (the countdown is spoken instead)
    ask_back_feel = false # ask how your back feels after a routine (the session log)
    theme = "nord"        # the app's colours; the app keeps the one chosen in its palette
    break_every = "50m"   # coach remind: work between breaks
    break_snooze = "5m"   # coach remind: how long a snooze lasts
    break_routine = "desk-break"  # coach remind: the routine a break offers
    break_reminders = false  # the app's list counts down to breaks too (ctrl+r toggles)

A setting is a field of :class:`Settings`; its ``metadata`` says what it accepts, so adding
one is adding a field. A missing file gives the defaults. A broken one never stops coach:
each problem is one line, ``file:line: key: problem``, and the setting it concerns keeps its
default. Nothing here imports the UI, the speech engine or the audio library.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli

from coach import paths
from coach.files import UTF16, TooLarge, Unreadable, is_utf16, read_small_file
from coach.showing import printable, show_key
from coach.showing import show_value as _show
from coach.sourcemap import scan_key_lines

AUDIO_READY_WAIT = 3.0
"""Seconds a routine waits for the audio device and the speech engine before it starts
without them, in the app and in plain mode alike; a voice still starting joins when it is
ready, and the person is told at that moment."""

CONFIG_NAME = "config.toml"
MAX_CONFIG_BYTES = 64 * 1024


class _Bad(ValueError):
    """A value a setting does not accept; the message says what it wants."""


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"should be true or false, not {_show(value)}")
    return value


def _voice(value: object) -> str | None:
    if not isinstance(value, str):
        raise _Bad(f"should be a voice id in quotes (see `coach voices`), not {_show(value)}")
    value = value.strip()
    return value or None


def _rate(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"should be a number of words per minute, not {_show(value)}")
    if not 80 <= value <= 450:
        raise _Bad(f"should be from 80 to 450 words per minute, not {_show(value)}")
    return round(value)


def _volume(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"should be a number from 0.0 to 1.0, not {_show(value)}")
    if not 0.0 <= value <= 1.0:
        raise _Bad(f"should be from 0.0 to 1.0, not {_show(value)}")
    return float(value)


def _theme(value: object) -> str | None:
    if not isinstance(value, str):
        raise _Bad(f"should be a theme name in quotes, not {_show(value)}")
    return value.strip() or None


def _minutes(value: object) -> float:
    from coach.durations import DurationError, parse_duration

    try:
        seconds = parse_duration(value)
    except DurationError as error:
        raise _Bad(str(error)) from None
    if seconds < 60:
        raise _Bad(f"should be a minute or more, not {_show(value)}")
    return seconds


def _routine_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"should be a routine id in quotes (see `coach list`), not {_show(value)}")
    return value.strip()


def _setting(default: Any, check: Callable[[object], Any], doc: str) -> Any:
    return field(default=default, metadata={"check": check, "doc": doc})


@dataclass(frozen=True)
class Settings:
    """Everything ``config.toml`` can set, with its default."""

    voice: str | None = _setting(None, _voice, "the speech engine's voice id; None: its default")
    """The voice id (``coach voices`` lists them); ``None`` keeps the engine's default voice."""
    rate: int = _setting(170, _rate, "words per minute")
    """Words per minute: a little slower than espeak's 200, to follow with eyes closed."""
    volume: float = _setting(1.0, _volume, "the voice's volume, 0.0 to 1.0")
    """The voice's volume, 0.0 to 1.0 (the sound cues keep their own level)."""
    speak: bool = _setting(True, _boolean, "speak the cues (false: captions only)")
    """Speak the cues. Off, every cue is still shown as a caption."""
    sounds: bool = _setting(True, _boolean, "play the tick, bell, chime and rest sounds")
    """Play the sound cues. Off, the last seconds' countdown is spoken instead of ticked."""
    ask_back_feel: bool = _setting(False, _boolean, "ask how your back feels after a routine")
    """After a routine, ask how the back feels, for the session log."""
    theme: str | None = _setting(None, _theme, "the app's colours (a name from its palette)")
    """The app's colour theme; ``None`` keeps its default. The app writes the one chosen in
    its command palette here, so it is kept."""
    break_every: float = _setting(50 * 60.0, _minutes, "coach remind: work between breaks")
    """Seconds of work between the break reminder's offers (``coach remind``)."""
    break_snooze: float = _setting(5 * 60.0, _minutes, "coach remind: a snooze's length")
    """Seconds of work before a snoozed break is offered again."""
    break_routine: str = _setting("desk-break", _routine_id, "coach remind: the routine offered")
    """The id of the routine a break offers."""
    break_reminders: bool = _setting(False, _boolean, "the app's list reminds of breaks too")
    """Break reminders in the app (``ctrl+r`` on the list toggles them for the run)."""


SETTING_NAMES = tuple(f.name for f in dataclasses.fields(Settings))


def config_path() -> Path:
    """Where the settings file is (it need not exist)."""
    return paths.config_dir() / CONFIG_NAME


def parse_settings(text: str, *, file: str = CONFIG_NAME) -> tuple[Settings, list[str]]:
    """Settings from the text of a config file, and one line per problem found in it."""
    try:
        document = tomli.loads(text.removeprefix("\ufeff"))
    except tomli.TOMLDecodeError as error:
        line = f"{file}:{error.lineno}: not valid TOML: {error.msg} (column {error.colno})"
        return Settings(), [printable(line) + "; using the default settings"]
    except RecursionError:
        reason = "arrays or inline tables are nested too deeply"
        return Settings(), [f"{printable(file)}: not valid TOML: {reason}; using the defaults"]
    except ValueError:  # a whole number past Python's 4,300 digits
        reason = "a number with thousands of digits"
        return Settings(), [f"{printable(file)}: not valid TOML: {reason}; using the defaults"]
    lines = scan_key_lines(text)
    return _from_document(document, file, lines)


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """Read ``config.toml`` (or ``path``): the settings, and one line per problem.

    Never raises: an unreadable or broken file gives defaults and says why.
    """
    path = path or config_path()
    shown = printable(str(path))
    try:
        raw = read_small_file(path, MAX_CONFIG_BYTES, kind="a settings file")
    except FileNotFoundError:
        return Settings(), []
    except TooLarge:
        return Settings(), [f"{shown}: larger than 64 KiB; using the default settings"]
    except Unreadable as error:
        return Settings(), [f"{shown}: {error}; using the default settings"]
    if is_utf16(raw):
        return Settings(), [f"{shown}:1: {UTF16}; using the default settings"]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return Settings(), [f"{shown}:{line}: not UTF-8 text; using the default settings"]
    return parse_settings(text, file=shown)


def _from_document(
    document: Mapping[str, Any], file: str, lines: Mapping[tuple[str | int, ...], int]
) -> tuple[Settings, list[str]]:
    problems: list[tuple[int, str]] = []
    values: dict[str, Any] = {}
    by_name = {f.name: f for f in dataclasses.fields(Settings)}

    def report(key: str, message: str) -> None:
        line = lines.get((key,))
        where = f"{file}:{line}" if line else file
        problems.append((line or 0, printable(f"{where}: {show_key(key)}: {message}")))

    for key, value in document.items():
        spec = by_name.get(key)
        if spec is None:
            close = difflib.get_close_matches(key, SETTING_NAMES, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "known: " + ", ".join(SETTING_NAMES)
            report(key, f"unknown setting ({hint}); ignored")
            continue
        try:
            values[key] = spec.metadata["check"](value)
        except _Bad as bad:
            default = "the default" if spec.default is None else _show(spec.default)
            report(key, f"{bad}; using {default}")
    problems.sort(key=lambda item: item[0])
    return Settings(**values), [text for _, text in problems]


def save_setting(key: str, value: str | bool | int | float, path: Path | None = None) -> str | None:
    """Write ``key = value`` into ``config.toml`` (or ``path``): in the line that sets it
    already, or else among the top-level keys, keeping every other line and comment. The
    file is replaced whole (a crash leaves the old one or the new one, never half) and is
    private to the user. Returns None, or one line saying why it was not saved (a broken
    file is left as the person wrote it)."""
    path = path or config_path()
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        tomli.loads(text.removeprefix("\ufeff"))
    except (OSError, UnicodeDecodeError, tomli.TOMLDecodeError) as error:
        reason = getattr(error, "msg", None) or getattr(error, "strerror", None) or error
        return f"{shown}: {key} not saved ({reason})"
    line = f"{key} = {json.dumps(value)}"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    setting = re.compile(rf"\s*{re.escape(key)}\s*=([^#]*)(#.*)?$")
    table = re.compile(r"\s*\[")
    place = None
    for index, old in enumerate(lines):
        if table.match(old):
            break
        found = setting.match(old.rstrip("\n"))
        if found:
            comment = found.group(2)
            lines[index] = f"{line}  {comment}\n" if comment else f"{line}\n"
            place = index
            break
        if old.strip() and not old.lstrip().startswith("#"):
            place = -(index + 1)  # after the last top-level key
    if place is None or place < 0:
        at = -place if place is not None else 0
        if place is None:  # no top-level key: before the first table, after leading notes
            at = next((i for i, old in enumerate(lines) if table.match(old)), len(lines))
        lines.insert(at, line + "\n")
    new = "".join(lines)
    try:
        parsed = tomli.loads(new.removeprefix("\ufeff"))
    except tomli.TOMLDecodeError as error:  # a multi-line value we did not understand
        return f"{shown}: {key} not saved ({error.msg})"
    if parsed.get(key) != value:
        return f"{shown}: {key} not saved (the file sets it in a way coach cannot edit)"
    try:
        _write_private(path, new)
    except OSError as error:
        return f"{shown}: {key} not saved ({error.strerror or type(error).__name__})"
    return None


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` at once, readable by its owner only (folder 0700)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def check_setting(name: str, value: object) -> Any:
    """``value`` as the setting ``name`` takes it (``coach say --rate`` asks the same rule as
    ``config.toml``); ``ValueError`` says what the setting wants."""
    spec = {f.name: f for f in dataclasses.fields(Settings)}[name]
    try:
        return spec.metadata["check"](value)
    except _Bad as bad:
        raise ValueError(f"{name} {bad}") from None
