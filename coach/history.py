"""What the session log says about a person's practice: streaks, minutes, routines, back feel.

Pure: no SQLite, no Textual, no clock. Every function takes the records (or the figures the
store has already added up) and ``today``, the person's local date, as arguments, so the same
numbers come out in a test, in ``coach stats`` and on the app's history screen.

Days are *local* days: the date on the person's own clock when a session started, as it was
recorded then (a session at 08:00 in Tokyo counts for that Tokyo date, even if the person is
in New York now). Weeks start on Monday (ISO 8601).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

Status = Literal["completed", "partial", "stopped", "interrupted", "running"]
"""How a session ended, in the words of :class:`coach.outcome.Ending`: ran to its end with
at least half the exercise done, ran to its end with less, stopped by the person, cut off (a
closed terminal, coach terminated, killed or crashed), or still going on in a live coach
process. Only completed sessions count toward a streak."""

STATUSES: tuple[Status, ...] = ("completed", "partial", "stopped", "interrupted", "running")

OLD_WORDS: dict[str, Status] = {"abandoned": "stopped"}
"""Words older logs used, and the word for the same ending now."""

HEATMAP_WEEKS = 26
"""The heat map shows this many weeks, the current one included."""
RECENT = 10
"""The history screen lists this many recent sessions."""


@dataclass(frozen=True)
class SessionRecord:
    """One session as the log keeps it."""

    id: int
    routine_id: str
    routine_name: str
    digest: str
    """SHA-256 of the routine file as run (``Routine.digest``): which version it was."""
    started_utc: datetime
    """When it started, an aware datetime in UTC."""
    utc_offset_minutes: int
    """The person's local offset from UTC when it started (+540 in Tokyo, -300 in New York)."""
    ended_utc: datetime | None
    """When it ended; None while running, and for an interrupted session (nobody saw it end:
    ``updated_utc`` says when it was last heard of)."""
    planned_seconds: float
    """The routine's planned length (open steps count 0)."""
    active_seconds: float
    """Time spent in the routine, pauses excluded."""
    paused_seconds: float
    steps_completed: int
    steps_skipped: int
    steps_total: int
    status: Status
    feel_before: int | None = None
    """How the back felt before, 0 to 10, if the person said."""
    feel_after: int | None = None
    note: str | None = None
    skipped_steps: tuple[str, ...] = ()
    """The names of the skipped steps, in routine order."""
    updated_utc: datetime | None = None
    """When the log last heard from this session (its last step, pause, progress note or
    end)."""
    stopped_during: str | None = None
    """The step the session ended in, when it was stopped or cut off there."""
    exercise_seconds: float | None = None
    """Seconds of exercise done (sets and sides, each at most its planned length); None in
    sessions logged before coach counted it."""

    @property
    def local_start(self) -> datetime:
        """The start on the person's clock at the time, as an aware datetime."""
        zone = timezone(timedelta(minutes=self.utc_offset_minutes))
        return self.started_utc.astimezone(zone)

    @property
    def local_day(self) -> date:
        """The local date the session started on: the day it counts for."""
        return local_day(self.started_utc, self.utc_offset_minutes)

    @property
    def minutes(self) -> float:
        """Active minutes."""
        return self.active_seconds / 60.0


@dataclass(frozen=True)
class RoutineTotal:
    """All sessions of one routine."""

    routine_id: str
    name: str
    """The name it had in its latest session."""
    sessions: int
    minutes: float
    """Active minutes, every session counted (a stopped one's minutes were still moved)."""
    completed: int = 0


@dataclass(frozen=True)
class FeelPoint:
    """One day's back-feel ratings (the day's average when it had several sessions)."""

    day: date
    before: float | None
    after: float | None


@dataclass(frozen=True)
class Summary:
    """Everything the history screen and ``coach stats`` show."""

    today: date
    first_day: date
    """The heat map's first day: a Monday, ``HEATMAP_WEEKS`` weeks back."""
    days: dict[date, float]
    """Active minutes per local day, from ``first_day`` on; days without a session are
    missing (read them as 0)."""
    current_streak: int
    """Days in a row with a completed session, ending today, or yesterday if not yet today."""
    best_streak: int
    week_minutes: float
    """Active minutes this week (Monday to today)."""
    last_week_minutes: float
    per_routine: list[RoutineTotal]
    """Most minutes first."""
    recent: list[SessionRecord]
    """The latest sessions, newest first."""
    feel: list[FeelPoint]
    """Back-feel per day from ``first_day`` on, oldest first; days without a rating left out."""
    feel_before_avg: float | None
    """The average rating before sessions, over every session that has one; None if none."""
    feel_after_avg: float | None
    total_sessions: int
    total_minutes: float
    completed_sessions: int = 0
    feel_before_count: int = 0
    feel_after_count: int = 0


def local_day(started_utc: datetime, utc_offset_minutes: int) -> date:
    """The date on the person's clock at ``started_utc``, given their offset then."""
    return (started_utc.astimezone(timezone.utc) + timedelta(minutes=utc_offset_minutes)).date()


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def heatmap_start(today: date, weeks: int = HEATMAP_WEEKS) -> date:
    """The first day the heat map shows: the Monday ``weeks - 1`` weeks before this one's."""
    return week_start(today) - timedelta(weeks=weeks - 1)


