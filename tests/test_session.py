"""The session engine against a fake clock: exact, instant, and no cue fired twice."""

from __future__ import annotations

import random

import pytest

from coach.clock import FakeClock
from coach.outcome import Ending, Left, StepOutcome
from coach.session import (
    CueDue,
    Event,
    Extended,
    Finished,
    Paused,
    Progress,
    Resumed,
    SegmentEnded,
    SegmentStarted,
    Session,
    State,
)
from coach.timeline import CueKind

from .helpers import steps_toml, timeline

SIMPLE = """
name = "Simple"
prepare = "5s"
[defaults]
kind = "stretch"
rest = "5s"
[[step]]
name = "A"
duration = "10s"
[[step]]
name = "B"
duration = "10s"
sides = true
"""
# Segments: prepare 0-5, A 5-15, rest 15-20, B left 20-30, B right 30-40.


def run_to_end(session: Session, clock: FakeClock, step: float = 0.25) -> list[Event]:
    events = session.start(clock.now())
    while not session.is_over:
        events += session.tick(clock.advance(step))
    return events


def cue_log(events: list[Event]) -> list[tuple[float, str]]:
    return [(e.due, e.cue.text) for e in events if isinstance(e, CueDue)]


def test_every_cue_fires_once_at_its_offset() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock(100.0)
    session = Session(tl)
    events = run_to_end(session, clock)
    fired = [e.cue for e in events if isinstance(e, CueDue)]
    assert [c.id for c in fired] == [c.id for c in tl.cues]
    assert [e.due for e in events if isinstance(e, CueDue)] == [c.at for c in tl.cues]
    finished = [e for e in events if isinstance(e, Finished)]
    assert finished == [Finished(40.0, Ending.COMPLETED)]
    assert session.state is State.FINISHED
    assert [r.outcome for r in session.tally(clock.now()).steps] == [StepOutcome.DONE] * 2


def test_late_and_irregular_ticks_skip_nothing_and_repeat_nothing() -> None:
    tl = timeline(SIMPLE)
    rng = random.Random(7)
    for _ in range(50):
        clock = FakeClock()
        session = Session(tl)
        events = session.start(clock.now())
        while not session.is_over:
            events += session.tick(clock.advance(rng.choice([0.01, 0.3, 1.7, 4.2, 9.9])))
        assert cue_log(events) == [(c.at, c.text) for c in tl.cues]
        started = [e.at for e in events if isinstance(e, SegmentStarted)]
        assert started == [s.start for s in tl.segments]


def test_one_late_tick_delivers_everything_in_order() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    events = session.tick(clock.advance(100))
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("SegmentStarted") == 4 and kinds.count("SegmentEnded") == 5
    assert kinds[-1] == "Finished"
    assert cue_log(events) == [(c.at, c.text) for c in tl.cues[1:]]


def test_pause_excludes_paused_time() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    clock.advance(7)  # 2 s into step A
    assert session.pause(clock.now())[-1] == Paused(7.0)
    # While paused only the progress note comes, carrying the time paused so far.
    assert session.tick(clock.advance(60)) == [Progress(7.0, 60.0)]
    assert session.position(clock.now()).remaining == pytest.approx(8)
    events = session.resume(clock.now())
    assert events[0] == Resumed(7.0, 60.0)
    events = session.tick(clock.advance(8))
    assert SegmentEnded(tl.segments[1], 15.0, Left.RAN_OUT, paused=60.0) in events
    assert session.active_time(clock.now()) == 15
    assert session.paused_seconds == 60


def test_skip_moves_on_now_and_drops_the_skipped_cues() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    session.tick(clock.advance(6))
    events = session.skip(clock.now())
    assert events[0] == SegmentEnded(tl.segments[1], 6.0, Left.SKIPPED)
    assert events[1] == SegmentStarted(tl.segments[2], 6.0)
    assert isinstance(events[2], CueDue) and events[2].cue.kind is CueKind.REST
    # The rest now ends 5 s after the skip, not at its planned 20 s.
    events = session.tick(clock.advance(5))
    assert SegmentStarted(tl.segments[3], 11.0) in events
    rest_of_run = run_after(session, clock)
    texts = [t for _, t in cue_log(events + rest_of_run)]
    assert texts.count("B, left side.") == 1
    assert [r.outcome for r in session.tally(clock.now()).steps] == [
        StepOutcome.SKIPPED,
        StepOutcome.DONE,
    ]


