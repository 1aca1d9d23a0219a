"""How long the person has been away from keyboard and mouse, where the desktop says.

Asked over D-Bus (dbus-fast, which desktop-notifier brings), in this order:

- GNOME: ``org.gnome.Mutter.IdleMonitor.GetIdletime`` on the session bus (milliseconds);
- KDE, Xfce and others with the freedesktop screensaver service:
  ``org.freedesktop.ScreenSaver.GetSessionIdleTime`` on the session bus (seconds);
- systemd-logind: the session's ``IdleHint`` and ``IdleSinceHintMonotonic`` on the system
  bus (set by desktops that report idleness to logind).

Elsewhere (SSH, a bare terminal, macOS, Windows) there is no answer and idle time plays no
part: the reminder counts work by the clock alone. Polled every few seconds on a thread of
its own; :meth:`DesktopIdle.seconds` returns the latest answer at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

POLL = 5.0
ASK_WAIT = 2.0


class DesktopIdle:
    """The desktop's idle time, polled."""

    def __init__(self, poll: float = POLL) -> None:
        self._poll = poll
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._latest: float | None = None
        self.source: str | None = None
        """Which service answers ("GNOME", "the freedesktop screensaver", "logind")."""
        self._ask: Callable[[], Awaitable[float | None]] | None = None
        self._buses: list[Any] = []
        self._polling: Any = None

    def start(self, timeout: float = ASK_WAIT * 3) -> str:
        """Find a service that answers; one line saying what idle time will do."""
        try:
            import dbus_fast  # noqa: F401
        except ImportError:
            return "idle time: not known here (no D-Bus library)"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="coach-idle", daemon=True
        )
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._find(), self._loop)
        try:
            found = future.result(timeout)
        except Exception:
            found = False
        if not found:
            self.close()
            return "idle time: not reported here; only the clock counts"
        self._polling = asyncio.run_coroutine_threadsafe(self._keep_polling(), self._loop)
        return f"idle time: from {self.source}; time away counts as a break"

    async def _find(self) -> bool:
        from dbus_fast import BusType, Message, MessageType
        from dbus_fast.aio import MessageBus

        async def bus(kind: Any) -> Any:
            connected = await asyncio.wait_for(MessageBus(bus_type=kind).connect(), ASK_WAIT)
            self._buses.append(connected)
            return connected

        def asker(
            connection: Any, message: Callable[[], Any], value: Callable[[list[Any]], float | None]
        ) -> Callable[[], Awaitable[float | None]]:
            async def ask() -> float | None:
                reply = await asyncio.wait_for(connection.call(message()), ASK_WAIT)
                if reply is None or reply.message_type != MessageType.METHOD_RETURN:
                    return None
                return value(reply.body)

            return ask

        candidates: list[tuple[str, Callable[[], Awaitable[float | None]]]] = []
        if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            with contextlib.suppress(Exception):
                session = await bus(BusType.SESSION)
                candidates.append(
                    (
                        "GNOME",
                        asker(
                            session,
                            lambda: Message(
                                destination="org.gnome.Mutter.IdleMonitor",
                                path="/org/gnome/Mutter/IdleMonitor/Core",
                                interface="org.gnome.Mutter.IdleMonitor",
                                member="GetIdletime",
                            ),
                            lambda body: float(body[0]) / 1000.0,
                        ),
                    )
                )
                candidates.append(
                    (
                        "the freedesktop screensaver",
                        asker(
                            session,
                            lambda: Message(
                                destination="org.freedesktop.ScreenSaver",
                                path="/org/freedesktop/ScreenSaver",
                                interface="org.freedesktop.ScreenSaver",
                                member="GetSessionIdleTime",
                            ),
                            lambda body: float(body[0]),
                        ),
                    )
                )
        with contextlib.suppress(Exception):
            system = await bus(BusType.SYSTEM)

            def logind(body: list[Any]) -> float | None:
                idle, since = body[0]
                if not idle.value:
                    return 0.0
                now_us = time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6
                return max(0.0, (now_us - float(since.value)) / 1e6)

            async def ask_logind() -> float | None:
                def get(name: str) -> Any:
                    return Message(
                        destination="org.freedesktop.login1",
                        path="/org/freedesktop/login1/session/auto",
                        interface="org.freedesktop.DBus.Properties",
                        member="Get",
                        signature="ss",
                        body=["org.freedesktop.login1.Session", name],
                    )

                replies = [
                    await asyncio.wait_for(system.call(get(name)), ASK_WAIT)
                    for name in ("IdleHint", "IdleSinceHintMonotonic")
                ]
                if any(r is None or r.message_type != MessageType.METHOD_RETURN for r in replies):
                    return None
                return logind([replies[0].body[0], replies[1].body[0]])

            candidates.append(("logind", ask_logind))
        for name, ask in candidates:
            try:
                value = await ask()
            except Exception:
                continue
            if value is not None:
                self.source, self._ask, self._latest = name, ask, value
                return True
        return False

    async def _keep_polling(self) -> None:
        while self._ask is not None:
            await asyncio.sleep(self._poll)
            try:
                self._latest = await self._ask()
            except Exception:
                self._latest = None

    def seconds(self) -> float | None:
        """Seconds since the last input, as last reported; None where nothing reports it."""
        return self._latest

    def close(self) -> None:
        self._ask = None
        loop, self._loop = self._loop, None
        if loop is None:
            return

        async def shut_down() -> None:
            if self._polling is not None:
                self._polling.cancel()
                await asyncio.sleep(0)
            for bus in self._buses:
                with contextlib.suppress(Exception):
                    bus.disconnect()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shut_down(), loop).result(2.0)
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(2.0)
        with contextlib.suppress(RuntimeError):
            loop.close()
