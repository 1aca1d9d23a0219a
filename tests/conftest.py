"""Shared fixtures: every test gets its own COACH_HOME, so nothing touches real user data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    return home
