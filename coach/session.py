"""Where we are now: a routine's timeline walked against an injected monotonic clock.

The session is the only thing that changes while a routine runs, and it changes only when
asked: :meth:`Session.tick` with the time now, or a person's command (pause, skip, back,
extend, done, stop). Each call returns the events that happened, in order, for the adapters
(screen, voice, sound, log) to act on. Time is *active* time: seconds since the start minus
paused time, computed from the clock each call, never added up, so nothing drifts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import TypeVar

from coach.outcome import Ending, Left, Scorecard, Tally, reached_end_as
from coach.timeline import Cue, Segment, Timeline, finish_words

BACK_GRACE = 3.0
"""Within this many seconds of a segment's start, "back" goes to the previous step."""
MIN_LEFT_AFTER_TRIM = 1.0
"""Removing time never leaves less than this in the segment."""
MAX_EXTRA = 4 * 3600.0
PROGRESS_EVERY = 2.0
"""Seconds between :class:`Progress` events: at most this much is lost to a kill."""


@dataclass(frozen=True)
class SegmentStarted:
    segment: Segment
    at: float
    """Active seconds since the routine's start."""
    paused: float = 0.0
    """Seconds paused so far: every event but a cue carries the time it happened in."""


@dataclass(frozen=True)
class SegmentEnded:
    segment: Segment
    at: float
    left: Left = Left.RAN_OUT
    """How the visit ended: its time ran out, marked done, skipped, or gone back from."""
    paused: float = 0.0

    @property
    def skipped(self) -> bool:
        """True when the person skipped it (going back is not skipping)."""
        return self.left is Left.SKIPPED


@dataclass(frozen=True)
class CueDue:
    cue: Cue
    due: float
    """Active time the cue was meant for; a late tick gives ``due`` before now."""


@dataclass(frozen=True)
class Paused:
    at: float
    paused: float = 0.0


@dataclass(frozen=True)
class Resumed:
    at: float
    paused: float = 0.0


@dataclass(frozen=True)
class Extended:
    segment: Segment
    at: float
    seconds: float
    """What was actually added (negative: removed), after clamping."""
    paused: float = 0.0


@dataclass(frozen=True)
class Progress:
    """Nothing happened but time: sent every :data:`PROGRESS_EVERY` seconds, paused or not,
    so the log holds the time spent even if the process is killed the next moment."""

    at: float
    paused: float = 0.0


@dataclass(frozen=True)
class Finished:
    at: float
    ending: Ending
    """Completed or partial when the routine ran to its end (see :mod:`coach.outcome`),
    stopped when the person stopped it, interrupted when it was cut off."""
    paused: float = 0.0

    @property
    def reached_end(self) -> bool:
        """True when the routine ran to its end (the finish cue plays)."""
        return self.ending.reached_end


EventT = TypeVar(
    "EventT", SegmentStarted, SegmentEnded, Paused, Resumed, Extended, Progress, Finished
)

Event = SegmentStarted | SegmentEnded | CueDue | Paused | Resumed | Extended | Progress | Finished


