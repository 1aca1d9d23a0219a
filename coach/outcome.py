"""How a session went: the one rule for each step's outcome, the time spent, and the ending.

Pure: it reads the session's events and knows nothing of screens, speech or SQLite. The
session keeps a :class:`Scorecard` of its own (its :meth:`~coach.session.Session.tally`), and
the log's recorder keeps another, fed the same events, so the finish screen, plain mode, the
log, ``coach log``, ``stats`` and ``export`` all say what this module decides.

The rules, in the person's words:

- A step is **done** when each of its sets and sides ran to its end (or, on an open step,
  was marked done), **skipped** when it is not done and one of them was skipped,
  **stopped during** when the session ended while in it, and **not reached** otherwise.
  The latest visit decides: a side skipped, then gone back to and finished, is done.
  Going back is not skipping: a step left by going back is as it was before it was entered.
- A session that reaches the routine's end is **completed** when at least
  :data:`DONE_SHARE` of its planned exercise time was actually exercised (seconds in sets
  and sides; not get-ready or rest), else **partial**: skipping through a routine is not
  doing it. Only completed sessions count toward a streak.
- A session the person stops is **stopped**; one cut off (the terminal closed, the process
  terminated or killed, a crash) is **interrupted**.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.session import Event
    from coach.timeline import Timeline

DONE_SHARE = 0.5
"""The share of the planned exercise time a session must really spend exercising, to the
routine's end, to count as completed (and toward the streak)."""


class StepOutcome(str, Enum):
    """How one step went. The value is the word every screen and the docs use."""

    DONE = "done"
    SKIPPED = "skipped"
    STOPPED_DURING = "stopped during"
    NOT_REACHED = "not reached"


class Ending(str, Enum):
    """How a session ended. The value is the word the log, every screen and the docs use."""

    COMPLETED = "completed"
    """Reached the end, with at least :data:`DONE_SHARE` of the exercise time done."""
    PARTIAL = "partial"
    """Reached the end, with most of the exercise skipped."""
    STOPPED = "stopped"
    """The person chose to stop (``q`` and yes, Ctrl-C)."""
    INTERRUPTED = "interrupted"
    """Cut off: the terminal closed, the process was terminated, killed or crashed."""

    @property
    def reached_end(self) -> bool:
        return self in (Ending.COMPLETED, Ending.PARTIAL)


ENDING_MEANING: dict[Ending, str] = {
    Ending.COMPLETED: "reached the end, at least half of the exercise time done",
    Ending.PARTIAL: "reached the end, but less than half of the exercise time done",
    Ending.STOPPED: "you stopped it",
    Ending.INTERRUPTED: "cut off: the terminal closed, coach was terminated or killed",
}
"""One line per ending, for help texts and the finish screen."""


class Left(str, Enum):
    """How a visit to a segment ended."""

    RAN_OUT = "ran out"
    """Its time was up."""
    DONE = "done"
    """The person said an open step was done."""
    SKIPPED = "skipped"
    BACK = "back"
    """The person went back (to its start, or to an earlier step)."""


@dataclass(frozen=True)
class StepResult:
    """How one step went."""

    number: int
    """1-based, as the routine lists it."""
    name: str
    outcome: StepOutcome
    exercise: float
    """Seconds spent in its sets and sides (pauses excluded)."""


@dataclass(frozen=True)
class Tally:
    """A session so far, or as it ended: its time, each step's outcome, its ending."""

    active: float
    """Seconds since the start, pauses excluded."""
    paused: float
    """Seconds paused."""
    steps: tuple[StepResult, ...]
    exercise: float
    """Seconds of exercise done (in sets and sides): timed ones each up to their planned
    length, open steps (done when the person says) as long as they took."""
    planned_exercise: float
    """Seconds of exercise planned: the timed sets and sides, and the open steps as long as
    they took."""
    ending: Ending | None
    """None while the session goes on."""
    timed_exercise: float = 0.0
    """The part of :attr:`exercise` in timed sets and sides: what "done" is measured by."""
    timed_planned: float = 0.0

    def _of(self, outcome: StepOutcome) -> list[StepResult]:
        return [step for step in self.steps if step.outcome is outcome]

    @property
    def done(self) -> list[StepResult]:
        return self._of(StepOutcome.DONE)

    @property
    def skipped(self) -> list[StepResult]:
        return self._of(StepOutcome.SKIPPED)

    @property
    def not_reached(self) -> list[StepResult]:
        return self._of(StepOutcome.NOT_REACHED)

    @property
    def stopped_during(self) -> StepResult | None:
        during = self._of(StepOutcome.STOPPED_DURING)
        return during[0] if during else None

    @property
    def share(self) -> float:
        """The part of the planned exercise done, 0 to 1 (see :func:`exercise_share`)."""
        return exercise_share(self)

    @property
    def completed(self) -> bool:
        return self.ending is Ending.COMPLETED


