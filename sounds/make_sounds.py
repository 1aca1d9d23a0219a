"""Synthesise coach's sound cues: tick, bell, chime and rest.

Run ``python sounds/make_sounds.py`` to write the four WAV files next to this script (or
``python sounds/make_sounds.py DIR`` to write them elsewhere). Standard library only, and
deterministic: the same bytes on every run, so a test can check that the committed files
are what this script makes.

Every cue is 16-bit mono at 22.05 kHz (the rate espeak-ng renders speech at, so the player
mixes both without resampling). Each sound is a sum of sine partials shaped by an envelope
that rises from exactly zero and falls back to exactly zero, so no cue starts or ends with
a click.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RATE = 22050
"""Samples per second."""
FULL_SCALE = 32767


@dataclass(frozen=True)
class Partial:
    """One sine component: frequency (Hz), relative level, and its decay time (s)."""

    freq: float
    level: float
    decay: float | None = None
    """Seconds for the partial to fall to 1/e; ``None`` holds it steady."""


@dataclass(frozen=True)
class Note:
    """A group of partials that starts ``at`` seconds into the sound."""

    at: float
    partials: tuple[Partial, ...]
    attack: float
    """Seconds of the raised-cosine rise from silence."""


@dataclass(frozen=True)
class SoundSpec:
    name: str
    length: float
    """Seconds, to the sample."""
    peak: float
    """Loudest sample as a fraction of full scale (all cues sit well below clipping)."""
    release: float
    """Seconds of the raised-cosine fade that brings the end to exactly zero."""
    notes: tuple[Note, ...]
    purpose: str

    @property
    def frames(self) -> int:
        return round(self.length * RATE)


def _bell_partials(fundamental: float, level: float, decay: float) -> tuple[Partial, ...]:
    # A struck bar's inharmonic modes (1 : 2.76 : 5.40) plus a soft octave: bell-like,
    # but short-lived high partials keep it gentle.
    return (
        Partial(fundamental, level, decay),
        Partial(fundamental * 2.0, level * 0.30, decay * 0.55),
        Partial(fundamental * 2.76, level * 0.32, decay * 0.40),
        Partial(fundamental * 5.40, level * 0.12, decay * 0.18),
    )


SPECS: tuple[SoundSpec, ...] = (
    SoundSpec(
        name="tick",
        length=0.080,
        peak=0.30,
        release=0.030,
        notes=(
            Note(
                at=0.0,
                attack=0.003,
                partials=(
                    Partial(1250.0, 1.0, 0.012),
                    Partial(2500.0, 0.25, 0.006),
                    Partial(625.0, 0.35, 0.020),
                ),
            ),
        ),
        purpose="a soft wooden tick for each of the last seconds of a segment",
    ),
    SoundSpec(
        name="bell",
        length=1.2,
        peak=0.50,
        release=0.25,
        notes=(Note(at=0.0, attack=0.004, partials=_bell_partials(659.25, 1.0, 0.45)),),
        purpose="a single bell as a step starts (the end of the segment before it)",
    ),
    SoundSpec(
        name="chime",
        length=1.45,
        peak=0.50,
        release=0.35,
        notes=(
            Note(at=0.00, attack=0.004, partials=_bell_partials(523.25, 0.8, 0.40)),
            Note(at=0.16, attack=0.004, partials=_bell_partials(659.25, 0.8, 0.40)),
            Note(at=0.32, attack=0.004, partials=_bell_partials(783.99, 0.8, 0.45)),
            Note(at=0.48, attack=0.004, partials=_bell_partials(1046.50, 0.9, 0.55)),
        ),
        purpose="a rising four-note chime when the routine is finished",
    ),
    SoundSpec(
        name="rest",
        length=1.0,
        peak=0.32,
        release=0.35,
        notes=(
            Note(
                at=0.0,
                attack=0.12,
                partials=(
                    Partial(392.0, 1.0, 1.2),
                    Partial(587.33, 0.35, 0.9),
                    Partial(784.0, 0.08, 0.5),
                ),
            ),
        ),
        purpose="a gentle low tone as a rest begins",
    ),
)


def _rise(t: float, seconds: float) -> float:
    """Raised-cosine ramp from 0 (t=0) to 1 (t=seconds)."""
    if t >= seconds:
        return 1.0
    return 0.5 - 0.5 * math.cos(math.pi * t / seconds)


def _note_sample(note: Note, t: float) -> float:
    local = t - note.at
    if local < 0:
        return 0.0
    value = 0.0
    for partial in note.partials:
        level = partial.level
        if partial.decay is not None:
            level *= math.exp(-local / partial.decay)
        value += level * math.sin(2.0 * math.pi * partial.freq * local)
    return value * _rise(local, note.attack)


def synthesise(spec: SoundSpec) -> array[int]:
    """The sound's 16-bit samples: first and last are exactly zero."""
    frames = spec.frames
    last = frames - 1
    release_frames = round(spec.release * RATE)
    raw = []
    for n in range(frames):
        t = n / RATE
        value = sum(_note_sample(note, t) for note in spec.notes)
        left = last - n
        if left < release_frames:
            value *= _rise(left / RATE, spec.release)
        raw.append(value)
    loudest = max(abs(v) for v in raw)
    scale = spec.peak * FULL_SCALE / loudest
    samples = array("h", (round(v * scale) for v in raw))
    # The envelopes are exactly zero at both ends; say so rather than trust rounding.
    samples[0] = 0
    samples[last] = 0
    return samples


def wav_bytes(samples: array[int]) -> bytes:
    """A 16-bit mono WAV file holding ``samples``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        data = array("h", samples)
        if sys.byteorder == "big":
            data.byteswap()
        out.writeframes(data.tobytes())
    return buffer.getvalue()


def render_all() -> dict[str, bytes]:
    """Every cue as WAV file bytes, by name."""
    return {spec.name: wav_bytes(synthesise(spec)) for spec in SPECS}


def main(argv: list[str], echo: Callable[[str], None] = print) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    for spec in SPECS:
        data = wav_bytes(synthesise(spec))
        path = folder / f"{spec.name}.wav"
        path.write_bytes(data)
        echo(f"{path}: {spec.length * 1000:.0f} ms, {spec.purpose}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
