"""``coach remind --install``: a systemd user unit in the user's unit folder, with how to
enable and remove it; elsewhere, what to do by hand."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coach.autostart import UNIT_NAME, install_unit, unit_text


def test_the_unit_is_written_to_the_users_folder_with_the_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "COACH_HOME": "/home/me/coach data"}
    assert install_unit(every=1500, routine="my-break", systemd=True, environ=env) == 0
    path = tmp_path / "config" / "systemd" / "user" / UNIT_NAME
    text = path.read_text()
    assert "remind --plain --every 1500s --routine my-break" in text
    assert "WantedBy=graphical-session.target" in text
    assert 'Environment="COACH_HOME=/home/me/coach data"' in text
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    out = capsys.readouterr().out
    assert f"wrote {path}" in out
    assert f"systemctl --user enable --now {UNIT_NAME}" in out
    assert f"systemctl --user disable --now {UNIT_NAME} && rm {path}" in out
    # Again: the unit is replaced, and it says so.
    assert install_unit(systemd=True, environ=env) == 0
    assert f"replaced {path}" in capsys.readouterr().out
    assert "--every" not in path.read_text()


def test_elsewhere_it_says_what_to_do_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    assert install_unit(platform="darwin", systemd=False) == 0
    out = capsys.readouterr().out
    assert "LaunchAgent" in out and "remind --plain" in out
    assert install_unit(platform="linux", systemd=False) == 0
    assert "Startup Applications" in capsys.readouterr().out


def test_the_exec_line_quotes_a_path_with_spaces() -> None:
    text = unit_text(["/opt/my apps/coach", "remind", "--plain"], environ={})
    assert 'ExecStart="/opt/my apps/coach" remind --plain' in text


def test_the_command_writes_the_unit(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    coach = str(Path(sys.executable).with_name("coach"))
    result = subprocess.run(
        [coach, "remind", "--install", "--every", "45m"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    unit = tmp_path / "systemd" / "user" / UNIT_NAME
    if unit.exists():  # a machine with systemctl
        assert f"{coach} remind --plain --every 2700s" in unit.read_text()
    else:
        assert "by hand" in result.stdout


def test_a_routine_that_does_not_load_writes_no_unit_and_a_path_is_made_absolute(
    tmp_path: Path,
) -> None:
    """A unit that names a missing routine would fail and restart every 30 s for ever."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    coach = str(Path(sys.executable).with_name("coach"))

    def install(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [coach, "remind", "--install", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )

    unit = tmp_path / "config" / "systemd" / "user" / UNIT_NAME
    result = install("--routine", "no-such-routine")
    assert result.returncode == 1
    assert "no-such-routine: no routine with this id" in result.stderr
    assert not unit.exists()
    routines = Path(__file__).parent.parent / "routines"
    (tmp_path / "mine.toml").write_text((routines / "desk-break.toml").read_text())
    result = install("--routine", "mine.toml")
    assert result.returncode == 0, result.stderr
    if unit.exists():  # a machine with systemctl: the unit runs from the home folder
        assert f"--routine {tmp_path / 'mine.toml'}" in unit.read_text()