def run_after(session: Session, clock: FakeClock) -> list[Event]:
    events: list[Event] = []
    while not session.is_over:
        events += session.tick(clock.advance(0.5))
    return events


def test_back_restarts_the_segment_or_goes_to_the_previous_step() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    session.tick(clock.advance(12))  # 7 s into A
    events = session.back(clock.now())
    assert events[1] == SegmentStarted(tl.segments[1], 12.0)
    assert session.position(clock.now()).remaining == 10
    # The start cue is said again: the person asked to hear it again.
    assert [e.cue.kind for e in events if isinstance(e, CueDue)] == [CueKind.START]
    session.tick(clock.advance(10))  # A done at 22, rest until 27
    session.tick(clock.advance(5.5))  # 0.5 s into B left
    events = session.back(clock.now())
    assert events[1] == SegmentStarted(tl.segments[1], 27.5)  # back to A, over the rest
    # At the very start, back stays at the first segment.
    session = Session(tl)
    session.start(clock.now())
    events = session.back(clock.advance(1))
    assert events[1].segment.index == 0  # type: ignore[union-attr]


def test_extend_and_trim_move_the_end_and_its_countdown() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    session.tick(clock.advance(13))  # A: 8 s in; its countdown "3" and "2" fired at 12 and 13
    events = session.extend(clock.now(), 10)
    assert isinstance(events[0], Extended) and events[0].seconds == 10
    assert session.position(clock.now()).remaining == 12
    events = session.tick(clock.advance(12))
    ticks = [e.due for e in events if isinstance(e, CueDue) and e.cue.kind is CueKind.COUNTDOWN]
    # "3" and "2" had fired at 12 and 13; after the extension all three come again at the new end.
    assert ticks == [22.0, 23.0, 24.0]
    assert SegmentEnded(tl.segments[1], 25.0, Left.RAN_OUT) in events
    # Trimming never leaves less than a second and never adds.
    clock.advance(1)  # rest: 1 s in, 4 left
    events = session.extend(clock.now(), -10)
    assert isinstance(events[0], Extended) and events[0].seconds == -3
    assert session.position(clock.now()).remaining == 1
    # The countdown ticks whose moment moved into the past are dropped, not said late.
    events = session.tick(clock.advance(1))
    assert [e for e in events if isinstance(e, CueDue) and e.cue.kind is CueKind.COUNTDOWN] == []


def test_open_rep_step_waits_for_done() -> None:
    tl = timeline(
        """
        name = "Open"
        prepare = 0
        [[step]]
        name = "Dead bug"
        kind = "strength"
        reps = 8
        [[step]]
        name = "Hold"
        kind = "stretch"
        duration = 10
        """
    )
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    assert session.tick(clock.advance(3600)) == [Progress(3600.0)]
    position = session.position(clock.now())
    assert position.remaining is None and position.elapsed == 3600
    assert session.next_deadline() == 3602.0  # nothing but the progress note
    events = session.done(clock.now())
    assert events[0] == SegmentEnded(tl.segments[0], 3600.0, Left.DONE)
    assert events[1] == SegmentStarted(tl.segments[1], 3600.0)
    assert session.done(clock.now()) == []  # a timed step ignores "done"
    # The "3" tick is at 3607; the progress note comes first.
    assert session.next_deadline() == pytest.approx(3600 + 2)
    session.tick(clock.advance(2))
    assert session.next_deadline() == pytest.approx(3600 + 4)
    session.tick(clock.advance(4))
    assert session.next_deadline() == pytest.approx(3600 + 7)


