"""Stand-in speech engines for the speech process: ``--engine tests/speech_fakes.py:NAME``.

They speak pyttsx3's dialect (``setProperty``, ``getProperty("voices")``, ``save_to_file``,
``say``, ``runAndWait``) and misbehave on purpose. Each render writes a real WAV: a quiet
tone of about 60 ms per character, so the app's side can decode and play it.

Behaviour by environment variable (the parent passes its environment on):

- ``FAKE_SPEECH_DELAY``: seconds every render and every live utterance takes.
- ``FAKE_SPEECH_SAY_SECONDS``: seconds a live utterance takes (default: the delay).
- ``FAKE_SPEECH_HANG``: set, every request hangs.
- texts containing ``HANG`` never finish; texts containing ``CRASH`` end the process.
"""

from __future__ import annotations

import math
import os
import struct
import time
import wave
from dataclasses import dataclass, field

RATE = 22050


@dataclass
class FakeVoice:
    id: str
    name: str
    languages: list[str] = field(default_factory=list)
    gender: str | None = None


class FakeEngine:
    def __init__(self) -> None:
        self.properties: dict[str, object] = {"voice": "fake/en", "rate": 200, "volume": 1.0}
        self._pending: tuple[str, str | None] | None = None
        self.delay = float(os.environ.get("FAKE_SPEECH_DELAY", "0"))
        self.say_seconds = float(os.environ.get("FAKE_SPEECH_SAY_SECONDS", str(self.delay)))

    def setProperty(self, name: str, value: object) -> None:
        self.properties[name] = value

    def getProperty(self, name: str) -> object:
        if name == "voices":
            return [FakeVoice("fake/en", "Fake English", ["en"]), FakeVoice("fake/de", "Fake")]
        return self.properties[name]

    def save_to_file(self, text: str, path: str) -> None:
        self._pending = (text, path)

    def say(self, text: str) -> None:
        self._pending = (text, None)

    def runAndWait(self) -> None:
        if self._pending is None:
            return
        text, path = self._pending
        self._pending = None
        if "CRASH" in text:
            os._exit(70)
        if "HANG" in text or os.environ.get("FAKE_SPEECH_HANG"):
            while True:
                time.sleep(3600)
        time.sleep(self.delay if path else self.say_seconds)
        if path is not None:
            write_tone(path, seconds=0.06 * max(1, len(text)))


def write_tone(path: str, seconds: float) -> None:
    frames = int(seconds * RATE)
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(
            b"".join(
                struct.pack("<h", round(8000 * math.sin(2 * math.pi * 300 * n / RATE)))
                for n in range(frames)
            )
        )


def engine() -> FakeEngine:
    return FakeEngine()


def broken() -> FakeEngine:
    raise OSError("libespeak-ng.so.1: cannot open shared object file: No such file or directory")
