"""What the player screen shows, worked out from the session's position: pure text and numbers.

The player's widgets only paint what :func:`player_view` returns, so everything a person
reads during a routine (the step, the countdown, what is next, how far through) is decided
here, without Textual, and tested exactly with a fake clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from coach.durations import format_clock, format_countdown
from coach.session import Position, State
from coach.text import plural
from coach.timeline import Segment, SegmentKind, Timeline


class Mode(str, Enum):
    """How the player looks at a glance."""

    PREPARE = "prepare"
    WORK = "work"
    OPEN = "open"
    """A step that waits for the person to say done: the clock counts up."""
    REST = "rest"
    FINISHED = "finished"


@dataclass(frozen=True)
class PlayerView:
    """Every piece of text on the player screen, and the two bars' fill (0 to 1)."""

    routine_name: str
    step_text: str
    """``step 3/9``, or ``get ready`` before the first step."""
    left_text: str
    """Time left in the whole routine: ``2:41 left``."""
    title: str
    """The segment's name as the big heading: the step, ``Rest`` or ``Get ready``."""
    detail: str
    """Kind, side, set and rep: ``stretch · left side``."""
    instructions: str
    digits: str
    """The big clock: time left in the segment, or time spent in an open step."""
    segment_fill: float
    segment_text: str
    """``0:27 of 0:30``; for an open step, what to press."""
    next_text: str
    routine_fill: float
    routine_text: str
    """``1:19 / 4:00``: active time against the planned length."""
    mode: Mode
    paused: bool

    @property
    def clock_second(self) -> tuple[str, str, str]:
        """What changes once a second: a screen redraws only when this does."""
        return (self.digits, self.left_text, self.routine_text)


def _step_number(timeline: Timeline, segment: Segment) -> int | None:
    if segment.step_index is not None:
        return segment.step_index + 1
    if segment.next_work is not None:
        following = timeline.segments[segment.next_work].step_index
        return None if following is None else following + 1
    return None


def _detail(segment: Segment, elapsed: float) -> str:
    step = segment.step
    if segment.kind is SegmentKind.PREPARE:
        return "get into position"
    if segment.kind is SegmentKind.REST:
        if step is not None and segment.sets > 1:
            return f"between sets · {segment.set_number} of {segment.sets} done"
        return "breathe easy"
    parts: list[str] = [step.kind] if step else []
    if segment.side:
        parts.append(f"{segment.side} side")
    if segment.sets > 1:
        parts.append(f"set {segment.set_number} of {segment.sets}")
    if step is not None and step.reps:
        if step.tempo:
            rep = min(step.reps, int(elapsed // step.tempo) + 1)
            parts.append(f"rep {rep} of {step.reps}")
        else:
            parts.append(plural(step.reps, "rep"))
    return " · ".join(parts)


def next_line(timeline: Timeline, segment: Segment) -> str:
    """``next: Seated twist · right side · 0:30``, or what ends the routine."""
    if segment.next_work is None:
        return "next: done"
    upcoming = timeline.segments[segment.next_work]
    parts = [upcoming.label]
    if upcoming.duration is not None:
        parts.append(format_clock(upcoming.duration))
    elif upcoming.reps:
        parts.append(plural(upcoming.reps, "rep"))
    return "next: " + " · ".join(parts)


def player_view(timeline: Timeline, position: Position) -> PlayerView:
    """The player screen for ``position`` of ``timeline``."""
    segment = position.segment
    finished = position.state in (State.FINISHED, State.STOPPED)
    if finished:
        mode = Mode.FINISHED
    elif segment.kind is SegmentKind.PREPARE:
        mode = Mode.PREPARE
    elif segment.kind is SegmentKind.REST:
        mode = Mode.REST
    elif segment.is_open:
        mode = Mode.OPEN
    else:
        mode = Mode.WORK

    steps = len(timeline.routine.steps)
    number = _step_number(timeline, segment)
    if segment.kind is SegmentKind.PREPARE:
        step_text = "get ready"
    else:
        step_text = f"step {number}/{steps}" if number is not None else ""

    if position.remaining is None:
        digits = format_clock(position.elapsed)
        segment_text = "enter when done"
        segment_fill = 0.0
    else:
        digits = format_countdown(position.remaining)
        length = position.length or 0.0
        shown = max(0.0, length - math.ceil(position.remaining - 1e-9))
        segment_text = f"{format_clock(shown)} of {format_clock(length)}"
        segment_fill = position.segment_progress

    planned = position.active + position.remaining_total
    return PlayerView(
        routine_name=timeline.routine.name,
        step_text=step_text,
        left_text=f"{format_countdown(position.remaining_total)} left",
        title=segment.title,
        detail=_detail(segment, position.elapsed),
        instructions=segment.instructions,
        digits=digits,
        segment_fill=segment_fill,
        segment_text=segment_text,
        next_text=next_line(timeline, segment),
        routine_fill=position.progress,
        routine_text=f"{format_clock(position.active)} / {format_clock(planned)}",
        mode=mode,
        paused=position.state is State.PAUSED,
    )


def seconds_to_next_change(position: Position) -> float:
    """Seconds until the displayed clock changes (the next whole second), so a screen can
    sleep until then instead of redrawing many times a second."""
    if position.remaining is None:
        return 1.0 - (position.elapsed % 1.0) or 1.0
    fraction = position.remaining % 1.0
    return fraction if fraction > 1e-6 else 1.0
