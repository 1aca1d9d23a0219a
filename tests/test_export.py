"""``coach export``: rows streamed as they are read, and a file written safely (never over
someone's file or through a link, private, whole or not at all), CSV cells that no
spreadsheet takes for a formula."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import tracemalloc
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach.cli import main
from coach.log import EXPORT_FIELDS, SessionStore

from .test_history import make

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes and links")


def many(count: int) -> list:  # type: ignore[type-arg]
    start = datetime(2024, 1, 1, 7, tzinfo=timezone(timedelta(hours=1)))
    return [
        make(start + timedelta(hours=9 * n), before=n % 11, after=(n + 2) % 11)
        if n % 3
        else replace(
            make(start + timedelta(hours=9 * n)),
            note=f"session {n}, a note that takes some room " * 2,
            skipped_steps=("Side plank", "Bird dog"),
            steps_skipped=2,
        )
        for n in range(count)
    ]


def seed(records: list) -> None:  # type: ignore[type-arg]
    with SessionStore.open() as store:
        store.add(records)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_streams_its_rows(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """20,000 sessions: the most Python holds at once is a small part of what the rows take
    (the file), as it is when rows are written as they are read."""
    seed(many(20_000))
    target = tmp_path / f"all.{fmt}"
    import coach.export  # noqa: F401  (imports are not rows: load them before measuring)

    tracemalloc.start()
    try:
        assert main(["export", "--format", fmt, "--output", str(target)]) == 0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = target.stat().st_size
    assert size > 5_000_000
    assert peak < size / 5, f"peak {peak / 1e6:.1f} MB for {size / 1e6:.1f} MB of rows"
    assert "wrote 20000 sessions" in capsys.readouterr().err
    if fmt == "json":
        rows = json.loads(target.read_text(encoding="utf-8"))
    else:
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 20_000
    assert [int(r["id"]) for r in rows[:3]] == [1, 2, 3]
    assert rows[3]["skipped_steps"] in (["Side plank", "Bird dog"], "Side plank; Bird dog")


def test_export_json_of_an_empty_log(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_an_existing_file_is_kept_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(many(2))
    target = tmp_path / "sessions.csv"
    target.write_text("my own notes\n")
    target.chmod(0o644)
    assert main(["export", "--output", str(target)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line == f"coach: {target} already exists; --force replaces it"
    assert target.read_text() == "my own notes\n"

    assert main(["export", "--output", str(target), "--force"]) == 0
    assert target.read_text().startswith("id,routine_id,")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coach-home", "sessions.csv"]


@pytest.mark.parametrize("dangling", [False, True])
def test_a_link_is_never_followed(
    dangling: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(many(2))
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("precious\n")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    assert main(["export", "--output", str(link)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["export", "--output", str(link), "--force"]) == 0
    assert not link.is_symlink() and link.read_text().startswith("id,")
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_text() == "precious\n"


def test_the_file_is_private_under_any_umask(tmp_path: Path) -> None:
    seed(many(1))
    target = tmp_path / "x.json"
    old = os.umask(0)
    try:
        assert main(["export", "--format", "json", "-o", str(target)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_export_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(many(50))
    target = tmp_path / "x.csv"

    def broken(self: SessionStore, batch: int = 0) -> object:
        yield (1,) * len(EXPORT_FIELDS)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(SessionStore, "export_rows", broken)
    assert main(["export", "--output", str(target)]) == 1
    assert "Input/output error" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coach-home"]


def test_csv_cells_are_never_formulas(capsys: pytest.CaptureFixture[str]) -> None:
    west = timezone(timedelta(hours=-5))
    seed(
        [
            replace(
                make(datetime(2026, 3, 1, 8, tzinfo=west)),
                routine_id="=1+1",
                routine_name='=HYPERLINK("https://example.com","click")',
                note="+44 on the phone",
                skipped_steps=("-stretch", "@SUM(A1)"),
                steps_skipped=2,
            ),
            replace(make(datetime(2026, 3, 2, 8, tzinfo=west)), note="\t=tab first"),
        ]
    )
    assert main(["export"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out, newline="")))
    first = rows[0]
    assert first["routine_id"] == "'=1+1"
    assert first["routine_name"] == '\'=HYPERLINK("https://example.com","click")'
    assert first["note"] == "'+44 on the phone"
    assert first["skipped_steps"] == "'-stretch; @SUM(A1)"
    assert rows[1]["note"] == "'\t=tab first"
    # Numbers stay numbers: an offset west of Greenwich is negative.
    assert first["utc_offset_minutes"] == "-300"


def test_json_keeps_the_text_as_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    seed([replace(make(datetime(2026, 3, 1, 8, tzinfo=timezone.utc)), routine_name="=SUM(1)")])
    assert main(["export", "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["routine_name"] == "=SUM(1)"
    assert row["local_day"] == date(2026, 3, 1).isoformat()
    assert row["local_start"] == "2026-03-01T08:00:00+00:00"
