"""Is there anywhere on this machine that sound could go? Asked before opening a device.

On Linux, trying to open an output device loads the audio libraries of every backend tried
(PulseAudio's client with its dependencies, JACK's with the C++ runtime, ALSA's plugins): 6
MB or more that stay in memory for the life of the app, even when all of them fail. Each
backend needs something that can be seen without loading anything: a sound card's playback
device in ``/dev/snd``, an ALSA configuration of the person's (which may define a device of
its own), or a sound server's socket (PulseAudio, PipeWire's PulseAudio service, JACK). When
there is none, no backend could open a device, and coach says so at once.

Other systems are not looked at: the device is always tried there.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def no_output_reason(
    environ: Mapping[str, str] | None = None,
    *,
    root: Path = Path("/"),
    home: Path | None = None,
    platform: str = sys.platform,
) -> str | None:
    """Why no audio output device can exist here, in a few words; None when one might (or
    when this system is not one we know how to look at)."""
    if not platform.startswith("linux"):
        return None
    env = os.environ if environ is None else environ
    home = home if home is not None else Path(env.get("HOME") or Path.home())
    if _playback_devices(root / "dev" / "snd"):
        return None
    # An ALSA configuration can define a device without a card (a file, a network sink).
    configs = [home / ".asoundrc", root / "etc" / "asound.conf"]
    if env.get("ALSA_CONFIG_PATH") or env.get("ALSA_CONFIG_DIR"):
        return None
    if any(path.exists() for path in configs):
        return None
    if env.get("PULSE_SERVER") or env.get("JACK_DEFAULT_SERVER"):
        return None
    runtime = [Path(env["XDG_RUNTIME_DIR"])] if env.get("XDG_RUNTIME_DIR") else []
    runtime.append(root / "run" / "user" / str(os.getuid()))
    servers = [
        *(folder / "pulse" / "native" for folder in runtime),
        *(folder / "pipewire-0" for folder in runtime),
        root / "run" / "pulse" / "native",
        root / "var" / "run" / "pulse" / "native",
    ]
    if any(_exists(path) for path in servers):
        return None
    if _jack_servers(root / "dev" / "shm") or any(_jack_servers(f) for f in runtime):
        return None
    return "no sound card and no sound server"


def _playback_devices(folder: Path) -> bool:
    """A sound card's playback device: ``pcmC<card>D<device>p``."""
    try:
        return any(n.startswith("pcmC") and n.endswith("p") for n in os.listdir(folder))
    except OSError:
        return False


def _jack_servers(folder: Path) -> bool:
    """A running JACK server's folder (``jack_default_<uid>_0`` in JACK 2, ``jack-<uid>`` in
    JACK 1). ``jack_db-*`` is only the shared memory of a client that once loaded the
    library."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(n.startswith(("jack_default_", "jack-")) for n in names)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False
