"""Small builders shared by the core tests."""

from __future__ import annotations

from textwrap import dedent

from coach.routine import Routine, parse_routine
from coach.timeline import Timeline, build_timeline


def routine(text: str, routine_id: str = "test") -> Routine:
    return parse_routine(dedent(text), routine_id=routine_id)


def timeline(text: str) -> Timeline:
    return build_timeline(routine(text))


def steps_toml(count: int, duration: str = "10s", kind: str = "stretch") -> str:
    """A routine of ``count`` plain steps."""
    parts = ['name = "Many"\nprepare = 0\n']
    for n in range(count):
        parts.append(f'[[step]]\nname = "Step {n + 1}"\nkind = "{kind}"\nduration = "{duration}"\n')
    return "\n".join(parts)
