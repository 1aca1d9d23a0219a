"""``coach stats``' lines about breaks: taken and skipped per day and per week, from the
reminder's events in the log. Pure: it is handed the counts and today's date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from coach.history import week_start

DAYS_SHOWN = 7


def _counts(days: Mapping[date, Mapping[str, int]], first: date, end: date) -> tuple[int, ...]:
    totals = {"offered": 0, "started": 0, "skipped": 0, "snoozed": 0}
    for day, kinds in days.items():
        if first <= day < end:
            for kind, count in kinds.items():
                totals[kind] = totals.get(kind, 0) + count
    return totals["started"], totals["skipped"], totals["snoozed"], totals["offered"]


def _row(label: str, counts: tuple[int, ...], note: str = "") -> str:
    taken, skipped, snoozed, offered = counts
    return (
        f"  {label}  {taken:>5} taken  {skipped:>5} skipped  {snoozed:>5} snoozed"
        f"  {offered:>5} offered  {note}"
    ).rstrip()


def break_lines(days: Mapping[date, Mapping[str, int]], today: date, weeks: int) -> list[str]:
    """The lines, or none when the reminder has never offered a break."""
    if not days:
        return []
    lines = ["breaks (coach remind), per day:"]
    for n in range(DAYS_SHOWN):
        day = today - timedelta(days=n)
        note = "today" if n == 0 else "yesterday" if n == 1 else ""
        lines.append(_row(day.isoformat(), _counts(days, day, day + timedelta(days=1)), note))
    lines.append("")
    lines.append("breaks per week (from Monday):")
    monday = week_start(today)
    for n in range(weeks):
        first = monday - timedelta(weeks=n)
        note = "this week" if n == 0 else "last week" if n == 1 else ""
        lines.append(_row(first.isoformat(), _counts(days, first, first + timedelta(7)), note))
    return lines


def break_summary(days: Mapping[date, Mapping[str, int]], today: date) -> str | None:
    """One line for the history screen: breaks taken and skipped today and this week."""
    if not days:
        return None
    taken, skipped, _, _ = _counts(days, today, today + timedelta(days=1))
    monday = week_start(today)
    week_taken, week_skipped, _, _ = _counts(days, monday, monday + timedelta(7))
    return (
        f"breaks: today {taken} taken, {skipped} skipped · "
        f"this week {week_taken} taken, {week_skipped} skipped"
    )
