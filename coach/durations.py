"""Durations as routine files write them (``30``, ``"30s"``, ``"1m30s"``, ``"1:30"``) and as
people read them (``0:30``, ``4m``)."""

from __future__ import annotations

import math
import re

from coach.showing import show_value as _show
from coach.text import plural

MAX_DURATION = 4 * 3600.0
"""The longest duration a routine may give anything: four hours."""
MIN_DURATION = 1.0
"""The shortest: one second (``prepare``, ``rest`` and ``set_rest`` may also be 0). Below it
a timer cannot be followed, and a rep count of a thousandth of a second floods the screen."""
RANGE = "durations are 1s to 4h"

_UNITS = re.compile(
    r"""^\s*
    (?:(?P<h>\d+(?:\.\d+)?)\s*h)?\s*
    (?:(?P<m>\d+(?:\.\d+)?)\s*m)?\s*
    (?:(?P<s>\d+(?:\.\d+)?)\s*s?)?
    \s*$""",
    re.VERBOSE,
)
_CLOCK = re.compile(r"^\s*(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d{2}(?:\.\d+)?)\s*$")

HINT = "use 30s, 1m30s or 1:30"


class DurationError(ValueError):
    """A value that is not a duration; the message is ready to show."""

    def __init__(self, message: str, *, out_of_range: bool = False) -> None:
        super().__init__(message)
        self.out_of_range = out_of_range
        """True for a duration that reads well but is too short or too long."""


def parse_duration(value: object, *, allow_zero: bool = False) -> float:
    """Seconds from a routine file's duration value.

    Accepts a number of seconds or a string: ``"30s"``, ``"2m"``, ``"1m30s"``, ``"1h"``,
    ``"1:30"``, ``"1:02:03"``. Raises ``DurationError`` with a message that names the value.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise DurationError(f"{_show(value)} is not a duration ({HINT})")
    if isinstance(value, str):
        seconds = _parse_text(value)
        if seconds is None:
            raise DurationError(f"{_show(value)} is not a duration ({HINT})")
    elif isinstance(value, int) and abs(value) > MAX_DURATION:
        seconds = math.inf if value > 0 else -math.inf  # float() of a 400-digit int overflows
    else:
        seconds = float(value)
        if not math.isfinite(seconds):
            raise DurationError(f"{_show(value)} is not a duration ({HINT})")
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise DurationError(f"{_show(value)} must be more than 0")
    if 0 < seconds < MIN_DURATION:
        raise DurationError(f"{_show(value)} is shorter than 1 second ({RANGE})", out_of_range=True)
    if seconds > MAX_DURATION:
        raise DurationError(f"{_show(value)} is longer than 4 hours", out_of_range=True)
    return seconds


def _parse_text(text: str) -> float | None:
    # Floats throughout: a 400-digit count of minutes is infinitely long, not an OverflowError
    # (int + float overflows; float("1" * 400) is inf).
    match = _CLOCK.match(text)
    if match:
        if float(match["m"]) >= 60 and match["h"] is not None:
            return None
        if float(match["s"]) >= 60:
            return None
        return float(match["h"] or 0) * 3600 + float(match["m"]) * 60 + float(match["s"])
    match = _UNITS.match(text)
    if not match or not any(match.group(k) for k in "hms"):
        return None
    return float(match["h"] or 0) * 3600 + float(match["m"] or 0) * 60 + float(match["s"] or 0)


def format_clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) of whole seconds, rounded down: ``90.7`` gives ``1:30``."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_countdown(remaining: float) -> str:
    """The clock a countdown shows: whole seconds rounded up, so 0:01 shows until the end."""
    return format_clock(math.ceil(max(0.0, remaining) - 1e-9))


def _split(seconds: float) -> tuple[int, int, int]:
    """Whole hours, minutes and seconds of ``seconds``, rounded to the nearest second."""
    hours, rest = divmod(max(0, round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return hours, minutes, secs


def format_length(seconds: float) -> str:
    """A length for people to read: ``6s``, ``45s``, ``4m``, ``4m 30s``, ``1h 5m``.

    The one way coach writes how long something takes or took (the list, the app, ``coach
    show``, ``coach stats``, History): below a minute it says seconds, never ``0m`` or ``1m``.
    """
    hours, minutes, secs = _split(seconds)
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if not minutes:
        return f"{secs}s"
    return f"{minutes}m {secs}s" if secs else f"{minutes}m"


OPEN_MARK = "+"
"""What follows a length that has open steps in it: they take as long as the person takes."""


def format_total(seconds: float, open_steps: bool = False) -> str:
    """A routine's planned length, the same in ``coach list``, ``coach show`` and the app:
    ``6m 51s``, or ``6m 51s+`` when open steps add time nobody can plan."""
    return format_length(seconds) + (OPEN_MARK if open_steps else "")


def say_length(seconds: float) -> str:
    """A length as the voice says it: ``45 seconds``, ``1 minute``, ``3 minutes and 20
    seconds``, ``1 hour and 5 minutes``; the same rounding as :func:`format_length`."""
    hours, minutes, secs = _split(seconds)
    if hours:
        parts = [plural(hours, "hour")] + ([plural(minutes, "minute")] if minutes else [])
    elif minutes:
        parts = [plural(minutes, "minute")] + ([plural(secs, "second")] if secs else [])
    else:
        parts = [plural(secs, "second")]
    return " and ".join(parts)
