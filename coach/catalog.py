"""Finding routines: the built-in ones and the user's own, by id or by path."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from coach import paths
from coach.files import routine_files
from coach.resources import builtin_routines_dir
from coach.routine import Problem, Routine, RoutineError, load_routine
from coach.showing import printable


@dataclass(frozen=True)
class Entry:
    """One routine file: loaded, or broken with its error."""

    id: str
    path: Path
    builtin: bool
    routine: Routine | None = None
    error: RoutineError | None = None

    @property
    def name(self) -> str:
        return self.routine.name if self.routine else self.path.name


def _scan(folder: Path, *, builtin: bool) -> list[Entry]:
    entries = []
    files, unreadable = routine_files(folder)
    if unreadable is not None:
        error = RoutineError([Problem(str(folder), unreadable)])
        entries.append(Entry(folder.name, folder, builtin, error=error))
    for path in files:
        shown = path.name if builtin else str(path)
        try:
            entries.append(
                Entry(path.stem, path, builtin, routine=load_routine(path, display_name=shown))
            )
        except RoutineError as error:
            entries.append(Entry(path.stem, path, builtin, error=error))
    return entries


def discover(user_dir: Path | None = None, builtin_dir: Path | None = None) -> list[Entry]:
    """Every routine, built-in first then the user's, by name. A user routine with a
    built-in's id replaces it, so people can adjust a built-in by copying it."""
    builtin = _scan(builtin_dir or builtin_routines_dir(), builtin=True)
    user = _scan(user_dir or paths.user_routines_dir(), builtin=False)
    mine = {entry.id for entry in user}
    kept = [entry for entry in builtin if entry.id not in mine]
    return sorted(kept, key=lambda e: e.name.lower()) + sorted(user, key=lambda e: e.name.lower())


def stamp(user_dir: Path | None = None) -> tuple[tuple[str, int, int, int], ...]:
    """A cheap fingerprint of the user's routine files (name, size, change time, inode,
    from one ``stat`` each): it changes when a file is added, removed or edited, so a list
    knows to load them again without parsing anything. The built-ins do not change while
    coach runs."""
    folder = user_dir or paths.user_routines_dir()
    found = []
    try:
        for path in folder.glob("*.toml"):
            try:
                info = path.stat()
            except OSError:
                continue
            found.append(
                (path.name, info.st_size, max(info.st_mtime_ns, info.st_ctime_ns), info.st_ino)
            )
    except OSError:
        return ()
    return tuple(sorted(found))


def looks_like_path(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref or "\\" in ref


def resolve(ref: str, user_dir: Path | None = None, builtin_dir: Path | None = None) -> Routine:
    """The routine a person means by ``ref``: a file path, or the id of a known routine.
    Raises ``RoutineError`` with a one-line message when there is none or it is broken."""
    if looks_like_path(ref) or Path(ref).is_file():
        return load_routine(Path(ref), display_name=ref)
    builtin_path = (builtin_dir or builtin_routines_dir()) / f"{ref}.toml"
    for folder, builtin in (
        (user_dir or paths.user_routines_dir(), False),
        (builtin_path.parent, True),
    ):
        path = folder / f"{ref}.toml"
        # Whatever is there (a FIFO, a dangling link): the loader names why it cannot be used.
        if os.path.lexists(path):
            try:
                return load_routine(path, display_name=path.name if builtin else str(path))
            except RoutineError as error:
                if builtin or not builtin_path.is_file():
                    raise
                # Not coach's own routine that is broken: the person's copy of it.
                hides = f"hides the built-in {printable(ref)} "
                why = Problem(
                    str(path), hides + "(fix this file, or remove it to use the built-in)"
                )
                raise RoutineError([*error.problems, why]) from None
    import difflib  # only on the error path

    ids = sorted(entry.id for entry in discover(user_dir, builtin_dir))
    close = difflib.get_close_matches(ref, ids, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise RoutineError([Problem(ref, f"no routine with this id ({hint}known: {', '.join(ids)})")])
