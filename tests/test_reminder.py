"""The break reminder's schedule on a fake clock: work, snooze, skip, a routine taken, a
sleep gap and idle time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.clock import FakeClock
from coach.reminder import Kind, Policy, Reminder, Schedule, State

POLICY = Policy(every=600, snooze=60, sleep_gap=30, idle_break=120)


def run(
    schedule: Schedule,
    clock: FakeClock,
    seconds: float,
    *,
    idle: float | None = None,
    step: float = 1.0,
) -> list[Reminder]:
    """Tick once a ``step`` for ``seconds``, as the loops do."""
    seen: list[Reminder] = []
    end = clock.now() + seconds
    while clock.now() < end - 1e-9:
        clock.advance(min(step, end - clock.now()))
        seen += schedule.tick(clock.now(), idle)
    return seen


def kinds(events: list[Reminder]) -> list[tuple[Kind, str]]:
    return [(e.kind, e.reason) for e in events]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1000.0)


def test_work_offers_a_break_after_every(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    assert run(schedule, clock, 599) == []
    assert schedule.remaining() == pytest.approx(1)
    events = run(schedule, clock, 1)
    assert kinds(events) == [(Kind.OFFERED, "")]
    assert events[0].at == 1600.0
    assert schedule.state is State.DUE
    assert events[0].logged


def test_an_unanswered_break_is_offered_again_after_the_snooze_time(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 600)
    again = run(schedule, clock, 60)
    assert kinds(again) == [(Kind.OFFERED, "again")]
    assert not again[0].logged


def test_snooze_offers_it_again_after_the_snooze_time(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 600)
    assert kinds(schedule.snooze(clock.now())) == [(Kind.SNOOZED, "")]
    assert schedule.state is State.SNOOZED
    assert schedule.remaining() == 60
    assert run(schedule, clock, 59) == []
    assert kinds(run(schedule, clock, 1)) == [(Kind.OFFERED, "")]


def test_skip_waits_a_whole_interval(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 600)
    assert kinds(schedule.skip(clock.now())) == [(Kind.SKIPPED, "")]
    assert schedule.remaining() == 600
    assert run(schedule, clock, 599) == []
    assert kinds(run(schedule, clock, 1)) == [(Kind.OFFERED, "")]


def test_snooze_and_skip_mean_nothing_while_working(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 100)
    assert schedule.snooze(clock.now()) == []
    assert schedule.skip(clock.now()) == []
    assert schedule.worked == 100


def test_a_routine_stops_the_count_and_its_end_restarts_it(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 600)
    assert kinds(schedule.start(clock.now())) == [(Kind.STARTED, "")]
    # A long routine: neither work nor a sleep gap while it runs.
    assert run(schedule, clock, 900, step=60) == []
    assert schedule.remaining() is None
    assert kinds(schedule.end(clock.now())) == [(Kind.ENDED, "")]
    assert schedule.remaining() == 600
    assert run(schedule, clock, 599) == []


def test_a_routine_taken_without_an_offer_resets_the_count(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 500)
    schedule.start(clock.now())
    clock.advance(240)
    schedule.end(clock.now())
    assert run(schedule, clock, 599) == []
    assert kinds(run(schedule, clock, 1)) == [(Kind.OFFERED, "")]


def test_a_routine_taken_with_reminders_off_is_no_break(clock: FakeClock) -> None:
    """With reminders off a routine is just a routine: nothing for the break log."""
    schedule = Schedule(POLICY, clock.now(), on=False)
    assert schedule.start(clock.now()) == []
    assert schedule.state is State.ON_BREAK
    clock.advance(240)
    assert schedule.end(clock.now()) == []
    assert schedule.state is State.OFF


def test_a_sleep_gap_restarts_the_count(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 500)
    clock.advance(3600)  # the lid was closed for an hour
    assert kinds(schedule.tick(clock.now())) == [(Kind.RESTARTED, "sleep")]
    assert schedule.worked == 0
    assert run(schedule, clock, 599) == []


def test_a_gap_shorter_than_the_sleep_gap_is_work(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 500)
    clock.advance(29)
    assert schedule.tick(clock.now()) == []
    assert schedule.worked == 529


def test_idle_over_the_threshold_counts_as_a_break(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 400)
    # Away from the desk: the desktop reports idle time growing past two minutes.
    events: list[Reminder] = []
    for second in range(1, 200):
        clock.advance(1)
        events += schedule.tick(clock.now(), idle=float(second))
    assert kinds(events) == [(Kind.RESTARTED, "idle")]
    # Back at the desk: a whole interval of work before the next break.
    assert run(schedule, clock, 599, idle=0.0) == []
    assert kinds(run(schedule, clock, 1, idle=0.0)) == [(Kind.OFFERED, "")]


def test_idle_under_the_threshold_is_work(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    assert kinds(run(schedule, clock, 600, idle=90.0)) == [(Kind.OFFERED, "")]


def test_idle_while_a_break_is_due_counts_as_taking_it(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 600)
    clock.advance(1)
    assert kinds(schedule.tick(clock.now(), idle=300.0)) == [(Kind.RESTARTED, "idle")]
    assert schedule.state is State.WORKING


def test_off_counts_nothing_and_on_starts_from_zero(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 500)
    schedule.switch(clock.now(), False)
    assert schedule.remaining() is None
    assert run(schedule, clock, 2000) == []
    assert kinds(schedule.switch(clock.now(), True)) == [(Kind.RESTARTED, "on")]
    assert schedule.remaining() == 600


def test_a_clock_that_goes_back_counts_nothing(clock: FakeClock) -> None:
    schedule = Schedule(POLICY, clock.now())
    run(schedule, clock, 100)
    assert schedule.tick(clock.now() - 50) == []
    assert schedule.worked == 100


def test_a_policy_needs_positive_numbers() -> None:
    with pytest.raises(ValueError, match="every"):
        Policy(every=0)


@given(st.lists(st.floats(min_value=0.0, max_value=29.0), max_size=200))
def test_work_offered_exactly_when_the_ticks_add_up(gaps: list[float]) -> None:
    """However the ticks fall (all under the sleep gap), the first offer comes at the first
    tick where the work adds up to ``every``, and never before."""
    clock = FakeClock()
    schedule = Schedule(Policy(every=600, snooze=60, sleep_gap=30, idle_break=120), 0.0)
    total = 0.0
    for gap in gaps:
        clock.advance(gap)
        total += gap
        events = schedule.tick(clock.now())
        if total >= 600:
            assert kinds(events) == [(Kind.OFFERED, "")]
            break
        assert events == []


def test_the_reminder_core_and_the_authoring_tools_import_no_ui_audio_bus_or_sqlite() -> None:
    import subprocess
    import sys

    modules = [
        "coach.reminder",
        "coach.remind",
        "coach.break_stats",
        "coach.importers",
        "coach.authoring",
        "coach.autostart",
    ]
    forbidden = ("textual", "rich", "pyttsx3", "miniaudio", "sqlite3", "desktop_notifier")
    probe = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in modules)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("option", ["--every", "--snooze"])
def test_a_negative_time_on_the_command_line_is_named_as_such(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--every -5m` said "expected one argument": argparse took -5m for an option."""
    from coach.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["remind", "--plain", option, "-5m"])
    assert exited.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == f'coach remind: error: argument {option}: "-5m" is not a duration ' + (
        "(use 30s, 1m30s or 1:30)"
    )
