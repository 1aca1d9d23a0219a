"""The ``coach`` command.

Kept light on purpose: ``coach --help`` and ``coach list`` import neither Textual nor the
speech and sound libraries, so they answer at once. Each subcommand imports what it needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from coach import __version__

# Not `from typing import TYPE_CHECKING`, nor pathlib at the top: `coach --help` needs
# neither, and importing them was most of what it cost beyond argparse.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime, timedelta
    from pathlib import Path

    from coach.app import Services
    from coach.history import SessionRecord
    from coach.log import SessionStore
    from coach.plain import Listener
    from coach.session import Event
    from coach.timeline import Timeline

DESCRIPTION = "A terminal coach for timed stretch, strength and self-massage routines."
EPILOG = """\
With no command, coach opens the app: pick a routine and follow it.
Routines: the built-in ones, and your own .toml files in the folder `coach paths` prints.
COACH_HOME=DIR moves all of coach's files (config, routines, log) under DIR."""


ROUTINE_HELP = "a routine id (`coach list`) or a routine file (.toml)"

MORE_COMMANDS = ("remind", "new", "edit", "import")
"""The commands :mod:`coach.cli_more` parses and runs (break reminders, authoring)."""

LOG_LIMIT = 20
"""Sessions ``coach log`` lists when not told otherwise."""


def _day(text: str) -> object:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-01") from None


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


LIMIT_MAX = 1_000_000
"""The most sessions ``coach log --limit`` takes (SQLite's own bound is 2**63)."""
WEEKS_MAX = 26
"""The most weeks ``coach stats`` lists, one line each (half a year)."""


