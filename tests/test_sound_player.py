"""The sound player: mixing, stopping, onsets, the null backend, and no device at all."""

from __future__ import annotations

import subprocess
import sys
import time
import wave
from array import array
from collections.abc import Generator, Iterator
from pathlib import Path

import miniaudio
import pytest

from coach import sound
from coach.sound import (
    RATE,
    MixingPlayer,
    SilentPlayer,
    Sound,
    SoundError,
    load_builtin_sounds,
    load_sound,
    mix,
    open_player,
    trim_silence,
)


class FakeDevice:
    """Stands in for miniaudio's device: the test pulls the frames the callback would."""

    backend = "Fake"

    def __init__(self) -> None:
        self.generator: Generator[bytes, int, None] | None = None
        self.closed = False

    def start(self, generator: Generator[bytes, int, None]) -> None:
        self.generator = generator

    def close(self) -> None:
        self.closed = True

    def pull(self, frames: int) -> array[int]:
        assert self.generator is not None
        out = array("h")
        out.frombytes(bytes(self.generator.send(frames)))
        assert len(out) == frames
        return out


def tone(name: str, values: list[int]) -> Sound:
    return Sound(name, array("h", values))


@pytest.fixture
def fake() -> tuple[MixingPlayer, FakeDevice]:
    device = FakeDevice()
    player = MixingPlayer(device, {"a": tone("a", [100] * 10), "b": tone("b", [7] * 4)})  # type: ignore[arg-type]
    return player, device


def test_mix_sums_clips_and_pads() -> None:
    a = array("h", [1000, 30000, -30000, 5])
    b = array("h", [1, 30000, -30000])
    assert list(mix([(a, 1.0), (b, 1.0)], 6)) == [1001, 32767, -32768, 5, 0, 0]
    assert list(mix([(a, 0.5)], 4)) == [500, 15000, -15000, 2]
    assert list(mix([(b, 1.0)], 4)) == [1, 30000, -30000, 0]


def test_overlapping_sounds_mix_rather_than_queue(fake: tuple[MixingPlayer, FakeDevice]) -> None:
    player, device = fake
    first = player.play("a")
    second = player.play("b")
    assert list(device.pull(4)) == [107] * 4  # both at once
    assert first.started_at is not None and first.started_at == second.started_at
    assert second.done and not first.done
    assert list(device.pull(4)) == [100] * 4
    assert list(device.pull(4)) == [100, 100, 0, 0]
    assert first.done
    assert list(device.pull(4)) == [0] * 4


def test_play_returns_before_the_callback_pulls_it(fake: tuple[MixingPlayer, FakeDevice]) -> None:
    player, device = fake
    playing = player.play("a")
    assert playing.started_at is None and not playing.done
    device.pull(2)
    assert playing.started_at is not None and playing.started_at >= playing.requested_at


def test_stop_and_stop_all_silence_at_the_next_period(
    fake: tuple[MixingPlayer, FakeDevice],
) -> None:
    player, device = fake
    first = player.play("a")
    device.pull(2)
    first.stop()
    assert first.done
    assert list(device.pull(2)) == [0, 0]
    player.play("a")
    queued = player.play("b")  # not yet pulled: stop_all reaches it too
    player.stop_all()
    assert list(device.pull(4)) == [0] * 4
    assert queued.done
    later = player.play("b")
    assert list(device.pull(4)) == [7] * 4
    assert later.done


def test_unknown_names_play_nothing_and_a_broken_sound_never_reaches_the_device(
    fake: tuple[MixingPlayer, FakeDevice],
) -> None:
    player, device = fake
    assert player.play("no-such-sound").sound.samples == array("h")
    player.play(Sound("broken", ["not a sample"]))  # type: ignore[arg-type]
    assert list(device.pull(3)) == [0, 0, 0]
    assert player.callback_errors == 1
    player.play("b")
    assert list(device.pull(2)) == [7, 7]  # and it carries on


def test_plays_pcm_buffers_too(fake: tuple[MixingPlayer, FakeDevice]) -> None:
    player, device = fake
    pcm = array("h", [3, -3, 3]).tobytes()
    player.play(Sound.from_pcm("speech", pcm))
    assert list(device.pull(3)) == [3, -3, 3]


@pytest.fixture
def null_player() -> Iterator[MixingPlayer]:
    player = open_player(backends=[miniaudio.Backend.NULL])
    assert isinstance(player, MixingPlayer), player.status_line
    yield player
    player.close()


