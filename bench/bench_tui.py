"""App benchmark: first paint, CPU while a step counts down, peak memory; beside a bare
Textual app that shows one ``Digits`` countdown, measured the same way in the same run.

Run by hand (never as a test: shared machines are noisy):

    .venv/bin/python -m bench.bench_tui [--seconds 20] [--runs 5]

Each program runs in its own pseudo-terminal (80x24). First paint: from spawning the process
to the first output that carries the expected text. CPU: user+system time of the process
(its children, the speech process, reported apart) over ``--seconds`` while one long step
counts down. Peak memory: the process's VmHWM.

Budgets for ``coach run ID``: first paint under 0.35 s; under 1 % of one core while
counting down; peak memory under 60 MB.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

from bench._setup import compile_coach

BENCH_ROUTINE = """
name = "Benchmark hold"
prepare = 0
[[step]]
name = "Long hold"
kind = "stretch"
duration = "10m"
instructions = "Hold still and breathe."
"""

BARE_APP = """
import time
from textual.app import App
from textual.widgets import Digits

class Countdown(App):
    def compose(self):
        yield Digits("10:00")
    def on_mount(self):
        self.t0 = time.monotonic()
        self.set_interval(1.0, self.tick)
    def tick(self):
        left = max(0, 600 - int(time.monotonic() - self.t0))
        self.query_one(Digits).update(f"{left // 60}:{left % 60:02d}")

Countdown().run()
"""

_ESCAPE = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    first_paint: float
    cpu_percent: float
    children_cpu_percent: float
    peak_mb: float


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """(own, children still running) user+system seconds."""
    own = _stat_cpu(pid)
    children = 0.0
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        kids = []
    for kid in kids:
        children += _stat_cpu(int(kid))
    return own, children


def _stat_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(argv: list[str], expect: bytes, seconds: float, env: dict[str, str]) -> Run:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    began = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    first_paint = float("nan")

    def drain(until: float) -> None:
        nonlocal seen, first_paint
        while (left := until - time.perf_counter()) > 0:
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if first_paint != first_paint:  # still NaN
                seen += chunk
                if expect in _ESCAPE.sub(b"", seen):
                    first_paint = time.perf_counter() - began

    drain(time.perf_counter() + 3.0)
    # Settle (speech process start, first renders), then measure a quiet countdown.
    drain(time.perf_counter() + 2.0)
    own0, kids0 = _cpu_seconds(process.pid)
    t0 = time.perf_counter()
    drain(t0 + seconds)
    own1, kids1 = _cpu_seconds(process.pid)
    wall = time.perf_counter() - t0
    peak = _peak_mb(process.pid)
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    os.close(master)
    return Run(
        first_paint=first_paint,
        cpu_percent=100 * (own1 - own0) / wall,
        children_cpu_percent=100 * max(0.0, kids1 - kids0) / wall,
        peak_mb=peak,
    )


def _report(name: str, runs: list[Run]) -> None:
    paints = [r.first_paint * 1000 for r in runs]
    cpu = [r.cpu_percent for r in runs]
    kids = [r.children_cpu_percent for r in runs]
    peak = [r.peak_mb for r in runs]
    print(
        f"{name:<28} first paint median {statistics.median(paints):6.0f} ms "
        f"(best {min(paints):.0f}, worst {max(paints):.0f}) · "
        f"CPU {statistics.median(cpu):.2f} % of a core"
        + (f" (+ children {statistics.median(kids):.2f} %)" if max(kids) > 0 else "")
        + f" · peak {max(peak):.1f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="CPU window per run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    coach = str(Path(python).with_name("coach"))
    compile_coach()
    with tempfile.TemporaryDirectory() as home:
        routines = Path(home) / "config" / "routines"
        routines.mkdir(parents=True)
        (routines / "bench-hold.toml").write_text(BENCH_ROUTINE)
        bare = Path(home) / "bare_digits.py"
        bare.write_text(BARE_APP)
        env = {**os.environ, "COACH_HOME": home, "TERM": "xterm-256color"}
        results: dict[str, list[Run]] = {"bare Textual + Digits": [], "coach run ID": []}
        for _ in range(args.runs):  # alternate, so both see the same machine
            results["bare Textual + Digits"].append(
                measure([python, str(bare)], b"\xe2\x94", args.seconds, env)
            )
            results["coach run ID"].append(
                measure([coach, "run", "bench-hold"], b"LONG HOLD", args.seconds, env)
            )
    print(f"{args.runs} runs each, {args.seconds:g} s CPU window, 80x24 pseudo-terminal")
    for name, runs in results.items():
        _report(name, runs)
    print("budgets for coach run ID: first paint < 350 ms, CPU < 1 %, peak < 60 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