def _count(maximum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
        if value > maximum:
            shown = text if len(text) <= 20 else text[:17] + "..."
            raise argparse.ArgumentTypeError(f"{shown!r} is more than {maximum}")
        return value

    return parse


def _words(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError('nothing to say: give the words, e.g. "Breathe out"')
    return text


def _setting(name: str, kind: Callable[[str], object]) -> Callable[[str], object]:
    """An option checked by the same rule as the setting ``name`` in ``config.toml``."""

    def parse(text: str) -> object:
        from coach.settings import check_setting

        try:
            return check_setting(name, kind(text))
        except ValueError as error:
            message = str(error) if str(error).startswith(name) else f"{text!r} is not a number"
            raise argparse.ArgumentTypeError(message) from None

    parse.__name__ = name  # argparse names the type in its own messages
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    listed = sub.add_parser("list", help="list the routines: id, name, length, tags")
    listed.add_argument(
        "--ids", action="store_true", help="only the ids, one a line (for scripts and completion)"
    )

    show = sub.add_parser("show", help="show a routine's steps, times and total length")
    show.add_argument("routine", metavar="ID|PATH", help=ROUTINE_HELP)
    show.add_argument("--timeline", action="store_true", help="also list every segment and cue")

    validate = sub.add_parser("validate", help="check routine files (exit 1 if any is broken)")
    validate.add_argument(
        "paths", metavar="PATH", nargs="+", help="a routine file, or a folder of them"
    )
    validate.add_argument(
        "-r", "--recursive", action="store_true", help="in folders, look in subfolders too"
    )

    run = sub.add_parser("run", help="follow a routine (the app, or --plain text)")
    run.add_argument("routine", metavar="ID|PATH", help=ROUTINE_HELP)
    run.add_argument(
        "--plain",
        action="store_true",
        help="plain text, one line per cue, for screen readers, dumb terminals and pipes",
    )
    run.add_argument("--mute", action="store_true", help="no voice this time")
    run.add_argument(
        "--no-sound",
        action="store_true",
        help="no ticks, bells or chimes this time; the countdown is spoken",
    )

    voices = sub.add_parser("voices", help="list the voices the speech engine has")
    voices.add_argument(
        "match", metavar="TEXT", nargs="?", help="only voices whose id, name or language has TEXT"
    )

    say = sub.add_parser("say", help="speak a line, to check the voice and sound set-up")
    say.add_argument("text", metavar="TEXT", type=_words, help="the words to speak")
    say.add_argument("--to", metavar="FILE.wav", type=_path, help="write the speech to a file")
    say.add_argument("--voice", metavar="ID", help="a voice id from `coach voices`")
    say.add_argument(
        "--rate", type=_setting("rate", int), metavar="WPM", help="words per minute, 80 to 450"
    )
    say.add_argument(
        "--volume", type=_setting("volume", float), metavar="0-1", help="volume, 0.0 to 1.0"
    )

    log = sub.add_parser("log", help="the sessions you have done, newest first")
    log.add_argument(
        "--since", type=_day, metavar="DATE", help="only from this local date on (YYYY-MM-DD)"
    )
    log.add_argument("--routine", metavar="ID", help="only sessions of this routine")
    log.add_argument(
        "--limit",
        type=_count(LIMIT_MAX),
        metavar="N",
        help=f"at most N sessions (default {LOG_LIMIT})",
    )
    log.add_argument("--all", action="store_true", help="every session that matches")

    stats = sub.add_parser(
        "stats", help="streaks, totals, per routine, per week, back feel before and after"
    )
    stats.add_argument(
        "--weeks",
        type=_count(WEEKS_MAX),
        default=8,
        metavar="N",
        help=f"weeks to list (default 8, at most {WEEKS_MAX})",
    )

    export = sub.add_parser("export", help="every session, one row each, as CSV or JSON")
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="default csv")
    export.add_argument(
        "--output", "-o", type=_path, metavar="FILE", help="write to FILE, not standard output"
    )
    export.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (never a link's target)"
    )

    from coach.cli_more import add_more_commands

    add_more_commands(sub)

    sub.add_parser("schema", help="print the JSON Schema of the routine format")
    sub.add_parser("paths", help="print where coach keeps its files")

    completion = sub.add_parser(
        "completion",
        help="print the shell completion script for bash, zsh or fish (see the README)",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="bash, zsh or fish")
    sub.add_parser("man", help="print coach's manual page, coach(1), in roff")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(parser, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `coach list | head`: the reader left; that is not an error worth a traceback.
        sys.stderr.close()
        return 0


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    command = args.command
    if command == "list":
        return cmd_list(ids=args.ids)
    if command == "show":
        return cmd_show(args.routine, timeline=args.timeline)
    if command == "validate":
        return cmd_validate(args.paths, recursive=args.recursive)
    if command == "run":
        return cmd_run(args.routine, plain=args.plain, mute=args.mute, no_sound=args.no_sound)
    if command == "voices":
        from coach.voice_commands import cmd_voices

        return cmd_voices(args.match)
    if command == "say":
        from coach.voice_commands import cmd_say

        return cmd_say(args.text, to=args.to, voice=args.voice, rate=args.rate, volume=args.volume)
    if command == "log":
        return cmd_log(
            since=args.since, routine=args.routine, limit=args.limit, everything=args.all
        )
    if command == "stats":
        return cmd_stats(weeks=args.weeks)
    if command == "export":
        return cmd_export(args.format, output=args.output, force=args.force)
    if command in MORE_COMMANDS:
        from coach.cli_more import run_more_command

        return run_more_command(args)
    if command == "schema":
        return cmd_schema()
    if command == "paths":
        return cmd_paths()
    if command == "completion":
        from coach.shell import completion_script

        sys.stdout.write(completion_script(build_parser(), args.shell))
        return 0
    if command == "man":
        from coach.shell import manual_page

        sys.stdout.write(manual_page(build_parser(), DESCRIPTION))
        return 0
    return cmd_app()


def _error(message: str) -> None:
    from coach.showing import printable

    print(f"coach: {printable(message)}", file=sys.stderr)


def cmd_list(*, ids: bool = False) -> int:
    from coach.durations import format_total
    from coach.listing import listing
    from coach.showing import printable
    from coach.text import cell_len, fit

    items = listing()
    if ids:
        print("\n".join(printable(item.id) for item in items if item.error is None))
        return 0
    if not items:
        print("no routines found")
        return 0
    # File names are anybody's, and the cache is a file: nothing here drives the terminal.
    shown_ids = [printable(item.id) for item in items]
    width = max(cell_len(shown) for shown in shown_ids)
    good = [item for item in items if item.error is None]
    name_width = max((cell_len(printable(item.name)) for item in good), default=10)
    for shown_id, item in zip(shown_ids, items, strict=True):
        if item.error is not None:
            # A broken copy of a built-in: say why the built-in is missing from the list.
            hides = f" (hides the built-in {shown_id})" if item.hides_builtin else ""
            print(f"{fit(shown_id, width)}  broken: {printable(item.error)}{hides}")
            continue
        length = format_total(item.total, item.open_steps)
        tags = printable(", ".join(item.tags))
        mine = "" if item.builtin else "  (yours)"
        name = printable(item.name)
        print(f"{fit(shown_id, width)}  {fit(name, name_width)}  {length:>7}  {tags}{mine}")
    return 0


def _load(ref: str) -> object:
    from coach.catalog import resolve
    from coach.routine import RoutineError

    try:
        return resolve(ref)
    except RoutineError as error:
        for problem in error.problems:
            _error(str(problem))
        return None


def cmd_show(ref: str, *, timeline: bool = False) -> int:
    from coach.report import describe_routine
    from coach.routine import Routine
    from coach.showing import printable

    routine = _load(ref)
    if not isinstance(routine, Routine):
        return 1
    print(printable(describe_routine(routine, with_timeline=timeline), newlines=True))
    return 0


def cmd_validate(paths: Sequence[str], *, recursive: bool = False) -> int:
    """``coach validate``: each file, and every ``.toml`` file in each folder (with
    ``recursive``, in its subfolders too), one line each for every problem."""
    import os
    from pathlib import Path

    from coach.routine import RoutineError, load_routine
    from coach.showing import printable
    from coach.text import plural

    files: list[str] = []
    empty = 0
    for name in paths:
        if not os.path.isdir(name):
            files.append(name)
            continue
        found = _routine_files(name, recursive=recursive)
        if not found:
            empty += 1
            more = "" if recursive else "; -r looks in subfolders too"
            print(f"{name}: no routine files (.toml) here{more}")
        files.extend(found)
    broken = 0
    for name in files:
        try:
            routine = load_routine(Path(name), display_name=name)
        except RoutineError as error:
            broken += 1
            for problem in error.problems:
                print(problem)
            continue
        print(printable(f"{name}: ok ({routine.name}, {plural(len(routine.steps), 'step')})"))
    if len(files) > 1:
        print(f"{len(files) - broken} valid, {broken} broken")
    return 1 if broken or empty else 0


def _routine_files(folder: str, *, recursive: bool) -> list[str]:
    """The ``.toml`` files in ``folder`` (and below it), in order, as paths under it."""
    import os

    found: list[str] = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        found.extend(os.path.join(top, n) for n in sorted(names) if n.endswith(".toml"))
    return found


def cmd_run(ref: str, *, plain: bool, mute: bool = False, no_sound: bool = False) -> int:
    from coach.routine import Routine

    routine = _load(ref)
    if not isinstance(routine, Routine):
        return 1
    if not plain:
        return cmd_app(routine, mute=mute, no_sound=no_sound)
    from coach.clock import MonotonicClock
    from coach.plain import main as plain_main
    from coach.timeline import build_timeline
    from coach.voice_commands import plain_cues

    timeline = build_timeline(routine)
    store, record = _session_log(timeline)
    try:
        with plain_cues(timeline, speak=not mute, sounds=not no_sound) as listeners:
            # The log listens last: its disk write never delays a cue.
            everyone = [*listeners, *record]
            code = plain_main(timeline, clock=MonotonicClock(), listeners=everyone)
    finally:
        if store is not None:
            _close_log(store)
    # A session that could not be written is a run that did not do all of its job.
    return 1 if store is not None and store.unwritten else code


def _close_log(store: SessionStore) -> None:
    """Close the log (it waits, bounded, for a session kept for another program's lock) and
    say how any such session ended."""
    store.close()
    for line in store.late_lines:
        _error(line)


def _session_log(timeline: Timeline) -> tuple[SessionStore | None, list[Listener]]:
    """The session log for a plain-mode run: the store, and the recorder's listener, which
    prints its status line once. Without a usable log the routine still runs."""
    try:
        from coach.log import SessionRecorder, SessionStore
    except ImportError as error:  # a Python built without sqlite3
        _error(f"no session log ({error}); the routine carries on")
        return None, []
    store = SessionStore.open()
    if store.status_line:
        _error(store.status_line)
    recorder = SessionRecorder(store, timeline)
    told: list[str] = []

    def record(events: Sequence[Event], now: float) -> None:
        recorder.on_events(events, now)
        if recorder.status_line and not told:
            told.append(recorder.status_line)
            _error(recorder.status_line)

    return store, [record]


def _open_log(tell: Callable[[str], None] = _error, *, to_read: bool = True) -> SessionStore | None:
    """The session log, or None without sqlite3; ``tell`` gets its problems, one line each
    (the commands print them, the app shows them).

    ``to_read``: for the commands that show the log. A log file that exists but cannot be
    opened is then None too (they exit 1): an empty log in memory in its place would answer
    "no sessions", and an export would save nothing and say it went well."""
    try:
        from coach import paths
        from coach.log import SessionStore
    except ImportError as error:  # a Python built without sqlite3
        tell(f"no session log ({error})")
        return None
    store = SessionStore.open()
    if store.status_line:
        tell(store.status_line)
    if to_read and store.path is None and paths.log_file().exists():
        store.close()
        return None
    return store


def log_news(store: SessionStore) -> Callable[[], str | None]:
    """Asks the log for its status line when it changed since last asked (the one from
    opening is told by the opener): damage a read met, and how much was kept."""
    told = [store.status_line]

    def news() -> str | None:
        line = store.status_line
        if line and line != told[-1]:
            told.append(line)
            return line
        return None

    return news


def _told_since(store: SessionStore, told: str | None) -> None:
    """Say what the log met while being read (damage found by a query), if anything new."""
    if store.status_line and store.status_line != told:
        _error(store.status_line)


def cmd_log(
    *,
    since: date | None = None,
    routine: str | None = None,
    limit: int | None = None,
    everything: bool = False,
) -> int:
    """``coach log``: sessions one line each, newest first; the newest ``LOG_LIMIT`` unless
    told otherwise, so it answers at once whatever the size of the log."""
    import sqlite3
    from itertools import chain, islice

    from coach.showing import printable
    from coach.text import cell_len

    store = _open_log()
    if store is None:
        return 1
    told = store.status_line
    try:
        if limit is None and not everything:
            limit = LOG_LIMIT
        if everything and limit is None:
            rows = store.iter_sessions(since=since, routine=routine)
            first = list(islice(rows, LOG_LIMIT))
            records: Iterable[SessionRecord] = chain(first, rows)
        else:
            first = store.sessions(since=since, routine=routine, limit=limit)
            records = first
            if limit is not None and len(first) == limit:
                total = store.count(since=since, routine=routine)
                if total > limit:
                    _error(f"the newest {limit} of {total} sessions; --limit N or --all for more")
        if not first:
            _told_since(store, told)
            if store.incomplete:  # never "no sessions" when the log could not be read whole
                return 1
            print("no sessions logged" + (" that match" if since or routine else " yet"))
            return 0
        # What the log holds is shown, never obeyed: it is a file anybody could have written.
        width = min(28, max(cell_len(printable(r.routine_name)) for r in first))
        for r in records:
            print(_log_line(r, width))
    except (sqlite3.Error, OSError, ValueError) as error:  # --all reads as it goes
        _error(f"cannot read the session log {store.path or ''} ({error})".replace("  ", " "))
        return 1
    finally:
        store.close()
    _told_since(store, told)
    return 1 if store.incomplete else 0


def _log_line(r: SessionRecord, width: int) -> str:
    """One session of ``coach log``."""
    from coach.durations import format_clock
    from coach.showing import printable, quote
    from coach.text import fit, plural

    start = r.local_start
    when = start.strftime("%Y-%m-%d %H:%M")
    if start.utcoffset() != _local_offset(start):
        when += f" (UTC{start.strftime('%z')[:3]}:{start.strftime('%z')[3:]})"
    steps = f"{r.steps_completed}/{plural(r.steps_total, 'step')}"
    if r.steps_skipped:
        steps += f", {r.steps_skipped} skipped"
    parts = [
        when,
        fit(printable(r.routine_name), width),
        f"{format_clock(r.active_seconds):>7} of {format_clock(r.planned_seconds):<5}",
        f"{steps:<22}",
        f"{r.status:<11}",
    ]
    if r.feel_before is not None or r.feel_after is not None:
        parts.append(f"back {_feel(r.feel_before)} -> {_feel(r.feel_after)}")
    if r.note:
        parts.append(quote(r.note, limit=60))
    return "  ".join(parts).rstrip()


def _local_offset(moment: datetime) -> timedelta | None:
    """The offset this machine's zone has at ``moment``."""
    return moment.astimezone().utcoffset()


def _feel(value: int | None) -> str:
    return "?" if value is None else str(value)


def cmd_stats(*, weeks: int = 8) -> int:
    """``coach stats``: streaks, totals, per week, per routine, back feel."""
    from datetime import date, timedelta

    from coach.durations import format_length
    from coach.history import format_days, week_start
    from coach.showing import printable
    from coach.text import cell_len, fit, plural

    store = _open_log()
    if store is None:
        return 1
    from coach.break_stats import break_lines

    today = date.today()
    told = store.status_line
    try:
        summary = store.summary(today)
        shown_weeks = min(weeks, 26)
        breaks = break_lines(
            store.break_days(week_start(today) - timedelta(weeks=shown_weeks - 1)),
            today,
            shown_weeks,
        )
    finally:
        store.close()
    _told_since(store, told)
    failed = 1 if store.incomplete else 0
    if not summary.total_sessions:
        if not failed:
            print("no sessions logged yet: follow a routine with `coach run ID`")
        if breaks:
            print(*["", *breaks], sep="\n")
        return failed
    print(
        f"streak: {format_days(summary.current_streak)} (best: {format_days(summary.best_streak)})"
    )
    print(
        f"this week: {format_length(summary.week_minutes * 60)} "
        f"(last week: {format_length(summary.last_week_minutes * 60)})"
    )
    print(
        f"all time: {plural(summary.total_sessions, 'session')}, "
        f"{summary.completed_sessions} completed, "
        f"{format_length(summary.total_minutes * 60)}"
    )
    if summary.feel_before_count or summary.feel_after_count:
        print(
            f"back feel (0-10): before {_average(summary.feel_before_avg)} "
            f"({summary.feel_before_count} rated), after {_average(summary.feel_after_avg)} "
            f"({summary.feel_after_count} rated)"
        )
    print()
    print("per week (from Monday):")
    monday = week_start(today)
    for n in range(weeks):
        first = monday - timedelta(weeks=n)
        minutes = sum(m for d, m in summary.days.items() if first <= d < first + timedelta(7))
        label = "this week" if n == 0 else "last week" if n == 1 else ""
        print(f"  {first.isoformat()}  {format_length(minutes * 60):>12}  {label}".rstrip())
    print()
    print("per routine:")
    ids = [printable(t.routine_id) for t in summary.per_routine]
    names = [printable(t.name) for t in summary.per_routine]
    id_width = max(cell_len(shown) for shown in ids)
    name_width = min(28, max(cell_len(name) for name in names))
    for shown_id, name, total in zip(ids, names, summary.per_routine, strict=True):
        sessions = plural(total.sessions, "session")
        print(
            f"  {fit(shown_id, id_width)}  {fit(name, name_width)}  "
            f"{sessions:>14}  {format_length(total.minutes * 60):>12}"
        )
    if breaks:
        print()
        print(*breaks, sep="\n")
    return failed


def _average(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def cmd_export(fmt: str, *, output: Path | None = None, force: bool = False) -> int:
    """``coach export``: every session, oldest first, one row each, as CSV or JSON, written
    as it is read."""
    import sqlite3

    from coach.export import WRITERS, ExportError, write_file
    from coach.text import plural

    if output is not None and _is_the_log(output):
        _error(f"cannot write {output}: it is the session log itself")
        return 1
    store = _open_log()
    if store is None:
        return 1
    told = store.status_line
    writer = WRITERS[fmt]
    count = None
    try:
        if output is None:
            writer(store.export_rows(), sys.stdout)
        else:
            count = write_file(
                output, lambda stream: writer(store.export_rows(), stream), force=force
            )
    except ExportError as error:
        _error(str(error))
        return 1
    except sqlite3.Error as error:
        _error(f"cannot read the session log {store.path or ''} ({error})".replace("  ", " "))
        return 1
    finally:
        store.close()
    _told_since(store, told)
    if count is not None:
        _error(f"wrote {plural(count, 'session')} to {output}")
    return 1 if store.incomplete else 0


def _is_the_log(output: Path) -> bool:
    """True when ``output`` is the session log or one of its companions (by any link):
    writing there would truncate the sessions the export was read from."""
    import os

    from coach import paths

    log = paths.log_file()
    for suffix in ("", "-wal", "-shm", "-journal"):
        companion = log.with_name(log.name + suffix)
        if os.path.realpath(output) == os.path.realpath(companion):
            return True
        try:
            if os.path.samefile(output, companion):  # a hard link
                return True
        except OSError:
            continue
    return False


def cmd_schema() -> int:
    import json

    from coach.schema import routine_schema

    print(json.dumps(routine_schema(), indent=2))
    return 0


def cmd_paths() -> int:
    from coach import paths
    from coach.resources import builtin_routines_dir
    from coach.showing import printable

    print(printable(f"your routines: {paths.user_routines_dir()}"))
    print(printable(f"config:        {paths.config_dir() / 'config.toml'}"))
    print(printable(f"log:           {paths.log_file()}"))
    print(printable(f"built-in:      {builtin_routines_dir()}"))
    return 0


def cmd_app(
    routine: object = None,
    *,
    mute: bool = False,
    no_sound: bool = False,
    prepare: Callable[[Services], None] | None = None,
) -> int:
    """The Textual app: the pick screen, or straight to the player with ``routine``.
    ``mute`` and ``no_sound`` turn the voice and the sounds off for this run, as in plain
    mode (``m`` and ``s`` still turn them back on). ``prepare`` adds to the services before
    the app starts (``coach remind``'s reminder)."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        _error("the app needs a terminal; for pipes and screen readers use `coach run ID --plain`")
        return 2
    from coach.app import CoachApp, Services
    from coach.catalog import discover, stamp
    from coach.clock import MonotonicClock
    from coach.routine import Routine
    from coach.settings import load_settings, save_setting
    from coach.tui.audio import AppAudio

    settings, problems = load_settings()
    if mute or no_sound:
        import dataclasses

        settings = dataclasses.replace(
            settings, speak=settings.speak and not mute, sounds=settings.sounds and not no_sound
        )
    store = _open_log(problems.append, to_read=False)
    services = Services(
        clock=MonotonicClock(),
        settings=settings,
        entries=discover,
        routines_stamp=stamp,
        save_setting=save_setting,
        audio=AppAudio(settings),
        notices=problems,
    )
    if store is not None:
        from datetime import date

        from coach.log import SessionRecorder

        def recorder(timeline: Timeline, feel_before: int | None) -> SessionRecorder:
            return SessionRecorder(store, timeline, feel_before=feel_before)

        services.recorder = recorder
        services.summary = lambda: store.summary(date.today())
        services.log_news = log_news(store)

        def breaks() -> str | None:
            from coach.break_stats import break_summary
            from coach.history import week_start

            today = date.today()
            return break_summary(store.break_days(week_start(today)), today)

        services.breaks = breaks
    from coach.remind_app import add_breaks_and_editing

    add_breaks_and_editing(services, settings, store=store)
    if prepare is not None:
        prepare(services)
    app = CoachApp(services, routine=routine if isinstance(routine, Routine) else None)
    try:
        app.run()
    finally:
        if store is not None:
            _close_log(store)
    if store is not None and store.unwritten:
        return 1
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
