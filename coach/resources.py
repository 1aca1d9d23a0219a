"""The built-in data files: routines and sounds.

In an installed wheel they sit inside the package (``coach/_data/``); in a source checkout
they are the repository's top-level ``routines/`` and ``sounds/`` folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    inside = _PACKAGE / "_data" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def builtin_routines_dir() -> Path:
    """The folder of the routines that ship with coach."""
    return _data_dir("routines")


def builtin_sounds_dir() -> Path:
    """The folder of the WAV cues that ship with coach."""
    return _data_dir("sounds")
