"""Sound cues and pre-rendered speech, played through one mixing audio device.

The player opens one output device with miniaudio and feeds it from a generator that mixes
every sound in play, so a tick that lands on a bell plays with it instead of queueing after
it. :meth:`MixingPlayer.play` only appends to a queue the audio thread reads, so it returns
in microseconds on any thread and never blocks the timer or the screen.

Where there is no audio device, :func:`open_player` returns a :class:`SilentPlayer` instead:
it rings the terminal bell (when the caller hands it a way to) or stays silent, and says why
in one line, :attr:`status_line`, for the app to show once. Nothing here raises for a
missing device and nothing writes to stderr: ALSA's own error printer is replaced with a
no-op before any device is opened (Textual draws the screen on stderr).

Everything is 16-bit mono at :data:`RATE`; files at other rates or channel counts are
converted as they load.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import itertools
import sys
import threading
import time
from array import array
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import miniaudio

from coach.resources import builtin_sounds_dir
from coach.sound_devices import no_output_reason

RATE = 22050
"""Samples per second of every sound the player holds (espeak-ng renders at this rate)."""
PERIOD_MS = 10
"""The audio callback's period: a sound asked for now starts within about this long."""
SOUND_NAMES = ("tick", "bell", "chime", "rest")
"""The built-in cues, each ``sounds/<name>.wav``."""
BELL_SOUNDS = frozenset({"bell", "chime", "rest"})
"""Sounds the terminal-bell fallback rings for (a bell for every countdown tick would nag)."""
DONE_SLACK = 0.5
WARM_PULLS = 3
"""A device is warm once its callback has pulled this many periods, spread over at least
two periods of real time: PulseAudio, for one, pulls a period as the device opens and then
nothing for up to 1.7 s, and a cue played into that gap starts late."""
"""A sound counts as over this long after it should have ended, even if the device stalled."""

_MAX = 32767
_MIN = -32768


class SoundError(Exception):
    """A sound file that cannot be read."""


@dataclass(frozen=True, eq=False)
class Sound:
    """Decoded samples, ready to play: 16-bit mono at :data:`RATE`."""

    name: str
    samples: array[int]

    @property
    def duration(self) -> float:
        return len(self.samples) / RATE

    @classmethod
    def from_pcm(cls, name: str, pcm: bytes) -> Sound:
        """Raw 16-bit mono native-endian samples at :data:`RATE`."""
        samples = array("h")
        samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
        return cls(name, samples)


def load_sound(path: str | Path, name: str | None = None) -> Sound:
    """Read an audio file (WAV, FLAC, MP3, Vorbis), converted to 16-bit mono at :data:`RATE`."""
    path = Path(path)
    try:
        decoded = miniaudio.decode_file(
            str(path),
            output_format=miniaudio.SampleFormat.SIGNED16,
            nchannels=1,
            sample_rate=RATE,
        )
    except (miniaudio.MiniaudioError, OSError) as error:
        raise SoundError(f"{path}: cannot be decoded ({error})") from None
    return Sound(name or path.stem, array("h", decoded.samples))


def trim_silence(sound: Sound, *, threshold: int = 300, keep: float = 0.01) -> Sound:
    """``sound`` without its leading and trailing near-silence (but ``keep`` seconds of each).

    Speech engines pad an utterance with silence; trimmed, a rendered cue starts on its beat
    and its end says truly when the voice stops.
    """
    samples = sound.samples
    first = next((i for i, s in enumerate(samples) if abs(s) > threshold), None)
    if first is None:
        return Sound(sound.name, array("h"))
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    margin = round(keep * RATE)
    start = max(0, first - margin)
    end = min(len(samples), last + 1 + margin)
    return Sound(sound.name, samples[start:end])


