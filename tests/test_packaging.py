"""The wheel carries the built-in routines and sounds, and finds them once installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("coach_routines-*.whl")
    return built


def test_wheel_carries_the_license_and_the_index_metadata(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    [license_file] = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert archive.read(license_file) == (ROOT / "LICENSE").read_bytes()
    assert b"MIT License" in archive.read(license_file)
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    fields = archive.read(metadata).decode().split("\n\n", 1)[0].splitlines()
    assert "Name: coach-routines" in fields
    assert "License-Expression: MIT" in fields
    assert "License-File: LICENSE" in fields
    assert "Classifier: Environment :: Console" in fields
    assert any(line.startswith("Keywords: ") for line in fields)
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "coach = coach.cli:main" in archive.read(entry_points).decode()


def test_wheel_holds_every_routine_and_sound(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [*(ROOT / "routines").glob("*.toml"), *(ROOT / "sounds").glob("*.wav")]
    assert shipped, "the repository has built-in routines and sounds"
    for path in shipped:
        assert f"coach/_data/{path.parent.name}/{path.name}" in names
    assert "coach/cli.py" in names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_installed_package_finds_its_data(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    probe = (
        "import coach.resources as r, coach.catalog as c;"
        "print(r.builtin_routines_dir()); print(len(c.discover()))"
    )
    # -S: no site processing, so the editable install's import hook cannot answer for
    # coach; the dependencies come from this environment's site-packages.
    site_packages = next(p for p in sys.path if p.endswith("site-packages"))
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={
            "PYTHONPATH": os.pathsep.join([str(tmp_path), site_packages]),
            "COACH_HOME": str(tmp_path / "home"),
        },
    )
    folder, count = result.stdout.split()
    assert Path(folder) == tmp_path / "coach" / "_data" / "routines"
    assert int(count) == len(list((ROOT / "routines").glob("*.toml")))
