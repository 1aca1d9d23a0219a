"""Seconds a session loses to ``kill -9``: the real ``coach run --plain`` killed at random
moments, then the real log file read back.

Run by hand (never as a test: it takes minutes):

    .venv/bin/python -m bench.bench_kill [--tries 20] [--longest 40] [--seed 1]

Each try starts a plain run of a routine with one long hold and a few short steps (so kills
land in holds, near segment ends and between steps), waits a random time, sends SIGKILL,
and compares the wall time from the session's logged start to the kill with the active and
paused time the log holds. Budget: at most ``PROGRESS_EVERY`` + 1 s lost, worst of all tries.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from coach.log import SessionStore
from coach.session import PROGRESS_EVERY

ROUTINE = """\
name = "Kill me"
prepare = "3s"
[[step]]
name = "Long hold"
kind = "stretch"
duration = 25
[[step]]
name = "Short one"
kind = "stretch"
duration = 4
rest = "3s"
[[step]]
name = "Sides"
kind = "stretch"
duration = 6
sides = true
[[step]]
name = "Last hold"
kind = "stretch"
duration = 40
"""


def one_try(home: Path, after: float) -> tuple[float, float, str]:
    """Kill a plain run ``after`` seconds into its session; the seconds lost, the seconds
    logged and the step it was in."""
    folder = home / "config" / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kill-me.toml").write_text(ROUTINE, encoding="utf-8")
    env = {**os.environ, "COACH_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "run", "kill-me", "--plain", "--mute", "--no-sound"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        log = home / "data" / "log.sqlite3"
        deadline = time.monotonic() + 30
        while True:
            if log.exists():
                with SessionStore.open(log) as store:
                    records = store.sessions()
                if records:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("no session row within 30 s")
            time.sleep(0.02)
        started = records[0].started_utc
        pause = (started - datetime.now(timezone.utc)).total_seconds() + after
        time.sleep(max(0.0, pause))
        process.send_signal(signal.SIGKILL)
        killed = datetime.now(timezone.utc)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with SessionStore.open(log) as store:
        [record] = store.sessions()
    assert record.status == "interrupted", record.status
    wall = (killed - record.started_utc).total_seconds()
    logged = record.active_seconds + record.paused_seconds
    return wall - logged, logged, record.stopped_during or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--longest", type=float, default=40.0, help="latest kill, seconds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lost: list[float] = []
    for n in range(args.tries):
        after = rng.uniform(1.0, args.longest)
        with tempfile.TemporaryDirectory() as home:
            seconds, logged, step = one_try(Path(home), after)
        lost.append(seconds)
        print(
            f"try {n + 1:>2}: killed {after:5.1f} s in, logged {logged:5.1f} s, "
            f"lost {seconds:5.2f} s  ({step})"
        )
    print(
        f"seconds lost to kill -9 over {len(lost)} tries: median {statistics.median(lost):.2f}, "
        f"worst {max(lost):.2f} (budget {PROGRESS_EVERY + 1:.1f})"
    )


if __name__ == "__main__":
    main()
