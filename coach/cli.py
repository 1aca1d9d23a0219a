"""The ``coach`` command.

Kept light on purpose: ``coach --help`` and ``coach list`` import neither Textual nor the
speech and sound libraries, so they answer at once. Each subcommand imports what it needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from coach import __version__

DESCRIPTION = "A terminal coach for timed stretch, strength and self-massage routines."
EPILOG = """\
With no command, coach opens the app: pick a routine and follow it.
Routines: the built-in ones, and your own .toml files in the folder `coach paths` prints.
COACH_HOME=DIR moves all of coach's files (config, routines, log) under DIR."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("list", help="list the routines: id, name, length, tags")

    show = sub.add_parser("show", help="show a routine's steps, times and total length")
    show.add_argument("routine", metavar="ID|PATH")
    show.add_argument("--timeline", action="store_true", help="also list every segment and cue")

    validate = sub.add_parser("validate", help="check routine files (exit 1 if any is broken)")
    validate.add_argument("paths", metavar="PATH", nargs="+")

    run = sub.add_parser("run", help="follow a routine (the app, or --plain text)")
    run.add_argument("routine", metavar="ID|PATH")
    run.add_argument(
        "--plain",
        action="store_true",
        help="plain text, one line per cue, for screen readers, dumb terminals and pipes",
    )
    run.add_argument("--mute", action="store_true", help="no voice this time (--plain)")
    run.add_argument(
        "--no-sound",
        action="store_true",
        help="no ticks, bells or chimes this time; the countdown is spoken (--plain)",
    )

    voices = sub.add_parser("voices", help="list the voices the speech engine has")
    voices.add_argument(
        "match", metavar="TEXT", nargs="?", help="only voices whose id, name or language has TEXT"
    )

    say = sub.add_parser("say", help="speak a line, to check the voice and sound set-up")
    say.add_argument("text", metavar="TEXT")
    say.add_argument("--to", metavar="FILE.wav", type=Path, help="write the speech to a file")
    say.add_argument("--voice", metavar="ID", help="a voice id from `coach voices`")
    say.add_argument("--rate", type=int, metavar="WPM", help="words per minute")
    say.add_argument("--volume", type=float, metavar="0-1", help="volume, 0.0 to 1.0")

    sub.add_parser("schema", help="print the JSON Schema of the routine format")
    sub.add_parser("paths", help="print where coach keeps its files")
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
        return cmd_list()
    if command == "show":
        return cmd_show(args.routine, timeline=args.timeline)
    if command == "validate":
        return cmd_validate(args.paths)
    if command == "run":
        return cmd_run(args.routine, plain=args.plain, mute=args.mute, no_sound=args.no_sound)
    if command == "voices":
        from coach.voice_commands import cmd_voices

        return cmd_voices(args.match)
    if command == "say":
        from coach.voice_commands import cmd_say

        return cmd_say(args.text, to=args.to, voice=args.voice, rate=args.rate, volume=args.volume)
    if command == "schema":
        return cmd_schema()
    if command == "paths":
        return cmd_paths()
    return cmd_app()


def _error(message: str) -> None:
    print(f"coach: {message}", file=sys.stderr)


def cmd_list() -> int:
    from coach.catalog import discover
    from coach.durations import format_length

    entries = discover()
    if not entries:
        print("no routines found")
        return 0
    width = max(len(entry.id) for entry in entries)
    name_width = (
        max(len(entry.name) for entry in entries if entry.routine)
        if any(e.routine for e in entries)
        else 10
    )
    for entry in entries:
        if entry.routine is None:
            assert entry.error is not None
            print(f"{entry.id:<{width}}  broken: {entry.error.first_line}")
            continue
        routine = entry.routine
        length = format_length(routine.total) + ("+" if routine.has_open_steps else "")
        tags = ", ".join(routine.tags)
        mine = "" if entry.builtin else "  (yours)"
        print(f"{entry.id:<{width}}  {routine.name:<{name_width}}  {length:>7}  {tags}{mine}")
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

    routine = _load(ref)
    if not isinstance(routine, Routine):
        return 1
    print(describe_routine(routine, with_timeline=timeline))
    return 0


def cmd_validate(paths: Sequence[str]) -> int:
    from pathlib import Path

    from coach.routine import RoutineError, load_routine

    broken = 0
    for name in paths:
        try:
            routine = load_routine(Path(name), display_name=name)
        except RoutineError as error:
            broken += 1
            for problem in error.problems:
                print(problem)
            continue
        print(f"{name}: ok ({routine.name}, {len(routine.steps)} steps)")
    if len(paths) > 1:
        print(f"{len(paths) - broken} valid, {broken} broken")
    return 1 if broken else 0


def cmd_run(ref: str, *, plain: bool, mute: bool = False, no_sound: bool = False) -> int:
    from coach.routine import Routine

    routine = _load(ref)
    if not isinstance(routine, Routine):
        return 1
    if not plain:
        return cmd_app(routine)
    from coach.clock import MonotonicClock
    from coach.plain import main as plain_main
    from coach.timeline import build_timeline
    from coach.voice_commands import plain_cues

    timeline = build_timeline(routine)
    with plain_cues(timeline, speak=not mute, sounds=not no_sound) as listeners:
        return plain_main(timeline, clock=MonotonicClock(), listeners=listeners)


def cmd_schema() -> int:
    import json

    from coach.schema import routine_schema

    print(json.dumps(routine_schema(), indent=2))
    return 0


def cmd_paths() -> int:
    from coach import paths
    from coach.resources import builtin_routines_dir

    print(f"your routines: {paths.user_routines_dir()}")
    print(f"config:        {paths.config_dir() / 'config.toml'}")
    print(f"log:           {paths.data_dir()}")
    print(f"built-in:      {builtin_routines_dir()}")
    return 0


def cmd_app(routine: object = None) -> int:
    """The Textual app: the pick screen, or straight to the player with ``routine``."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        _error("the app needs a terminal; for pipes and screen readers use `coach run ID --plain`")
        return 2
    from coach.app import CoachApp, Services
    from coach.catalog import discover
    from coach.clock import MonotonicClock
    from coach.routine import Routine
    from coach.settings import load_settings
    from coach.tui.audio import AppAudio

    settings, problems = load_settings()
    services = Services(
        clock=MonotonicClock(),
        settings=settings,
        entries=discover,
        audio=AppAudio(settings),
        notices=problems,
    )
    app = CoachApp(services, routine=routine if isinstance(routine, Routine) else None)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
