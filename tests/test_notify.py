"""Desktop notifications against a real session bus (a ``dbus-daemon --session`` started
here, with the minimal notification service of ``tests/notification_service.py`` on it),
against a bus with no service, and with no bus at all. None of them is an error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.notify import Notifications
from coach.remind import ACTIONS

SERVICE = Path(__file__).with_name("notification_service.py")


def _need(program: str) -> None:
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing: ./dev test installs it")
        pytest.skip(f"{program} is not installed")


def _wait_for(path: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} never appeared")
        time.sleep(0.05)


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus; its address is set in the environment."""
    _need("dbus-daemon")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        assert address.startswith("unix:")
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address
    finally:
        daemon.terminate()
        daemon.wait(10)


def start_service(
    tmp_path: Path, press: str | None = None, idle_ms: int | None = None
) -> tuple[subprocess.Popen[bytes], Path]:
    record, ready = tmp_path / "notifications.jsonl", tmp_path / "ready"
    args = [sys.executable, str(SERVICE), "--record", str(record), "--ready", str(ready)]
    if press:
        args += ["--press", press]
    if idle_ms is not None:
        args += ["--idle-ms", str(idle_ms)]
    service = subprocess.Popen(args)
    _wait_for(ready)
    return service, record


def test_no_bus_is_one_line_and_sending_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    notifications = Notifications()
    line = notifications.probe()
    assert line.startswith("no desktop notifications (no session bus)")
    assert "terminal bell" in line and "\n" not in line
    assert not notifications.available
    assert notifications.send("Time for a break", "Desk-break") is False
    notifications.close()


def test_a_bus_without_a_notification_service_is_one_line(session_bus: str) -> None:
    notifications = Notifications()
    line = notifications.probe()
    assert line.startswith("no desktop notifications (")
    assert "\n" not in line and "Traceback" not in line
    assert notifications.send("Time for a break", "Desk-break") is False
    notifications.close()


def test_a_bus_address_that_leads_nowhere_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/gone")
    notifications = Notifications()
    assert notifications.probe().startswith("no desktop notifications (")
    notifications.close()


def test_a_notification_with_buttons_reaches_the_service_and_a_press_comes_back(
    session_bus: str, tmp_path: Path
) -> None:
    service, record = start_service(tmp_path, press="snooze")
    notifications = Notifications()
    try:
        line = notifications.probe()
        assert line.startswith("desktop notifications, with start, snooze and skip buttons")
        pressed: list[str] = []
        got = threading.Event()

        def on_action(key: str) -> None:
            pressed.append(key)
            got.set()

        assert notifications.send(
            "Time for a break", "Desk-break posture reset, 4:35.", ACTIONS, on_action
        )
        assert got.wait(10)
        assert pressed == ["snooze"]
        [shown] = [json.loads(line) for line in record.read_text().splitlines()]
        assert shown == {
            "app": "coach",
            "summary": "Time for a break",
            "body": "Desk-break posture reset, 4:35.",
            "buttons": ["Start now", "Snooze", "Skip"],
        }
    finally:
        notifications.close()
        service.terminate()
        service.wait(10)


def test_idle_time_from_gnomes_idle_monitor_on_the_bus(session_bus: str, tmp_path: Path) -> None:
    from coach.idle import DesktopIdle

    service, _ = start_service(tmp_path, idle_ms=400_000)
    idle = DesktopIdle()
    try:
        line = idle.start()
        assert line == "idle time: from GNOME; time away counts as a break"
        assert idle.seconds() == 400.0
    finally:
        idle.close()
        service.terminate()
        service.wait(10)


def test_no_idle_service_is_one_line_and_no_answer(
    session_bus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.idle import DesktopIdle

    # No system bus here either: a path that leads nowhere.
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/system_bus_socket")
    idle = DesktopIdle()
    assert idle.start() == "idle time: not reported here; only the clock counts"
    assert idle.seconds() is None
    idle.close()


def test_the_announcement_does_not_wait_for_a_slow_notification_service() -> None:
    """The reminder screen announces from the app's own loop: a service that takes its time
    must not freeze the screen (the send waited up to 3 s, then gave up on it)."""
    import asyncio

    from coach.remind import Announcer, Offer
    from coach.reminder import Kind, Reminder

    started, finished = threading.Event(), threading.Event()
    notifications = Notifications()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    release = asyncio.Event()

    class SlowNotifier:
        async def send(self, *args: object, **kwargs: object) -> None:
            started.set()
            await release.wait()
            finished.set()

    notifications._loop, notifications._thread = loop, thread
    notifications._notifier, notifications.available = SlowNotifier(), True
    try:
        announcer = Announcer(Offer("Desk-break", 275, 300), notifications=notifications)
        announcer.announce(Reminder(Kind.OFFERED, 0.0))  # returns with the service busy
        assert started.wait(10)
        assert not finished.is_set()
        loop.call_soon_threadsafe(release.set)
        assert finished.wait(10), "the notification was given up on"
    finally:
        notifications.close()