class Playing:
    """One sound in play; :meth:`MixingPlayer.play` returns it at once.

    ``started_at`` is the monotonic time the audio callback first pulled this sound's frames
    (the measurable onset); ``None`` until then.
    """

    __slots__ = (
        "_ended",
        "_stopped",
        "ended_at",
        "gain",
        "position",
        "requested_at",
        "sound",
        "started_at",
    )

    def __init__(self, sound: Sound, gain: float, requested_at: float) -> None:
        self.sound = sound
        self.gain = gain
        self.requested_at = requested_at
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.position = 0
        self._stopped = False
        self._ended = threading.Event()

    def end(self, at: float) -> None:
        """Mark it over: its last frames go to the device at ``at`` (the audio thread)."""
        self.ended_at = at
        self._ended.set()

    def wait(self, timeout: float) -> bool:
        """Wait until the audio thread has handed over its last frame, or it was cut off;
        False when ``timeout`` seconds passed first (a device that never asks for audio)."""
        return self._ended.wait(timeout)

    def stop(self) -> None:
        """Cut the sound off; it goes quiet within one audio period."""
        self._stopped = True

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def done(self) -> bool:
        """True once it has played out or been stopped (or should long have ended)."""
        if self._stopped or self.ended_at is not None:
            return True
        begun = self.started_at if self.started_at is not None else self.requested_at
        return time.monotonic() > begun + self.sound.duration + DONE_SLACK


class Player(Protocol):
    """What the cue adapter needs from a sound player."""

    @property
    def available(self) -> bool:
        """True when sounds really play (an audio device is open)."""
        ...

    @property
    def status_line(self) -> str | None:
        """One line to show once when sound is not working as it should; None when it is."""
        ...

    def sound(self, name: str) -> Sound | None:
        """A built-in or added sound by name."""
        ...

    def load(self, path: Path, name: str | None = None) -> Sound:
        """Decode an audio file for playing (call it off the UI thread)."""
        ...

    def play(self, what: str | Sound, *, gain: float = 1.0) -> Playing:
        """Start a sound now, mixed with whatever is playing. Never blocks."""
        ...

    def stop_all(self) -> None:
        """Silence everything in play."""
        ...

    def close(self) -> None: ...


def load_builtin_sounds(folder: Path | None = None) -> dict[str, Sound]:
    """The built-in cues by name; a missing or broken file is left out."""
    folder = folder or builtin_sounds_dir()
    sounds: dict[str, Sound] = {}
    for name in SOUND_NAMES:
        try:
            sounds[name] = load_sound(folder / f"{name}.wav", name)
        except SoundError:
            continue
    return sounds


class MixingPlayer:
    """Plays sounds through a miniaudio device, mixing all that overlap.

    The device's callback runs on miniaudio's audio thread. The only state shared with the
    callers is a deque (``play`` appends, the callback pops), a stop flag on each
    :class:`Playing` and an integer watermark for :meth:`stop_all`: no locks, nothing that
    can block a caller.
    """

    def __init__(
        self,
        device: miniaudio.PlaybackDevice,
        sounds: dict[str, Sound],
        *,
        status_line: str | None = None,
    ) -> None:
        self._device = device
        self._sounds = dict(sounds)
        self._incoming: collections.deque[tuple[int, Playing]] = collections.deque()
        self._active: list[tuple[int, Playing]] = []
        self._serial = itertools.count(1)
        self._last_serial = 0
        self._flush_below = 0
        self._silence: dict[int, bytes] = {}
        self._status_line = status_line
        self.callback_errors = 0
        """Errors caught inside the audio callback (each one played a period of silence)."""
        self.backend: str = device.backend
        self._pulls = 0
        self._first_pull = 0.0
        self._warm = threading.Event()
        generator = self._mixer()
        next(generator)
        device.start(generator)

    @property
    def available(self) -> bool:
        return True

    @property
    def warm(self) -> bool:
        """True once the device pulls sound steadily (see :data:`WARM_PULLS`)."""
        return self._warm.is_set()

    def wait_warm(self, timeout: float) -> bool:
        """Wait (never on the UI thread) until the device is warm, at most ``timeout``
        seconds. True when it is: a routine's clock starts after this, so its first cue is
        not lost to a device still waking up."""
        return self._warm.wait(max(0.0, timeout))

    @property
    def status_line(self) -> str | None:
        return self._status_line

    def sound(self, name: str) -> Sound | None:
        return self._sounds.get(name)

    def add(self, sound: Sound) -> None:
        """Make ``sound`` playable by its name."""
        self._sounds[sound.name] = sound

    def load(self, path: Path, name: str | None = None) -> Sound:
        return load_sound(path, name)

    def play(self, what: str | Sound, *, gain: float = 1.0) -> Playing:
        sound = what if isinstance(what, Sound) else self._sounds.get(what)
        if sound is None:
            sound = Sound(str(what), array("h"))
        playing = Playing(sound, gain, time.monotonic())
        serial = next(self._serial)
        self._last_serial = serial
        self._incoming.append((serial, playing))
        return playing

    def stop_all(self) -> None:
        self._flush_below = self._last_serial + 1

    def close(self) -> None:
        self._device.close()

    # -- the audio thread -------------------------------------------------------------------

    def _mixer(self) -> Generator[bytes, int, None]:
        frames = yield b""
        while True:
            try:
                out = self._mix(frames)
            except Exception:  # an exception would reach miniaudio's C thread and be printed
                self.callback_errors += 1
                out = self._quiet(frames)
            frames = yield out

    def _quiet(self, frames: int) -> bytes:
        quiet = self._silence.get(frames)
        if quiet is None:
            quiet = self._silence[frames] = bytes(2 * frames)
        return quiet

    def _note_pull(self, now: float, frames: int) -> None:
        self._pulls += 1
        if self._pulls == 1:
            self._first_pull = now
        elif (
            self._pulls >= WARM_PULLS
            and now - self._first_pull >= 2 * frames / RATE
            and not self._warm.is_set()
        ):
            self._warm.set()

    def _mix(self, frames: int) -> bytes:
        now = time.monotonic()
        if not self._warm.is_set():
            self._note_pull(now, frames)
        incoming = self._incoming
        while incoming:
            self._active.append(incoming.popleft())
        if not self._active:
            return self._quiet(frames)
        flush_below = self._flush_below
        chunks: list[tuple[array[int], float]] = []
        keep: list[tuple[int, Playing]] = []
        for serial, playing in self._active:
            if playing.stopped or serial < flush_below:
                playing.stop()
                playing.end(now)
                continue
            if playing.started_at is None:
                playing.started_at = now
            start = playing.position
            chunk = playing.sound.samples[start : start + frames]
            playing.position = start + frames
            if chunk:
                chunks.append((chunk, playing.gain))
            if playing.position >= len(playing.sound.samples):
                playing.end(now + len(chunk) / RATE)
            else:
                keep.append((serial, playing))
        self._active = keep
        if not chunks:
            return self._quiet(frames)
        return mix(chunks, frames).tobytes()


