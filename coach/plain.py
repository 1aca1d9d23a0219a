"""``coach run --plain``: a routine as lines of text, in real time.

For screen readers, dumb terminals and pipes. One line per cue, with the routine time it
belongs to. The loop sleeps to the session's next deadline on the monotonic clock (never
adding up sleeps), so a cue is printed within a millisecond or two of its moment and the
end does not drift. Commands come in as lines on standard input.
"""

from __future__ import annotations

import contextlib
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import Protocol, TextIO

from coach.clock import Clock
from coach.durations import format_clock
from coach.outcome import Ending, Left, Tally
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
    "+ / - = 10 seconds more/less, q = stop (asks first)"
)
HELP = f"Keys, each followed by Enter: {KEYS}"
STOP_QUESTION = (
    "[Stop this routine? It goes in your log as stopped. y and Enter to stop, Enter to keep going]"
)
YES = frozenset({"y", "yes"})

_EOF = object()


def describe(event: Event, *, back: bool = False) -> str | None:
    """The line plain mode prints for an event, or None for events it keeps quiet about.
    ``back``: the event comes after a step back (a start then says where it went)."""
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
        case SegmentEnded(segment=seg, left=Left.SKIPPED):
            return f"[skipped {seg.label}]"
        case SegmentStarted(segment=seg) if back:
            return f"[back to {seg.label}]"
        case Extended(seconds=seconds, segment=seg):
            sign = "+" if seconds > 0 else "-"
            return f"[{sign}{abs(seconds):g}s on {seg.label}]"
        case Finished(ending=Ending.STOPPED):
            return "[stopped]"
        case Finished(ending=Ending.INTERRUPTED):
            return "[interrupted]"
    return None


def summary(tally: Tally) -> list[str]:
    """The closing lines: the ending, the time, and each step that was not done, by the one
    rule the finish screen and the log use."""
    steps = tally.steps
    head = f"[{tally.ending.value if tally.ending else 'running'}: "
    head += f"{format_clock(tally.active)} active"
    if tally.paused >= 1:
        head += f", {format_clock(tally.paused)} paused"
    head += f", {len(tally.done)} of {plural(len(steps), 'step')} done"
    lines = [head + "]"]
    if tally.skipped:
        lines.append("[skipped: " + ", ".join(s.name for s in tally.skipped) + "]")
    if tally.stopped_during is not None:
        lines.append(f"[stopped during: {tally.stopped_during.name}]")
    if tally.not_reached:
        lines.append("[not reached: " + ", ".join(s.name for s in tally.not_reached) + "]")
    if tally.ending is Ending.PARTIAL:
        lines.append(
            f"[{format_clock(tally.exercise)} of {format_clock(tally.planned_exercise)} "
            "exercise done: at least half counts as completed, and for your streak]"
        )
    return lines


def _line(at: float, text: str) -> str:
    return f"{format_clock(at):>5}  {printable(text)}"


def _read_lines(stream: TextIO, inbox: queue.Queue[object]) -> None:
    for line in stream:
        inbox.put(line.strip().lower())
    inbox.put(_EOF)


class _Emit(Protocol):
    def __call__(self, events: Sequence[Event], now: float, *, asking: bool = False) -> None: ...