class State(str, Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


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
        self._ended_at: float | None = None
        self._beat = 0.0
        self._card = Scorecard(timeline)

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

    def paused_time(self, now: float) -> float:
        """Paused time so far, a pause going on now included."""
        if self._paused_at is None:
            return self._paused_total
        return self._paused_total + max(0.0, now - self._paused_at)

    def active_time(self, now: float) -> float:
        """Seconds since the start, minus pauses."""
        if self._state is State.READY:
            return 0.0
        if self._ended_at is not None:
            return self._ended_at
        current = self._paused_at if self._paused_at is not None else now
        return current - self._t0 - self._paused_total

    def tally(self, now: float) -> Tally:
        """How it went so far (or, once over, how it ended): each step's outcome, the time
        active and paused, the exercise done. The one rule (:mod:`coach.outcome`) the
        finish screen, plain mode and the log all use."""
        return self._card.tally(active=self.active_time(now), paused=self.paused_time(now))

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
        """Clock time of the next cue, segment end or progress note; None once over."""
        if self._state is State.PAUSED:
            return self._beat + PROGRESS_EVERY
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
        beat = self._beat + PROGRESS_EVERY
        if not times:
            return beat
        return min(beat, self._t0 + self._paused_total + min(times))

    # -- commands ---------------------------------------------------------------------------

    def start(self, now: float) -> list[Event]:
        """Start the routine at clock time ``now``."""
        if self._state is not State.READY:
            return []
        self._state = State.RUNNING
        self._t0 = now
        self._beat = now
        events: list[Event] = [self._note(SegmentStarted(self.segment, 0.0, 0.0))]
        return events + self.tick(now)

    def tick(self, now: float) -> list[Event]:
        """Everything that has happened by ``now``, in order; nothing twice."""
        events: list[Event] = []
        if self._state is State.RUNNING:
            active = self.active_time(now)
            while True:
                end = self._end()
                limit = active if end is None else min(active, end)
                events.extend(self._fire_due(limit))
                if end is None or active < end:
                    break
                ended = SegmentEnded(self.segment, end, Left.RAN_OUT, self._paused_total)
                events.append(self._note(ended))
                events.extend(self._move_to(self._index + 1, end))
                if self.is_over:
                    return events
        if self._state in (State.RUNNING, State.PAUSED) and now >= self._beat + PROGRESS_EVERY:
            self._beat = now
            events.append(self._note(Progress(self.active_time(now), self.paused_time(now))))
        return events

    def pause(self, now: float) -> list[Event]:
        if self._state is not State.RUNNING:
            return []
        events = self.tick(now)
        if self.is_over:
            return events
        self._paused_at = now
        self._state = State.PAUSED
        events.append(self._note(Paused(self.active_time(now), self._paused_total)))
        return events

    def resume(self, now: float) -> list[Event]:
        if self._state is not State.PAUSED or self._paused_at is None:
            return []
        self._paused_total += now - self._paused_at
        self._paused_at = None
        self._state = State.RUNNING
        events: list[Event] = [self._note(Resumed(self.active_time(now), self._paused_total))]
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
        ended = SegmentEnded(self.segment, active, Left.SKIPPED, self.paused_time(now))
        events.append(self._note(ended))
        events.extend(self._move_to(self._index + 1, active, now))
        return events

    def done(self, now: float) -> list[Event]:
        """The person says an open step is done. Ignored on timed segments."""
        if self.is_over or self._state is State.READY or not self.segment.is_open:
            return []
        events = self.tick(now)
        active = self.active_time(now)
        ended = SegmentEnded(self.segment, active, Left.DONE, self.paused_time(now))
        events.append(self._note(ended))
        events.extend(self._move_to(self._index + 1, active, now))
        return events

    def back(self, now: float) -> list[Event]:
        """Back to the start of this segment, or to the previous step when near its start.

        Going back is not skipping: the segment left stays as it was before this visit."""
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
        ended = SegmentEnded(self.segment, active, Left.BACK, self.paused_time(now))
        events.append(self._note(ended))
        events.extend(self._move_to(target, active, now))
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
        events.append(self._note(Extended(self.segment, active, change, self.paused_time(now))))
        return events + self.tick(now)

    def stop(self, now: float, *, interrupted: bool = False) -> list[Event]:
        """The routine ends here: stopped by the person, or ``interrupted`` (the terminal
        closed, the process was told to end)."""
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
        ending = Ending.INTERRUPTED if interrupted else Ending.STOPPED
        events.append(self._note(Finished(active, ending, self._paused_total)))
        return events

    # -- internals --------------------------------------------------------------------------

    def _note(self, event: EventT) -> EventT:
        """Every event the session sends goes past its own scorecard first."""
        self._card.take_one(event)
        return event

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

    def _move_to(self, index: int, at: float, now: float | None = None) -> list[Event]:
        """Start segment ``index`` at active time ``at``; past the last one, finish."""
        self._extra = 0.0
        self._fired = set()
        self._seg_start = at
        paused = self._paused_total if now is None else self.paused_time(now)
        if index >= len(self.timeline.segments):
            self._ended_at = at
            if self._paused_at is not None:
                self._paused_total += (self._paused_at if now is None else now) - self._paused_at
            self._paused_at = None
            self._state = State.FINISHED
            ending = reached_end_as(self._card.tally(active=at, paused=paused))
            # The closing words say the time really spent: open steps and added time too.
            words = finish_words(at, well_done=ending is Ending.COMPLETED)
            finish = replace(self.timeline.finish_cue, text=words)
            return [CueDue(finish, at), self._note(Finished(at, ending, paused))]
        self._index = index
        events: list[Event] = [self._note(SegmentStarted(self.segment, at, paused))]
        if self._state is State.RUNNING:
            events.extend(self._fire_due(at))
        return events
