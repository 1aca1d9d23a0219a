"""Line numbers for the keys of a TOML document.

TOML parsers report where a file is not TOML, but not where a valid value sits, and an
error like "step 3: duration: ..." is far more useful with its line. This scanner reads the
source once and maps each key path (``("step", 2, "duration")``) to the line it is on. It
understands table headers, arrays of tables, multi-line strings and arrays; anything it does
not follow (inline tables of steps, say) simply has no line, and errors fall back to the
nearest enclosing table's line.
"""

from __future__ import annotations

import re

KeyPath = tuple["str | int", ...]

_BARE_KEY = r'[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY_LINE = re.compile(rf"^\s*(?P<key>{_BARE_KEY})\s*(?:\.\s*(?:{_BARE_KEY})\s*)*=")
_HEADER = re.compile(
    rf"^\s*(?P<open>\[\[?)\s*(?P<name>(?:{_BARE_KEY})(?:\s*\.\s*(?:{_BARE_KEY}))*)\s*\]"
)


def _unquote(key: str) -> str:
    key = key.strip()
    if len(key) >= 2 and key[0] == key[-1] == "'":
        return key[1:-1]
    if len(key) >= 2 and key[0] == key[-1] == '"':
        if "\\" not in key:
            return key[1:-1]
        import tomli  # escapes: rare, and TOML's own reading is the one to trust

        try:
            return str(tomli.loads(f"k = {key}")["k"])
        except (tomli.TOMLDecodeError, ValueError, RecursionError):
            return key[1:-1]
    return key


def _split_dotted(name: str) -> list[str]:
    return [_unquote(part) for part in re.findall(_BARE_KEY, name)]


def scan_key_lines(text: str) -> dict[KeyPath, int]:
    """Map key paths to 1-based line numbers.

    Arrays of tables count from 0: the third ``[[step]]`` is ``("step", 2)``, its first
    ``[[step.cue]]`` is ``("step", 2, "cue", 0)``.
    """
    lines: dict[KeyPath, int] = {}
    counters: dict[KeyPath, int] = {}
    table: KeyPath = ()
    state = _ValueState()
    for number, line in enumerate(text.splitlines(), start=1):
        if state.busy:
            state.feed(line)
            continue
        header = _HEADER.match(line)
        if header:
            names = _split_dotted(header["name"])
            is_array = header["open"] == "[["
            table = _resolve(names, counters, is_array=is_array)
            if is_array:
                lines.setdefault(table[:-1], number)  # the array itself: its first element
            lines.setdefault(table, number)
            continue
        key = _KEY_LINE.match(line)
        if key:
            lines.setdefault(table + (_unquote(key["key"]),), number)
            state.feed(line[key.end() :])
    return lines


def _resolve(names: list[str], counters: dict[KeyPath, int], *, is_array: bool) -> KeyPath:
    """The key path of a table header, with indices for the arrays of tables on the way."""
    path: KeyPath = ()
    for depth, name in enumerate(names):
        path = path + (name,)
        last = depth == len(names) - 1
        if last and is_array:
            index = counters.get(path, -1) + 1
            counters[path] = index
            # A new element starts its own sub-arrays from zero.
            for key in [k for k in counters if len(k) > len(path) and k[: len(path)] == path]:
                del counters[key]
            path = path + (index,)
        elif path in counters:
            path = path + (counters[path],)
    return path


class _ValueState:
    """Follows a value across lines: open multi-line strings and brackets."""

    def __init__(self) -> None:
        self.depth = 0
        self.string: str | None = None

    @property
    def busy(self) -> bool:
        return self.depth > 0 or self.string is not None

    def feed(self, text: str) -> None:
        i = 0
        n = len(text)
        while i < n:
            if self.string is not None:
                delim = self.string
                if delim in ('"', '"""') and text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(delim, i):
                    self.string = None
                    i += len(delim)
                    continue
                i += 1
                continue
            ch = text[i]
            if ch == "#":
                break
            if text.startswith('"""', i) or text.startswith("'''", i):
                self.string = text[i : i + 3]
                i += 3
                continue
            if ch in "\"'":
                self.string = ch
                i += 1
                continue
            if ch in "[{":
                self.depth += 1
            elif ch in "]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        # A single-line string cannot span lines; recover rather than swallow the file.
        if self.string in ('"', "'"):
            self.string = None
