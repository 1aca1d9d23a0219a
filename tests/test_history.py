"""History: streaks, weeks, heat map, per routine and back feel, from records and a given day.

Pure: no SQLite and no clock. Days are local days as recorded, so a trip across time zones
or a daylight-saving change never breaks a streak or splits a day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from coach.history import (
    SessionRecord,
    Status,
    format_days,
    heatmap_start,
    local_day,
    streaks,
    summarize,
    week_minutes,
)


def make(
    when: datetime,
    *,
    status: Status = "completed",
    minutes: float = 10.0,
    routine: str = "desk-break",
    name: str | None = None,
    before: int | None = None,
    after: int | None = None,
    number: int = 0,
) -> SessionRecord:
    """A session that started at ``when`` (aware, in the person's zone then)."""
    offset = when.utcoffset()
    assert offset is not None, "give an aware datetime"
    started = when.astimezone(timezone.utc)
    return SessionRecord(
        id=number,
        routine_id=routine,
        routine_name=name or routine.replace("-", " ").capitalize(),
        digest="0" * 64,
        started_utc=started,
        utc_offset_minutes=round(offset.total_seconds() / 60),
        ended_utc=None if status == "interrupted" else started + timedelta(minutes=minutes),
        planned_seconds=600.0,
        active_seconds=minutes * 60,
        paused_seconds=0.0,
        steps_completed=5 if status == "completed" else 2,
        steps_skipped=0,
        steps_total=5,
        status=status,
        feel_before=before,
        feel_after=after,
    )


def at(day: str, hour: int = 8, offset_hours: float = 0) -> datetime:
    zone = timezone(timedelta(hours=offset_hours))
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=zone)


def days(*texts: str) -> list[date]:
    return [date.fromisoformat(t) for t in texts]


# -- streaks ---------------------------------------------------------------------------------


def test_no_sessions_no_streak() -> None:
    assert streaks([], date(2026, 3, 1)) == (0, 0)


def test_a_streak_runs_across_the_end_of_a_month() -> None:
    done = days("2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02")
    assert streaks(done, date(2026, 2, 2)) == (4, 4)


def test_across_the_end_of_a_year_and_a_leap_day() -> None:
    assert streaks(days("2027-12-31", "2028-01-01"), date(2028, 1, 1)) == (2, 2)
    assert streaks(days("2028-02-28", "2028-02-29", "2028-03-01"), date(2028, 3, 1)) == (3, 3)
    # 2027 has no 29 February: the 28th and 1 March are consecutive.
    assert streaks(days("2027-02-28", "2027-03-01"), date(2027, 3, 1)) == (2, 2)


def test_the_current_streak_holds_through_yesterday_then_ends() -> None:
    done = days("2026-01-30", "2026-01-31", "2026-02-01")
    assert streaks(done, date(2026, 2, 1)) == (3, 3)  # done today
    assert streaks(done, date(2026, 2, 2)) == (3, 3)  # not yet today: still holds
    assert streaks(done, date(2026, 2, 3)) == (0, 3)  # a whole day missed


def test_best_streak_is_the_longest_run_and_duplicates_count_once() -> None:
    done = days("2026-05-01", "2026-05-02", "2026-05-03", "2026-05-03", "2026-05-10")
    done += days("2026-05-11")
    assert streaks(done, date(2026, 5, 11)) == (2, 3)


def test_a_day_logged_further_east_continues_the_streak() -> None:
    # Done in Tokyo on the 11th, back home where it is still the 10th.
    assert streaks(days("2026-03-09", "2026-03-10", "2026-03-11"), date(2026, 3, 10)) == (3, 3)


def test_only_completed_sessions_make_a_streak() -> None:
    records = [
        make(at("2026-04-01")),
        make(at("2026-04-02"), status="stopped"),
        make(at("2026-04-03"), status="interrupted"),
        make(at("2026-04-04")),
    ]
    summary = summarize(records, date(2026, 4, 4))
    assert (summary.current_streak, summary.best_streak) == (1, 1)
    assert summary.total_sessions == 4 and summary.completed_sessions == 2


# -- local days across time zones and daylight saving ----------------------------------------


def test_a_day_is_the_local_date_the_session_started() -> None:
    # 23:30 in New York on the 9th is already the 10th in UTC.
    started = datetime(2026, 3, 10, 3, 30, tzinfo=timezone.utc)
    assert local_day(started, -300) == date(2026, 3, 9)
    assert local_day(started, 540) == date(2026, 3, 10)


def test_a_streak_survives_flying_from_tokyo_to_new_york() -> None:
    records = [
        # 08:00 in Tokyo on the 10th is 23:00 UTC on the 9th.
        make(at("2026-03-10", 8, +9)),
        # Then New York: 07:00 on the 11th and the 12th.
        make(at("2026-03-11", 7, -5)),
        make(at("2026-03-12", 7, -5)),
    ]
    summary = summarize(records, date(2026, 3, 12))
    assert summary.current_streak == 3
    assert sorted(summary.days) == days("2026-03-10", "2026-03-11", "2026-03-12")
    # By UTC dates it would have been the 9th, 11th, 12th: broken.
    utc_days = [r.started_utc.date() for r in records]
    assert streaks(utc_days, date(2026, 3, 12)) == (2, 2)


