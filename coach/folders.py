"""Which entries of a routines folder are routine files, for ``coach list`` and the app.

Every ``*.toml`` entry counts, whatever it is: a FIFO, a folder, a link loop or a dangling
link is listed with the loader's reason it cannot be used, never left out without a word. A
folder that cannot be read is one entry too, with its reason. Imports only ``os``: ``coach
list`` reads a warm cache without the loader.
"""

from __future__ import annotations

import os
from pathlib import Path


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
