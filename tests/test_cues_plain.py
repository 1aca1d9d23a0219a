"""`coach run --plain` with voice and sound: the printed lines do not change, whatever the
flags, settings and devices; status lines go to stderr, once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .helpers import timeline

TINY = (
    'name = "Tiny"\nprepare = "1s"\n[[step]]\nname = "Breathe"\nkind = "breathing"\nduration = 1\n'
)
LINES = [
    "Tiny · 0:02",
    " 0:00  Get ready. First: Breathe.",
    " 0:01  Breathe",
    " 0:02  Done. Well done, that was 2 seconds.",
    " 0:02  [completed: 0:02 active, 1 of 1 step done]",
]


def coach(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COACH_HOME": str(home)},
    )


FLAGS = [(), ("--mute",), ("--no-sound",), ("--mute", "--no-sound")]


def test_plain_lines_are_the_same_with_or_without_voice_and_sound(tmp_path: Path) -> None:
    routine = tmp_path / "tiny.toml"
    routine.write_text(TINY, encoding="utf-8")
    # The four runs at once: each is two seconds of mostly waiting.
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "coach", "run", str(routine), "--plain", *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COACH_HOME": str(tmp_path / f"home{n}")},
        )
        for n, flags in enumerate(FLAGS)
    ]
    for flags, run in zip(FLAGS, runs, strict=True):
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, (flags, err)
        assert out.splitlines() == LINES, flags
        notes = err.splitlines()
        assert all(line.startswith("coach: ") for line in notes), (flags, notes)
        assert len(notes) == len(set(notes))  # each said once
        assert "Traceback" not in err


def test_settings_problems_are_reported_and_settings_obeyed(tmp_path: Path) -> None:
    routine = tmp_path / "tiny.toml"
    routine.write_text(TINY, encoding="utf-8")
    config = tmp_path / "home" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("speak = false\nsounds = false\nrate = 'quick'\n", encoding="utf-8")
    result = coach(tmp_path / "home", "run", str(routine), "--plain")
    assert result.returncode == 0
    assert result.stdout.splitlines() == LINES
    assert result.stderr.splitlines() == [
        f'coach: {config}:3: rate: should be a number of words per minute, not "quick"; using 170'
    ]
    # Voice and sound off in the settings: no speech process was started, no cache made.
    assert not (tmp_path / "home" / "cache" / "speech").exists()


def test_a_hung_speech_engine_holds_plain_mode_no_longer_than_the_app(tmp_path: Path) -> None:
    """The same bound as the app's, and the "no voice" line at that moment, before the
    routine's first line (not after "Done")."""
    from coach.settings import AUDIO_READY_WAIT
    from coach.speech import Speech
    from coach.voice_commands import plain_cues

    waits: list[float] = []

    class Hung(Speech):
        def start(self) -> None:
            pass  # never comes up

        def wait_ready(self, timeout: float) -> bool:
            waits.append(timeout)
            return False

    notes: list[str] = []
    plan = timeline(
        'name = "T"\nprepare = 0\n[[step]]\nname = "A"\nkind = "stretch"\nduration = 1\n'
    )
    with plain_cues(
        plan,
        speak=True,
        sounds=False,
        speech_factory=lambda: Hung(cache_dir=tmp_path),
        note=notes.append,
    ):
        told = [line for line in notes if line.startswith("No voice")]
        assert len(told) == 1 and told[0].startswith("No voice yet")
    assert sum(waits) <= AUDIO_READY_WAIT
    assert len([line for line in notes if line.startswith("No voice")]) == 1
