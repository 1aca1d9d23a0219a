"""``coach validate DIR``: every routine file in a folder (and its subfolders with -r)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coach.cli import main

DATA = Path(__file__).parent / "data"


def folder_of_routines(root: Path) -> Path:
    shutil.copy(DATA / "valid" / "minimal.toml", root / "a-good.toml")
    shutil.copy(DATA / "invalid" / "cues.toml", root / "b-bad.toml")
    (root / "notes.txt").write_text("not a routine")
    nested = root / "more" / "deeper"
    nested.mkdir(parents=True)
    shutil.copy(DATA / "valid" / "everything.toml", nested / "c-good.toml")
    return root


def test_a_folder_is_every_toml_file_in_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = folder_of_routines(tmp_path)
    assert main(["validate", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{root / 'a-good.toml'}: ok (")
    assert lines[1].startswith(f"{root / 'b-bad.toml'}:")
    assert "c-good" not in "\n".join(lines)
    assert lines[-1] == "1 valid, 1 broken"


def test_recursive_looks_in_subfolders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = folder_of_routines(tmp_path)
    assert main(["validate", "--recursive", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"{root / 'more' / 'deeper' / 'c-good.toml'}: ok (Everything, 4 steps)" in out
    assert out.splitlines()[-1] == "2 valid, 1 broken"
    (root / "b-bad.toml").unlink()
    assert main(["validate", "-r", str(root)]) == 0


def test_a_folder_without_routines_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(DATA / "valid" / "minimal.toml", tmp_path / "sub" / "x.toml")
    assert main(["validate", str(tmp_path)]) == 1
    assert capsys.readouterr().out == (
        f"{tmp_path}: no routine files (.toml) here; -r looks in subfolders too\n"
    )
