"""How text from outside coach is shown on a terminal, and in a one-line error message.

Routine files are shared and downloaded, file names are anybody's, and the session log is a
file on disk: none of it may drive the terminal. A routine named ``"\\u001b]0;PWN\\u0007"``
must not retitle the window, an OSC 52 sequence must not fill the clipboard, and a
right-to-left override must not turn ``gnp.exe`` round. So everything that reaches a
terminal from such a place goes through :func:`printable` (or :func:`quote`, its quoted
form for error messages), which writes each such character as a visible ``\\u001b``.

Every problem coach reports is one line (``file:line: key: problem``), so a value quoted back
to the user is also cut to a few dozen characters.
"""

from __future__ import annotations

import re

QUOTE_LIMIT = 40
"""Characters of a value an error message quotes back."""

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 and C1 controls and DEL; bidirectional controls; the line and paragraph separators
# (a terminal or a log reader may start a new line for them); lone surrogates (a file name
# that is not UTF-8, as Python decodes it: printing one would raise).
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
_UNSAFE_KEEP_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def unsafe_character(text: str, *, newlines: bool = False) -> str | None:
    """The first character of ``text`` that may not reach a terminal as it is (a control,
    a bidirectional control, a line separator), or None. With ``newlines``, a newline is
    allowed (the long texts of a routine may have several lines)."""
    match = (_UNSAFE_KEEP_NEWLINES if newlines else _UNSAFE).search(text)
    return None if match is None else match.group()


def _escape(character: str) -> str:
    return f"\\u{ord(character):04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every character that could drive a terminal written as ``\\u001b``:
    for names, file names and anything read from the log, wherever coach prints them (the
    commands, plain mode and the app). With ``newlines``, newlines stay."""
    pattern = _UNSAFE_KEEP_NEWLINES if newlines else _UNSAFE
    return pattern.sub(lambda match: _escape(match.group()), text)


def cut(text: str, limit: int) -> str:
    """``text``, shortened to ``limit`` characters with ``...`` when longer."""
    return text if len(text) <= limit else text[: max(0, limit - 3)] + "..."


def quote(text: str, limit: int | None = None) -> str:
    """``text`` in double quotes, escaped as a TOML basic string, cut to ``limit`` characters."""
    if limit is not None:
        text = cut(text, limit)
    escaped = "".join(_ESCAPES.get(c) or (_escape(c) if _UNSAFE.match(c) else c) for c in text)
    return '"' + escaped + '"'


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def show_key(key: str) -> str:
    """A key as a message names it: bare when TOML would write it bare, else quoted (and
    cut); the empty key says so."""
    if not key:
        return '"" (the empty key)'
    if _BARE_KEY.fullmatch(key) and len(key) <= QUOTE_LIMIT:
        return key
    return quote(key, limit=QUOTE_LIMIT)


def show_number(value: int | float) -> str:
    """A number as written, or its start and its length when it is very long."""
    text = str(value) if not isinstance(value, int) else _int_text(value)
    if len(text) <= QUOTE_LIMIT:
        return text
    return f"{text[:20]}... ({len(text.lstrip('-'))} digits)"


def _int_text(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # more digits than Python will print
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"


def show_value(value: object) -> str:
    """A TOML value as the user wrote it: ``"text"``, ``true``, ``30``, or its shape."""
    if isinstance(value, str):
        return quote(value, limit=QUOTE_LIMIT)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return show_number(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return printable(cut(str(value), QUOTE_LIMIT))
