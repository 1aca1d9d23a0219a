"""One hour of a countdown, faster than real time, in a real terminal: the child process of
``bench.bench_lean``'s memory run.

    python -m bench._hour {coach,bare} REPORT [--ticks 3600] [--rate 30] [--routine FILE]

Either app runs with Textual's real driver on the terminal it is given; a fake clock moves
one second ``--rate`` times a real second, and the app does what it does each second (coach:
``PlayerScreen.sync``, which asks the session and repaints; bare: the ``Digits`` text). So an
hour of one routine takes ``ticks / rate`` seconds. At every ``--every`` ticks the process's
resident memory and CPU time go to REPORT as ``tick rss_kb cpu_seconds`` lines. With
``--trace`` it also writes the allocations that grew most between the first checkpoint and
the end (tracemalloc), to find what grows.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Reporter:
    def __init__(self, path: Path, every: int, trace: bool) -> None:
        self.stream = path.open("w", encoding="utf-8")
        self.every = every
        self.trace = trace
        self.first: Any = None

    def tick(self, n: int, last: bool) -> None:
        if n % self.every and not last:
            return
        gc.collect()
        cpu = os.times()
        self.stream.write(f"{n} {rss_kb()} {cpu.user + cpu.system:.3f}\n")
        self.stream.flush()
        if not self.trace:
            return
        snapshot = tracemalloc.take_snapshot()
        if self.first is None:
            self.first = snapshot
        elif last:
            for stat in snapshot.compare_to(self.first, "traceback")[:12]:
                self.stream.write(f"# {stat.size_diff / 1024:+.1f} KiB {stat.count_diff:+d}\n")
                for frame in stat.traceback.format()[-8:]:
                    self.stream.write(f"#   {frame}\n")


def coach_app(ticks: int, rate: float, routine: Path, report: Reporter) -> None:
    from coach.app import CoachApp, Services
    from coach.catalog import discover
    from coach.clock import FakeClock
    from coach.routine import load_routine
    from coach.settings import Settings
    from coach.tui.player import PlayerScreen

    clock = FakeClock(1000.0)
    app = CoachApp(
        Services(clock=clock, settings=Settings(), entries=discover),
        routine=load_routine(routine),
    )
    count = 0

    def second() -> None:
        nonlocal count
        screen = app.screen
        if not isinstance(screen, PlayerScreen):
            return
        count += 1
        clock.advance(1.0)
        screen.sync()
        report.tick(count, count >= ticks)
        if count >= ticks:
            app.exit()

    app.call_later(lambda: app.set_interval(1 / rate, second))
    app.run()


def bare_app(ticks: int, rate: float, report: Reporter) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Digits

    class Countdown(App[None]):
        def compose(self) -> ComposeResult:
            yield Digits(f"{(ticks + 60) // 60}:00")

        def on_mount(self) -> None:
            self.count = 0
            self.set_interval(1 / rate, self.second)

        def second(self) -> None:
            self.count += 1
            left = max(0, ticks + 60 - self.count)
            self.query_one(Digits).update(f"{left // 60}:{left % 60:02d}")
            report.tick(self.count, self.count >= ticks)
            if self.count >= ticks:
                self.exit()

    Countdown().run()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("app", choices=("coach", "bare"))
    parser.add_argument("report", type=Path)
    parser.add_argument("--ticks", type=int, default=3600)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--every", type=int, default=300)
    parser.add_argument("--routine", type=Path)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.trace:
        tracemalloc.start(12)
    report = Reporter(args.report, args.every, args.trace)
    if args.app == "coach":
        coach_app(args.ticks, args.rate, args.routine, report)
    else:
        bare_app(args.ticks, args.rate, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