def test_stop_finishes_not_completed() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    events = session.stop(clock.advance(8))
    assert events[-1] == Finished(8.0, Ending.STOPPED)
    assert session.state is State.STOPPED
    assert session.tick(clock.advance(100)) == []
    assert [r.outcome for r in session.tally(clock.now()).steps] == [
        StepOutcome.STOPPED_DURING,
        StepOutcome.NOT_REACHED,
    ]
    assert session.skip(clock.now()) == [] and session.pause(clock.now()) == []


def test_skip_past_the_end_finishes_with_the_closing_cue() -> None:
    tl = timeline(steps_toml(2))
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    session.skip(clock.advance(1))
    events = session.skip(clock.advance(1))
    assert isinstance(events[-2], CueDue) and events[-2].cue.kind is CueKind.FINISH
    # Skipped through: the end, but not completed, and not told "well done".
    assert events[-2].cue.text == "The end. That was 2 seconds."
    assert events[-1] == Finished(2.0, Ending.PARTIAL)


def test_skip_while_paused_holds_the_new_segment_until_resumed() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock()
    session = Session(tl)
    session.start(clock.now())
    session.pause(clock.advance(1))
    events = session.skip(clock.advance(30))
    names = [type(e).__name__ for e in events]
    assert names == ["Progress", "SegmentEnded", "SegmentStarted"]
    events = session.resume(clock.advance(30))
    assert [e.cue.kind for e in events if isinstance(e, CueDue)] == [CueKind.START]
    assert session.position(clock.now()).remaining == 10


def test_next_deadline_is_the_next_cue_on_the_clock() -> None:
    tl = timeline(SIMPLE)
    clock = FakeClock(1000.0)
    session = Session(tl)
    session.start(clock.now())
    assert session.next_deadline() == 1002.0  # the "3" of get ready
    session.pause(clock.advance(1))
    assert session.next_deadline() == 1002.0  # paused: only the progress note
    session.resume(clock.advance(10))
    assert session.next_deadline() == 1012.0


def test_five_hundred_steps_run_exactly() -> None:
    tl = timeline(steps_toml(500, duration="4s"))
    clock = FakeClock()
    session = Session(tl)
    events = session.start(clock.now())
    while not session.is_over:
        deadline = session.next_deadline()
        assert deadline is not None
        clock.advance(deadline - clock.now())
        events += session.tick(clock.now())
    assert cue_log(events) == [(c.at, c.text) for c in tl.cues]
    assert events[-1] == Finished(2000.0, Ending.COMPLETED)


def test_a_routine_of_one_step_with_no_get_ready() -> None:
    session = Session(timeline(steps_toml(1, duration="20s")))
    clock = FakeClock(50.0)
    events = session.start(clock.now())
    assert isinstance(events[0], SegmentStarted) and events[0].segment.title == "Step 1"
    assert [e.cue.kind for e in events if isinstance(e, CueDue)] == [CueKind.START]
    again = session.back(clock.advance(1.0))  # the only step: back to its own start
    assert [e.segment.index for e in again if isinstance(e, SegmentStarted)] == [0]
    clock.advance(20.0)
    events = session.tick(clock.now())
    kinds = [e.cue.kind for e in events if isinstance(e, CueDue)]
    assert kinds == [CueKind.COUNTDOWN] * 3 + [CueKind.FINISH]
    assert isinstance(events[-1], Finished) and events[-1].reached_end
    assert session.active_time(clock.now()) == pytest.approx(21.0)
    assert [r.outcome for r in session.tally(clock.now()).steps] == [StepOutcome.DONE]


def test_stopping_while_paused_counts_the_pause() -> None:
    session = Session(timeline(SIMPLE))
    clock = FakeClock()
    session.start(clock.now())
    session.pause(clock.advance(8.0))
    clock.advance(120.0)
    events = session.stop(clock.now())
    assert isinstance(events[-1], Finished) and not events[-1].reached_end
    assert session.paused_seconds == pytest.approx(120.0)
    assert session.active_time(clock.advance(50.0)) == pytest.approx(8.0)
