"""``coach schema`` against the same test files as the loader: every valid file passes, and
every invalid one fails, but for the few listed here that JSON Schema cannot judge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import tomli

from coach.resources import builtin_routines_dir
from coach.schema import routine_schema

DATA = Path(__file__).parent / "data"
VALID = sorted((DATA / "valid").glob("*.toml")) + sorted(builtin_routines_dir().glob("*.toml"))
INVALID = sorted((DATA / "invalid").glob("*.toml"))

CANNOT_CATCH = {
    "not-toml": "not a TOML document: there is nothing to hold against the schema",
    "not-utf8": "not text: there is nothing to hold against the schema",
    "cue-before-start": "compares a cue time with its step's length, arithmetic JSON Schema lacks",
    "cue-past-end": "compares a cue time with its step's length, arithmetic JSON Schema lacks",
}
"""Invalid files the schema passes, on purpose: each says why. The loader catches them."""


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = routine_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def document(path: Path) -> dict[str, Any] | None:
    try:
        return tomli.loads(path.read_text(encoding="utf-8"))
    except (tomli.TOMLDecodeError, UnicodeDecodeError):
        return None


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_every_valid_file_passes(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    found = document(path)
    assert found is not None
    assert [error.message for error in validator.iter_errors(found)] == []


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_every_invalid_file_fails_but_those_listed(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    found = document(path)
    errors = [] if found is None else list(validator.iter_errors(found))
    if path.stem in CANNOT_CATCH:
        assert not errors, f"the schema now catches {path.name}: take it off CANNOT_CATCH"
    else:
        assert errors, f"{path.name} passes the schema but not `coach validate`"


def test_the_list_names_only_files_that_exist() -> None:
    assert set(CANNOT_CATCH) <= {path.stem for path in INVALID}


@pytest.mark.parametrize(
    ("duration", "ok"),
    [
        ("30s", True),
        ("1m30s", True),
        ("1:30", True),
        ("4h", True),
        ("240m", True),
        ("4:00:00", True),
        ("5h", False),
        ("300m", False),
        ("20000s", False),
        ("4:30:00", False),
        ("300:00", False),
        (14401, False),
        ("1 minute", False),
    ],
)
def test_durations_are_bounded_as_the_loader_bounds_them(
    validator: jsonschema.Draft202012Validator, duration: object, ok: bool
) -> None:
    routine = {"name": "R", "step": [{"name": "S", "duration": duration}]}
    assert (not list(validator.iter_errors(routine))) is ok


@pytest.mark.parametrize(
    ("at", "ok"),
    [
        ("50%", True),
        ("0.5%", True),
        ("99.9%", True),
        ("0%", False),
        ("100%", False),
        ("150%", False),
        ("-5s", True),
        ("15s", True),
        ("-", False),
        ("soon", False),
    ],
)
def test_cue_times_and_percentages(
    validator: jsonschema.Draft202012Validator, at: str, ok: bool
) -> None:
    routine = {
        "name": "R",
        "step": [{"name": "S", "duration": "30s", "cue": [{"at": at, "say": "x"}]}],
    }
    assert (not list(validator.iter_errors(routine))) is ok
