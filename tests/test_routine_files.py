"""Data-driven: every file in data/valid loads (to the total its first line promises), every
file in data/invalid fails with exactly the lines in its .err twin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach.routine import RoutineError, load_routine

DATA = Path(__file__).parent / "data"
VALID = sorted((DATA / "valid").glob("*.toml"))
INVALID = sorted((DATA / "invalid").glob("*.toml"))


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid(path: Path) -> None:
    routine = load_routine(path)
    promised = re.match(r"# total: (\d+)", path.read_text(encoding="utf-8"))
    assert promised, "a valid test file starts with '# total: N'"
    assert routine.total == int(promised.group(1))
    assert routine.id == path.stem


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid(path: Path) -> None:
    expected = path.with_suffix(".err").read_text(encoding="utf-8").splitlines()
    with pytest.raises(RoutineError) as error:
        load_routine(path)
    assert [str(p) for p in error.value.problems] == expected
    for line in expected:
        assert line.startswith(path.name + ":"), "every error names the file"