def wait_done(*handles: sound.Playing, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not all(h.done for h in handles):
        assert time.monotonic() < deadline, "sounds never finished"
        time.sleep(0.01)


def test_the_null_backend_plays_overlapping_cues_together(null_player: MixingPlayer) -> None:
    assert null_player.backend == "Null"
    assert null_player.status_line is None
    bell = null_player.play("bell")
    tick = null_player.play("tick")
    wait_done(bell, tick)
    assert bell.started_at is not None and tick.started_at is not None
    assert bell.ended_at is not None and tick.ended_at is not None
    # Mixed: the tick started while the bell was still sounding and ended long before it.
    assert tick.started_at < bell.ended_at
    assert tick.ended_at < bell.ended_at
    assert null_player.callback_errors == 0


def test_builtin_sounds_all_load() -> None:
    sounds = load_builtin_sounds()
    assert sorted(sounds) == ["bell", "chime", "rest", "tick"]
    assert all(len(s.samples) > 0 for s in sounds.values())


def test_no_device_gives_a_status_line_and_the_bell_not_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_device(*args: object, **kwargs: object) -> None:
        raise miniaudio.MiniaudioError("failed to init device", -401)

    monkeypatch.setattr(miniaudio, "PlaybackDevice", no_device)
    monkeypatch.setattr(sound, "no_output_reason", lambda: None)  # as if sound could go
    rings: list[str] = []
    player = open_player(bell=lambda: rings.append("ding"))
    assert isinstance(player, SilentPlayer)
    assert not player.available
    assert player.status_line == (
        "No sound: no audio device could be opened (failed to open backend device); "
        "using the terminal bell."
    )
    assert player.play("bell").done
    player.play("tick")  # no bell for every countdown second
    player.play("chime")
    assert rings == ["ding", "ding"]
    player.stop_all()
    player.close()
    quiet = open_player()
    assert quiet.status_line is not None and quiet.status_line.endswith("using captions only.")


def test_a_device_that_will_not_start_falls_back_too(monkeypatch: pytest.MonkeyPatch) -> None:
    class WontStart(FakeDevice):
        def start(self, generator: Generator[bytes, int, None]) -> None:
            raise miniaudio.MiniaudioError("failed to start audio device", -402)

    monkeypatch.setattr(miniaudio, "PlaybackDevice", lambda *a, **k: WontStart())
    monkeypatch.setattr(sound, "no_output_reason", lambda: None)
    player = open_player()
    assert isinstance(player, SilentPlayer)
    assert player.status_line is not None
    assert "would not start (failed to start backend device)" in player.status_line


def test_opening_the_real_device_prints_nothing() -> None:
    """With or without a sound card, no ALSA (or other) chatter reaches stderr: Textual
    draws the screen there."""
    probe = (
        "import miniaudio\n"
        "from coach.sound import open_player\n"
        "for backends in (None, [miniaudio.Backend.ALSA]):\n"
        "    player = open_player(backends=backends)\n"
        "    player.play('tick')\n"
        "    player.close()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert (result.stdout, result.stderr) == ("", "")


def write_wav(path: Path, rate: int, channels: int, frames: list[int]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        data = array("h", [v for v in frames for _ in range(channels)])
        out.writeframes(data.tobytes())


def test_files_are_converted_to_mono_at_the_player_rate(tmp_path: Path) -> None:
    path = tmp_path / "stereo44k.wav"
    write_wav(path, 44100, 2, [1000] * 4410)
    loaded = load_sound(path)
    assert loaded.name == "stereo44k"
    assert abs(len(loaded.samples) - RATE // 10) <= 2
    with pytest.raises(SoundError):
        load_sound(tmp_path / "missing.wav")
    (tmp_path / "junk.wav").write_bytes(b"not a wav at all")
    with pytest.raises(SoundError):
        load_sound(tmp_path / "junk.wav")


def test_trim_silence_keeps_the_voice_and_a_margin() -> None:
    margin = round(0.01 * RATE)
    padded = Sound("s", array("h", [0] * 1000 + [5000, -5000] * 100 + [10] * 1000))
    trimmed = trim_silence(padded)
    assert len(trimmed.samples) == 200 + 2 * margin
    assert trimmed.samples[margin] == 5000
    assert len(trim_silence(Sound("quiet", array("h", [0] * 100))).samples) == 0


def test_a_slow_device_is_warm_only_once_it_pulls_steadily(
    fake: tuple[MixingPlayer, FakeDevice], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fake of the slow PulseAudio start: one period as it opens, then a gap, then steady
    pulls. Only then may a routine's clock start."""
    player, device = fake
    moments = iter([0.0, 0.001, 0.002, 1.2, 1.21, 1.22])
    monkeypatch.setattr("coach.sound.time.monotonic", lambda: next(moments))
    assert not player.warm and not player.wait_warm(0)
    device.pull(220)  # the one period it pulls as it opens
    device.pull(220)  # a prefill at once does not count as playing either
    device.pull(220)
    assert not player.wait_warm(0)
    device.pull(220)  # 1.2 s later, it streams
    assert player.wait_warm(0) and player.warm


def test_plain_mode_waits_for_a_slow_device_within_the_one_bound(tmp_path: Path) -> None:
    from coach.settings import AUDIO_READY_WAIT
    from coach.voice_commands import plain_cues

    from .helpers import timeline

    waits: list[float] = []

    class Slow(MixingPlayer):
        def wait_warm(self, timeout: float) -> bool:
            waits.append(timeout)
            return False  # never warms up in time

    notes: list[str] = []
    plan = timeline(
        'name = "T"\nprepare = 0\n[[step]]\nname = "A"\nkind = "stretch"\nduration = 1\n'
    )
    with plain_cues(
        plan,
        speak=False,
        sounds=True,
        player_factory=lambda **_: Slow(FakeDevice(), {}),  # type: ignore[arg-type]
        note=notes.append,
    ):
        assert any(line.startswith("Sound: the audio device did not start") for line in notes)
    assert len(waits) == 1 and 0 < waits[0] <= AUDIO_READY_WAIT
