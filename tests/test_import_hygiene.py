"""The core knows no UI: importing it never pulls in Textual, speech, audio or SQLite."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "coach.durations",
    "coach.text",
    "coach.routine",
    "coach.sourcemap",
    "coach.timeline",
    "coach.session",
    "coach.outcome",
    "coach.clock",
    "coach.catalog",
    "coach.report",
    "coach.schema",
    "coach.plain",
    "coach.settings",
    "coach.cues",
    "coach.player_view",
    "coach.history",
]
FORBIDDEN = ("textual", "rich", "pyttsx3", "miniaudio", "sqlite3", "_sqlite3")


def test_core_imports_without_ui_speech_audio_or_sqlite() -> None:
    probe = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in CORE)
        + f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        + "print(bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
