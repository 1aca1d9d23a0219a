"""The app with its real voice and sound: the speech process (pyttsx3 and espeak-ng) and the
mixing player. There is no sound card here, so the player runs on miniaudio's null backend,
which pulls audio at the real pace into nothing; everything else is real."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path

import miniaudio
import pytest
from textual.widgets import Static

from coach.app import CoachApp, Services
from coach.catalog import discover
from coach.clock import MonotonicClock
from coach.cues import Outcome
from coach.settings import Settings
from coach.timeline import CueKind, Timeline, build_timeline
from coach.tui.audio import AppAudio
from coach.tui.player import PlayerScreen
from tests.tui_helpers import sample_routine


def sample_timeline() -> Timeline:
    return build_timeline(sample_routine())


async def _until(check: object, timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if check():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return False


def test_the_routine_starts_with_its_voice_and_the_first_words_are_spoken() -> None:
    settings = Settings()
    audio = AppAudio(settings, backends=[miniaudio.Backend.NULL])
    services = Services(clock=MonotonicClock(), settings=settings, entries=discover, audio=audio)
    app = CoachApp(services, routine=sample_routine())

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            player = app.screen
            assert isinstance(player, PlayerScreen)
            assert await _until(lambda: player.session.state.value == "running", 10.0)
            cues = player._cues
            assert cues is not None, "the routine got its cue player"
            get_ready = player.timeline.cues[0]
            assert get_ready.kind is CueKind.GET_READY
            assert await _until(lambda: get_ready.id in cues.records, 2.0)
            record = cues.records[get_ready.id]
            assert await _until(lambda: record.outcome is not Outcome.PENDING, 5.0)
            assert record.outcome in (Outcome.SPOKEN, Outcome.LIVE), record.outcome
            assert "Get ready" in str(player.query_one("#caption", Static).render())
            await pilot.press("m")
            assert not cues.voice_enabled
            await pilot.press("s")
            assert not cues.sounds_enabled

    asyncio.run(go())
    assert audio._player is None, "the app closed its audio on the way out"


def test_audio_slow_to_come_up_never_stops_a_later_routine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A routine that stops waiting for the audio must leave it to come up for the next."""
    import coach.tui.audio as audio_module

    monkeypatch.setattr(audio_module, "READY_WAIT", 0.2)
    audio = AppAudio(Settings(), backends=[miniaudio.Backend.NULL])
    opened = audio._open

    def slow_open() -> None:
        time.sleep(0.6)
        opened()

    monkeypatch.setattr(audio, "_open", slow_open)
    timeline = sample_timeline()

    async def go() -> None:
        audio.start()
        assert await audio.cues_for(timeline) is None  # gave up waiting: captions only
        assert not audio._ready.cancelled()
        await asyncio.sleep(1.0)
        later = await audio.cues_for(timeline)
        assert later is not None, "the next routine gets its voice"
        later.close()

    try:
        asyncio.run(go())
    finally:
        audio.close()


def test_no_sound_is_said_once_per_run_where_it_covers_nothing() -> None:
    """A backend this machine does not have: the real "no audio device" path."""
    from textual.widgets._toast import Toast

    settings = Settings()
    audio = AppAudio(settings, backends=[miniaudio.Backend.WINMM])
    services = Services(clock=MonotonicClock(), settings=settings, entries=discover, audio=audio)
    app = CoachApp(services, routine=sample_routine())

    async def go() -> None:
        async with app.run_test(size=(40, 12)) as pilot:
            for time_round in (1, 2):
                player = app.screen
                assert isinstance(player, PlayerScreen)
                assert await _until(lambda p=player: p.session.state.value == "running", 10.0)
                await pilot.pause()
                notice = str(player.query_one("#notice", Static).render())
                toasts = [str(t.render()) for t in app.screen.query(Toast)]
                assert not [t for t in toasts if "No sound" in t], "no toast over the screen"
                if time_round == 1:
                    assert "No sound" in notice
                    assert player.query_one("#notice").display
                    assert player.query_one("#digits").region.height >= 1
                else:
                    assert "No sound" not in notice, "once per run"
                await pilot.press("q", "y")
                await pilot.pause()
                await pilot.press("enter")  # the finish screen, back to the list
                await pilot.pause()
                await pilot.press("enter")  # a routine again
                await pilot.pause()

    try:
        asyncio.run(go())
    finally:
        audio.close()


def _children() -> list[str]:
    """The command lines of this process's children."""
    pid = os.getpid()
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    lines = []
    for kid in kids:
        with contextlib.suppress(OSError):
            lines.append(Path(f"/proc/{kid}/cmdline").read_text().replace("\0", " "))
    return lines


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_no_speech_process_without_an_audio_device() -> None:
    """Without a device there is nothing to speak through (live speech plays through the
    same device): the speech process is not started, and the routine runs with captions."""
    audio = AppAudio(Settings(), backends=[miniaudio.Backend.WASAPI])  # not on Linux
    audio._open()
    try:
        assert audio._speech is None
        assert not any("speech_worker" in line for line in _children())
        cues = asyncio.run(audio.cues_for(sample_timeline()))
        assert cues is not None and cues.take_notices()[0].startswith("No sound")
        cues.close()
    finally:
        audio.close()
