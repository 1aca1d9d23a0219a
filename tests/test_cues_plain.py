"""`coach run --plain` with voice and sound: the printed lines do not change, whatever the
flags, settings and devices; status lines go to stderr, once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TINY = (
    'name = "Tiny"\nprepare = "1s"\n[[step]]\nname = "Breathe"\nkind = "breathing"\nduration = 1\n'
)
LINES = [
    "Tiny · 0:02",
    " 0:00  Get ready. First: Breathe.",
    " 0:01  Breathe",
    " 0:02  Done. Well done, that was 2 seconds.",
]


def coach(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COACH_HOME": str(home)},
    )


@pytest.mark.parametrize(
    "flags", [(), ("--mute",), ("--no-sound",), ("--mute", "--no-sound")], ids=str
)
def test_plain_lines_are_the_same_with_or_without_voice_and_sound(
    tmp_path: Path, flags: tuple[str, ...]
) -> None:
    routine = tmp_path / "tiny.toml"
    routine.write_text(TINY, encoding="utf-8")
    result = coach(tmp_path / "home", "run", str(routine), "--plain", *flags)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == LINES
    notes = result.stderr.splitlines()
    assert all(line.startswith("coach: ") for line in notes), notes
    assert len(notes) == len(set(notes))  # each said once
    assert "Traceback" not in result.stderr


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
