"""The voice-and-sound side of the ``coach`` command: ``voices``, ``say``, and the cues of
``coach run --plain``. ``coach.cli`` imports this lazily, so other commands stay quick."""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coach.session import Event
from coach.settings import AUDIO_READY_WAIT, Settings, load_settings
from coach.speech import Speech, VoiceSpec
from coach.text import cell_len, fit
from coach.timeline import Timeline

if TYPE_CHECKING:
    from coach.sound import MixingPlayer, SilentPlayer

STARTUP_WAIT = 20.0
"""Seconds a command waits for the speech process (the first start after install is slow)."""
SLOW_DEVICE = (
    "Sound: the audio device did not start playing within {seconds:g} s; the first cues "
    "may be late or silent."
)
NO_VOICE_YET = (
    "No voice yet: the speech engine has not started in {seconds:g} s. Cues are shown as "
    "text until it does."
)
DRAIN_WAIT = 10.0
"""Seconds plain mode lets the closing words and chime finish before it exits."""


def _note(line: str) -> None:
    print(f"coach: {line}", file=sys.stderr)


def _settings() -> Settings:
    settings, problems = load_settings()
    for problem in problems:
        _note(problem)
    return settings


def cmd_voices(match: str | None = None) -> int:
    """``coach voices [TEXT]``: the engine's voices (those whose id, name or language
    contains TEXT). The configured voice is marked with ``*``."""
    settings = _settings()
    speech = Speech()
    speech.start()
    try:
        if not speech.wait_ready(STARTUP_WAIT):
            _note(speech.status_line or "the speech engine did not start")
            return 1
        voices = speech.list_voices(STARTUP_WAIT)
    finally:
        speech.close()
    if voices is None:
        _note(speech.status_line or "the speech engine did not list its voices")
        return 1
    wanted = (match or "").lower()
    shown = [
        v
        for v in voices
        if not wanted
        or wanted in v.id.lower()
        or wanted in v.name.lower()
        or any(wanted in lang.lower() for lang in v.languages)
    ]
    if not shown:
        print(f"no voice matches {match!r} ({len(voices)} voices in all)")
        return 1
    width = max(cell_len(v.id) for v in shown)
    current = settings.voice or next((v.id for v in voices if v.default), None)
    for voice in shown:
        mark = "*" if voice.id == current else " "
        languages = f"  ({', '.join(voice.languages)})" if voice.languages else ""
        default = "  [default]" if voice.default and not settings.voice else ""
        print(f"{mark} {fit(voice.id, width)}  {voice.name}{languages}{default}")
    if not settings.voice:
        print('* the engine\'s default voice speaks: none is set (`voice = "ID"` in config.toml)')
    elif not any(v.id == settings.voice for v in voices):
        _note(f"the voice set in config.toml, {settings.voice!r}, is not one of these")
    return 0


FIRST_CALLBACK_WAIT = 5.0
"""Seconds ``coach say`` gives the audio device to ask for its first frames (PulseAudio takes
350-450 ms after it opens; a device that asks nothing in this time plays nothing)."""
DEVICE_TAIL = 0.25
"""Seconds the last frames may sit in the device's buffer before they are heard."""


def cmd_say(
    text: str,
    *,
    to: Path | None = None,
    voice: str | None = None,
    rate: int | None = None,
    volume: float | None = None,
) -> int:
    """``coach say TEXT``: speak one line the way a routine would (rendered, then played
    through the audio device), to check the set-up; ``--to FILE.wav`` writes it instead.

    Exits 1, saying why, when it did not do that: no audio device, a voice the engine does
    not have, nothing rendered, a device that never played the sound."""
    settings = _settings()
    spec = VoiceSpec(
        voice if voice is not None else settings.voice,
        rate if rate is not None else settings.rate,
        volume if volume is not None else settings.volume,
    )
    speech = Speech()
    speech.start()
    try:
        if not speech.wait_ready(STARTUP_WAIT):
            _note(speech.status_line or "the speech engine did not start in time")
            return 1
        if spec.voice is not None:
            known = speech.list_voices(STARTUP_WAIT)
            if known is not None and all(v.id != spec.voice for v in known):
                if voice is not None:
                    _note(f"no voice {spec.voice!r}: `coach voices` lists the ones there are")
                    return 1
                _note(f"the voice in config.toml, {spec.voice!r}, is not there: using the default")
                spec = VoiceSpec(None, spec.rate, spec.volume)
        return _say(speech, text, spec, to)
    finally:
        speech.close()


