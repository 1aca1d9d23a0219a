"""``coach list`` at once: what each routine file says, remembered until the file changes.

Loading a routine means importing the loader and checking every step, which is most of what
``coach list`` would cost. So the list keeps, in the cache folder, each file's id, name,
length and tags (or its first error) against its size, inode and change times, and loads only
files it has not seen as they are now. Deleting the cache loses nothing.

This module imports neither the loader nor ``dataclasses``: a warm ``coach list`` needs
neither.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import NamedTuple

from coach import __version__, paths
from coach.files import routine_files
from coach.resources import builtin_routines_dir

CACHE_NAME = "routine-list.json"
_FORMAT = 3
"""Bumped when the loader reads files differently (3: limits, control characters, every
*.toml entry listed): a cache of the old rules is read again."""


class Listed(NamedTuple):
    """One line of ``coach list``."""

    id: str
    name: str
    """The routine's name, or the file's name when it is broken."""
    total: float
    open_steps: bool
    tags: tuple[str, ...]
    builtin: bool
    error: str | None
    """The first problem of a broken file, one line."""
    hides_builtin: bool = False
    """A user's file with a built-in's id: it is listed, the built-in is not."""


def _stamp(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    # ctime too: a copy that keeps the old mtime (cp -p, rsync -t, tar) still changes it.
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino]


def _load(path: Path, builtin: bool) -> Listed:
    from coach.routine import RoutineError, load_routine

    shown = path.name if builtin else str(path)
    try:
        routine = load_routine(path, display_name=shown)
    except RoutineError as error:
        return Listed(path.stem, path.name, 0.0, False, (), builtin, error.first_line)
    return Listed(
        path.stem,
        routine.name,
        routine.total,
        routine.has_open_steps,
        routine.tags,
        builtin,
        None,
    )


def _read_cache(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return {}
    if data.get("coach") != __version__:  # a new coach may read files differently
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _from_cache(entry: object, stamp: list[int], builtin: bool) -> Listed | None:
    if not isinstance(entry, dict) or entry.get("stamp") != stamp:
        return None
    try:
        return Listed(
            str(entry["id"]),
            str(entry["name"]),
            float(entry["total"]),
            bool(entry["open_steps"]),
            tuple(str(tag) for tag in entry["tags"]),
            builtin,
            None if entry["error"] is None else str(entry["error"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _write_cache(path: Path, files: dict[str, dict[str, object]]) -> None:
    data = {"format": _FORMAT, "coach": __version__, "files": files}
    # A cache that cannot be written only costs the next list its speed.
    with contextlib.suppress(OSError):
        paths.write_private(path, json.dumps(data).encode("utf-8"))


def listing(
    user_dir: Path | None = None,
    builtin_dir: Path | None = None,
    cache_path: Path | None = None,
) -> list[Listed]:
    """Every routine, as :func:`coach.catalog.discover` orders them: built-in ones first,
    then the user's, each by name; a user routine with a built-in's id replaces it."""
    cache_path = cache_path or paths.cache_dir() / CACHE_NAME
    cached = _read_cache(cache_path)
    fresh: dict[str, dict[str, object]] = {}
    changed = False
    groups: list[list[Listed]] = []
    for folder, builtin in (
        (builtin_dir or builtin_routines_dir(), True),
        (user_dir or paths.user_routines_dir(), False),
    ):
        group = []
        files, unreadable = routine_files(folder)
        if unreadable is not None:
            reason = f"{folder}: {unreadable}"
            group.append(Listed(folder.name, folder.name, 0.0, False, (), builtin, reason))
        for path in files:
            stamp = _stamp(path)
            if stamp is None:  # a dangling link or a loop: the loader says which
                group.append(_load(path, builtin))
                continue
            key = str(path)
            item = _from_cache(cached.get(key), stamp, builtin)
            if item is None:
                item = _load(path, builtin)
                changed = True
            record = item._asdict()
            del record["builtin"], record["hides_builtin"]
            fresh[key] = {**record, "tags": list(item.tags), "stamp": stamp}
            group.append(item)
        groups.append(group)
    if changed or fresh.keys() != cached.keys():
        _write_cache(cache_path, fresh)
    builtin_items, user_items = groups
    mine = {item.id for item in user_items}
    kept = [item for item in builtin_items if item.id not in mine]
    hidden = mine & {item.id for item in builtin_items}
    user_items = [item._replace(hides_builtin=item.id in hidden) for item in user_items]
    return sorted(kept, key=lambda i: i.name.lower()) + sorted(
        user_items, key=lambda i: i.name.lower()
    )
