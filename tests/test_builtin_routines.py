"""The built-in routines are product content: they load, run to their promised length, and
keep the safety rules (stop if it hurts, sides balanced, no rolling on the lower spine)."""

from __future__ import annotations

import re

import pytest

from coach.catalog import discover
from coach.resources import builtin_routines_dir
from coach.routine import Routine, load_routine
from coach.timeline import build_timeline

FILES = sorted(builtin_routines_dir().glob("*.toml"))
ROUTINES = {path.stem: load_routine(path) for path in FILES}

LENGTHS = {  # minutes, inclusive
    "morning-stretch": (9, 11),
    "desk-break": (3, 5),
    "cool-down": (7, 9),
    "lower-back-relief": (11, 13),
    "self-massage": (9, 11),
    "core-strength": (8, 15),
}


def test_the_promised_routines_are_there() -> None:
    assert set(LENGTHS) <= set(ROUTINES)
    assert all(entry.routine for entry in discover() if entry.builtin)


@pytest.mark.parametrize("routine_id", sorted(LENGTHS))
def test_length(routine_id: str) -> None:
    low, high = LENGTHS[routine_id]
    total = ROUTINES[routine_id].total
    assert low * 60 <= total <= high * 60, f"{total / 60:.1f} min"
    assert build_timeline(ROUTINES[routine_id]).total == total


@pytest.mark.parametrize("routine", ROUTINES.values(), ids=list(ROUTINES))
def test_safety_and_clarity(routine: Routine) -> None:
    assert re.search(r"stop and ease off if anything hurts", routine.description, re.I), routine.id
    assert routine.source, "each routine cites the public guidance it follows"
    for step in routine.steps:
        assert step.instructions, step.name
        assert len(step.instructions) <= 200, f"{step.name}: shorten for a small screen"
        # Left and right work is balanced by `sides`, never written into one side's text.
        text = f"{step.instructions} {step.say or ''}".lower()
        assert not re.search(r"\b(left|right)\b", text), step.name


def test_no_rolling_on_the_lower_spine() -> None:
    for routine in ROUTINES.values():
        for step in (step for step in routine.steps if step.kind == "massage"):
            text = f"{step.name}. {step.instructions} {step.say or ''}".lower()
            for match in re.finditer(r"lower (back|spine)", text):
                before = text[max(0, match.start() - 60) : match.start()]
                if "roll" in before:
                    assert re.search(r"\b(never|not|avoid)\b", before), (routine.id, step.name)
    massage = ROUTINES["self-massage"]
    assert "never on the lower spine" in massage.description


def test_core_strength_uses_sets_reps_and_open_steps() -> None:
    steps = ROUTINES["core-strength"].steps
    assert any(step.sets > 1 for step in steps)
    assert any(step.counts_reps for step in steps)
    assert any(step.is_open for step in steps)


def test_every_tag_the_pick_screen_filters_on_is_used() -> None:
    tags = {tag for routine in ROUTINES.values() for tag in routine.tags}
    assert {"morning", "desk", "cool-down", "back", "massage", "strength"} <= tags
