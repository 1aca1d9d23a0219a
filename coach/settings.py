"""The person's settings: ``config.toml`` in the config folder (``coach paths`` shows where).

::

    voice = "gmw/en-gb"   # an id from `coach voices`; leave it out for the engine's default
    rate = 170            # words per minute
    volume = 0.9          # of the voice, 0.0 to 1.0
    speak = true          # false: captions only, no voice
    sounds = true         # false: no ticks, bells or chimes (the countdown is spoken instead)
    ask_back_feel = false # ask how your back feels after a routine (the session log)

A setting is a field of :class:`Settings`; its ``metadata`` says what it accepts, so adding
one is adding a field. A missing file gives the defaults. A broken one never stops coach:
each problem is one line, ``file:line: key: problem``, and the setting it concerns keeps its
default. Nothing here imports the UI, the speech engine or the audio library.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli

from coach import paths
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
        return Settings(), [line + "; using the default settings"]
    lines = scan_key_lines(text)
    return _from_document(document, file, lines)


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """Read ``config.toml`` (or ``path``): the settings, and one line per problem.

    Never raises: an unreadable or broken file gives defaults and says why.
    """
    path = path or config_path()
    shown = str(path)
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            return Settings(), [f"{shown}: larger than 64 KiB; using the default settings"]
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), []
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return Settings(), [f"{shown}: cannot be read ({reason}); using the default settings"]
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
        problems.append((line or 0, f"{where}: {key}: {message}"))

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