def mix(chunks: Sequence[tuple[array[int], float]], frames: int) -> array[int]:
    """Sum ``chunks`` (samples and gain), clipped to 16 bits and padded to ``frames``."""
    if len(chunks) == 1 and chunks[0][1] == 1.0:
        out = array("h", chunks[0][0])
    else:
        columns: Iterable[tuple[int, ...]] = itertools.zip_longest(
            *(c for c, _ in chunks), fillvalue=0
        )
        gains = [g for _, g in chunks]
        if all(g == 1.0 for g in gains):
            summed = [sum(column) for column in columns]
        else:
            summed = [
                round(sum(s * g for s, g in zip(column, gains, strict=True))) for column in columns
            ]
        out = array("h", [_MAX if v > _MAX else _MIN if v < _MIN else v for v in summed])
    if len(out) < frames:
        out.extend(itertools.repeat(0, frames - len(out)))
    return out


class SilentPlayer:
    """No audio device: sounds ring the terminal bell (when given one) or nothing at all."""

    def __init__(self, status_line: str, bell: Callable[[], None] | None = None) -> None:
        self._status_line = status_line
        self._bell = bell

    @property
    def available(self) -> bool:
        return False

    @property
    def warm(self) -> bool:
        return True

    def wait_warm(self, timeout: float) -> bool:
        """Nothing to wait for."""
        return True

    @property
    def status_line(self) -> str | None:
        return self._status_line

    def sound(self, name: str) -> Sound | None:
        return None

    def load(self, path: Path, name: str | None = None) -> Sound:
        return load_sound(path, name)

    def play(self, what: str | Sound, *, gain: float = 1.0) -> Playing:
        sound = what if isinstance(what, Sound) else Sound(what, array("h"))
        if self._bell is not None and sound.name in BELL_SOUNDS:
            self._bell()
        playing = Playing(sound, gain, time.monotonic())
        playing.stop()
        playing.end(playing.requested_at)
        return playing

    def stop_all(self) -> None:
        return None

    def close(self) -> None:
        return None


# -- opening a device -----------------------------------------------------------------------

_ALSA_HANDLER_TYPE = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_JACK_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_char_p)
_quiet_handlers: list[Any] = []
"""The no-op callbacks handed to C libraries: they must live as long as the process."""
_quiet_lock = threading.Lock()


