"""What every benchmark does first."""

from __future__ import annotations

import compileall
from pathlib import Path


def compile_coach() -> None:
    """Write coach's bytecode, as a pip install does, so no timed start-up pays for compiling
    it (this workplace sets PYTHONDONTWRITEBYTECODE, which would make every start do so)."""
    import coach

    compileall.compile_dir(Path(coach.__file__).parent, quiet=1)
