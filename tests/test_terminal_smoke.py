"""The installed ``coach`` command in a real terminal: tmux types the keys, capture-pane reads
the screen back. Real speech process, real (absent) audio device: nothing may be printed over
the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SMOKE_ROUTINE = """
name = "Smoke test stretch"
description = "Three short steps. Stop and ease off if anything hurts."
tags = ["gentle"]
prepare = "2s"

[[step]]
name = "Shoulder rolls"
kind = "stretch"
duration = "20s"
instructions = "Roll your shoulders slowly back and down."

[[step]]
name = "Neck turn"
kind = "stretch"
duration = "20s"
sides = true
instructions = "Turn your head gently toward the side called."
"""


def _coach_command() -> str:
    beside = Path(sys.executable).with_name("coach")
    found = str(beside) if beside.exists() else shutil.which("coach")
    if found is None:
        pytest.fail("the coach command is not installed (run ./dev test)")
    return found


class Terminal:
    """One tmux session on a private server."""

    def __init__(self, socket: str, name: str) -> None:
        self.socket = socket
        self.name = name

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{shown}")


@pytest.fixture
def terminal(
    tmp_path: Path, coach_home: Path, request: pytest.FixtureRequest
) -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing: ./dev test installs it")
        pytest.skip("tmux is not installed")
    routines = coach_home / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "smoke.toml").write_text(SMOKE_ROUTINE)
    socket = f"coach-test-{uuid.uuid4().hex[:8]}"
    term = Terminal(socket, "smoke")
    status = tmp_path / "status"
    param = getattr(request, "param", "")
    # "ARGS", or ("ARGS", WIDTH, HEIGHT) for another size than 80x24
    args, width, height = (param, 80, 24) if isinstance(param, str) else param
    command = f"{_coach_command()} {args}; echo $? > {status}; sleep 60"
    env = {**os.environ, "COACH_HOME": str(coach_home), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    subprocess.run(
        [
            "tmux",
            "-L",
            socket,
            "new-session",
            "-d",
            "-s",
            "smoke",
            "-x",
            str(width),
            "-y",
            str(height),
            command,
        ],
        check=True,
        env=env,
        timeout=10,
    )
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10)


def test_pick_start_pause_skip_quit_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    screen = terminal.wait_for("routines")
    assert "Desk-break posture reset" in screen
    assert "start" in screen and "filter" in screen

    terminal.keys("s", "m", "o", "k", "e")
    screen = terminal.wait_for("Three short steps")
    assert "Smoke test stretch" in screen
    terminal.keys("Enter")
    screen = terminal.wait_for("GET READY")
    assert "next: Shoulder rolls" in screen

    screen = terminal.wait_for("SHOULDER ROLLS", timeout=10)
    assert "step 1/2" in screen

    terminal.keys("Space")
    screen = terminal.wait_for("PAUSED")
    assert "space to resume" in screen
    time.sleep(1.5)
    assert terminal.screen().count("PAUSED") >= 1
    terminal.keys("Space")
    terminal.wait_for("step 1/2")
    assert "space to resume" not in terminal.screen()

    terminal.keys("n")
    screen = terminal.wait_for("NECK TURN")
    assert "left side" in screen

    terminal.keys("q")
    terminal.wait_for("Stop this routine?")
    terminal.keys("y")
    screen = terminal.wait_for("STOPPED")
    assert "1 of 2 steps done" not in screen  # the first was skipped
    assert "skipped: Shoulder rolls" in screen

    terminal.keys("q")
    status = tmp_path / "status"
    deadline = time.monotonic() + 10
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status.read_text().strip() == "0"
    assert "Traceback" not in terminal.screen()
    assert "ALSA" not in terminal.screen()


@pytest.mark.parametrize("terminal", ["run smoke"], indirect=True)
def test_closing_the_terminal_mid_routine_logs_it_as_interrupted(
    terminal: Terminal, coach_home: Path
) -> None:
    terminal.wait_for("SHOULDER ROLLS", timeout=20)
    time.sleep(1.5)
    terminal.tmux("kill-server")  # the terminal goes away: coach gets SIGHUP
    from coach.log import SessionStore

    deadline = time.monotonic() + 10
    while True:
        with SessionStore.open(coach_home / "data" / "log.sqlite3") as store:
            sessions = store.sessions()
        if (sessions and sessions[0].status != "running") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    [session] = sessions
    assert session.status == "interrupted", session.status
    assert session.ended_utc is not None  # ended the orderly way, not found dead
    assert session.active_seconds > 3.0  # the get-ready and part of the first step


@pytest.mark.parametrize("terminal", ["run smoke --mute --no-sound"], indirect=True)
def test_mute_and_no_sound_are_honoured_by_the_app(terminal: Terminal) -> None:
    screen = terminal.wait_for("SHOULDER ROLLS", timeout=20)
    assert "voice and sound off" in screen


@pytest.mark.parametrize("terminal", [("", 40, 12)], indirect=True)
def test_typing_at_the_list_filters_and_never_quits_at_40x12(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.wait_for("routines")
    terminal.keys("q", "u", "a", "d")
    screen = terminal.wait_for("quad")
    assert "f1 help" in screen and "^q quit" in screen
    time.sleep(0.5)
    assert not (tmp_path / "status").exists(), "typing q did not quit"
    terminal.keys("Escape", "Tab")
    screen = terminal.wait_for("? help")
    assert "q quit" in screen
    terminal.keys("?")
    terminal.wait_for("Keys")
    terminal.keys("Escape")
    terminal.wait_for("? help")
    terminal.keys("q")
    status = tmp_path / "status"
    deadline = time.monotonic() + 10
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status.read_text().strip() == "0"
