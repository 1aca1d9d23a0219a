"""``coach list``'s cache: the same list as loading every file, and fresh whenever a file
changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from coach.catalog import discover
from coach.listing import _FORMAT, CACHE_NAME, listing
from coach.paths import cache_dir


def _user_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "desk-break.toml").write_text(
        'name = "My desk break"\ntags = ["desk"]\n[[step]]\nname = "Stand"\n'
        'kind = "stretch"\nduration = "1m"\n'
    )
    (folder / "broken.toml").write_text(
        'name = "B"\n[[step]]\nname = "X"\nkind = "rest"\nduration = "1 min"\n'
    )
    return folder


def _as_lines(user: Path) -> list[tuple[object, ...]]:
    return [
        (e.id, e.name, e.routine.total if e.routine else 0.0, e.builtin, e.error is not None)
        for e in discover(user_dir=user)
    ]


def test_the_list_is_what_loading_every_file_gives(tmp_path: Path) -> None:
    user = _user_folder(tmp_path)
    for _ in range(2):  # cold, then from the cache
        items = listing(user_dir=user)
        assert [(i.id, i.name, i.total, i.builtin, i.error is not None) for i in items] == (
            _as_lines(user)
        )
    assert (cache_dir() / CACHE_NAME).is_file()
    broken = next(i for i in items if i.id == "broken")
    assert broken.error is not None and broken.error.startswith(str(user / "broken.toml") + ":5")
    assert [i.name for i in items if i.id == "desk-break"] == ["My desk break"]


def test_a_changed_or_removed_file_is_read_again(tmp_path: Path) -> None:
    user = _user_folder(tmp_path)
    listing(user_dir=user)
    mine = user / "desk-break.toml"
    mine.write_text(mine.read_text().replace("My desk break", "Renamed break!"))
    stat = mine.stat()
    os.utime(mine, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    (user / "broken.toml").unlink()
    items = listing(user_dir=user)
    assert "Renamed break!" in [i.name for i in items]
    assert "broken" not in [i.id for i in items]


def test_a_damaged_cache_is_ignored_and_written_anew(tmp_path: Path) -> None:
    cache = cache_dir() / CACHE_NAME
    cache.parent.mkdir(parents=True)
    cache.write_text("{not json")
    items = listing(user_dir=tmp_path)
    assert len(items) == 6
    assert cache.read_text().startswith(f'{{"format": {_FORMAT}')
    cache.write_text(f'{{"format": {_FORMAT}, "coach": "0.1.0", "files": {{"x": {{"stamp": 3}}}}}}')
    assert [i.id for i in listing(user_dir=tmp_path)] == [i.id for i in items]


def test_a_warm_list_never_loads_a_routine() -> None:
    probe = (
        "import sys, io, contextlib\n"
        "from coach.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out: main(['list'])\n"
        "print('coach.routine' in sys.modules, 'dataclasses' in sys.modules, "
        "out.getvalue().count(chr(10)))\n"
    )
    env = os.environ.copy()
    runs = [
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout.split() == ["True", "True", "6"]
    assert runs[1].stdout.split() == ["False", "False", "6"]


def test_a_file_copied_over_with_its_old_times_is_read_again(tmp_path: Path) -> None:
    user = _user_folder(tmp_path)
    listing(user_dir=user)
    mine = user / "desk-break.toml"
    before = mine.stat()
    text = mine.read_text().replace("My desk break", "My desk pause")  # the same size
    mine.write_text(text)
    os.utime(mine, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p would
    assert mine.stat().st_size == before.st_size
    assert "My desk pause" in [i.name for i in listing(user_dir=user)]


def test_a_routines_folder_that_cannot_be_read_is_listed_with_its_reason(tmp_path: Path) -> None:
    """Both lists (``coach list`` and the app's) say so, and still list the built-ins."""
    not_a_folder = tmp_path / "routines"
    not_a_folder.write_text("")
    cases = [(not_a_folder, "is not a folder")]
    if os.geteuid() != 0:  # root reads a folder whatever its mode
        locked = tmp_path / "locked"
        locked.mkdir()
        (locked / "mine.toml").write_text("")
        locked.chmod(0)
        cases.append((locked, "cannot be read (Permission denied)"))
    try:
        for folder, reason in cases:
            items = listing(user_dir=folder)
            assert [i.error for i in items if not i.builtin] == [f"{folder}: {reason}"]
            assert len([i for i in items if i.builtin]) == 6
            entries = discover(user_dir=folder)
            [entry] = [e for e in entries if not e.builtin]
            assert entry.error is not None and entry.error.first_line == f"{folder}: {reason}"
    finally:
        if len(cases) > 1:
            cases[1][0].chmod(0o700)
