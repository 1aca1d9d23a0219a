"""``coach remind --install``: start the break reminder with the desktop session.

On Linux with systemd, a user unit (``coach-remind.service``) in the user's unit folder runs
``coach remind --plain`` while the graphical session runs; it prints how to enable, watch and
remove it, and touches nothing else (enabling is the person's call). Elsewhere it prints
what to set up by hand.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

UNIT_NAME = "coach-remind.service"


def _durations(every: float | None, snooze: float | None, routine: str | None) -> list[str]:
    args: list[str] = []
    if every is not None:
        args += ["--every", f"{every:g}s"]
    if snooze is not None:
        args += ["--snooze", f"{snooze:g}s"]
    if routine is not None:
        args += ["--routine", routine]
    return args


def coach_command() -> list[str]:
    """How to start this coach again: the installed command beside this Python, else
    ``python -m coach``."""
    beside = Path(sys.executable).with_name("coach")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("coach")
    return [found] if found else [sys.executable, "-m", "coach"]


def _systemd_quote(arg: str) -> str:
    if arg and not any(c in arg for c in " \t\"'\\$%;"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$").replace("%", "%%")
    return f'"{escaped}"'


def unit_folder(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/systemd/user`` (``~/.config/systemd/user``)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def unit_text(command: list[str], environ: dict[str, str] | None = None) -> str:
    """The unit: ``coach remind --plain`` for as long as the graphical session runs."""
    env = os.environ if environ is None else environ
    lines = [
        "# Written by `coach remind --install`: the break reminder, with the desktop session.",
        "[Unit]",
        "Description=coach break reminder",
        "PartOf=graphical-session.target",
        "After=graphical-session.target",
        "",
        "[Service]",
        "ExecStart=" + " ".join(_systemd_quote(arg) for arg in command),
        "Restart=on-failure",
        "RestartSec=30",
    ]
    home = env.get("COACH_HOME")
    if home:
        lines.append(f"Environment={_systemd_quote('COACH_HOME=' + home)}")
    lines += ["", "[Install]", "WantedBy=graphical-session.target", ""]
    return "\n".join(lines)


BY_HAND = {
    "darwin": (
        "macOS: add a LaunchAgent. Save a plist as ~/Library/LaunchAgents/coach.remind.plist\n"
        "with ProgramArguments = [{command}], RunAtLoad = true and KeepAlive = true, then run\n"
        "  launchctl load ~/Library/LaunchAgents/coach.remind.plist\n"
        "To remove it: launchctl unload that file, then delete it."
    ),
    "win32": (
        "Windows: press Win+R, open shell:startup and add a shortcut to\n"
        "  {command}\n"
        "To remove it, delete the shortcut."
    ),
}


def install_unit(
    *,
    every: float | None = None,
    snooze: float | None = None,
    routine: str | None = None,
    platform: str | None = None,
    systemd: bool | None = None,
    environ: dict[str, str] | None = None,
) -> int:
    """Write the unit (Linux with systemd) or print what to do by hand. 0 on success."""
    platform = platform or sys.platform
    command = [*coach_command(), "remind", "--plain", *_durations(every, snooze, routine)]
    shown = " ".join(command)
    if systemd is None:
        systemd = platform.startswith("linux") and shutil.which("systemctl") is not None
    if not systemd:
        print("coach cannot set up the reminder to start by itself here; to do it by hand:")
        template = BY_HAND.get(platform)
        if template is None:
            template = (
                "Have your desktop session start this command when you log in:\n  {command}\n"
                "(most desktops have a Startup Applications or Autostart setting for it)."
            )
        print(template.format(command=shown))
        return 0
    folder = unit_folder(environ)
    path = folder / UNIT_NAME
    existed = path.exists()
    try:
        from coach.authoring import private_folder

        private_folder(folder)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as stream:
            stream.write(unit_text(command, environ))
        os.chmod(path, 0o600)
    except OSError as error:
        print(f"coach: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"{'replaced' if existed else 'wrote'} {path}, which runs: {shown}")
    print("To start it now and with every desktop session:")
    print(f"  systemctl --user daemon-reload && systemctl --user enable --now {UNIT_NAME}")
    print(f"To see what it says:  journalctl --user -u {UNIT_NAME} -f")
    print("To remove it:")
    print(f"  systemctl --user disable --now {UNIT_NAME} && rm {path}")
    print("It has no terminal: desktop notifications (with their buttons) and the voice carry it.")
    return 0
