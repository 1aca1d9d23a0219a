"""How a value from a file is shown in a one-line error message.

Every problem coach reports is one line (``file:line: key: problem``), so a value quoted back
to the user has its control characters escaped, TOML-style, and long text shortened.
"""

from __future__ import annotations

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(text: str, limit: int | None = None) -> str:
    """``text`` in double quotes, escaped as a TOML basic string, cut to ``limit`` characters."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    escaped = "".join(
        _ESCAPES.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
        for c in text
    )
    return '"' + escaped + '"'


def show_value(value: object) -> str:
    """A TOML value as the user wrote it: ``"text"``, ``true``, ``30``, or its shape."""
    if isinstance(value, str):
        return quote(value, limit=40)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return str(value)
