"""``coach remind --plain`` in a real terminal (tmux): it announces a break within its
interval, takes the answers typed, runs the routine and comes back; and on a real session bus
with a notification service, the notification's button answers it."""

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

from .test_terminal_smoke import SMOKE_ROUTINE, Terminal, _coach_command

SERVICE = Path(__file__).with_name("notification_service.py")


@pytest.fixture
def start(coach_home: Path, tmp_path: Path) -> Iterator[object]:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing: ./dev test installs it")
        pytest.skip("tmux is not installed")
    routines = coach_home / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "smoke.toml").write_text(SMOKE_ROUTINE)
    sockets: list[str] = []

    def start_terminal(command: str, *, bus: bool = False) -> Terminal:
        socket = f"coach-remind-{uuid.uuid4().hex[:8]}"
        sockets.append(socket)
        env = {**os.environ, "COACH_HOME": str(coach_home), "TERM": "xterm-256color"}
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        shell = f"{command}; echo exit=$?; sleep 60"
        if bus:
            shell = f"dbus-run-session -- sh -c '{shell}'"
        subprocess.run(
            ["tmux", "-L", socket, "new-session", "-d", "-s", "remind", "-x", "100", "-y", "30"]
            + [shell],
            check=True,
            env=env,
            timeout=10,
        )
        return Terminal(socket, "remind")

    yield start_terminal
    for socket in sockets:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10)


def test_plain_announces_a_break_within_its_interval_and_takes_answers(start: object) -> None:
    assert callable(start)
    terminal: Terminal = start(f"{_coach_command()} remind --plain --every 2s --routine smoke")
    screen = terminal.wait_for("Reminders on. Next break in 2 s")
    assert "no desktop notifications (no session bus)" in screen
    screen = terminal.wait_for("Time for a break: Smoke test stretch")
    assert "s = start, z = snooze 5 min, k = skip" in screen
    terminal.keys("z", "Enter")
    terminal.wait_for("Snoozed: Next break in 5 min")
    terminal.keys("q", "Enter")
    terminal.wait_for("exit=0")


def test_plain_starts_the_routine_and_comes_back_to_the_timer(start: object) -> None:
    assert callable(start)
    terminal: Terminal = start(f"{_coach_command()} remind --plain --every 2s --routine smoke")
    terminal.wait_for("Time for a break: Smoke test stretch")
    terminal.keys("s", "Enter")
    terminal.wait_for("Smoke test stretch · ")
    terminal.wait_for("Get ready")
    terminal.keys("q", "Enter", "y", "Enter")
    screen = terminal.wait_for("Back to work. Next break in 2 s")
    assert "[stopped]" in screen
    deadline = time.monotonic() + 20
    while terminal.screen().count("Time for a break: Smoke") < 2:
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.1)
    terminal.keys("k", "Enter")
    terminal.wait_for("Skipped. Next break in 2 s")
    terminal.keys("q", "Enter")
    terminal.wait_for("exit=0")
    # The log kept the offers and the answers.
    out = subprocess.run(
        [_coach_command(), "stats"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    [today] = [line for line in out.splitlines() if line.endswith("today")]
    assert today.split() == [
        today.split()[0],
        *["1", "taken", "1", "skipped", "0", "snoozed", "2", "offered"],
        "today",
    ]


def test_on_a_session_bus_the_notifications_button_answers(start: object, tmp_path: Path) -> None:
    assert callable(start)
    if shutil.which("dbus-run-session") is None:
        if os.environ.get("CI"):
            pytest.fail("dbus-run-session is missing: ./dev test installs it")
        pytest.skip("dbus-run-session is not installed")
    record, ready = tmp_path / "shown.jsonl", tmp_path / "ready"
    service = (
        f"{sys.executable} {SERVICE} --record {record} --ready {ready} --press snooze & "
        f"while [ ! -e {ready} ]; do sleep 0.1; done; "
    )
    terminal: Terminal = start(
        service + f"{_coach_command()} remind --plain --every 2s --routine smoke", bus=True
    )
    screen = terminal.wait_for("Reminders on")
    assert "desktop notifications, with start, snooze and skip buttons" in screen
    terminal.wait_for("Time for a break: Smoke test stretch")
    # Nobody types: the service presses the notification's Snooze button.
    terminal.wait_for("Snoozed: Next break in 5 min")
    assert '"summary": "Time for a break"' in record.read_text()
    terminal.keys("q", "Enter")
    terminal.wait_for("exit=0")


def test_ctrl_e_in_the_app_suspends_for_the_editor_and_reloads(
    start: object, tmp_path: Path, coach_home: Path
) -> None:
    assert callable(start)
    editor = tmp_path / "editor"
    editor.write_text(
        "#!/bin/sh\n"
        'sed -i "s/^name = .*/name = \\"Smoke renamed\\"/" "$1"\n'
        f"echo edited > {tmp_path}/edited\n"
    )
    editor.chmod(0o755)
    terminal: Terminal = start(f"EDITOR={editor} {_coach_command()}")
    terminal.wait_for("routines")
    terminal.keys("s", "m", "o", "k", "e")
    terminal.wait_for("Three short steps")
    terminal.keys("Down")  # from the filter to the list
    terminal.keys("C-e")
    screen = terminal.wait_for("Press Enter to go back to coach")
    assert "ok (Smoke renamed, 2 steps)" in screen
    terminal.keys("Enter")
    terminal.keys("Escape")
    terminal.wait_for("Smoke renamed")
    assert (tmp_path / "edited").exists()
    terminal.keys("C-q")
    terminal.wait_for("exit=0")


def test_on_a_session_bus_idle_time_counts_as_a_break(start: object, tmp_path: Path) -> None:
    assert callable(start)
    if shutil.which("dbus-run-session") is None:
        if os.environ.get("CI"):
            pytest.fail("dbus-run-session is missing: ./dev test installs it")
        pytest.skip("dbus-run-session is not installed")
    record, ready = tmp_path / "shown.jsonl", tmp_path / "ready"
    service = (
        f"{sys.executable} {SERVICE} --record {record} --ready {ready} --idle-ms 400000 & "
        f"while [ ! -e {ready} ]; do sleep 0.1; done; "
    )
    terminal: Terminal = start(
        service + f"{_coach_command()} remind --plain --every 2s --routine smoke", bus=True
    )
    screen = terminal.wait_for("Reminders on")
    assert "idle time: from GNOME; time away counts as a break" in screen
    screen = terminal.wait_for("You were away: that counts as a break.")
    assert "Time for a break" not in screen
    terminal.keys("q", "Enter")
    terminal.wait_for("exit=0")
