"""Session log benchmark: a log of 100,000 sessions over three years, and what it costs.

Run by hand (never as a test: shared machines are noisy):

    .venv/bin/python -m bench.bench_log [--sessions 100000] [--runs 10]

Budgets: ``SessionStore.open`` + ``summary(today)`` (all the history screen needs), and
``coach stats`` and ``coach log`` end to end as commands, each under 150 ms; one progress
write (``SessionRecorder.on_events`` with a SegmentEnded) under 5 ms, median and worst.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bench._setup import command_times
from coach.clock import FakeClock
from coach.history import SessionRecord, Status
from coach.log import SessionRecorder, SessionStore
from coach.resources import builtin_routines_dir
from coach.routine import load_routine
from coach.session import SegmentEnded, Session
from coach.timeline import build_timeline

ROUTINES = [
    ("desk-break", "Desk-break posture reset", 240),
    ("morning-stretch", "Morning stretch", 600),
    ("cool-down", "Cool-down", 480),
    ("lower-back-relief", "Lower-back relief", 720),
    ("self-massage", "Self-massage", 600),
    ("core-strength", "Core strength", 540),
    ("my-hamstrings", "My hamstring routine", 420),
]
NOTES = ["stiff this morning", "felt easier", "left hip tight", "after a long drive", ""]


def row(name: str, value: str, budget: str = "") -> None:
    print(f"{name:<52} {value:>18}  {budget}")


def spread(seconds: Sequence[float]) -> str:
    ordered = sorted(seconds)
    return f"{statistics.median(ordered) * 1000:.2f} / {ordered[-1] * 1000:.2f} ms"


def generate(
    count: int, today: date, *, years: float = 3.0, seed: int = 1
) -> Iterator[SessionRecord]:
    """``count`` plausible sessions over ``years`` up to ``today``: mostly in one time zone
    with its daylight-saving shift, a few trips abroad, most completed, some stopped, a few
    cut off; ratings on about a third, notes on a few."""
    rng = random.Random(seed)
    days = int(years * 365)
    first = today - timedelta(days=days)
    per_day = count / days
    made = 0
    for n in range(days + 1):
        day = first + timedelta(days=n)
        summer = 3 < day.month < 11
        offset = 60 if not summer else 120
        if rng.random() < 0.02:
            offset = rng.choice([540, -300, -240, 330, 0])
        todays = int(per_day) + (rng.random() < per_day - int(per_day))
        if n == days:
            todays = count - made
        for _ in range(min(todays, count - made)):
            made += 1
            routine_id, name, planned = rng.choice(ROUTINES)
            local = datetime(
                day.year, day.month, day.day, tzinfo=timezone(timedelta(minutes=offset))
            )
            local += timedelta(seconds=rng.randrange(6 * 3600, 23 * 3600))
            started = local.astimezone(timezone.utc)
            roll = rng.random()
            status: Status = (
                "completed" if roll < 0.86 else "stopped" if roll < 0.96 else "interrupted"
            )
            steps = planned // 60 + 3
            done = steps if status == "completed" else rng.randrange(0, steps)
            skipped = rng.randrange(0, 2) if status == "completed" else 0
            active = planned * (1.0 if status == "completed" else done / steps) + rng.uniform(
                -5, 30
            )
            paused = rng.choice([0.0, 0.0, 0.0, rng.uniform(5, 120)])
            ended = started + timedelta(seconds=active + paused)
            rated = rng.random() < 0.35
            before = rng.randrange(2, 8) if rated else None
            yield SessionRecord(
                id=0,
                routine_id=routine_id,
                routine_name=name,
                digest=f"{hash((routine_id, day.year)) & 0xFFFFFFFF:064x}",
                started_utc=started,
                utc_offset_minutes=offset,
                ended_utc=None if status == "interrupted" else ended,
                planned_seconds=float(planned),
                active_seconds=max(0.0, active),
                paused_seconds=paused,
                steps_completed=done - skipped,
                steps_skipped=skipped,
                steps_total=steps,
                status=status,
                feel_before=before,
                feel_after=None if before is None else min(10, before + rng.randrange(-1, 4)),
                note=(rng.choice(NOTES) or None) if rng.random() < 0.05 else None,
                skipped_steps=("Side plank",) * skipped,
                updated_utc=ended,
            )


def bench_open_summary(path: Path, today: date, runs: int) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        store = SessionStore.open(path)
        summary = store.summary(today)
        times.append(time.perf_counter() - started)
        store.close()
    row("SessionStore.open + summary(today), median / worst", spread(times), "budget < 150 ms")
    row(
        "  sessions / minutes / best streak",
        f"{summary.total_sessions} / {summary.total_minutes:.0f} / {summary.best_streak}",
    )


def bench_command(home: Path, args: list[str], runs: int, budget: str = "budget < 150 ms") -> None:
    times = command_times(args, runs, home)
    row(f"`coach {' '.join(args)}` wall time, median / worst", spread(times), budget)


def bench_progress(path: Path, sessions: int) -> None:
    routine = load_routine(builtin_routines_dir() / "lower-back-relief.toml")
    timeline = build_timeline(routine)
    store = SessionStore.open(path)
    writes: list[float] = []
    starts: list[float] = []
    finishes: list[float] = []
    for _ in range(sessions):
        clock = FakeClock(1000.0)
        session = Session(timeline)
        recorder = SessionRecorder(store, timeline)
        events = session.start(clock.now())
        began = time.perf_counter()
        recorder.on_events(events, clock.now())
        starts.append(time.perf_counter() - began)
        while not session.is_over:
            deadline = session.next_deadline()
            if deadline is None:
                events = session.done(clock.now())
            else:
                clock.advance(max(0.0, deadline - clock.now()))
                events = session.tick(clock.now())
            if not any(isinstance(e, SegmentEnded) for e in events):
                continue
            began = time.perf_counter()
            recorder.on_events(events, clock.now())
            spent = time.perf_counter() - began
            (finishes if session.is_over else writes).append(spent)
        assert recorder.status_line is None, recorder.status_line
    store.close()
    row(
        f"on_events with a SegmentEnded ({len(writes)}), median / worst",
        spread(writes),
        "budget < 5 ms",
    )
    row(f"  the start (row written, {len(starts)}), median / worst", spread(starts))
    row(f"  the finish ({len(finishes)}), median / worst", spread(finishes))


def bench_history_screen(path: Path, today: date, runs: int) -> None:
    """Opening the history screen in the real app (headless, 80x24), to its first frame:
    as the ``h`` key's handler does it (the summary query and the screen), and through
    Pilot's key press (which adds Pilot's own waiting for the app to settle)."""
    import asyncio

    from coach.app import CoachApp, Services
    from coach.catalog import discover
    from coach.settings import Settings
    from coach.tui.history import HistoryScreen

    handler: list[float] = []
    pressed: list[float] = []

    async def once() -> None:
        store = SessionStore.open(path)
        services = Services(
            clock=FakeClock(),
            settings=Settings(),
            entries=discover,
            summary=lambda: store.summary(today),
        )
        app = CoachApp(services)
        async with app.run_test(size=(80, 24)) as pilot:
            for times, press in ((handler, False), (pressed, True)):
                # h is the history's key once the filter is left (letters type into it).
                app.screen.query_one("#routines").focus()
                await pilot.pause()
                painted = asyncio.Event()
                started = time.perf_counter()
                if press:
                    await pilot.press("h")
                else:
                    app.on_pick_screen_history_wanted()
                while not isinstance(app.screen, HistoryScreen):
                    await asyncio.sleep(0)
                app.call_after_refresh(painted.set)
                await painted.wait()
                times.append(time.perf_counter() - started)
                await pilot.press("escape")
        store.close()

    for _ in range(runs):
        asyncio.run(once())
    row("history screen: h handler to painted, median / worst", spread(handler), "budget < 150 ms")
    row("  the same through Pilot's key press", spread(pressed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        path = home / "data" / "log.sqlite3"
        started = time.perf_counter()
        store = SessionStore.open(path)
        store.add(generate(args.sessions, today))
        store.close()
        made = time.perf_counter() - started
        row(f"generate and write {args.sessions} sessions", f"{made:.1f} s")
        row("  log file size", f"{path.stat().st_size / 1e6:.1f} MB")
        bench_open_summary(path, today, args.runs)
        bench_history_screen(path, today, args.runs)
        bench_command(home, ["--help"], args.runs, "(the floor: start-up, no log)")
        bench_command(home, ["stats"], args.runs)
        bench_command(home, ["log"], args.runs)
        bench_progress(path, 40)


if __name__ == "__main__":
    main()
