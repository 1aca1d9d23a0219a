"""The ``coach`` commands for break reminders and for writing routines: ``remind``, ``new``,
``edit`` and ``import``. Parsed here and run by their own modules, imported on use, so
``coach --help`` stays quick."""

from __future__ import annotations

import argparse
import re
from typing import Any


def _duration(text: str) -> float:
    from coach.durations import DurationError, parse_duration

    try:
        return parse_duration(text)
    except DurationError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_more_commands(sub: Any) -> None:
    """Add the commands to ``coach``'s subparsers."""
    remind = sub.add_parser(
        "remind",
        help="a break timer: every 50 minutes of work, offer the desk-break routine",
        description=(
            "Every --every of work, announce a break (sound, voice, terminal bell and title, "
            "a desktop notification where there is one) and offer to start the routine, "
            "snooze or skip. A finished routine, a sleeping computer and time away from the "
            "keyboard (where the desktop tells) count as breaks."
        ),
    )
    # "-5m" after --every is a (bad) time, not an option: say that it is not a duration,
    # not "expected one argument". argparse asks this pattern what looks like a number.
    remind._negative_number_matcher = re.compile(r"^-[\d.:]+[hms\d.:]*$")
    remind.add_argument("--plain", action="store_true", help="lines of text, not the screen")
    remind.add_argument(
        "--every", type=_duration, metavar="TIME", help="work between breaks (default 50m)"
    )
    remind.add_argument(
        "--snooze", type=_duration, metavar="TIME", help="how long a snooze lasts (default 5m)"
    )
    remind.add_argument(
        "--routine", metavar="ID|PATH", help="the routine a break offers (default desk-break)"
    )
    remind.add_argument(
        "--install",
        action="store_true",
        help="start `coach remind --plain` with your desktop session (a systemd user unit)",
    )

    new = sub.add_parser(
        "new", help="write a new routine from a commented template and open it in your editor"
    )
    new.add_argument("id", metavar="ID", help="the new routine's id (its file name)")
    new.add_argument("--from", dest="source", metavar="ROUTINE", help="start from a copy of this")

    edit = sub.add_parser("edit", help="open one of your routines in your editor, then check it")
    edit.add_argument("id", metavar="ID", help="a routine id (a built-in is copied first)")

    imp = sub.add_parser(
        "import",
        help="make a routine from a plain list (`Cat-cow, 45s`) or another app's export",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--id", metavar="ID", help="the new routine's id (default: from FILE)")
    imp.add_argument("--name", metavar="NAME", help="the routine's name (default: from FILE)")
    imp.add_argument(
        "--output", "-o", metavar="PATH", help="write here, not into your routine folder"
    )


def run_more_command(args: argparse.Namespace) -> int:
    if args.command == "remind":
        from coach.remind_cli import cmd_remind

        return cmd_remind(
            plain=args.plain,
            every=args.every,
            snooze=args.snooze,
            routine_ref=args.routine,
            install=args.install,
        )
    if args.command == "new":
        from coach.authoring import cmd_new

        return cmd_new(args.id, source=args.source)
    if args.command == "edit":
        from coach.authoring import cmd_edit

        return cmd_edit(args.id)
    if args.command == "import":
        from coach.importers import cmd_import

        return cmd_import(args.file, routine_id=args.id, name=args.name, output=args.output)
    raise AssertionError(args.command)
