"""When the next break is due: the break reminder's schedule, on a clock that is handed in.

:class:`Schedule` counts *work* time and says when a break is due. It never reads the clock
or sleeps: every call carries ``now`` (seconds on a clock that keeps running while the
machine sleeps, see :mod:`coach.remind_clock`), and it answers with :class:`Reminder`
events. The plain loop, the Textual screen, the notifications and the log all act on those
events, so each rule is decided here once:

- Work counts from the start (or the last break) to ``every`` seconds; then the break is
  *offered* (``OFFERED``). Unanswered, it is offered again every ``snooze`` seconds.
- *Snooze* offers it again after ``snooze`` seconds of work; *skip* starts a new ``every``.
- *Start* (the routine begins) stops the count; when the routine ends, finished or stopped,
  the count starts again from zero: the person was away from the work either way.
- Time that is not work does not count. A gap between two ticks longer than ``sleep_gap``
  (the machine slept, the process was stopped) restarts the count. Idle time the desktop
  reports at or over ``idle_break`` counts as a break taken: the count restarts, and stays
  at zero while the person stays away.
- Switched off, nothing counts; switched on again, the count starts from zero.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Kind", "Policy", "Reminder", "Schedule", "State"]


class Kind(enum.Enum):
    """What happened to the break."""

    OFFERED = "offered"
    """The break is due: announce it and offer start, snooze, skip."""
    STARTED = "started"
    """The person started the routine."""
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    ENDED = "ended"
    """The routine is over (finished or stopped): back to work, the count from zero."""
    RESTARTED = "restarted"
    """The count went back to zero without a word from the person (see ``reason``)."""


LOGGED = frozenset({Kind.OFFERED, Kind.STARTED, Kind.SNOOZED, Kind.SKIPPED})
"""The kinds the log keeps (a repeated offer is kept only the first time)."""


class State(enum.Enum):
    WORKING = "working"
    DUE = "due"
    SNOOZED = "snoozed"
    ON_BREAK = "on break"
    OFF = "off"


@dataclass(frozen=True)
class Reminder:
    """One thing that happened to the schedule, at ``at`` on the schedule's clock."""

    kind: Kind
    at: float
    reason: str = ""
    """For RESTARTED: "sleep", "idle" or "on"; for OFFERED: "" or "again"."""

    @property
    def logged(self) -> bool:
        """Whether the log keeps this one."""
        return self.kind in LOGGED and not (self.kind is Kind.OFFERED and self.reason)


@dataclass(frozen=True)
class Policy:
    """The schedule's numbers, in seconds."""

    every: float = 50 * 60
    """Work between breaks."""
    snooze: float = 5 * 60
    """Work before a snoozed (or unanswered) break is offered again."""
    sleep_gap: float = 2 * 60
    """A gap between ticks this long means the machine slept: the count restarts."""
    idle_break: float = 5 * 60
    """Idle time this long (where the desktop reports it) counts as a break."""

    def __post_init__(self) -> None:
        for name in ("every", "snooze", "sleep_gap", "idle_break"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be more than 0 seconds")


class Schedule:
    """The reminder's state machine. Only its methods change it, each given ``now``."""

    def __init__(self, policy: Policy, now: float, *, on: bool = True) -> None:
        self.policy = policy
        self.state = State.WORKING if on else State.OFF
        self._last = now
        self._worked = 0.0
        """Work counted towards the current target."""
        self._target = policy.every
        self._idle_counted = False
        """The current idle spell has already counted as a break."""
        self._off_after_break = False
        """Switched off during a routine: off again when it ends."""

    # -- asking -------------------------------------------------------------------------------

    @property
    def worked(self) -> float:
        """Seconds of work counted since the last break (or snooze)."""
        return self._worked

    def remaining(self) -> float | None:
        """Seconds of work until the break is offered; 0 when it is due; None when off or on
        a break."""
        if self.state in (State.OFF, State.ON_BREAK):
            return None
        if self.state is State.DUE:
            return 0.0
        return max(0.0, self._target - self._worked)

    def next_deadline(self, now: float) -> float | None:
        """The clock time of the next offer if the person keeps working (for sleeping)."""
        left = self.remaining()
        if left is None:
            return None
        if self.state is State.DUE:
            return now + max(0.0, self.policy.snooze - self._worked)
        return now + left

    # -- telling ------------------------------------------------------------------------------

    def tick(self, now: float, idle: float | None = None) -> list[Reminder]:
        """Count the time since the last tick. ``idle``: seconds since the person last
        touched the keyboard or mouse, where the desktop says (None: not known)."""
        gap = now - self._last
        self._last = max(self._last, now)
        if self.state in (State.OFF, State.ON_BREAK) or gap < 0:
            return []
        if gap >= self.policy.sleep_gap:
            return self._restart(now, "sleep")
        if idle is not None and idle >= self.policy.idle_break:
            if self._idle_counted:
                return []
            self._idle_counted = True
            return self._restart(now, "idle")
        self._idle_counted = False
        self._worked += gap
        if self.state is State.DUE:
            if self._worked >= self.policy.snooze:
                self._worked = 0.0
                return [Reminder(Kind.OFFERED, now, "again")]
            return []
        if self._worked >= self._target:
            self.state = State.DUE
            self._worked = 0.0
            return [Reminder(Kind.OFFERED, now)]
        return []

    def snooze(self, now: float) -> list[Reminder]:
        """Offer it again after ``snooze`` seconds of work."""
        if self.state is not State.DUE:
            return []
        self.tick(now)
        self.state = State.SNOOZED
        self._worked = 0.0
        self._target = self.policy.snooze
        return [Reminder(Kind.SNOOZED, now)]

    def skip(self, now: float) -> list[Reminder]:
        """Not this one: a whole ``every`` until the next."""
        if self.state not in (State.DUE, State.SNOOZED):
            return []
        self.tick(now)
        self._reset(now)
        return [Reminder(Kind.SKIPPED, now)]

    def start(self, now: float) -> list[Reminder]:
        """The routine begins (offered or not): the count stops until it ends."""
        if self.state is State.ON_BREAK:
            return []
        was_off = self.state is State.OFF
        self.state = State.ON_BREAK
        self._last = max(self._last, now)
        self._off_after_break = was_off
        # With reminders off a routine is just a routine: no break to tell of.
        return [] if was_off else [Reminder(Kind.STARTED, now)]

    def end(self, now: float) -> list[Reminder]:
        """The routine is over, finished or stopped: work counts from zero again."""
        if self.state is not State.ON_BREAK:
            return []
        self._reset(now)
        if self._off_after_break:
            self._off_after_break = False
            self.state = State.OFF
            return []
        return [Reminder(Kind.ENDED, now)]

    def switch(self, now: float, on: bool) -> list[Reminder]:
        """Reminders on or off. Switched on, the count starts from zero."""
        if on and self.state is State.OFF:
            self._reset(now)
            return [Reminder(Kind.RESTARTED, now, "on")]
        if not on and self.state is not State.OFF:
            if self.state is State.ON_BREAK:
                self._off_after_break = True
                return []
            self.state = State.OFF
        self._last = max(self._last, now)
        return []

    # -- inside ---------------------------------------------------------------------------

    def _reset(self, now: float) -> None:
        self.state = State.WORKING
        self._worked = 0.0
        self._target = self.policy.every
        self._last = max(self._last, now)

    def _restart(self, now: float, reason: str) -> list[Reminder]:
        self._reset(now)
        return [Reminder(Kind.RESTARTED, now, reason)]
