"""Where we are now: a routine's timeline walked against an injected monotonic clock.

The session is the only thing that changes while a routine runs, and it changes only when
asked: :meth:`Session.tick` with the time now, or a person's command (pause, skip, back,
extend, done, stop). Each call returns the events that happened, in order, for the adapters
(screen, voice, sound, log) to act on. Time is *active* time: seconds since the start minus
paused time, computed from the clock each call, never added up, so nothing drifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from coach.timeline import Cue, Segment, Timeline

BACK_GRACE = 3.0
"""Within this many seconds of a segment's start, "back" goes to the previous step."""
MIN_LEFT_AFTER_TRIM = 1.0
"""Removing time never leaves less than this in the segment."""
MAX_EXTRA = 4 * 3600.0


@dataclass(frozen=True)
class SegmentStarted:
    segment: Segment
    at: float
    """Active seconds since the routine's start."""


@dataclass(frozen=True)
class SegmentEnded:
    segment: Segment
    at: float
    skipped: bool
    """True when the person moved on (skip, back) before its end."""


@dataclass(frozen=True)
class CueDue:
    cue: Cue
    due: float
    """Active time the cue was meant for; a late tick gives ``due`` before now."""


@dataclass(frozen=True)
class Paused:
    at: float


@dataclass(frozen=True)
class Resumed:
    at: float


@dataclass(frozen=True)
class Extended:
    segment: Segment
    at: float
    seconds: float
    """What was actually added (negative: removed), after clamping."""


@dataclass(frozen=True)
class Finished:
    at: float
    completed: bool
    """True when the routine ran to its end; False when the person stopped it."""


Event = SegmentStarted | SegmentEnded | CueDue | Paused | Resumed | Extended | Finished