class _Signalled(BaseException):
    """SIGTERM or SIGHUP arrived while the loop waited: end the routine as interrupted."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Signals:
    """SIGTERM and SIGHUP (a closed terminal) end the routine the orderly way, so the log
    holds it as interrupted, with every second up to then. The handler only interrupts the
    loop while it waits; anywhere else (a listener writing the log) it leaves a note that
    the loop reads before it waits again."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.waiting = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        if self.waiting:
            self.waiting = False
            raise _Signalled(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        previous: dict[int, object] = {}
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                previous[number] = signal.signal(number, self.handle)
        try:
            yield
        finally:
            for number, handler in previous.items():
                with contextlib.suppress(ValueError, OSError, TypeError):
                    signal.signal(number, handler)  # type: ignore[arg-type]

    @contextlib.contextmanager
    def wait(self) -> Iterator[None]:
        if self.received is not None:
            raise _Signalled(self.received)
        self.waiting = True
        try:
            yield
        finally:
            self.waiting = False


def run_plain(
    timeline: Timeline,
    *,
    clock: Clock,
    out: TextIO,
    commands: queue.Queue[object] | None = None,
    listeners: Sequence[Listener] = (),
    sleep: Callable[[float], object] = time.sleep,
) -> Session:
    """Follow ``timeline`` to its end (or until stopped), printing a line per cue.

    ``commands`` receives command lines (``""``, ``"p"``, ``"n"``, ...) and, once input is
    over, the end-of-input marker; without it there is no input and open steps are marked
    done as they come. ``sleep`` waits when there is no input to wait on (a fake clock's
    ``advance`` in tests).
    """
    return _follow(timeline, clock, out, commands, listeners, sleep, _Signals())[0]


def _follow(
    timeline: Timeline,
    clock: Clock,
    out: TextIO,
    commands: queue.Queue[object] | None,
    listeners: Sequence[Listener],
    sleep: Callable[[float], object],
    signals: _Signals,
) -> tuple[Session, int]:
    """Follow the routine; returns the session and the exit status (0: run to its end or
    stopped when asked; 130: Ctrl-C; 128 + the signal's number: SIGTERM, SIGHUP)."""
    session = Session(timeline)
    inbox = commands

    def write(text: str) -> None:
        # A closed terminal (SIGHUP) must not keep the log from hearing the end.
        with contextlib.suppress(OSError, ValueError):
            out.write(text)
            out.flush()

    def emit(events: Sequence[Event], now: float, *, asking: bool = False) -> None:
        lines: list[str] = []
        prompts: list[str] = []
        back = False
        for event in events:
            text = describe(event, back=back)
            if asking and isinstance(event, Paused):
                text = STOP_QUESTION  # the pause is the question's: its answer resumes
            back = isinstance(event, SegmentEnded) and event.left is Left.BACK
            if text is not None:
                at = event.due if isinstance(event, CueDue) else event.at
                # "Press Enter when done" reads best after the step's own words.
                opens = isinstance(event, SegmentStarted) and event.segment.is_open
                (prompts if opens else lines).append(_line(at, text))
        if any(isinstance(event, Finished) for event in events):
            tally = session.tally(now)
            prompts.extend(_line(tally.active, text) for text in summary(tally))
        if lines or prompts:
            write("".join(line + "\n" for line in lines + prompts))
        for listener in listeners:
            listener(events, now)

    routine = timeline.routine
    write(f"{printable(routine.name)} · {format_clock(timeline.total)}\n")
    now = clock.now()
    emit(session.start(now), now)
    status = 0
    try:
        _loop(session, clock, inbox, emit, write, sleep, signals)
    except KeyboardInterrupt:
        now = clock.now()
        write("\n")
        emit(session.stop(now), now)
        status = 130
    except _Signalled as signalled:
        now = clock.now()
        emit(session.stop(now, interrupted=True), now)
        status = 128 + signalled.signum
    return session, status


def _loop(
    session: Session,
    clock: Clock,
    inbox: queue.Queue[object] | None,
    emit: _Emit,
    write: Callable[[str], None],
    sleep: Callable[[float], object],
    signals: _Signals,
) -> None:
    input_over = inbox is None
    asking: bool | None = None
    """While the stop question is open: whether it paused the routine (to resume after)."""
    while not session.is_over:
        if input_over and asking is not None:
            # No more input can answer the question: keep going.
            now = clock.now()
            emit(session.resume(now) if asking else [], now)
            asking = None
        if input_over and session.segment.is_open and session.state is State.RUNNING:
            now = clock.now()
            write(_line(session.active_time(now), "[no input: moving on]") + "\n")
            emit(session.done(now), now)
            continue
        deadline = session.next_deadline()
        timeout = None if deadline is None else max(0.0, deadline - clock.now())
        command: object = None
        with signals.wait():
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
            if asking is not None:
                # The answer to "Stop this routine?": asking is a pause, and no resumes.
                if command in YES:
                    events = session.stop(now)
                elif asking:
                    events = session.resume(now)
                asking = None
            elif command in ("q", "quit", "stop"):
                asking = session.state is State.RUNNING
                if asking:
                    emit(session.pause(now), now, asking=True)
                else:
                    write(_line(session.active_time(now), STOP_QUESTION) + "\n")
            else:
                known = _apply(session, command, now)
                if known is None:
                    at = session.active_time(now)
                    write(_line(at, f'["{command}" is not a key here. {KEYS}]') + "\n")
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
    return None


def main(timeline: Timeline, *, clock: Clock, listeners: Sequence[Listener] = ()) -> int:
    """Run in the terminal: input from stdin, lines to stdout. Exit 0 when the routine ran
    to its end or the person stopped it when asked, 130 on Ctrl-C, 128 + the signal's
    number when it was terminated (SIGTERM) or its terminal closed (SIGHUP)."""
    out = sys.stdout
    inbox: queue.Queue[object] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(sys.stdin, inbox), daemon=True)
    reader.start()
    if sys.stdin.isatty():
        out.write(HELP + "\n")
    signals = _Signals()
    with signals.installed():
        _, status = _follow(timeline, clock, out, inbox, listeners, time.sleep, signals)
    return status