def exercise_share(tally: Tally) -> float:
    """How much of the planned exercise was done: seconds in timed sets and sides, or for a
    routine of open steps only, the share of its steps done."""
    if tally.timed_planned > 0:
        return min(1.0, tally.timed_exercise / tally.timed_planned)
    if not tally.steps:
        return 1.0
    return len(tally.done) / len(tally.steps)


def reached_end_as(tally: Tally) -> Ending:
    """The ending of a session that ran to the routine's end: the one rule for "done"."""
    return Ending.COMPLETED if exercise_share(tally) >= DONE_SHARE - 1e-9 else Ending.PARTIAL


class Scorecard:
    """Follows a session's events and keeps its tally. The session keeps one; so does the
    log's recorder, fed the same events: the same rule gives the same answer."""

    def __init__(self, timeline: Timeline) -> None:
        self._timeline = timeline
        segments = timeline.segments
        self._work_of_step: list[list[int]] = [[] for _ in timeline.routine.steps]
        for seg in segments:
            if seg.is_work and seg.step_index is not None:
                self._work_of_step[seg.step_index].append(seg.index)
        self._state: dict[int, Left] = {}
        """Each work segment's latest finished visit: RAN_OUT/DONE (done) or SKIPPED."""
        self._spent: dict[int, float] = {}
        self._current: int | None = None
        self._since = 0.0
        self.active = 0.0
        self.paused = 0.0
        self.ending: Ending | None = None
        self._ended_in: int | None = None

    def take(self, events: Iterable[Event]) -> None:
        for event in events:
            self.take_one(event)

    def take_one(self, event: Event) -> None:
        from coach.session import CueDue, Finished, SegmentEnded, SegmentStarted

        if isinstance(event, CueDue):
            return
        if self.ending is not None:
            return
        self.active = max(self.active, event.at)
        self.paused = max(self.paused, event.paused)
        if isinstance(event, SegmentStarted):
            self._current = event.segment.index
            self._since = event.at
        elif isinstance(event, SegmentEnded):
            index = event.segment.index
            self._add_spent(index, event.at)
            if event.left is not Left.BACK:
                self._state[index] = event.left
            self._current = None
        elif isinstance(event, Finished):
            if self._current is not None:
                self._add_spent(self._current, event.at)
                self._ended_in = self._current
            self.ending = event.ending

    def _add_spent(self, index: int, at: float) -> None:
        seg = self._timeline.segments[index]
        if seg.is_work:
            self._spent[index] = self._spent.get(index, 0.0) + max(0.0, at - self._since)
        self._since = at

    def tally(
        self,
        *,
        active: float | None = None,
        paused: float | None = None,
        ending: Ending | None = None,
    ) -> Tally:
        """The tally now. ``active``/``paused``: the time now, when the caller knows it
        (the session does; the log has only the events). ``ending``: take the session as
        ended that way now (the log writes a running session as it would read if cut off)."""
        active = self.active if active is None else max(self.active, active)
        paused = self.paused if paused is None else max(self.paused, paused)
        final = self.ending if self.ending is not None else ending
        ended_in = self._ended_in if self.ending is not None else self._current
        spent = dict(self._spent)
        if self.ending is None and self._current is not None:
            seg = self._timeline.segments[self._current]
            if seg.is_work:
                spent[seg.index] = spent.get(seg.index, 0.0) + max(0.0, active - self._since)
        segments = self._timeline.segments
        steps = []
        exercise = planned = timed = timed_planned = 0.0
        for number, (step, work) in enumerate(
            zip(self._timeline.routine.steps, self._work_of_step, strict=True), start=1
        ):
            step_seconds = 0.0
            for index in work:
                duration = segments[index].duration
                seconds = spent.get(index, 0.0)
                if duration is not None:
                    seconds = min(seconds, duration)
                    timed += seconds
                    timed_planned += duration
                    planned += duration
                else:
                    planned += seconds
                step_seconds += seconds
            exercise += step_seconds
            states = [self._state.get(index) for index in work]
            outcome: StepOutcome
            if all(s in (Left.RAN_OUT, Left.DONE) for s in states):
                outcome = StepOutcome.DONE
            elif (
                final is not None
                and not final.reached_end
                and ended_in is not None
                and segments[ended_in].step_index == number - 1
            ):
                outcome = StepOutcome.STOPPED_DURING
            elif any(s is Left.SKIPPED for s in states):
                outcome = StepOutcome.SKIPPED
            else:
                outcome = StepOutcome.NOT_REACHED
            steps.append(StepResult(number, step.name, outcome, step_seconds))
        return Tally(
            active=active,
            paused=paused,
            steps=tuple(steps),
            exercise=exercise,
            planned_exercise=planned,
            ending=final,
            timed_exercise=timed,
            timed_planned=timed_planned,
        )