class State(str, Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


class Outcome(str, Enum):
    COMPLETED = "completed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Position:
    """A snapshot of where the session is, for screens to draw."""

    state: State
    segment: Segment
    elapsed: float
    """Seconds into the current segment."""
    length: float | None
    """The current segment's length with any time added; None for an open segment."""
    remaining: float | None
    active: float
    """Active seconds since the start."""
    remaining_total: float
    """Seconds left in the routine, planned (open segments count 0)."""

    @property
    def progress(self) -> float:
        """How far through the routine, 0 to 1."""
        whole = self.active + self.remaining_total
        return 1.0 if whole <= 0 else min(1.0, self.active / whole)

    @property
    def segment_progress(self) -> float:
        if self.length is None or self.length <= 0:
            return 0.0
        return min(1.0, self.elapsed / self.length)


@dataclass(frozen=True)
class StepResult:
    """How one step went, for the finish screen and the log."""

    number: int
    name: str
    outcome: Outcome | None
    """None when the routine ended before the step was reached."""


class Session:
    """A routine in progress. Every method takes ``now`` from the injected clock."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self._state = State.READY
        self._t0 = 0.0
        self._paused_total = 0.0
        self._paused_at: float | None = None
        self._index = 0
        self._seg_start = 0.0
        self._extra = 0.0
        self._fired: set[int] = set()
        self._outcomes: dict[int, Outcome] = {}
        self._ended_at: float | None = None

    # -- queries ----------------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def segment(self) -> Segment:
        return self.timeline.segments[self._index]

    @property
    def is_over(self) -> bool:
        return self._state in (State.FINISHED, State.STOPPED)

    @property
    def paused_seconds(self) -> float:
        """Paused time so far (not counting a pause still going on)."""
        return self._paused_total

    def active_time(self, now: float) -> float:
        """Seconds since the start, minus pauses."""
        if self._state is State.READY:
            return 0.0
        if self._ended_at is not None:
            return self._ended_at
        current = self._paused_at if self._paused_at is not None else now
        return current - self._t0 - self._paused_total

    def _length(self) -> float | None:
        duration = self.segment.duration
        return None if duration is None else duration + self._extra

    def _end(self) -> float | None:
        length = self._length()
        return None if length is None else self._seg_start + length

    def _due(self, cue: Cue) -> float | None:
        if cue.anchor == "start":
            return self._seg_start + cue.offset
        end = self._end()
        return None if end is None else end - cue.offset

    def position(self, now: float) -> Position:
        active = self.active_time(now)
        length = self._length()
        elapsed = max(0.0, active - self._seg_start)
        remaining = None if length is None else max(0.0, length - elapsed)
        later = sum(seg.duration or 0.0 for seg in self.timeline.segments[self._index + 1 :])
        if self.is_over:
            remaining, later = 0.0 if length is not None else None, 0.0
        return Position(
            state=self._state,
            segment=self.segment,
            elapsed=elapsed,
            length=length,
            remaining=remaining,
            active=active,
            remaining_total=(remaining or 0.0) + later,
        )

    def next_deadline(self) -> float | None:
        """Clock time of the next cue or segment end, or None while nothing is scheduled."""
        if self._state is not State.RUNNING:
            return None
        times = [
            due
            for cue in self.timeline.cues_of(self._index)
            if cue.id not in self._fired and (due := self._due(cue)) is not None
        ]
        end = self._end()
        if end is not None:
            times.append(end)
        if not times:
            return None
        return self._t0 + self._paused_total + min(times)

    def results(self) -> list[StepResult]:
        """Each step's outcome: completed when all its sets and sides were, else skipped."""
        out = []
        for number, step in enumerate(self.timeline.routine.steps, start=1):
            outcomes = [
                self._outcomes.get(seg.index)
                for seg in self.timeline.segments
                if seg.is_work and seg.step_index == number - 1
            ]
            outcome: Outcome | None
            if all(o is Outcome.COMPLETED for o in outcomes):
                outcome = Outcome.COMPLETED
            elif any(o is not None for o in outcomes):
                outcome = Outcome.SKIPPED
            else:
                outcome = None
            out.append(StepResult(number, step.name, outcome))
        return out

    # -- commands ---------------------------------------------------------------------------

    def start(self, now: float) -> list[Event]:
        """Start the routine at clock time ``now``."""
        if self._state is not State.READY:
            return []
        self._state = State.RUNNING
        self._t0 = now
        events: list[Event] = [SegmentStarted(self.segment, 0.0)]
        return events + self.tick(now)

    def tick(self, now: float) -> list[Event]:
        """Everything that has happened by ``now``, in order; nothing twice."""
        if self._state is not State.RUNNING:
            return []
        active = self.active_time(now)
        events: list[Event] = []
        while True:
            end = self._end()
            limit = active if end is None else min(active, end)
            events.extend(self._fire_due(limit))
            if end is None or active < end:
                return events
            events.append(SegmentEnded(self.segment, end, skipped=False))
            self._outcomes[self._index] = Outcome.COMPLETED
            events.extend(self._move_to(self._index + 1, end))
            if self.is_over:
                return events

    def pause(self, now: float) -> list[Event]:
        if self._state is not State.RUNNING:
            return []
        events = self.tick(now)
        if self.is_over:
            return events
        self._paused_at = now
        self._state = State.PAUSED
        events.append(Paused(self.active_time(now)))
        return events

    def resume(self, now: float) -> list[Event]:
        if self._state is not State.PAUSED or self._paused_at is None:
            return []
        self._paused_total += now - self._paused_at
        self._paused_at = None
        self._state = State.RUNNING
        events: list[Event] = [Resumed(self.active_time(now))]
        return events + self.tick(now)

    def toggle_pause(self, now: float) -> list[Event]:
        return self.resume(now) if self._state is State.PAUSED else self.pause(now)

    def skip(self, now: float) -> list[Event]:
        """Move on to the next segment now; the current one counts as skipped."""
        if self.is_over or self._state is State.READY:
            return []
        events = self.tick(now)
        if self.is_over:
            return events
        active = self.active_time(now)
        events.append(SegmentEnded(self.segment, active, skipped=True))
        self._outcomes[self._index] = Outcome.SKIPPED
        events.extend(self._move_to(self._index + 1, active))
        return events

    def done(self, now: float) -> list[Event]:
        """The person says an open step is done. Ignored on timed segments."""
        if self.is_over or self._state is State.READY or not self.segment.is_open:
            return []
        events = self.tick(now)
        active = self.active_time(now)
        events.append(SegmentEnded(self.segment, active, skipped=False))
        self._outcomes[self._index] = Outcome.COMPLETED
        events.extend(self._move_to(self._index + 1, active))
        return events

    def back(self, now: float) -> list[Event]:
        """Back to the start of this segment, or to the previous step when near its start."""
        if self.is_over or self._state is State.READY:
            return []
        events = self.tick(now)
        if self.is_over:
            return events
        active = self.active_time(now)
        target = self._index
        if active - self._seg_start < BACK_GRACE:
            earlier = [s.index for s in self.timeline.segments[: self._index] if s.is_work]
            target = earlier[-1] if earlier else 0
        events.append(SegmentEnded(self.segment, active, skipped=True))
        if self._outcomes.get(self._index) is None:
            self._outcomes[self._index] = Outcome.SKIPPED
        events.extend(self._move_to(target, active))
        return events

    def extend(self, now: float, seconds: float) -> list[Event]:
        """Add (or with a negative number, remove) time on the current timed segment."""
        if self.is_over or self._state is State.READY:
            return []
        events = self.tick(now)
        duration = self.segment.duration
        if self.is_over or duration is None:
            return events
        active = self.active_time(now)
        elapsed = active - self._seg_start
        lowest = max(elapsed + MIN_LEFT_AFTER_TRIM, MIN_LEFT_AFTER_TRIM) - duration
        extra = min(max(self._extra + seconds, lowest), MAX_EXTRA)
        if seconds < 0:
            extra = min(extra, self._extra)  # trimming never adds time
        change = extra - self._extra
        if change == 0:
            return events
        self._extra = extra
        for cue in self.timeline.cues_of(self._index):
            if cue.anchor != "end":
                continue
            due = self._due(cue)
            if due is None:
                continue
            if due > active:
                self._fired.discard(cue.id)  # the end moved away: say it again at the new end
            else:
                self._fired.add(cue.id)  # its moment moved into the past: never say it late
        events.append(Extended(self.segment, active, change))
        return events + self.tick(now)

    def stop(self, now: float) -> list[Event]:
        """The person quits: the routine ends here, not completed."""
        if self.is_over or self._state is State.READY:
            return []
        events = self.tick(now)
        if self.is_over:
            return events
        active = self.active_time(now)
        self._ended_at = active
        if self._paused_at is not None:  # stopped while paused: that pause counts too
            self._paused_total += now - self._paused_at
        self._paused_at = None
        self._state = State.STOPPED
        events.append(Finished(active, completed=False))
        return events

    # -- internals --------------------------------------------------------------------------

    def _fire_due(self, limit: float) -> list[Event]:
        events: list[Event] = []
        pending = []
        for cue in self.timeline.cues_of(self._index):
            if cue.id in self._fired:
                continue
            due = self._due(cue)
            if due is not None and due <= limit:
                pending.append((due, -cue.priority, cue.id, cue))
        for due, _, _, cue in sorted(pending):
            self._fired.add(cue.id)
            events.append(CueDue(cue, due))
        return events

    def _move_to(self, index: int, at: float) -> list[Event]:
        """Start segment ``index`` at active time ``at``; past the last one, finish."""
        self._extra = 0.0
        self._fired = set()
        self._seg_start = at
        if index >= len(self.timeline.segments):
            self._ended_at = at
            self._paused_at = None
            self._state = State.FINISHED
            return [CueDue(self.timeline.finish_cue, at), Finished(at, completed=True)]
        self._index = index
        events: list[Event] = [SegmentStarted(self.segment, at)]
        if self._state is State.RUNNING:
            events.extend(self._fire_due(at))
        return events
