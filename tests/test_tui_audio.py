"""The app with its real voice and sound: the speech process (pyttsx3 and espeak-ng) and the
mixing player. There is no sound card here, so the player runs on miniaudio's null backend,
which pulls audio at the real pace into nothing; everything else is real."""

from __future__ import annotations

import asyncio

import miniaudio
from textual.widgets import Static

from coach.app import CoachApp, Services
from coach.catalog import discover
from coach.clock import MonotonicClock
from coach.cues import Outcome
from coach.settings import Settings
from coach.timeline import CueKind
from coach.tui.audio import AppAudio
from coach.tui.player import PlayerScreen
from tests.tui_helpers import sample_routine


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
