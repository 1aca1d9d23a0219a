"""``coach say`` and ``coach voices`` as a person runs them: the real command, espeak-ng, and
for playing a private PulseAudio server with a null sink (no sound card needed), recorded
from the sink's monitor to prove the line was really played."""

from __future__ import annotations

import array
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (./dev installs it)"
)


def coach(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "COACH_HOME": str(home), **env},
    )


# -- what it refuses, in one line, before speaking ---------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["say", ""], "nothing to say"),
        (["say", "   "], "nothing to say"),
        (["say", "--rate", "5", "test"], "from 80 to 450 words per minute"),
        (["say", "--rate", "fast", "test"], "'fast' is not a number"),
        (["say", "--volume", "3", "test"], "from 0.0 to 1.0"),
    ],
)
def test_say_refuses_what_the_settings_refuse(tmp_path: Path, args: list[str], words: str) -> None:
    result = coach(*args, home=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("coach say: error:")
    assert "Traceback" not in result.stderr


def test_an_unknown_voice_is_an_error_not_the_default_in_disguise(tmp_path: Path) -> None:
    out = tmp_path / "x.wav"
    result = coach("say", "test", "--voice", "nonexistent", "--to", str(out), home=tmp_path)
    assert result.returncode == 1
    assert "no voice 'nonexistent'" in result.stderr
    assert not out.exists()
    assert result.stdout == ""


def test_the_voice_from_the_settings_that_is_not_there_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('voice = "nonexistent"\n', encoding="utf-8")
    out = tmp_path / "x.wav"
    result = coach("say", "test", "--to", str(out), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "'nonexistent', is not there: using the default" in result.stderr
    assert "voice default" in result.stdout


def test_no_audio_device_is_not_success(tmp_path: Path) -> None:
    # No sound card here and no PulseAudio server at this address: nothing can play it.
    result = coach("say", "test", home=tmp_path, PULSE_SERVER=f"unix:{tmp_path}/none")
    if result.returncode == 0:  # a machine with a sound card really played it
        assert "played through" in result.stdout
        return
    assert result.returncode == 1
    assert "rendered, but not played" in result.stderr
    assert "handed to the engine" not in result.stdout + result.stderr


# -- voices ----------------------------------------------------------------------------------


def test_voices_marks_the_default_when_none_is_set(tmp_path: Path) -> None:
    listed = coach("voices", home=tmp_path)
    assert listed.returncode == 0, listed.stderr
    marked = [line for line in listed.stdout.splitlines() if line.startswith("* ")]
    assert len(marked) == 2, listed.stdout  # the voice, and the note that explains the mark
    assert marked[0].endswith("[default]")
    config = tmp_path / "config"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('voice = "gmw/en-us"\n', encoding="utf-8")
    chosen = coach("voices", "en", home=tmp_path)
    [mark] = [line for line in chosen.stdout.splitlines() if line.startswith("* ")]
    assert mark.startswith("* gmw/en-us ")


# -- playing, through a real (private) PulseAudio server ------------------------------------


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private PulseAudio daemon with one null sink, ``rec``; yields its PULSE_SERVER."""
    for tool in ("pulseaudio", "pactl", "parec"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (./dev test installs pulseaudio)")
    folder = tmp_path_factory.mktemp("pulse")
    (folder / "home").mkdir()
    (folder / "run").mkdir(mode=0o700)
    socket = folder / "pulse.sock"
    daemon = subprocess.Popen(
        [
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "-n",
            "--use-pid-file=no",
            "--realtime=no",
            "--high-priority=no",
            "--load=module-null-sink sink_name=rec rate=48000 channels=1",
            f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}",
        ],
        env={**os.environ, "HOME": str(folder / "home"), "XDG_RUNTIME_DIR": str(folder / "run")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = f"unix:{socket}"
    env = {**os.environ, "PULSE_SERVER": server}
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.skip("the private PulseAudio daemon did not start")
        subprocess.run(["pactl", "set-default-sink", "rec"], env=env, check=True)
        yield server
    finally:
        daemon.terminate()
        daemon.wait(10)


def rms(raw: bytes) -> float:
    samples = array.array("h", raw[: len(raw) - len(raw) % 2])
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def test_a_short_line_is_played_and_heard_through_pulseaudio(tmp_path: Path, pulse: str) -> None:
    # The device asks for its first frames 0.35-1.4 s after it opens: a short line used to
    # be over by the clock before it began, and was reported as not played.
    for attempt in range(3):
        recording = tmp_path / f"heard-{attempt}.raw"
        with recording.open("wb") as sink:
            monitor = subprocess.Popen(
                ["parec", "-d", "rec.monitor", "--format=s16le", "--rate=48000", "--channels=1"],
                stdout=sink,
                env={**os.environ, "PULSE_SERVER": pulse},
            )
            try:
                result = coach("say", "test", home=tmp_path / "home", PULSE_SERVER=pulse)
            finally:
                monitor.terminate()
                monitor.wait(10)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "played through PulseAudio" in result.stdout
        assert rms(recording.read_bytes()) > 100, "the sink heard nothing"
