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


def test_too_large_a_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text('name = "Huge"\n' + "# padding\n" * 120_000, encoding="utf-8")
    with pytest.raises(RoutineError) as error:
        load_routine(path)
    assert str(error.value) == "huge.toml: file is larger than 1 MiB"


def test_too_many_steps(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    steps = '[[step]]\nname = "S"\nkind = "rest"\nduration = 1\n' * 501
    path.write_text('name = "Long"\n' + steps, encoding="utf-8")
    with pytest.raises(RoutineError) as error:
        load_routine(path)
    assert str(error.value) == "long.toml:2: step: 501 steps is more than 500"
    path.write_text('name = "Long"\n' + steps[: len(steps) * 500 // 501], encoding="utf-8")
    assert len(load_routine(path).steps) == 500


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "valid" / "minimal.toml").read_bytes())
    assert load_routine(path).name == "Minimal"


def test_a_folder_is_not_a_routine(tmp_path: Path) -> None:
    (tmp_path / "dir.toml").mkdir()
    with pytest.raises(RoutineError) as error:
        load_routine(tmp_path / "dir.toml")
    assert str(error.value) == "dir.toml: is a folder, not a routine file"
