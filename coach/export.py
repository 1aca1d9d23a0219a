"""``coach export``: every session, one row each, as CSV or JSON.

Rows are written as the log gives them (:meth:`coach.log.SessionStore.export_rows`), so a
log of any size exports in flat memory. A file is written whole or not at all: into a new
private file beside the target, then moved into place; an existing file (or a link, even a
dangling one) is never written through and is replaced only when asked (``force``).

In CSV, a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading ``'``: spreadsheets would otherwise run it as a formula (a routine named
``=HYPERLINK(...)`` is a link the person never made). Numbers are left as they are.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from coach.log import EXPORT_FIELDS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a CSV cell that a spreadsheet would run as a formula begins."""


class ExportError(Exception):
    """The export could not be written; the message is one line for the person."""


def csv_cell(value: object) -> object:
    """A value as a CSV cell: lists joined with ``"; "``, None empty, formula-like text
    neutralised with a leading ``'``."""
    if isinstance(value, list):
        value = "; ".join(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_TEXT_COLUMNS = tuple(
    n
    for n, name in enumerate(EXPORT_FIELDS)
    if name in ("routine_id", "routine_name", "digest", "skipped_steps", "note")
)
"""The columns whose text comes from a person or a routine file; the rest are numbers,
times and the status, which never begin like a formula."""


def write_csv(rows: Iterable[Sequence[object]], stream: TextIO) -> int:
    """Write the header and ``rows`` as CSV; returns how many rows."""
    writer = csv.writer(stream)
    writer.writerow(EXPORT_FIELDS)
    count = 0

    def cells() -> Iterator[list[object]]:
        nonlocal count
        for row in rows:
            values = list(row)
            for n in _TEXT_COLUMNS:
                values[n] = csv_cell(values[n])
            count += 1
            yield values  # None is written as an empty cell

    writer.writerows(cells())
    return count


def write_json(rows: Iterable[Sequence[object]], stream: TextIO) -> int:
    """Write ``rows`` as one JSON array, an object per line; returns how many rows."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    count = 0
    for row in rows:
        text = encode(dict(zip(EXPORT_FIELDS, row, strict=True)))
        stream.write(("[\n" if count == 0 else ",\n") + text)
        count += 1
    stream.write("[]\n" if count == 0 else "\n]\n")
    return count


WRITERS: dict[str, Callable[[Iterable[Sequence[object]], TextIO], int]] = {
    "csv": write_csv,
    "json": write_json,
}


def write_file(target: Path, write: Callable[[TextIO], int], *, force: bool = False) -> int:
    """Run ``write`` on a new private file beside ``target``, then put it in ``target``'s
    place: only if nothing is there, unless ``force``. Returns what ``write`` returned.

    Raises :class:`ExportError` (nothing is left behind), and whatever ``write`` raises
    (after removing the partial file).
    """
    if not force and _exists(target):
        raise ExportError(f"{target} already exists; --force replaces it")
    folder = target.parent
    temporary = folder / f".{target.name}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temporary, flags, 0o600)
    except OSError as error:
        raise ExportError(f"cannot write {target}: {_why(error)}") from None
    placed = False
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            result = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        _place(temporary, target, force=force)
        placed = True
        return result
    except OSError as error:
        raise ExportError(f"cannot write {target}: {_why(error)}") from None
    finally:
        if not placed:
            with contextlib.suppress(OSError):
                temporary.unlink()


def _place(temporary: Path, target: Path, *, force: bool) -> None:
    if force:
        # A rename replaces whatever has the name (a link itself, never what it points to).
        os.replace(temporary, target)
        return
    try:
        # A hard link never replaces anything: it fails if the name was taken meanwhile.
        os.link(temporary, target, follow_symlinks=False)
    except FileExistsError:
        raise ExportError(f"{target} already exists; --force replaces it") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: look, then rename.
        if _exists(target):
            raise ExportError(f"{target} already exists; --force replaces it") from None
        os.rename(temporary, target)
        return
    temporary.unlink()


def _exists(path: Path) -> bool:
    """Anything at ``path``, a dangling link included."""
    try:
        path.lstat()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def _why(error: OSError) -> str:
    return error.strerror or str(error)
