"""The committed sound cues: valid WAVs, no clicks, the intended lengths, and exactly what
``sounds/make_sounds.py`` makes."""

from __future__ import annotations

import importlib.util
import io
import itertools
import sys
import wave
from array import array
from pathlib import Path
from types import ModuleType

import pytest

SOUNDS = Path(__file__).resolve().parent.parent / "sounds"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sounds", SOUNDS / "make_sounds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


make_sounds = _load_script()
NAMES = [spec.name for spec in make_sounds.SPECS]
LENGTH_LIMITS = {
    "tick": (0.060, 0.100),
    "bell": (0.3, 1.5),
    "chime": (0.3, 1.5),
    "rest": (0.3, 1.5),
}


def read(data: bytes) -> tuple[wave._wave_params, array[int]]:
    with wave.open(io.BytesIO(data)) as wav:
        params = wav.getparams()
        samples = array("h", wav.readframes(params.nframes))
    if sys.byteorder == "big":
        samples.byteswap()
    return params, samples


def test_the_four_cues_are_made() -> None:
    assert NAMES == ["tick", "bell", "chime", "rest"]


@pytest.mark.parametrize("name", NAMES)
def test_each_file_is_16_bit_mono_of_its_intended_length(name: str) -> None:
    spec = next(s for s in make_sounds.SPECS if s.name == name)
    params, samples = read((SOUNDS / f"{name}.wav").read_bytes())
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    assert params.nframes == len(samples) == round(spec.length * 22050)
    low, high = LENGTH_LIMITS[name]
    assert low <= params.nframes / params.framerate <= high


@pytest.mark.parametrize("name", NAMES)
def test_each_file_starts_and_ends_at_zero_without_a_click(name: str) -> None:
    _, samples = read((SOUNDS / f"{name}.wav").read_bytes())
    peak = max(abs(s) for s in samples)
    assert samples[0] == 0 and samples[-1] == 0
    # A click is a jump: the first and last millisecond stay well under the peak, rising
    # from (and falling to) zero instead of starting or stopping at full swing.
    ms = 22
    assert max(abs(s) for s in samples[:ms]) < 0.5 * peak
    assert max(abs(s) for s in samples[-ms:]) < 0.05 * peak
    # And nothing clips.
    assert peak < 32767 * 0.9


def test_the_committed_files_are_what_the_script_makes() -> None:
    made = make_sounds.render_all()
    for name in NAMES:
        committed = (SOUNDS / f"{name}.wav").read_bytes()
        if committed == made[name]:
            continue
        # A different libm may round a sample the other way; allow one step, nothing more.
        committed_params, committed_samples = read(committed)
        made_params, made_samples = read(made[name])
        assert committed_params == made_params, name
        worst = max(abs(a - b) for a, b in zip(committed_samples, made_samples, strict=True))
        assert worst <= 1, f"{name}.wav differs from make_sounds.py: run it and commit"


def test_the_script_is_deterministic_and_writes_the_files(tmp_path: Path) -> None:
    lines: list[str] = []
    assert make_sounds.main([str(tmp_path)], echo=lines.append) == 0
    assert len(lines) == 4
    first = {name: (tmp_path / f"{name}.wav").read_bytes() for name in NAMES}
    assert first == make_sounds.render_all()


def test_the_cues_sound_different() -> None:
    """Distinct cues: no two share their loudest frequency region (a crude zero-crossing
    pitch estimate over the first 100 ms)."""

    def crossings(name: str) -> int:
        _, samples = read((SOUNDS / f"{name}.wav").read_bytes())
        window = samples[: int(0.08 * 22050)]
        return sum(1 for a, b in itertools.pairwise(window) if (a < 0) != (b < 0))

    counts = {name: crossings(name) for name in NAMES}
    assert len(set(counts.values())) == len(NAMES), counts
