"""``coach run --plain``: a routine as lines of text, in real time.

For screen readers, dumb terminals and pipes. One line per cue, with the routine time it
belongs to. The loop sleeps to the session's next deadline on the monotonic clock (never
adding up sleeps), so a cue is printed within a millisecond or two of its moment and the
end does not drift. Commands come in as lines on standard input.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from coach.clock import Clock
from coach.durations import format_clock
from coach.session import (
    CueDue,
    Event,
    Extended,
    Finished,
    Paused,
    Resumed,
    SegmentEnded,
    SegmentStarted,
    Session,
    State,
)
from coach.showing import printable
from coach.text import plural
from coach.timeline import CueKind, Timeline

Listener = Callable[[Sequence[Event], float], None]
"""Called with each batch of events and the clock time they were produced at."""

KEYS = (
    "Enter alone = done (open steps), p = pause/resume, n = skip, b = back, "
    "+ / - = 10 seconds more/less, q = quit"
)
HELP = f"Keys, each followed by Enter: {KEYS}"

_EOF = object()


def describe(event: Event) -> str | None:
    """The line plain mode prints for an event, or None for events it keeps quiet about."""
    match event:
        case CueDue(cue=cue) if cue.kind is CueKind.COUNTDOWN:
            return f"{cue.text}…"
        case CueDue(cue=cue):
            return cue.text
        case SegmentStarted(segment=seg) if seg.is_open:
            reps = f"{plural(seg.reps, 'rep')}, " if seg.reps else ""
            return f"[{seg.label}: {reps}press Enter when done]"
        case Paused():
            return "[paused: p and Enter to resume]"
        case Resumed():
            return "[resumed]"
        case SegmentEnded(segment=seg, skipped=True):
            return f"[skipped {seg.label}]"
        case Extended(seconds=seconds, segment=seg):
            sign = "+" if seconds > 0 else "-"
            return f"[{sign}{abs(seconds):g}s on {seg.label}]"
        case Finished(completed=False):
            return "[stopped]"
    return None


def _line(at: float, text: str) -> str:
    return f"{format_clock(at):>5}  {printable(text)}"


def _read_lines(stream: TextIO, inbox: queue.Queue[object]) -> None:
    for line in stream:
        inbox.put(line.strip().lower())
    inbox.put(_EOF)


def run_plain(
    timeline: Timeline,
    *,
    clock: Clock,
    out: TextIO,
    commands: queue.Queue[object] | None = None,
    listeners: Sequence[Listener] = (),
    sleep: Callable[[float], object] = time.sleep,
) -> Session:
    """Follow ``timeline`` to its end (or until "q"), printing a line per cue.

    ``commands`` receives command lines (``""``, ``"p"``, ``"n"``, ...) and, once input is
    over, the end-of-input marker; without it there is no input and open steps are marked
    done as they come. ``sleep`` waits when there is no input to wait on (a fake clock's
    ``advance`` in tests).
    """
    session = Session(timeline)
    inbox = commands

    def emit(events: Sequence[Event], now: float) -> None:
        lines: list[str] = []
        prompts: list[str] = []
        for event in events:
            text = describe(event)
            if text is not None:
                at = event.due if isinstance(event, CueDue) else event.at
                # "Press Enter when done" reads best after the step's own words.
                opens = isinstance(event, SegmentStarted) and event.segment.is_open
                (prompts if opens else lines).append(_line(at, text))
        for line in lines + prompts:
            out.write(line + "\n")
        out.flush()
        for listener in listeners:
            listener(events, now)

    routine = timeline.routine
    out.write(f"{printable(routine.name)} · {format_clock(timeline.total)}\n")
    now = clock.now()
    emit(session.start(now), now)
    try:
        _loop(session, clock, inbox, emit, out, sleep)
    except KeyboardInterrupt:
        now = clock.now()
        out.write("\n")
        emit(session.stop(now), now)
    return session


def _loop(
    session: Session,
    clock: Clock,
    inbox: queue.Queue[object] | None,
    emit: Callable[[Sequence[Event], float], None],
    out: TextIO,
    sleep: Callable[[float], object],
) -> None:
    input_over = inbox is None
    while not session.is_over:
        if input_over and session.segment.is_open and session.state is State.RUNNING:
            now = clock.now()
            out.write(_line(session.active_time(now), "[no input: moving on]") + "\n")
            emit(session.done(now), now)
            continue
        deadline = session.next_deadline()
        timeout = None if deadline is None else max(0.0, deadline - clock.now())
        command: object = None
        if inbox is not None and not input_over:
            try:
                command = inbox.get(timeout=timeout)
            except queue.Empty:
                command = None
        elif timeout is not None and timeout > 0:
            sleep(timeout)
        now = clock.now()
        if command is _EOF:
            input_over = True
            command = None
        events: list[Event] = []
        if isinstance(command, str):
            known = _apply(session, command, now)
            if known is None:
                at = session.active_time(now)
                out.write(_line(at, f'["{command}" is not a key here. {KEYS}]') + "\n")
            else:
                events = known
        events.extend(session.tick(now))
        emit(events, now)


def _apply(session: Session, command: str, now: float) -> list[Event] | None:
    """What ``command`` does, or None when it is not one of plain mode's keys."""
    if command == "":
        return session.done(now)
    if command in ("p", " ", "pause", "space"):
        return session.toggle_pause(now)
    if command in ("n", "skip", "next"):
        return session.skip(now)
    if command in ("b", "back"):
        return session.back(now)
    if command in ("+", "more"):
        return session.extend(now, 10)
    if command in ("-", "less"):
        return session.extend(now, -10)
    if command in ("q", "quit", "stop"):
        return session.stop(now)
    return None


def main(timeline: Timeline, *, clock: Clock, listeners: Sequence[Listener] = ()) -> int:
    """Run in the terminal: input from stdin, lines to stdout. Exit 130 when stopped."""
    out = sys.stdout
    inbox: queue.Queue[object] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(sys.stdin, inbox), daemon=True)
    reader.start()
    if sys.stdin.isatty():
        out.write(HELP + "\n")
    session = run_plain(timeline, clock=clock, out=out, commands=inbox, listeners=listeners)
    return 0 if session.state is State.FINISHED else 130
