"""The app's voice and sound: opened once, off the UI thread, and shared by every routine.

Importing the audio library and opening a device takes a tenth of a second or more, so the
app paints first and :meth:`AppAudio.start` does this on a thread of its own. A routine asks
:meth:`AppAudio.cues_for` for its cue player; that waits (without blocking the screen) until
the device and the speech process are up, or gives up after ``READY_WAIT`` and runs with
captions only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from coach.settings import AUDIO_READY_WAIT, Settings
from coach.timeline import Timeline

if TYPE_CHECKING:
    from coach.cues import Cues
    from coach.sound import MixingPlayer, Player, SilentPlayer
    from coach.speech import Speech, VoiceSpec

READY_WAIT = AUDIO_READY_WAIT
"""Seconds a routine waits for the audio device and the speech engine before it starts
without them (the same bound as plain mode's)."""


class AppAudio:
    """The sound player and the speech process of one app run."""

    def __init__(
        self,
        settings: Settings,
        *,
        bell: Callable[[], None] | None = None,
        backends: Sequence[object] | None = None,
    ) -> None:
        """``backends``: miniaudio backends to try (tests pass the null backend, which plays
        at the real pace into nothing, where there is no sound card)."""
        self.settings = settings
        self._bell = bell
        self._backends = backends
        self._ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._player: MixingPlayer | SilentPlayer | None = None
        self._speech: Speech | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._told: set[str] = set()
        """Status lines shown in this run: each is said once, not at every routine."""

    def start(self) -> None:
        """Open the device and start the speech process, on a thread. Returns at once."""
        threading.Thread(target=self._open, name="coach-audio", daemon=True).start()

    def _open(self) -> None:
        player: MixingPlayer | SilentPlayer | None = None
        speech: Speech | None = None
        published = False
        try:
            from coach.sound import open_player
            from coach.speech import Speech

            began = time.monotonic()
            player = open_player(bell=self._bell, backends=self._backends)
            if player.available:
                # Without a device there is nothing to speak through (live speech plays
                # through the same device): no speech process, captions instead.
                speech = Speech()
                speech.start()
                # Ready means the device pulls sound steadily (a routine's clock starts after
                # this, so its first cue is not played into a device still waking up).
                player.wait_warm(READY_WAIT - (time.monotonic() - began))
            with self._lock:
                if not self._closed:
                    self._player, self._speech = player, speech
                    published = True  # the app's now: close() closes them
            if published and speech is not None:
                speech.wait_ready(max(0.0, READY_WAIT - (time.monotonic() - began)))
        finally:
            if not published:
                if speech is not None:
                    speech.close()
                if player is not None:
                    player.close()
            if not self._ready.done():
                self._ready.set_result(None)

    async def cues_for(self, timeline: Timeline) -> Cues | None:
        """A cue player for ``timeline``, once the audio is up: or, if it is slow to come
        up, with what there is by ``READY_WAIT`` (a speech process still starting gets its
        words when it is ready); None without any audio."""
        # Shielded: a wait that times out must not cancel the future itself, or every later
        # routine would find it cancelled.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._ready)), READY_WAIT)
        from coach.cues import Cues
        from coach.speech import VoiceSpec

        with self._lock:
            if self._closed or self._player is None:
                return None
            return Cues(
                timeline,
                player=self._player,
                speech=self._speech,
                voice=VoiceSpec.from_settings(self.settings),
                speak=self.settings.speak,
                sounds=self.settings.sounds,
                told=self._told,
            )

    def parts(self) -> tuple[Player | None, Speech | None, VoiceSpec]:
        """The player (None with sounds off or not yet open), the speech process (None with
        the voice off) and the voice: for the break reminder's announcement."""
        from coach.speech import VoiceSpec

        with self._lock:
            player = self._player if self.settings.sounds else None
            speech = self._speech if self.settings.speak else None
        return player, speech, VoiceSpec.from_settings(self.settings)

    def notices(self) -> list[str]:
        """One line each for what does not work (no device, no engine), once it is known."""
        with self._lock:
            sources = (self._player, self._speech)
        return [line for source in sources if source and (line := source.status_line)]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            player, speech = self._player, self._speech
            self._player = self._speech = None
        if speech is not None:
            speech.close()
        if player is not None:
            player.close()
