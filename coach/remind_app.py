"""``coach remind`` without ``--plain``: the app, with the reminder screen as its home."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from coach.remind import Announcer, BootClock, Offer, Reminders, policy_from
from coach.reminder import Policy, Reminder, Schedule

if TYPE_CHECKING:
    from coach.app import Services
    from coach.log import SessionStore
    from coach.routine import Routine
    from coach.settings import Settings


def _note(line: str) -> None:
    import sys

    print(f"coach: {line}", file=sys.stderr)


def run_remind_app(routine: Routine, policy: Policy, settings: Settings) -> int:
    from coach.cli import _open_log, cmd_app
    from coach.idle import DesktopIdle
    from coach.notify import Notifications
    from coach.timeline import build_timeline

    notifications = Notifications()
    line = notifications.probe()
    _note(line)
    idle = DesktopIdle()
    idle_line = idle.start()
    store = _open_log()
    routine_id = routine.id

    def log(reminder: Reminder) -> None:
        if store is not None and reminder.logged:
            store.log_break(reminder.kind.value, routine_id)

    clock = BootClock()
    announcer = Announcer(
        Offer(routine.name, build_timeline(routine).total, policy.snooze),
        notifications=notifications,
    )
    reminders = Reminders(
        Schedule(policy, clock.now()),
        clock=clock.now,
        announcer=announcer,
        log=log,
        idle=idle.seconds,
    )

    def prepare(services: Services) -> None:
        services.reminders = reminders
        services.remind_routine = routine
        services.remind_home = True
        services.notices.append(line)
        services.notices.append(idle_line)
        audio = services.audio
        if audio is not None:
            # The chime and the spoken line go through the app's own player and voice, once
            # they are open.
            announcer.attach(audio.parts)

    import contextlib
    import sys

    terminal = sys.stdout if sys.stdout.isatty() else None

    def title_stack(code: str) -> None:
        # The screen sets the terminal's title; keep the one it had and give it back after.
        if terminal is not None:
            with contextlib.suppress(OSError, ValueError):
                terminal.write(f"\x1b[{code};0t")
                terminal.flush()

    title_stack("22")
    try:
        return cmd_app(None, prepare=prepare)
    finally:
        title_stack("23")
        notifications.close()
        idle.close()
        if store is not None:
            store.close()


def add_breaks_and_editing(
    services: Services, settings: Settings, *, store: SessionStore | None = None
) -> None:
    """The app's break reminder (on when the settings say so; ``ctrl+r`` toggles it), its
    events kept in ``store`` as ``coach remind`` keeps them, and the editor for ``ctrl+e`` /
    ``ctrl+n``."""
    from coach.authoring import edit_in_terminal
    from coach.catalog import resolve
    from coach.routine import RoutineError
    from coach.timeline import build_timeline

    services.edit = edit_in_terminal
    try:
        routine = resolve(settings.break_routine)
    except RoutineError as error:
        services.reminders_problem = f"break reminders: {error.problems[0]}"
        if settings.break_reminders:  # off, it is said when ctrl+r asks for them
            services.notices.append(services.reminders_problem)
        return
    policy = policy_from(settings.break_every, settings.break_snooze)
    clock = BootClock()
    announcer = Announcer(Offer(routine.name, build_timeline(routine).total, policy.snooze))
    if services.audio is not None:
        announcer.attach(services.audio.parts)
    routine_id = routine.id

    def log(reminder: Reminder) -> None:
        if store is not None and reminder.logged:
            store.log_break(reminder.kind.value, routine_id)

    reminders = Reminders(
        Schedule(policy, clock.now(), on=settings.break_reminders),
        clock=clock.now,
        announcer=announcer,
        log=log,
    )
    services.reminders = reminders
    services.remind_routine = routine
    looked = threading.Event()

    def find_notifications(*, wait: bool) -> None:
        """Look for the desktop's notification and idle-time services once, the first time
        reminders are on: at start (their lines show with the other notices), or on ctrl+r
        (on a thread, so the list never waits for the bus)."""
        if looked.is_set():
            return
        looked.set()
        from coach.notify import Notifications

        def look() -> None:
            from coach.idle import DesktopIdle

            notifications = Notifications()
            line = notifications.probe()
            idle = DesktopIdle()
            idle_line = idle.start()
            if wait:
                services.notices += [line, idle_line]
            if notifications.available:
                announcer.notifications = notifications
            if idle.source is not None:
                reminders.idle = idle.seconds

        if wait:
            look()
        else:
            threading.Thread(target=look, name="coach-notify-probe", daemon=True).start()

    if settings.break_reminders:
        find_notifications(wait=True)
    reminders.on_switched_on = lambda: find_notifications(wait=False)
