"""Where coach keeps its files.

Everything lives in the user's platform folders (platformdirs), unless ``COACH_HOME`` is set:
then config, routines, log and cache all live below that one folder, which is how tests and
people trying coach out keep it away from their real data.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

APP_NAME = "coach"


def _home() -> Path | None:
    value = os.environ.get("COACH_HOME")
    return Path(value).expanduser() if value else None


def _platform(kind: str) -> Path:
    # Imported on first use: platformdirs pulls in tempfile and friends, and with
    # COACH_HOME set (tests, trials) it is not needed at all.
    import platformdirs

    finder = getattr(platformdirs, f"user_{kind}_dir")
    return Path(finder(APP_NAME))


def private_folder(folder: Path, *, tighten: bool = False) -> None:
    """Make ``folder`` and each missing folder above it, 0700 whatever the umask: coach's
    folders hold the session log, which is health data. Folders that exist are left as
    they are; with ``tighten``, ``folder`` itself (one of coach's own, like the cache) loses
    others' access: an older coach under umask 000 made it 0777, and anybody could plant
    files and links where coach writes."""
    missing: list[Path] = []
    probe = folder
    while not probe.is_dir() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            if not path.is_dir():
                # COACH_HOME=/etc/passwd: say which file stands where a folder should be.
                raise NotADirectoryError(errno.ENOTDIR, f"{path} is a file, not a folder") from None
            continue  # made by another coach a moment ago
        if os.name != "nt":
            os.chmod(path, 0o700)  # a umask may also take the owner's bits away
    if tighten and os.name != "nt" and not missing:
        mode = folder.stat().st_mode & 0o777
        if mode & 0o077:
            with contextlib.suppress(OSError):  # not ours, or a read-only file system
                os.chmod(folder, mode & 0o700)


def write_private(path: Path, data: bytes) -> None:
    """Write a file of coach's whole, 0600 from its first moment: a temporary file beside
    it, renamed over it."""
    private_folder(path.parent, tighten=True)
    # A name nobody can guess, made here and now: never a file or link that was there.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(temporary, flags, 0o600)
    try:
        with open(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def config_dir() -> Path:
    """The folder of ``config.toml`` and the user's ``routines/``."""
    home = _home()
    return home / "config" if home else _platform("config")


def data_dir() -> Path:
    """The folder of the session log."""
    home = _home()
    return home / "data" if home else _platform("data")


LOG_NAME = "log.sqlite3"


def log_file() -> Path:
    """The session log (a SQLite file) in the data folder."""
    return data_dir() / LOG_NAME


def cache_dir() -> Path:
    """The folder of rendered speech and other things that can be made again."""
    home = _home()
    return home / "cache" if home else _platform("cache")


def user_routines_dir() -> Path:
    """The folder of the user's own routine files."""
    return config_dir() / "routines"
