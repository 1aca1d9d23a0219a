"""The JSON Schema of the routine format, for editors that check TOML against a schema
(Even Better TOML / taplo, for one: put ``#:schema ./routine.schema.json`` at the top of a
routine after ``coach schema > routine.schema.json``).

The schema mirrors the loader's rules as far as JSON Schema can say them; the loader stays
the judge (it also checks cue times against the step's length, say).
"""

from __future__ import annotations

from typing import Any

from coach.routine import KINDS, MAX_COUNTDOWN, MAX_REPS, MAX_SETS, MAX_STEPS

SCHEMA_ID = "https://coach.invalid/routine.schema.json"

_DURATION_PATTERN = (
    r"^\s*(\d+(\.\d+)?\s*h)?\s*(\d+(\.\d+)?\s*m)?\s*(\d+(\.\d+)?\s*s?)?\s*$"
    r"|^\s*(\d+:)?\d+:\d{2}(\.\d+)?\s*$"
)


def _duration(description: str, *, zero: bool = False) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number", "maximum": 14400}
    number["minimum" if zero else "exclusiveMinimum"] = 0
    return {
        "description": description,
        "oneOf": [
            number,
            {"type": "string", "pattern": _DURATION_PATTERN, "minLength": 1},
        ],
        "examples": ["30s", "1m30s", "1:30", 45],
    }


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": 2000, "description": description}


def routine_schema() -> dict[str, Any]:
    """The schema as a JSON-ready dict."""
    kind = {"enum": list(KINDS), "description": "What the step is."}
    cue = {
        "type": "object",
        "description": "An extra cue inside the step.",
        "additionalProperties": False,
        "required": ["at", "say"],
        "properties": {
            "at": {
                "description": 'When: "15s" after the start, "-5s" before the end, or "50%".',
                "oneOf": [
                    {"type": "number", "exclusiveMinimum": 0},
                    {"type": "string", "pattern": r"^\s*-?\s*[0-9.:hms\s]+$|^\s*\d+(\.\d+)?%\s*$"},
                ],
            },
            "say": _text("What the voice says, and the caption shows."),
        },
    }
    step = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "anyOf": [{"required": ["duration"]}, {"required": ["reps"]}],
        "properties": {
            "name": _text("The step's name, as shown and spoken."),
            "kind": kind,
            "duration": _duration("Length per side and per set."),
            "reps": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_REPS,
                "description": "Repetitions: timed with tempo, open (wait for done) without.",
            },
            "tempo": _duration("Time of one rep; needs reps."),
            "sides": {"type": "boolean", "description": "Done once per side, left then right."},
            "instructions": _text("What to do, in plain words."),
            "say": _text("What the voice says at the start (default: name, then instructions)."),
            "sets": {"type": "integer", "minimum": 1, "maximum": MAX_SETS},
            "set_rest": _duration("Rest between sets.", zero=True),
            "rest": _duration("Rest after this step.", zero=True),
            "cue": {"type": "array", "items": cue},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "coach routine",
        "description": "One routine for coach. See docs/routine-format.md.",
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "step"],
        "properties": {
            "name": _text("The routine's name."),
            "description": _text("What it is for."),
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "equipment": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "source": {
                "description": "The public guidance the exercises follow.",
                "oneOf": [
                    {"type": "string", "minLength": 1},
                    {"type": "array", "items": {"type": "string", "minLength": 1}},
                ],
            },
            "prepare": _duration("Get-ready time before the first step (0 = none).", zero=True),
            "defaults": {
                "type": "object",
                "additionalProperties": False,
                "description": "Values every step inherits unless it sets its own.",
                "properties": {
                    "kind": kind,
                    "duration": _duration("Default length of a step."),
                    "rest": _duration("Rest after each step.", zero=True),
                    "set_rest": _duration("Rest between sets.", zero=True),
                    "sets": {"type": "integer", "minimum": 1, "maximum": MAX_SETS},
                    "tempo": _duration("Default time of one rep."),
                },
            },
            "cues": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "countdown": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": MAX_COUNTDOWN,
                        "description": "Signal each of the last N seconds (0 = off).",
                    },
                    "halfway": {"type": "boolean", "description": 'Say "halfway" in holds.'},
                    "next_up": {"type": "boolean", "description": "Announce the next step."},
                },
            },
            "step": {"type": "array", "minItems": 1, "maxItems": MAX_STEPS, "items": step},
        },
    }
