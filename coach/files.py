"""Reading the files people give coach (routines, the config), and listing a routines folder.

A file named ``x.toml`` may be a FIFO (reading blocks for ever), ``/dev/zero`` behind a link
(reading never ends, whatever size the file system claims), a folder, a link loop or a
dangling link. :func:`read_small_file` reads regular files only, and at most its limit and
one byte; everything else is :class:`Unreadable`, with the reason in a few words.

In a routines folder every ``*.toml`` entry counts, whatever it is: each is listed with the
reason it cannot be used, never left out without a word; a folder that cannot be read is an
entry too. Imports only ``os`` and ``stat``: ``coach list`` reads a warm cache without the
loader.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class Unreadable(Exception):
    """A file that cannot be used; the message is the reason, ready to follow its name."""


class TooLarge(Unreadable):
    """A regular file over the limit."""


_NOT_A_FILE = (
    (stat.S_ISDIR, "is a folder"),
    (stat.S_ISFIFO, "is a named pipe (FIFO)"),
    (stat.S_ISCHR, "is a device"),
    (stat.S_ISBLK, "is a device"),
    (stat.S_ISSOCK, "is a socket"),
)


def not_a_file(mode: int, kind: str) -> str | None:
    """Why a file of this ``st_mode`` is not ``kind`` (a folder, a FIFO, a device), or None
    for a regular file."""
    if stat.S_ISREG(mode):
        return None
    what = next((what for test, what in _NOT_A_FILE if test(mode)), "is not a regular file")
    return f"{what}, not {kind}"


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "is a symbolic link that goes round in a loop"
    return f"cannot be read: {error.strerror or type(error).__name__}"


def read_small_file(path: Path, limit: int, *, kind: str = "a routine file") -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes. Raises
    ``FileNotFoundError`` when there is nothing there, :class:`TooLarge` past the limit and
    :class:`Unreadable` for everything else (``kind`` names what it should have been)."""
    try:
        # Looked at before opening: opening some devices does things.
        problem = not_a_file(os.stat(path).st_mode, kind)
        if problem:
            raise Unreadable(problem)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise Unreadable("is a symbolic link to a file that does not exist") from None
        raise
    except OSError as error:
        raise Unreadable(_reason(error)) from None
    try:
        # And again on what was opened: it may have been swapped in between.
        problem = not_a_file(os.fstat(fd).st_mode, kind)
        if problem:
            raise Unreadable(problem)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise Unreadable(_reason(error)) from None
    finally:
        os.close(fd)
    if size > limit:
        raise TooLarge(f"is larger than {limit // 1024} KiB")
    return b"".join(chunks)


UTF16 = "is UTF-16 text, not UTF-8 (save it again as UTF-8)"
"""What is said of a file that starts with a UTF-16 byte-order mark: what some editors save
as "Unicode"."""


def is_utf16(data: bytes) -> bool:
    """True for bytes that start with a UTF-16 byte-order mark (either order)."""
    return data.startswith((b"\xff\xfe", b"\xfe\xff"))


def routine_files(folder: Path) -> tuple[list[Path], str | None]:
    """The ``*.toml`` entries of ``folder``, by name, and why the folder itself cannot be
    read (None when it can, or when it does not exist: nobody need have routines of their
    own)."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".toml"))
    except FileNotFoundError:
        return [], None
    except NotADirectoryError:
        return [], "is not a folder"
    except OSError as error:
        return [], f"cannot be read ({error.strerror or type(error).__name__})"
    return [folder / name for name in names], None
