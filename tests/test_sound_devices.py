"""Where sound could go: looked up without loading an audio library, so a machine with no
sound card and no sound server costs the app nothing for trying."""

from __future__ import annotations

import os
from pathlib import Path

import miniaudio
import pytest

from coach import sound
from coach.sound_devices import no_output_reason

NONE = "no sound card and no sound server"


def machine(tmp_path: Path, *files: str) -> Path:
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    (tmp_path / "home").mkdir(exist_ok=True)
    return tmp_path


@pytest.mark.parametrize(
    ("files", "env", "expected"),
    [
        ((), {}, NONE),
        (("dev/snd/controlC0", "dev/snd/pcmC0D0c", "dev/shm/jack_db-0"), {}, NONE),
        (("dev/snd/pcmC0D0p",), {}, None),
        (("home/.asoundrc",), {}, None),
        (("etc/asound.conf",), {}, None),
        ((), {"PULSE_SERVER": "tcp:laptop"}, None),
        (("xdg/pulse/native",), {"XDG_RUNTIME_DIR": "{root}/xdg"}, None),
        (("xdg/pipewire-0",), {"XDG_RUNTIME_DIR": "{root}/xdg"}, None),
        ((f"run/user/{os.getuid()}/pulse/native",), {}, None),
        (("dev/shm/jack_default_0_0/jack_0",), {}, None),
    ],
)
def test_where_sound_could_go(
    tmp_path: Path, files: tuple[str, ...], env: dict[str, str], expected: str | None
) -> None:
    root = machine(tmp_path, *files)
    environ = {k: v.format(root=root) for k, v in env.items()}
    assert no_output_reason(environ, root=root, home=root / "home", platform="linux") == expected


def test_other_systems_always_try_the_device(tmp_path: Path) -> None:
    assert no_output_reason({}, root=tmp_path, home=tmp_path, platform="darwin") is None


def test_no_backend_is_tried_where_sound_cannot_go(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a device was tried")

    monkeypatch.setattr(sound, "no_output_reason", lambda: NONE)
    monkeypatch.setattr(miniaudio, "PlaybackDevice", refuse)
    player = sound.open_player()
    assert not player.available
    assert player.status_line == f"No sound: {NONE}; using captions only."


def test_backends_asked_for_are_always_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sound, "no_output_reason", lambda: NONE)
    player = sound.open_player(backends=[miniaudio.Backend.NULL])
    try:
        assert player.available
    finally:
        player.close()
