"""What every benchmark does first."""

from __future__ import annotations

import compileall
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def compile_coach() -> None:
    """Write coach's bytecode, as a pip install does, so no timed start-up pays for compiling
    it (this workplace sets PYTHONDONTWRITEBYTECODE, which would make every start do so)."""
    import coach

    compileall.compile_dir(Path(coach.__file__).parent, quiet=1)


def command_times(args: list[str], runs: int, home: Path | None = None) -> list[float]:
    """Wall seconds of ``coach ARGS``, ``runs`` times, after one run to warm the caches.

    As on a person's machine, the bytecode is cached (pip compiles it on install): this
    workplace sets PYTHONDONTWRITEBYTECODE, which would make every run compile coach afresh.
    """
    exe = shutil.which("coach", path=str(Path(sys.executable).parent)) or "coach"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if home is not None:
        env["COACH_HOME"] = str(home)
    subprocess.run([exe, *args], capture_output=True, check=True, env=env)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([exe, *args], capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - started)
    return times
