"""Plain mode: the lines a screen reader or a pipe gets, with the fake clock and for real."""

from __future__ import annotations

import io
import queue
import time

from coach.clock import FakeClock, MonotonicClock
from coach.plain import run_plain
from coach.session import Event, State

from .helpers import timeline

SHORT = """
name = "Short"
prepare = "2s"
[cues]
countdown = 1
[[step]]
name = "Reach up"
kind = "stretch"
duration = "3s"
instructions = "Arms overhead."
[[step]]
name = "Dead bug"
kind = "strength"
reps = 6
"""


def test_one_line_per_cue_with_its_time() -> None:
    clock = FakeClock(50.0)
    out = io.StringIO()
    batches: list[tuple[list[Event], float]] = []
    session = run_plain(
        timeline(SHORT),
        clock=clock,
        out=out,
        sleep=clock.advance,
        listeners=[lambda events, now: batches.append((list(events), now))],
    )
    assert session.state is State.FINISHED
    assert out.getvalue().splitlines() == [
        "Short · 0:05",
        " 0:00  Get ready. First: Reach up.",
        " 0:01  1…",
        " 0:02  Reach up. Arms overhead.",
        " 0:04  1…",
        " 0:05  Dead bug. 6 reps.",
        " 0:05  [Dead bug: 6 reps, press Enter when done]",
        " 0:05  [no input: moving on]",
        " 0:05  Done. Well done, that was 5 seconds.",
        " 0:05  [completed: 0:05 active, 2 of 2 steps done]",
    ]
    assert batches[-1][1] == 55.0


def test_commands_from_input_with_the_real_clock() -> None:
    commands: queue.Queue[object] = queue.Queue()
    for command in ("n", "p", "p", "", "q", "y"):
        commands.put(command)
    out = io.StringIO()
    started = time.monotonic()
    session = run_plain(timeline(SHORT), clock=MonotonicClock(), out=out, commands=commands)
    assert time.monotonic() - started < 1.5
    lines = out.getvalue().splitlines()
    assert "[skipped Get ready]" in lines[2]
    assert "Reach up. Arms overhead." in lines[3]
    assert "[paused: p and Enter to resume]" in lines[4]
    assert "[resumed]" in lines[5]
    # Enter on a timed step does nothing; q asks, y stops the routine.
    assert "Stop this routine?" in lines[-5]
    assert lines[-4].endswith("[stopped]")
    assert lines[-3].endswith("[stopped: 0:00 active, 0 of 2 steps done]")
    assert lines[-2].endswith("[stopped during: Reach up]")
    assert lines[-1].endswith("[not reached: Dead bug]")
    assert session.state is State.STOPPED


def test_an_unknown_letter_prints_the_keys_it_knows() -> None:
    commands: queue.Queue[object] = queue.Queue()
    for command in ("x", "q", "y"):
        commands.put(command)
    out = io.StringIO()
    run_plain(timeline(SHORT), clock=MonotonicClock(), out=out, commands=commands)
    lines = out.getvalue().splitlines()
    [told] = [line for line in lines if "not a key" in line]
    assert '"x"' in told
    for key in ("p = pause", "n = skip", "b = back", "q = stop"):
        assert key in told
    assert any(line.endswith("[stopped]") for line in lines), lines