def streaks(completed_days: Iterable[date], today: date) -> tuple[int, int]:
    """The current and the best streak: runs of consecutive days with a completed session.

    The current run ends today if today has one, else yesterday (it still holds until the day
    is over); a later day (a session logged further east, where the date was already
    tomorrow) continues it.
    """
    days = sorted(set(completed_days))
    best = 0
    run = 0
    previous: date | None = None
    current = 0
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
        if day >= today - timedelta(days=1):
            current = run
    if previous is not None and previous < today - timedelta(days=1):
        current = 0
    return current, best


def week_minutes(days: Mapping[date, float], today: date) -> tuple[float, float]:
    """Minutes this week (Monday to today, and any later day logged) and last week."""
    monday = week_start(today)
    before = monday - timedelta(weeks=1)
    this_week = sum((m for d, m in days.items() if monday <= d < monday + timedelta(weeks=1)), 0.0)
    last_week = sum((m for d, m in days.items() if before <= d < monday), 0.0)
    return this_week, last_week


def assemble(
    *,
    today: date,
    days: Mapping[date, float],
    completed_days: Iterable[date],
    per_routine: Sequence[RoutineTotal],
    recent: Sequence[SessionRecord],
    feel: Sequence[FeelPoint],
    feel_sums: tuple[float, int, float, int],
    weeks: int = HEATMAP_WEEKS,
) -> Summary:
    """A :class:`Summary` from figures already added up (the store does that in SQL).

    ``days`` holds minutes per local day (at least from the heat map's first day on);
    ``feel_sums`` is (sum before, count before, sum after, count after) over all sessions.
    """
    first = heatmap_start(today, weeks)
    shown = {d: m for d, m in days.items() if d >= first}
    current, best = streaks(completed_days, today)
    this_week, last_week = week_minutes(shown, today)
    before_sum, before_n, after_sum, after_n = feel_sums
    routines = sorted(per_routine, key=lambda r: (-r.minutes, -r.sessions, r.routine_id))
    return Summary(
        today=today,
        first_day=first,
        days=dict(sorted(shown.items())),
        current_streak=current,
        best_streak=best,
        week_minutes=this_week,
        last_week_minutes=last_week,
        per_routine=list(routines),
        recent=list(recent),
        feel=sorted((p for p in feel if p.day >= first), key=lambda p: p.day),
        feel_before_avg=before_sum / before_n if before_n else None,
        feel_after_avg=after_sum / after_n if after_n else None,
        total_sessions=sum(r.sessions for r in per_routine),
        total_minutes=sum((r.minutes for r in per_routine), 0.0),
        completed_sessions=sum(r.completed for r in per_routine),
        feel_before_count=before_n,
        feel_after_count=after_n,
    )


def summarize(
    records: Iterable[SessionRecord], today: date, *, weeks: int = HEATMAP_WEEKS
) -> Summary:
    """A :class:`Summary` straight from session records.

    The reference the store's SQL must agree with, and what a store without SQL would use.
    """
    ordered = sorted(records, key=lambda r: (r.started_utc, r.id), reverse=True)
    first = heatmap_start(today, weeks)
    days: dict[date, float] = {}
    completed: set[date] = set()
    totals: dict[str, list[float]] = {}
    names: dict[str, str] = {}
    feel_days: dict[date, tuple[list[int], list[int]]] = {}
    before_sum = after_sum = 0.0
    before_n = after_n = 0
    for record in ordered:
        day = record.local_day
        if day >= first:
            days[day] = days.get(day, 0.0) + record.minutes
        if record.status == "completed":
            completed.add(day)
        names.setdefault(record.routine_id, record.routine_name)  # newest first: latest name
        total = totals.setdefault(record.routine_id, [0, 0.0, 0])
        total[0] += 1
        total[1] += record.minutes
        total[2] += record.status == "completed"
        if record.feel_before is not None:
            before_sum += record.feel_before
            before_n += 1
        if record.feel_after is not None:
            after_sum += record.feel_after
            after_n += 1
        if day >= first and (record.feel_before is not None or record.feel_after is not None):
            befores, afters = feel_days.setdefault(day, ([], []))
            if record.feel_before is not None:
                befores.append(record.feel_before)
            if record.feel_after is not None:
                afters.append(record.feel_after)
    feel = [
        FeelPoint(day, _mean(befores), _mean(afters))
        for day, (befores, afters) in feel_days.items()
    ]
    per_routine = [
        RoutineTotal(rid, names[rid], int(t[0]), t[1], int(t[2])) for rid, t in totals.items()
    ]
    return assemble(
        today=today,
        days=days,
        completed_days=completed,
        per_routine=per_routine,
        recent=ordered[:RECENT],
        feel=feel,
        feel_sums=(before_sum, before_n, after_sum, after_n),
        weeks=weeks,
    )


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def empty_summary(today: date) -> Summary:
    """The summary of an empty log."""
    return summarize((), today)


def format_days(count: int) -> str:
    """``1 day``, ``4 days``."""
    return "1 day" if count == 1 else f"{count} days"
