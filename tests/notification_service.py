"""A minimal freedesktop notification service (org.freedesktop.Notifications) for tests,
and with ``--idle-ms`` GNOME's idle monitor (org.gnome.Mutter.IdleMonitor) too.

Run on a real session bus (``dbus-run-session``, or a ``dbus-daemon --session`` a test
starts), it answers as a desktop's notification daemon would: capabilities with buttons, an
id per notification. It writes each notification it gets as a JSON line to ``--record``, and
with ``--press KEY`` presses that button a moment after showing it, as a person would.
No desktop here can show a notification, so this stands in for the daemon's drawing only:
the bus, the protocol and desktop-notifier's side of it are the real ones.
"""

import argparse
import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from dbus_fast import BusType
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method, signal

_F = TypeVar("_F", bound=Callable[..., Any])


def typed(returns: str | None, **params: str) -> Callable[[_F], _F]:
    """Give a method its D-Bus signature the way dbus-fast reads it (its annotations), without
    writing D-Bus type strings as Python annotations."""

    def wrap(function: _F) -> _F:
        function.__annotations__ = {**params, "return": returns}
        return function

    return wrap


class Notifications(ServiceInterface):
    def __init__(self, record: Path, press: str | None) -> None:
        super().__init__("org.freedesktop.Notifications")
        self._record = record
        self._press = press
        self._next = 0

    @method(name="GetCapabilities")
    @typed("as")
    def get_capabilities(self):  # type: ignore[no-untyped-def]
        return ["actions", "body"]

    @method(name="GetServerInformation")
    @typed("ssss")
    def get_server_information(self):  # type: ignore[no-untyped-def]
        return ["coach-test-notifications", "coach", "1.0", "1.2"]

    @method(name="Notify")
    @typed(
        "u",
        app_name="s",
        replaces_id="u",
        app_icon="s",
        summary="s",
        body="s",
        actions="as",
        hints="a{sv}",
        expire_timeout="i",
    )
    def notify(  # type: ignore[no-untyped-def]
        self, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout
    ):
        self._next += 1
        ident = self._next
        labels = dict(zip(actions[::2], actions[1::2], strict=False))
        entry: dict[str, Any] = {
            "app": app_name,
            "summary": summary,
            "body": body,
            "buttons": [label for key, label in labels.items() if key != "default"],
        }
        with self._record.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(entry) + "\n")
        if self._press is not None:
            wanted = [key for key, label in labels.items() if label.lower() == self._press]
            if wanted:
                asyncio.get_running_loop().call_later(0.3, self._pressed, ident, wanted[0])
        return ident

    def _pressed(self, ident: int, key: str) -> None:
        self.action_invoked(ident, key)
        self.notification_closed(ident, 2)

    @method(name="CloseNotification")
    @typed(None, ident="u")
    def close_notification(self, ident):  # type: ignore[no-untyped-def]
        self.notification_closed(ident, 3)

    @signal(name="ActionInvoked")
    @typed("us", ident="u", key="s")
    def action_invoked(self, ident, key):  # type: ignore[no-untyped-def]
        return [ident, key]

    @signal(name="NotificationClosed")
    @typed("uu", ident="u", reason="u")
    def notification_closed(self, ident, reason):  # type: ignore[no-untyped-def]
        return [ident, reason]


class IdleMonitor(ServiceInterface):
    """GNOME's idle monitor, answering a fixed idle time."""

    def __init__(self, idle_ms: int) -> None:
        super().__init__("org.gnome.Mutter.IdleMonitor")
        self._idle_ms = idle_ms

    @method(name="GetIdletime")
    @typed("t")
    def get_idletime(self):  # type: ignore[no-untyped-def]
        return self._idle_ms


async def serve(
    record: Path, press: str | None, ready: Path | None, idle_ms: int | None = None
) -> None:
    bus = await MessageBus(bus_type=BusType.SESSION).connect()
    bus.export("/org/freedesktop/Notifications", Notifications(record, press))
    await bus.request_name("org.freedesktop.Notifications")
    if idle_ms is not None:
        bus.export("/org/gnome/Mutter/IdleMonitor/Core", IdleMonitor(idle_ms))
        await bus.request_name("org.gnome.Mutter.IdleMonitor")
    if ready is not None:
        ready.write_text("ready")
    await bus.wait_for_disconnect()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", type=Path, required=True)
    parser.add_argument("--press", help="the label of a button to press, e.g. snooze")
    parser.add_argument("--ready", type=Path, help="a file written once the name is ours")
    parser.add_argument("--idle-ms", type=int, help="also be GNOME's idle monitor, this idle")
    args = parser.parse_args()
    asyncio.run(serve(args.record, args.press, args.ready, args.idle_ms))


if __name__ == "__main__":
    main()