def test_daylight_saving_neither_breaks_a_streak_nor_splits_a_day() -> None:
    try:
        zone = ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:
        pytest.skip("no time-zone database here")
    records = [
        make(datetime(2026, 3, 7, 23, 30, tzinfo=zone)),  # EST, -05:00
        make(datetime(2026, 3, 8, 23, 30, tzinfo=zone)),  # EDT, -04:00: the clocks went on
        make(datetime(2026, 3, 9, 0, 30, tzinfo=zone)),
        # 1 November: 01:30 happens twice; both are the same local day.
        make(datetime(2026, 11, 1, 1, 30, fold=0, tzinfo=zone), minutes=5),
        make(datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=zone), minutes=7),
    ]
    assert [r.utc_offset_minutes for r in records] == [-300, -240, -240, -240, -300]
    spring = summarize(records[:3], date(2026, 3, 9))
    assert spring.current_streak == 3
    autumn = summarize(records[3:], date(2026, 11, 1))
    assert autumn.days == {date(2026, 11, 1): pytest.approx(12.0)}
    assert autumn.current_streak == 1


# -- weeks and the heat map ------------------------------------------------------------------


def test_weeks_start_on_monday() -> None:
    minutes = {
        date(2026, 11, 22): 10.0,  # Sunday, the week before last
        date(2026, 11, 23): 20.0,  # Monday, last week
        date(2026, 11, 29): 5.0,  # Sunday, last week
        date(2026, 11, 30): 7.0,  # Monday, this week
        date(2026, 12, 2): 3.0,  # Wednesday: today
    }
    assert week_minutes(minutes, date(2026, 12, 2)) == (10.0, 25.0)


def test_the_heat_map_starts_on_a_monday_26_weeks_back() -> None:
    first = heatmap_start(date(2026, 12, 2))
    assert first.weekday() == 0
    assert first == date(2026, 6, 8)
    records = [make(at("2026-06-07")), make(at("2026-06-08"), minutes=4.5)]
    summary = summarize(records, date(2026, 12, 2))
    assert summary.first_day == first
    assert summary.days == {date(2026, 6, 8): 4.5}  # the older day is before the map
    assert summary.total_sessions == 2  # but counts in the totals


def test_minutes_of_every_session_count_on_its_day() -> None:
    records = [
        make(at("2026-12-01", 7), minutes=10),
        make(at("2026-12-01", 19), minutes=4, status="stopped"),
    ]
    summary = summarize(records, date(2026, 12, 1))
    assert summary.days == {date(2026, 12, 1): 14.0}
    assert summary.week_minutes == 14.0 and summary.last_week_minutes == 0.0


# -- per routine, recent, back feel ----------------------------------------------------------


def test_per_routine_totals_with_the_latest_name_most_minutes_first() -> None:
    records = [
        make(at("2026-10-01"), routine="desk-break", name="Desk break", minutes=4),
        make(at("2026-10-02"), routine="desk-break", name="Desk-break reset", minutes=4),
        make(at("2026-10-02", 9), routine="lower-back", minutes=12, status="stopped"),
    ]
    summary = summarize(records, date(2026, 10, 2))
    [back, desk] = summary.per_routine
    assert (back.routine_id, back.sessions, back.minutes, back.completed) == (
        "lower-back",
        1,
        12,
        0,
    )
    assert (desk.name, desk.sessions, desk.minutes, desk.completed) == ("Desk-break reset", 2, 8, 2)
    assert summary.total_minutes == 20.0


def test_recent_is_the_last_ten_newest_first() -> None:
    records = [make(at("2026-10-01") + timedelta(hours=n), number=n) for n in range(14)]
    summary = summarize(records, date(2026, 10, 2))
    assert [r.id for r in summary.recent] == list(range(13, 3, -1))


def test_back_feel_averages_and_the_trend_per_day() -> None:
    records = [
        make(at("2026-10-01", 7), before=4, after=6),
        make(at("2026-10-01", 19), before=5, after=8),
        make(at("2026-10-02"), after=7),
        make(at("2026-10-03")),
    ]
    summary = summarize(records, date(2026, 10, 3))
    assert summary.feel_before_avg == pytest.approx(4.5)
    assert summary.feel_after_avg == pytest.approx(7.0)
    assert (summary.feel_before_count, summary.feel_after_count) == (2, 3)
    assert [(p.day.day, p.before, p.after) for p in summary.feel] == [
        (1, 4.5, 7.0),
        (2, None, 7.0),
    ]


def test_no_ratings_means_no_averages() -> None:
    summary = summarize([make(at("2026-10-01"))], date(2026, 10, 1))
    assert summary.feel == []
    assert summary.feel_before_avg is None and summary.feel_after_avg is None


def test_record_local_start_and_day() -> None:
    record = make(at("2026-03-10", 8, +9))
    assert record.started_utc == datetime(2026, 3, 9, 23, 0, tzinfo=timezone.utc)
    assert record.local_start.isoformat() == "2026-03-10T08:00:00+09:00"
    assert record.local_day == date(2026, 3, 10)


def test_words() -> None:
    assert (format_days(1), format_days(0), format_days(12)) == ("1 day", "0 days", "12 days")
