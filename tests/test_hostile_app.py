"""The app's start with every hostile routine file of tests/data/hostile (and those made in
tests/test_hostile_files.py) in the routines folder, and a config nested 500 deep: it starts,
lists the built-ins and each bad file with its one line, shows each one's problems as text,
and refuses to start them. Through Pilot, and once as the real command in tmux (where the
terminal's title must not change)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from coach.showing import printable
from coach.tui.pick import PickScreen
from tests.test_hostile_files import BUILTINS, CASES, _expected, _make
from tests.test_terminal_smoke import Terminal, _coach_command
from tests.tui_helpers import make_app


def _hostile_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in CASES:
        _make(folder, name)
    return folder


def test_the_app_starts_and_shows_every_hostile_file_as_one_line(tmp_path: Path) -> None:
    user = _hostile_folder(tmp_path / "routines")
    harness = make_app(user_dir=user)

    async def go() -> None:
        async with harness.app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = harness.app.screen
            assert isinstance(screen, PickScreen)
            options = screen.query_one("#routines", OptionList)
            assert options.option_count == len(BUILTINS) + len(CASES)
            count = options.option_count
            prompts = [str(options.get_option_at_index(n).prompt) for n in range(count)]
            for name in CASES:
                assert "⚠ " + printable(name) in prompts, name
            for index in range(count):
                options.highlighted = index
                await pilot.pause()
                preview = str(screen.query_one("#preview", Static).render())
                assert "\x1b" not in preview and "\x07" not in preview
            # Each broken one previews its line and does not start.
            for index in range(options.option_count):
                entry = screen._shown[index]
                if entry.routine is not None:
                    continue
                options.highlighted = index
                await pilot.pause()
                preview = str(screen.query_one("#preview", Static).render())
                line = _expected(entry.path.name).split(": ", 1)[1]
                assert line in preview, (entry.path.name, preview)
                await pilot.press("enter")
                await pilot.pause()
                assert isinstance(harness.app.screen, PickScreen)

    asyncio.run(asyncio.wait_for(go(), timeout=120))  # a hang fails, not stalls


def test_the_real_app_starts_among_hostile_files_in_a_terminal(
    tmp_path: Path, coach_home: Path
) -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing: ./dev test installs it")
        pytest.skip("tmux is not installed")
    _hostile_folder(coach_home / "config" / "routines")
    (coach_home / "config" / "config.toml").write_text("rate = " + "[" * 500 + "]" * 500)
    socket = f"coach-test-{uuid.uuid4().hex[:8]}"
    term = Terminal(socket, "hostile")
    status = tmp_path / "status"
    command = f"{_coach_command()}; echo $? > {status}; sleep 60"
    env = {**os.environ, "COACH_HOME": str(coach_home), "TERM": "xterm-256color"}
    subprocess.run(
        ["tmux", "-L", socket, "new-session", "-d", "-s", "hostile", "-x", "100", "-y", "30"]
        + [command],
        check=True,
        env=env,
        timeout=10,
    )
    try:
        term.wait_for("Desk-break posture reset", timeout=30)
        screen = term.wait_for("config.toml")  # the one line about the config, as a notice
        assert "nested" in screen
        assert "Traceback" not in screen
        term.keys("Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down")
        time.sleep(0.5)
        assert "Traceback" not in term.screen()
        title = term.tmux("display-message", "-p", "-t", "hostile", "#{pane_title}")
        assert "PWN" not in title
        term.keys("C-q")
        deadline = time.monotonic() + 15
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10)
