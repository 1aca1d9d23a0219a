"""Shell completion and the manual page, as a person installs them: the script that
``coach completion SHELL`` prints, loaded into a real bash, zsh and fish in tmux, and Tab
pressed; the page that ``coach man`` prints, read by ``man``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def coach(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "coach"), *args], capture_output=True, text=True, timeout=60, check=False
    )


class Shell:
    """An interactive shell in tmux on a private server."""

    def __init__(self, socket: str, name: str) -> None:
        self.socket = socket
        self.name = name

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout

    def type(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "sh", key)
            time.sleep(0.2)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.tmux("capture-pane", "-p", "-t", "sh")
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{shown}")


def setup(shell: str, home: Path) -> tuple[list[str], list[str]]:
    """The command that starts ``shell`` with coach's completion installed as the README
    says, and the keys that load it where it is not found by itself."""
    script = coach("completion", shell)
    assert script.returncode == 0, script.stderr
    if shell == "bash":
        target = home / ".local/share/bash-completion/completions/coach"
        target.parent.mkdir(parents=True)
        target.write_text(script.stdout)
        return ["bash", "--norc", "--noprofile", "-i"], [f"source {target}"]
    if shell == "zsh":
        (home / ".zfunc").mkdir()
        (home / ".zfunc" / "_coach").write_text(script.stdout)
        (home / ".zshrc").write_text(
            'fpath=(~/.zfunc $fpath)\nautoload -U compinit\ncompinit -u\nPS1="zsh> "\n'
        )
        return ["zsh", "-i"], []
    target = home / ".config/fish/completions/coach.fish"
    target.parent.mkdir(parents=True)
    target.write_text(script.stdout)
    return ["fish", "-i"], []


@pytest.fixture(params=["bash", "zsh", "fish"])
def shell(request: pytest.FixtureRequest, tmp_path: Path, coach_home: Path) -> Iterator[Shell]:
    name = request.param
    for tool in ("tmux", name):
        if shutil.which(tool) is None:
            if os.environ.get("CI"):
                pytest.fail(f"{tool} is missing: ./dev test installs it")
            pytest.skip(f"{tool} is not installed")
    home = tmp_path / "home"
    home.mkdir()
    for folder in ("Documents", "Downloads", "Music"):  # a home, where the shell starts
        (home / folder).mkdir()
    command, keys = setup(name, home)
    env = {
        "HOME": str(home),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "TERM": "xterm",
        "COACH_HOME": str(coach_home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
    }
    socket = f"coach-shell-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["tmux", "-L", socket, "new-session", "-d", "-s", "sh", "-x", "100", "-y", "20"]
        + ["-c", str(home)]
        + ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *command],
        check=True,
        timeout=10,
    )
    term = Shell(socket, name)
    try:
        time.sleep(1.0)
        for line in keys:
            term.type(line, "Enter")
        yield term
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10)


def test_tab_completes_commands_routine_ids_and_options(shell: Shell) -> None:
    shell.type("coach ru", "Tab")
    shell.wait_for("coach run")  # and a space, which capture-pane does not show
    shell.type("desk-b", "Tab")
    shell.wait_for("coach run desk-break")
    shell.type(" --pl", "Tab")
    shell.wait_for("--plain")


def test_tab_on_nothing_offers_the_routines_not_every_folder(shell: Shell) -> None:
    """bash offered every folder of the current one beside the ids: in a home, the routines
    were lost among Documents, Downloads and the rest. Folders come when the word is a path
    (or nothing else fits)."""
    if shell.name != "bash":
        pytest.skip("zsh and fish show folders in a group of their own")
    shell.type("coach run ", "Tab", "Tab")
    screen = shell.wait_for("morning-stretch")
    assert "desk-break" in screen and "Documents" not in screen
    shell.type("C-u", "coach run Doc", "Tab")
    shell.wait_for("coach run Documents/")


def test_completion_needs_a_shell_it_knows() -> None:
    result = coach("completion", "tcsh")
    assert result.returncode == 2
    assert "invalid choice: 'tcsh'" in result.stderr


def test_list_ids_is_one_id_a_line() -> None:
    ids = coach("list", "--ids").stdout.split()
    assert "desk-break" in ids and all(" " not in i for i in ids)


def test_the_manual_page_names_every_command_and_man_reads_it(tmp_path: Path) -> None:
    result = coach("man")
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert page.startswith(".TH COACH ")
    for command in ("list", "show", "run", "say", "completion", "man"):
        assert f"'coach {command}'" in page, command
    assert "\\-\\-plain" in page
    if shutil.which("man") is None:
        return
    path = tmp_path / "coach.1"
    path.write_text(page)
    shown = subprocess.run(
        ["man", "-l", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "80"},
        timeout=30,
    )
    assert shown.returncode == 0, shown.stderr
    assert "coach run" in shown.stdout and "--plain" in shown.stdout
