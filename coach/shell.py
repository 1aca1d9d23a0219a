"""Shell completion (bash, zsh, fish) and the manual page, both made from the command's own
argparse parser, so neither can fall behind a new option.

shtab writes the completion scripts and argparse-manpage the page; ``coach.cli`` imports this
module only for ``coach completion`` and ``coach man``, so ``coach --help`` stays quick.
"""

from __future__ import annotations

import argparse
from typing import Any

from coach import __version__

_IDS = "coach list --ids 2>/dev/null"
ROUTINE_COMPLETION: dict[str, Any] = {
    # "_file" in the name: shtab then lets bash treat the words as file names (a folder
    # ends in "/", not a space).
    "bash": "_coach_routine_files",
    "zsh": "_coach_routines",
    "fish": f"({_IDS}; __fish_complete_suffix .toml)",
    "preamble": {
        "bash": (
            "# a routine id from `coach list --ids`, or a .toml file; folders only for a\n"
            "# path, or when nothing else fits (not every folder of a home beside the ids)\n"
            "_coach_routine_files() {\n"
            "  local found\n"
            f'  found=$(compgen -W "$({_IDS})" -- "$1"; compgen -f -X \'!*.toml\' -- "$1")\n'
            '  [ -n "$found" ] && printf \'%s\\n\' "$found"\n'
            '  if [ -z "$found" ] || [[ "$1" == */* ]]; then compgen -d -- "$1"; fi\n'
            "}"
        ),
        "zsh": (
            "# a routine id from `coach list --ids`, or a .toml file\n"
            "_coach_routines() {\n"
            "  local -a ids\n"
            f'  ids=(${{(f)"$({_IDS})"}})\n'
            "  _alternative 'ids:routine:compadd -a ids' \\\n"
            "    'files:routine file:_files -g \"*.toml\"'\n"
            "}"
        ),
    },
}
"""What completes ``coach run ID|PATH`` and ``coach show ID|PATH``: the routine ids, then
routine files."""


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for ``shell``: bash, zsh or fish."""
    import shtab

    # Tell shtab which arguments take a routine and which a file.
    for sub in _subcommands(parser).values():
        for action in sub._actions:
            if action.dest == "routine":
                action.complete = ROUTINE_COMPLETION  # type: ignore[attr-defined]
            elif action.dest in ("paths", "to", "output"):
                action.complete = shtab.FILE  # type: ignore[attr-defined]
    return str(shtab.complete(parser, shell=shell))


def manual_page(parser: argparse.ArgumentParser, description: str) -> str:
    """``coach(1)`` in roff, from the parser: every command, argument and option."""
    from argparse_manpage.manpage import Manpage

    page = Manpage(
        parser,
        _data={
            "project_name": "coach",
            "version": __version__,
            "manual_section": 1,
            "manual_title": "coach manual",
            "description": description,
        },
    )
    return str(page)
