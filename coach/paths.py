"""Where coach keeps its files.

Everything lives in the user's platform folders (platformdirs), unless ``COACH_HOME`` is set:
then config, routines, log and cache all live below that one folder, which is how tests and
people trying coach out keep it away from their real data.
"""

from __future__ import annotations

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
