"""The JSON Schema of the routine format, for editors that check TOML against a schema
(Even Better TOML / taplo, for one: put ``#:schema ./routine.schema.json`` at the top of a
routine after ``coach schema > routine.schema.json``).

The schema mirrors the loader's rules as far as JSON Schema can say them: kinds, counts,
durations up to four hours, cue times, percentages strictly between 0 and 100. The loader
stays the judge of what needs arithmetic or a look at another key: a cue time against its
step's length, the parts of a duration added up, tempo without reps, a file that is not TOML.
tests/test_schema.py lists these cases, on purpose.
"""

from __future__ import annotations

from typing import Any

from coach.durations import MAX_DURATION
from coach.routine import KINDS, MAX_COUNTDOWN, MAX_REPS, MAX_SETS, MAX_STEPS

SCHEMA_ID = "https://coach.invalid/routine.schema.json"

# Durations as the loader reads them, each part bounded so that no single part passes four
# hours (coach.durations.MAX_DURATION): "5h", "300m", "20000s", "4:30:00" and "300:00" fail
# here as in `coach validate`. JSON Schema cannot add parts up, so "3h 90m" is left to the
# loader.
_HOURS = r"(?:0*[0-3](?:\.\d+)?|0*4(?:\.0+)?)\s*h"
_MINUTES = r"(?:0*(?:\d{1,2}|1\d\d|2[0-3]\d)(?:\.\d+)?|0*240(?:\.0+)?)\s*m"
_SECONDS = r"(?:0*(?:\d{1,4}|1[0-3]\d{3})(?:\.\d+)?|0*14400(?:\.0+)?)\s*s?"
_UNITS = rf"(?:{_HOURS})?\s*(?:{_MINUTES})?\s*(?:{_SECONDS})?"
_CLOCK = (
    r"(?:0*[0-3]:[0-5]\d:[0-5]\d(?:\.\d+)?|0*4:00:00(?:\.0+)?"
    r"|0*(?:\d{1,2}|1\d\d|2[0-3]\d):[0-5]\d(?:\.\d+)?|0*240:00(?:\.0+)?)"
)
_DURATION_PATTERN = rf"^(?=.*\d)\s*{_UNITS}\s*$|^\s*{_CLOCK}\s*$"
_CUE_TIME_PATTERN = rf"^(?=.*\d)\s*-?\s*{_UNITS}\s*$|^\s*-?\s*{_CLOCK}\s*$"
# Strictly between 0 and 100, as the loader wants: 0.5%, 50%, 99.9%; not 0%, 100%, 150%.
_PERCENT_PATTERN = r"^\s*(?:0*[1-9]\d?(?:\.\d+)?|0*\.\d*[1-9]\d*|0+\.\d*[1-9]\d*)\s*%\s*$"


def _duration(description: str, *, zero: bool = False) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number", "maximum": MAX_DURATION}
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
                    {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_DURATION},
                    {"type": "string", "pattern": _CUE_TIME_PATTERN},
                    {"type": "string", "pattern": _PERCENT_PATTERN},
                ],
            },
            "say": _text("What the voice says, and the caption shows."),
        },
    }
    step = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        # tempo is the time of one rep, and reps x tempo is the duration: not both.
        "dependentRequired": {"tempo": ["reps"]},
        "not": {"required": ["duration", "tempo"]},
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
        "allOf": _rules_with_defaults(),
    }


def _without_default(key: str) -> dict[str, Any]:
    return {"not": {"required": ["defaults"], "properties": {"defaults": {"required": [key]}}}}


def _each_step(rule: dict[str, Any]) -> dict[str, Any]:
    return {"properties": {"step": {"items": rule}}}


def _rules_with_defaults() -> list[dict[str, Any]]:
    """Rules on a step that hold unless ``[defaults]`` fills the gap, as in the loader."""
    timed = {"anyOf": [{"required": ["duration"]}, {"required": ["reps"]}]}
    # Reps with no duration and no tempo wait for "done": nobody knows when such a step ends,
    # so a cue can only count from its start, not "-5s" from its end or "50%" of it.
    open_step = {
        "required": ["reps"],
        "not": {"anyOf": [{"required": ["duration"]}, {"required": ["tempo"]}]},
    }
    from_start = {"not": {"type": "string", "pattern": r"^\s*-|%\s*$"}}
    cues_from_start = {"properties": {"cue": {"items": {"properties": {"at": from_start}}}}}
    return [
        {"if": _without_default("duration"), "then": _each_step(timed)},
        {
            "if": _without_default("tempo"),
            "then": _each_step({"if": open_step, "then": cues_from_start}),
        },
    ]
