"""Properties of the engine under any mix of ticks and commands."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coach.clock import FakeClock
from coach.session import CueDue, Finished, SegmentEnded, SegmentStarted, Session

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
