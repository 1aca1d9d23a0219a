"""Core benchmark: loading, expanding, plain-mode timing, command start-up.

Run by hand (never as a test: shared machines are noisy):

    .venv/bin/python -m bench.bench_core [--plain-seconds 20]

Budgets: 1,000 routine files loaded and validated under 1 s; a 500-step routine expanded
(reported); plain-mode cue lateness median under 3 ms and worst under 10 ms; drift at the
end under 5 ms; `coach --help` and `coach list` under 80 ms.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench._setup import command_times
from coach.clock import MonotonicClock
from coach.plain import run_plain
from coach.resources import builtin_routines_dir
from coach.routine import load_routine, parse_routine
from coach.session import CueDue, Event, Finished
from coach.timeline import build_timeline

SYNTHETIC = """
name = "Synthetic {n}"
description = "A generated routine for the benchmark."
tags = ["desk", "back"]
[defaults]
kind = "stretch"
rest = "10s"
[[step]]
name = "Chin tucks"
duration = "30s"
instructions = "Glide your chin straight back, hold, release."
[[step]]
name = "Seated twist"
duration = "30s"
sides = true
  [[step.cue]]
  at = "50%"
  say = "Breathe out and sink a little deeper"
[[step]]
name = "Glute bridge"
kind = "strength"
reps = 10
tempo = "3s"
sets = 2
set_rest = "15s"
"""


def row(name: str, value: str, budget: str = "") -> None:
    print(f"{name:<44} {value:>14}  {budget}")


def bench_load(count: int = 1000) -> None:
    sources = sorted(builtin_routines_dir().glob("*.toml"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(count):
            target = folder / f"r{n:04d}.toml"
            if sources:
                shutil.copy(sources[n % len(sources)], target)
            else:
                target.write_text(SYNTHETIC.format(n=n), encoding="utf-8")
        files = sorted(folder.glob("*.toml"))
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for path in files:
                load_routine(path)
            best = min(best, time.perf_counter() - started)
    kind = "built-in copies" if sources else "synthetic"
    row(f"load+validate {count} files ({kind})", f"{best * 1000:.0f} ms", "budget < 1000 ms")


def bench_expand(steps: int = 500) -> None:
    parts = ['name = "Big"\n[defaults]\nkind = "stretch"\nrest = "5s"\n']
    for n in range(steps):
        sides = "sides = true\n" if n % 3 == 0 else ""
        parts.append(f'[[step]]\nname = "Step {n}"\nduration = "20s"\n{sides}')
    text = "\n".join(parts)
    started = time.perf_counter()
    routine = parse_routine(text, routine_id="big")
    parsed = time.perf_counter() - started
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        timeline = build_timeline(routine)
        best = min(best, time.perf_counter() - started)
    row(f"parse a {steps}-step routine", f"{parsed * 1000:.1f} ms")
    row(
        f"expand it ({len(timeline.segments)} segments, {len(timeline.cues)} cues)",
        f"{best * 1000:.1f} ms",
    )


def bench_plain(seconds: int) -> None:
    text = (
        'name = "Accuracy"\nprepare = "3s"\n[cues]\ncountdown = 3\n'
        '[defaults]\nkind = "stretch"\nrest = "2s"\n'
    )
    per_step = 6
    for n in range(max(1, (seconds - 3) // (per_step + 2))):
        text += f'[[step]]\nname = "S{n}"\nduration = {per_step}\n'
    timeline = build_timeline(parse_routine(text, routine_id="accuracy"))
    start: list[float] = []
    lateness: list[float] = []
    drift: list[float] = []

    def listen(events: Sequence[Event], now: float) -> None:
        seen = time.monotonic()
        if not start:
            start.append(now)
        for event in events:
            if isinstance(event, CueDue):
                lateness.append(seen - (start[0] + event.due))
            if isinstance(event, Finished):
                drift.append(seen - (start[0] + timeline.total))

    run_plain(timeline, clock=MonotonicClock(), out=io.StringIO(), listeners=[listen])
    late = [x * 1000 for x in lateness[1:]]  # the first cue is the start itself
    row(
        f"plain: {len(late)} cues over {timeline.total:.0f} s, lateness median",
        f"{statistics.median(late):.2f} ms",
        "budget < 3 ms",
    )
    row("plain: lateness worst", f"{max(late):.2f} ms", "budget < 10 ms")
    row("plain: drift at the end", f"{drift[0] * 1000:.2f} ms", "budget < 5 ms")


def bench_command(args: list[str], runs: int = 10) -> None:
    times = command_times(args, runs)
    row(
        f"`coach {' '.join(args)}` wall time, median of {runs}",
        f"{statistics.median(times) * 1000:.0f} ms",
        "budget < 80 ms",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain-seconds", type=int, default=30)
    args = parser.parse_args()
    bench_load()
    bench_expand()
    bench_command(["--help"])
    bench_command(["list"])
    bench_plain(args.plain_seconds)


if __name__ == "__main__":
    main()
