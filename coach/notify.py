"""Desktop notifications for the break reminder, through desktop-notifier.

desktop-notifier speaks to the freedesktop notification service on the session bus on Linux
(and to the native centres elsewhere), with buttons where the service offers them. It is an
asyncio library; the reminder's loops are not, so it runs on an event loop of its own, on a
thread of its own, and a button press comes back as a plain call from that thread.

No session bus, no service, a service that hangs: none of it is an error. :meth:`probe`
answers with one line saying what will carry the reminder, and :meth:`send` does nothing
when there is no service.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

_T = TypeVar("_T")

PROBE_WAIT = 3.0
"""Seconds to wait for the notification service to answer at start."""
SEND_WAIT = 3.0

NO_SERVICE_FALLBACK = "the terminal bell, the terminal title and the voice carry the reminder"


class Notifications:
    """One connection to the desktop's notification service (or to none)."""

    def __init__(self, app_name: str = "coach") -> None:
        self._app_name = app_name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._notifier: Any = None
        self.available = False
        """Whether :meth:`probe` found a service."""
        self.buttons = False
        """Whether the service shows buttons (start, snooze, skip) on a notification."""

    def _run(self, coroutine: Coroutine[Any, Any, _T], timeout: float) -> _T:
        assert self._loop is not None
        future: Future[_T] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    def probe(self, timeout: float = PROBE_WAIT) -> str:
        """Look for the notification service; one line saying what will be used."""
        if sys.platform.startswith("linux") and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return f"no desktop notifications (no session bus): {NO_SERVICE_FALLBACK}"
        try:
            from desktop_notifier import Capability, DesktopNotifier
        except ImportError:
            missing = "desktop-notifier is not installed"
            return f"no desktop notifications ({missing}): {NO_SERVICE_FALLBACK}"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="coach-notify", daemon=True
        )
        self._thread.start()

        async def make() -> tuple[Any, frozenset[Any]]:
            notifier = DesktopNotifier(app_name=self._app_name, app_icon=None)
            return notifier, await notifier.get_capabilities()

        try:
            self._notifier, capabilities = self._run(make(), timeout)
        except Exception as error:  # no service is never an error: say so, carry on
            self.close()
            reason = _reason(error)
            return f"no desktop notifications ({reason}): {NO_SERVICE_FALLBACK}"
        self.available = True
        self.buttons = Capability.BUTTONS in capabilities
        how = "with start, snooze and skip buttons" if self.buttons else "without buttons"
        return f"desktop notifications, {how}; also the terminal bell, title and voice"

    def send(
        self,
        title: str,
        message: str,
        actions: Sequence[tuple[str, str]] = (),
        on_action: Callable[[str], None] | None = None,
        *,
        wait: bool = True,
    ) -> bool:
        """Show a notification with buttons (``(key, label)`` pairs) where the service has
        them; ``on_action(key)`` is called from the notifier's thread when one is pressed.
        True when the service took it; with ``wait=False``, when it was handed to the
        notifier's thread (a screen's own loop must not wait on the bus)."""
        if not self.available or self._notifier is None:
            return False
        from desktop_notifier import Button, Urgency

        def pressed(key: str) -> Callable[[], None]:
            return lambda: on_action(key) if on_action is not None else None

        buttons = [Button(label, on_pressed=pressed(key)) for key, label in actions]
        start = pressed(actions[0][0]) if actions else None
        sending = self._notifier.send(
            title,
            message,
            urgency=Urgency.Critical,
            buttons=buttons if self.buttons else (),
            on_clicked=start,
        )
        if not wait:
            assert self._loop is not None
            asyncio.run_coroutine_threadsafe(sending, self._loop)
            return True
        try:
            self._run(sending, SEND_WAIT)
        except Exception:
            return False
        return True

    def close(self) -> None:
        loop, self._loop = self._loop, None
        self.available = False
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(2.0)
        with contextlib.suppress(RuntimeError):
            loop.close()


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "the notification service did not answer"
    text = str(error).strip().splitlines()
    name = text[0] if text else type(error).__name__
    if "ServiceUnknown" in name or "org.freedesktop.Notifications" in name:
        return "no notification service on the session bus"
    return name[:120]