def _no_alsa_message(*_args: object) -> None:
    return None


def _no_jack_message(_message: bytes | None) -> None:
    return None


def silence_audio_libraries() -> None:
    """Stop ALSA (and JACK, when present) from printing their errors to stderr.

    Without a sound card, opening a device makes libasound print dozens of "ALSA lib ..."
    lines, which would land on the screen Textual draws on stderr. Their error printers are
    process-wide, so this replaces them once, for the life of the process. Idempotent; a no-op
    where the libraries are absent.
    """
    if not sys.platform.startswith("linux"):
        return
    with _quiet_lock:
        if _quiet_handlers:
            return
        alsa = _load_library("asound", "libasound.so.2")
        if alsa is not None:
            handler = _ALSA_HANDLER_TYPE(_no_alsa_message)
            alsa.snd_lib_error_set_handler(handler)
            _quiet_handlers.append(handler)
        jack = _load_library("jack", "libjack.so.0")
        if jack is not None:
            jack_handler = _JACK_HANDLER_TYPE(_no_jack_message)
            jack.jack_set_error_function(jack_handler)
            jack.jack_set_info_function(jack_handler)
            _quiet_handlers.append(jack_handler)
        _quiet_handlers.append(None)  # marks "done" even where neither library exists


def _load_library(short: str, soname: str) -> ctypes.CDLL | None:
    for name in (soname, ctypes.util.find_library(short)):
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def real_backends() -> list[miniaudio.Backend]:
    """Every backend this miniaudio build has, except the null and custom ones.

    Asked for explicitly, a machine without a sound device fails to open one (in a few
    milliseconds) instead of quietly "playing" into the null backend.
    """
    skip = {miniaudio.Backend.NULL, miniaudio.Backend.CUSTOM}
    enabled = miniaudio.get_enabled_backends()
    return sorted((b for b in enabled if b not in skip), key=lambda b: b.value)


def open_player(
    *,
    backends: Sequence[miniaudio.Backend] | None = None,
    sounds_dir: Path | None = None,
    bell: Callable[[], None] | None = None,
    period_ms: int = PERIOD_MS,
) -> MixingPlayer | SilentPlayer:
    """Open the default output device, or fall back to :class:`SilentPlayer`. Never raises.

    ``backends`` picks miniaudio backends (tests and benchmarks pass ``[Backend.NULL]``,
    which plays into nothing at the real pace without a sound card). ``bell`` rings the
    terminal bell for the fallback (in the TUI, ``App.bell``); without it, the fallback is
    silent.
    """
    fallback = "the terminal bell" if bell is not None else "captions only"
    if backends is None and (reason := no_output_reason()) is not None:
        # Trying every backend would load their libraries for nothing (see sound_devices).
        return SilentPlayer(f"No sound: {reason}; using {fallback}.", bell)
    sounds = load_builtin_sounds(sounds_dir)
    missing = [name for name in SOUND_NAMES if name not in sounds]
    note = f"Sound files missing: {', '.join(missing)}." if missing else None
    silence_audio_libraries()
    chosen = list(backends) if backends is not None else real_backends()
    try:
        device = miniaudio.PlaybackDevice(
            output_format=miniaudio.SampleFormat.SIGNED16,
            nchannels=1,
            sample_rate=RATE,
            buffersize_msec=period_ms,
            backends=chosen,
            app_name="coach",
        )
    except (miniaudio.MiniaudioError, OSError) as error:
        return SilentPlayer(
            f"No sound: no audio device could be opened ({_describe(error)}); using {fallback}.",
            bell,
        )
    try:
        return MixingPlayer(device, sounds, status_line=note)
    except (miniaudio.MiniaudioError, OSError) as error:
        device.close()
        return SilentPlayer(
            f"No sound: the audio device would not start ({_describe(error)}); using {fallback}.",
            bell,
        )


def _describe(error: BaseException) -> str:
    """A miniaudio error in words: ``('failed to init device', -401)`` becomes
    "failed to open backend device"."""
    codes = [a for a in error.args if isinstance(a, int)]
    if codes:
        for name in dir(miniaudio.lib):
            if name.startswith("MA_") and getattr(miniaudio.lib, name) == codes[0]:
                return name.removeprefix("MA_").replace("_", " ").lower()
    parts = [str(part) for part in error.args if not isinstance(part, int)]
    return ", ".join(parts) or type(error).__name__
