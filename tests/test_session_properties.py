"""Properties of the engine under any mix of ticks and commands."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import example, given, settings
from hypothesis import strategies as st

from coach.clock import FakeClock
from coach.log import SessionRecorder, SessionStore
from coach.session import CueDue, Event, Finished, SegmentEnded, SegmentStarted, Session

from .helpers import timeline

ROUTINE = """
name = "Props"
prepare = "3s"
[cues]
halfway = true
[defaults]
kind = "stretch"
rest = "4s"
[[step]]
name = "Hold"
duration = "25s"
sides = true
  [[step.cue]]
  at = "-6s"
  say = "Nearly"
[[step]]
name = "Reps"
kind = "strength"
reps = 3
[[step]]
name = "Timed reps"
kind = "strength"
reps = 4
tempo = "2s"
sets = 2
set_rest = "3s"
"""
TL = timeline(ROUTINE)
START = datetime(2026, 11, 18, 7, 0, tzinfo=timezone.utc)

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("tick"), st.floats(min_value=0, max_value=12)),
        st.tuples(
            st.sampled_from(["pause", "resume", "skip", "back", "done", "more", "less"]),
            st.floats(min_value=0, max_value=3),
        ),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(actions=ACTIONS, stop=st.booleans())
def test_any_sequence_keeps_the_invariants(actions: list[tuple[str, float]], stop: bool) -> None:
    clock = FakeClock()
    session = Session(TL)
    events = session.start(clock.now())
    for action, seconds in actions:
        now = clock.advance(seconds)
        match action:
            case "tick":
                events += session.tick(now)
            case "pause":
                events += session.pause(now)
            case "resume":
                events += session.resume(now)
            case "skip":
                events += session.skip(now)
            case "back":
                events += session.back(now)
            case "done":
                events += session.done(now)
            case "more":
                events += session.extend(now, 10)
            case "less":
                events += session.extend(now, -10)
    if stop:
        events += session.stop(clock.now())
    # Then let it run out: open steps are done as they come.
    for _ in range(1000):
        if session.is_over:
            break
        events += session.resume(clock.now())
        events += session.done(clock.now())
        events += session.tick(clock.advance(5))
    assert session.is_over

    # Exactly one Finished, and it is last.
    finished = [e for e in events if isinstance(e, Finished)]
    assert len(finished) == 1 and events[-1] is finished[0]
    # Segments start and end in pairs, in order, and times never go backwards.
    current = None
    last_at = 0.0
    for event in events:
        if isinstance(event, SegmentStarted):
            assert current is None
            current = event.segment.index
        elif isinstance(event, SegmentEnded):
            assert current == event.segment.index
            current = None
        at = event.due if isinstance(event, CueDue) else event.at
        assert at >= last_at - 1e-9
        last_at = max(last_at, at)
    # Within one run of a segment, no cue fires twice unless time was added back to it.
    run: set[int] = set()
    for event in events:
        if isinstance(event, SegmentStarted):
            run = set()
        elif isinstance(event, CueDue) and event.cue.anchor == "start":
            assert event.cue.id not in run
            run.add(event.cue.id)


LOG_ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["tick", "pause", "resume", "skip", "back", "done", "more", "less"]),
        st.floats(min_value=0, max_value=9),
    ),
    max_size=50,
)


@settings(max_examples=150, deadline=None)
@given(actions=LOG_ACTIONS, ending=st.sampled_from(["stop", "interrupt", "run out"]))
@example(
    actions=[("skip", 3.0), ("skip", 0.0), ("skip", 4.0), ("skip", 4.0), ("skip", 3.0)]
    + [("tick", 1.0)],
    ending="stop",
)  # ran to its end by skipping, then the clock ran on: the session's time ends at its end
def test_every_step_has_one_outcome_and_the_log_holds_every_second(
    actions: list[tuple[str, float]], ending: str
) -> None:
    """Any mix of skip / back / pause / +/- / stop: done + skipped + stopped during + not
    reached = steps, the same in the session and in the log (a real SQLite database), and
    the logged active + paused time is the time from start to end."""
    clock = FakeClock(100.0)
    store = SessionStore.in_memory()
    recorder = SessionRecorder(store, TL, wall=lambda: START)
    session = Session(TL)
    began = clock.now()

    def send(events: list[Event]) -> None:
        recorder.on_events(events, clock.now())

    send(session.start(began))
    # When the session ended: within the last step of the clock before it was over (a tick
    # can pass a routine's natural end, and the clock may run on after it).
    ended_after: float | None = None
    ended_by: float | None = None
    for action, seconds in actions:
        before = clock.now()
        now = clock.advance(seconds)
        match action:
            case "tick":
                send(session.tick(now))
            case "more" | "less":
                send(session.extend(now, 10 if action == "more" else -10))
            case _:
                send(getattr(session, action)(now))
        if session.is_over and ended_by is None:
            ended_after, ended_by = before, now
    if ending != "run out":
        send(session.stop(clock.now(), interrupted=ending == "interrupt"))
    for _ in range(5000):  # woken every half second, as the app and plain mode would be
        if session.is_over:
            break
        send(session.resume(clock.now()))
        send(session.done(clock.now()))
        send(session.tick(clock.advance(0.5)))
    assert session.is_over
    if ended_by is None or ended_after is None:
        ended_after, ended_by = clock.now() - 0.5, clock.now()
    ended = ended_by

    tally = session.tally(ended)
    counts = [len(tally.done), len(tally.skipped), len(tally.not_reached)]
    stopped = 0 if tally.stopped_during is None else 1
    assert sum(counts) + stopped == len(TL.routine.steps)
    assert ended_after - began - 1e-6 <= tally.active + tally.paused <= ended_by - began + 1e-6
    assert tally.exercise <= tally.planned_exercise + 1e-6

    [record] = store.sessions()
    assert record.status == tally.ending
    assert record.steps_total == len(TL.routine.steps)
    assert (record.steps_completed, record.steps_skipped) == (len(tally.done), len(tally.skipped))
    assert record.skipped_steps == tuple(s.name for s in tally.skipped)
    during = tally.stopped_during
    assert record.stopped_during == (None if during is None else during.name)
    assert abs(record.active_seconds + record.paused_seconds - (tally.active + tally.paused)) <= 1.0
    store.close()
