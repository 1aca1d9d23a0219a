"""The whole path in real time: plain mode's loop on the monotonic clock, the cue adapter, the
speech process (espeak-ng, or a stand-in that is slow or hangs) and the player on miniaudio's
null backend. Whatever the engine does, the routine ends on time and every cue is spoken
inside its tolerance or dropped, never spoken late."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from textwrap import dedent

import miniaudio
import pytest

from coach.clock import MonotonicClock
from coach.cues import LATE_TOLERANCE, LATE_TOLERANCE_HIGH, Cues, Outcome
from coach.plain import run_plain
from coach.routine import parse_routine
from coach.session import Event, Finished, SegmentStarted
from coach.sound import PERIOD_MS, MixingPlayer, open_player
from coach.speech import Speech
from coach.timeline import Timeline, build_timeline

FAKES = Path(__file__).with_name("speech_fakes.py")
QUICK = dedent(
    """
    name = "Quick"
    prepare = "1s"
    [cues]
    countdown = 2
    [[step]]
    name = "Reach up"
    kind = "stretch"
    duration = "2s"
    rest = "1s"
    [[step]]
    name = "Twist"
    kind = "stretch"
    duration = "1s"
    sides = true
    """
)
SPOKEN = {Outcome.SPOKEN, Outcome.LIVE, Outcome.CUT}
DROPPED = {Outcome.STALE, Outcome.OVERLAP, Outcome.FAILED}
SLACK = 2 * PERIOD_MS / 1000 + 0.05
"""Audio callback periods and scheduling, on top of a cue's tolerance."""


@pytest.fixture
def player() -> Iterator[MixingPlayer]:
    opened = open_player(backends=[miniaudio.Backend.NULL])
    assert isinstance(opened, MixingPlayer)
    yield opened
    opened.close()


def run(timeline: Timeline, cues: Cues) -> tuple[float, float]:
    """Follow the routine in real time; the clock times of its start and finish."""
    moments: dict[str, float] = {}

    def note(events: Sequence[Event], now: float) -> None:
        for event in events:
            if isinstance(event, SegmentStarted) and "start" not in moments:
                moments["start"] = now
            if isinstance(event, Finished):
                moments["finish"] = now

    run_plain(
        timeline,
        clock=MonotonicClock(),
        out=io.StringIO(),
        listeners=[cues.listener(), note],
    )
    cues.drain(0.1)  # long enough for the last cue to start playing
    cues.close()
    return moments["start"], moments["finish"]


def check_never_late(cues: Cues) -> None:
    assert len(cues.records) == len(cues.timeline.cues)
    for record in cues.records.values():
        assert record.outcome in SPOKEN | DROPPED | {Outcome.SOUND, Outcome.SHOWN}, record
        if record.outcome in SPOKEN:
            tolerance = LATE_TOLERANCE_HIGH if record.cue.priority >= 80 else LATE_TOLERANCE
            assert record.delay is not None
            assert record.delay <= tolerance + SLACK, (record.cue.text, record.delay)


def quick() -> Timeline:
    return build_timeline(parse_routine(QUICK, routine_id="quick"))


def fake_speech(tmp_path: Path, render_timeout: float = 10.0, **env: str) -> Speech:
    speech = Speech(
        cache_dir=tmp_path / "cache",
        engine=f"{FAKES}:engine",
        env={**os.environ, **env},
        render_timeout=render_timeout,
        max_failures=1,
    )
    speech.start()
    return speech


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_real_speech_rendered_ahead_lands_on_its_beat(tmp_path: Path, player: MixingPlayer) -> None:
    timeline = quick()
    speech = Speech(cache_dir=tmp_path / "cache")
    speech.start()
    try:
        cues = Cues(timeline, player=player, speech=speech)
        assert cues.wait_prepared(30)
        start, finish = run(timeline, cues)
    finally:
        speech.close()
    assert finish - start == pytest.approx(timeline.total, abs=0.25)
    check_never_late(cues)
    # Rendered ahead, every step's words play (or are cut by the next step's); with one-
    # second steps, "switch sides" may find the step's name still speaking, and wait out.
    starts = [r for r in cues.records.values() if r.cue.priority == 100]
    assert all(r.outcome in (Outcome.SPOKEN, Outcome.CUT) for r in starts), starts
    assert any(r.outcome is Outcome.SOUND for r in cues.records.values())  # the ticks


def test_a_slow_engine_never_delays_the_routine_and_nothing_is_late(
    tmp_path: Path, player: MixingPlayer
) -> None:
    timeline = quick()
    speech = fake_speech(tmp_path, FAKE_SPEECH_DELAY="0.7")
    try:
        cues = Cues(timeline, player=player, speech=speech)
        start, finish = run(timeline, cues)
    finally:
        speech.close()
    assert finish - start == pytest.approx(timeline.total, abs=0.25)
    check_never_late(cues)
    records = list(cues.records.values())
    # The slow engine was felt: some words waited for their render (inside the tolerance)
    # or were dropped; and some were spoken all the same.
    assert any(r.outcome is Outcome.STALE or (r.delay or 0.0) > 0.2 for r in records)
    assert any(r.outcome is Outcome.SPOKEN for r in records)


def test_a_hanging_engine_never_delays_the_routine_and_leaves_captions(
    tmp_path: Path, player: MixingPlayer
) -> None:
    timeline = quick()
    speech = fake_speech(tmp_path, render_timeout=0.5, FAKE_SPEECH_HANG="1")
    try:
        cues = Cues(timeline, player=player, speech=speech)
        start, finish = run(timeline, cues)
        notices = cues.take_notices()
    finally:
        speech.close()
    assert finish - start == pytest.approx(timeline.total, abs=0.25)
    check_never_late(cues)
    assert speech.available is False
    assert notices == [speech.status_line]
    # Once speech is off (in about a second), the rest is captions and sounds.
    later = [r for r in cues.records.values() if r.cue.at >= 3.0]
    assert {r.outcome for r in later} <= {Outcome.SOUND, Outcome.SHOWN}, later
    assert cues.captions[-1].text.startswith("Done.")