def _say(speech: Speech, text: str, spec: VoiceSpec, to: Path | None) -> int:
    from coach.sound import SoundError, load_sound, open_player, trim_silence

    began = time.monotonic()
    result = speech.render_now(text, spec, timeout=STARTUP_WAIT)
    voice = f"voice {spec.voice or 'default'}, {spec.rate} words a minute"
    engine = f"{speech.driver or 'engine'} ({voice})"
    if speech.status_line:
        _note(speech.status_line)
    if result.path is None:
        _note(f"could not render the speech: {result.error}")
        return 1
    if to is not None:
        try:
            shutil.copyfile(result.path, to)
            seconds = load_sound(to).duration
        except (OSError, SoundError) as error:
            _note(f"cannot write {to}: {error}")
            return 1
        print(f"wrote {to}: {seconds:.1f} s of speech, {engine}")
        return 0
    player = open_player()
    try:
        if not player.available:
            _note(f"rendered, but not played: {player.status_line or 'no audio device'}")
            _note("`coach say TEXT --to FILE.wav` writes the speech to a file instead")
            return 1
        sound = trim_silence(player.load(result.path))
        rendered = (time.monotonic() - began) * 1000
        playing = player.play(sound)
        # The device's own pace, not a guess: wait for its first request for frames, then
        # for the last frame handed over, then for the buffer to empty.
        playing.wait(FIRST_CALLBACK_WAIT + sound.duration + 1.0)
        where = getattr(player, "backend", "the audio device")
        if playing.started_at is None or playing.ended_at is None:
            _note(f"rendered in {rendered:.0f} ms, but {where} did not play it")
            return 1
        time.sleep(max(0.0, playing.ended_at - time.monotonic()) + DEVICE_TAIL)
        onset = (playing.started_at - playing.requested_at) * 1000
        print(
            f"{engine}: rendered in {rendered:.0f} ms, played through {where} "
            f"({sound.duration:.1f} s, sound began {onset:.0f} ms after it was asked for)"
        )
        return 0
    finally:
        player.close()


# -- plain mode -----------------------------------------------------------------------------


def _terminal_bell() -> None:
    # stderr, so the lines on stdout stay exactly what plain mode prints.
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write("\a")
        sys.stderr.flush()


@contextlib.contextmanager
def plain_cues(
    timeline: Timeline,
    *,
    speak: bool = True,
    sounds: bool = True,
    speech_factory: Callable[[], Speech] = Speech,
    player_factory: Callable[..., MixingPlayer | SilentPlayer] | None = None,
    note: Callable[[str], None] = _note,
    ready_wait: float = AUDIO_READY_WAIT,
) -> Iterator[Sequence[Callable[[Sequence[Event], float], None]]]:
    """The listeners that give ``coach run --plain`` its voice and sounds.

    Settings decide first (``speak``/``sounds`` false in ``config.toml`` win); ``speak`` and
    ``sounds`` false here (``--mute``, ``--no-sound``) turn them off for this run. Status
    lines go to stderr, once, so stdout keeps exactly the lines plain mode prints. On the way
    out it lets the closing words finish.

    The speech engine gets ``ready_wait`` seconds in all (the app's bound too) to start and
    render the first cues; a routine never waits longer for it. One that is not up by then
    is said so at that moment, and speaks from when it comes up.
    """
    settings = _settings()
    speak = speak and settings.speak
    sounds = sounds and settings.sounds
    if not speak and not sounds:
        yield ()
        return
    from coach.cues import Cues
    from coach.sound import open_player

    opener = open_player if player_factory is None else player_factory
    player = opener(bell=_terminal_bell if sys.stderr.isatty() else None)
    deadline = time.monotonic() + ready_wait
    speech: Speech | None = None
    if speak:
        speech = speech_factory()
        speech.start()
    cues = Cues(
        timeline,
        player=player,
        speech=speech,
        voice=VoiceSpec.from_settings(settings),
        speak=speak,
        sounds=sounds,
    )
    told_no_voice = False
    try:
        # The device first: the routine's clock starts only once it pulls sound steadily,
        # so "Get ready" is not played into a device still waking up (bounded).
        if not player.wait_warm(max(0.0, deadline - time.monotonic())):
            note(SLOW_DEVICE.format(seconds=ready_wait))
        if speech is not None and speech.wait_ready(max(0.0, deadline - time.monotonic())):
            cues.wait_prepared(max(0.0, deadline - time.monotonic()))
        for line in cues.take_notices():
            told_no_voice |= line.startswith("No voice")
            note(line)
        if speech is not None and speech.available is None and not told_no_voice:
            note(NO_VOICE_YET.format(seconds=ready_wait))
            told_no_voice = True
        yield [cues.listener()]
        cues.drain(DRAIN_WAIT)
        for line in cues.take_notices():
            if not (told_no_voice and line.startswith("No voice")):
                note(line)
    finally:
        cues.close()
        if speech is not None:
            speech.close()
        player.close()
