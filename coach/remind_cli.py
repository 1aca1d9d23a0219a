"""``coach remind``: wiring the break reminder to the terminal, the speech and sound, the
desktop's notifications and the log. ``coach.cli`` imports this only for ``remind``."""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from coach.remind import (
    PLAIN_HELP,
    Announcer,
    BootClock,
    Offer,
    Reminders,
    format_wait,
    policy_from,
    run_plain,
)
from coach.reminder import Reminder, Schedule

if TYPE_CHECKING:
    from coach.log import SessionStore
    from coach.routine import Routine
    from coach.settings import Settings


def _note(line: str) -> None:
    print(f"coach: {line}", file=sys.stderr)


def cmd_remind(
    *,
    plain: bool,
    every: float | None,
    snooze: float | None,
    routine_ref: str | None,
    install: bool = False,
) -> int:
    from coach.catalog import resolve
    from coach.routine import RoutineError
    from coach.settings import load_settings

    if install:
        from pathlib import Path

        from coach.autostart import install_unit
        from coach.catalog import looks_like_path

        if routine_ref is not None:
            # Checked now: a unit naming a routine that does not load would fail and restart
            # for ever, out of sight. A path is made absolute (the unit runs from home).
            try:
                resolve(routine_ref)
            except RoutineError as error:
                for bad in error.problems:
                    _note(str(bad))
                return 1
            if looks_like_path(routine_ref) or Path(routine_ref).is_file():
                routine_ref = str(Path(routine_ref).resolve())
        return install_unit(every=every, snooze=snooze, routine=routine_ref)
    settings, problems = load_settings()
    for problem in problems:
        _note(problem)
    ref = routine_ref or settings.break_routine
    try:
        routine = resolve(ref)
    except RoutineError as error:
        for bad in error.problems:
            _note(str(bad))
        return 1
    policy = policy_from(
        every if every is not None else settings.break_every,
        snooze if snooze is not None else settings.break_snooze,
    )
    if not plain:
        if not sys.stdin.isatty() or not sys.stdout.isatty():
            _note("the reminder screen needs a terminal; use `coach remind --plain`")
            return 2
        from coach.remind_app import run_remind_app

        return run_remind_app(routine, policy, settings)
    return _plain(routine, policy, settings)


@contextlib.contextmanager
def _break_log() -> Iterator[SessionStore | None]:
    from coach.cli import _open_log

    store = _open_log()
    try:
        yield store
    finally:
        if store is not None:
            store.close()


def _plain(routine: Routine, policy: object, settings: Settings) -> int:
    from coach.clock import MonotonicClock
    from coach.notify import Notifications
    from coach.plain import _EOF, _read_lines
    from coach.reminder import Policy
    from coach.sound import open_player
    from coach.speech import Speech, VoiceSpec
    from coach.timeline import build_timeline

    assert isinstance(policy, Policy)
    timeline = build_timeline(routine)
    routine_id = routine.id
    inbox: queue.Queue[object] = queue.Queue()
    from coach.idle import DesktopIdle

    notifications = Notifications()
    _note(notifications.probe())
    idle = DesktopIdle()
    _note(idle.start())
    out = sys.stdout
    terminal = out if out.isatty() else None
    player = open_player() if settings.sounds or settings.speak else None
    speech: Speech | None = None
    if settings.speak:
        speech = Speech()
        speech.start()
    announcer = Announcer(
        Offer(routine.name, timeline.total, policy.snooze),
        terminal=terminal,
        player=player,
        speech=speech,
        voice=VoiceSpec.from_settings(settings),
        notifications=notifications,
        on_action=inbox.put,
        chime=settings.sounds,
    )
    if terminal is not None:
        terminal.write("\x1b[22;0t")  # keep the terminal's own title, to give it back
    with _break_log() as store:

        def log(reminder: Reminder) -> None:
            if store is not None and reminder.logged:
                store.log_break(reminder.kind.value, routine_id)

        def run_routine(commands: queue.Queue[object] | None) -> None:
            from coach.cli import _session_log
            from coach.plain import run_plain as run_routine_plain
            from coach.voice_commands import plain_cues

            session_store, record = _session_log(timeline)
            try:
                with plain_cues(timeline) as listeners:
                    run_routine_plain(
                        timeline,
                        clock=MonotonicClock(),
                        out=out,
                        commands=commands,
                        listeners=[*listeners, *record],
                    )
            finally:
                if session_store is not None:
                    session_store.close()

        reader = threading.Thread(target=_read_lines, args=(sys.stdin, inbox), daemon=True)
        reader.start()
        clock = BootClock()
        reminders = Reminders(
            Schedule(policy, clock.now()),
            clock=clock.now,
            announcer=announcer,
            log=log,
            idle=idle.seconds,
        )
        print(
            f"coach remind: a break every {format_wait(policy.every)} of work "
            f"({routine.name}); snooze {format_wait(policy.snooze)}. Ctrl+C or q to stop."
        )
        if sys.stdin.isatty():
            print(PLAIN_HELP)
        sys.stdout.flush()
        try:
            announcer.prepare()
            return run_plain(
                reminders, out=out, inbox=inbox, run_routine=run_routine, end_of_input=_EOF
            )
        except KeyboardInterrupt:
            return 0
        finally:
            if terminal is not None:
                with contextlib.suppress(OSError, ValueError):
                    terminal.write("\x1b[23;0t")
                    terminal.flush()
            notifications.close()
            idle.close()
            if speech is not None:
                speech.close()
            if player is not None:
                player.close()
