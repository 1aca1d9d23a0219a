"""The announcement of a due break: the chime, then the spoken line (after the chime, not
over it), the bell and title on the terminal, the notification with its buttons. The player
is a recording stand-in (there is no sound card here; tests/test_sound_player.py plays real
WAVs through miniaudio's null backend)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coach.remind import ACTIONS, Announcer, Offer
from coach.reminder import Kind, Reminder


@dataclass
class FakeSound:
    name: str
    duration: float


@dataclass
class RecordingPlayer:
    played: list[str] = field(default_factory=list)
    available: bool = True

    def sound(self, name: str) -> FakeSound | None:
        return FakeSound(name, 1.25) if name == "chime" else None

    def load(self, path: Path, name: str | None = None) -> FakeSound:
        return FakeSound(path.name, 2.0)

    def play(self, what: str | FakeSound, *, gain: float = 1.0) -> None:
        self.played.append(what if isinstance(what, str) else what.name)


@dataclass
class RecordingSpeech:
    said: list[str] = field(default_factory=list)

    def say(self, text: str, spec: object, **_: object) -> int:
        self.said.append(text)
        return 1


@dataclass
class RecordingNotifications:
    sent: list[tuple[str, str, object]] = field(default_factory=list)

    def send(
        self,
        title: str,
        message: str,
        actions: object = (),
        on_action: object = None,
        *,
        wait: bool = True,
    ) -> bool:
        self.sent.append((title, message, actions))
        return True


OFFER = Offer("Desk-break posture reset", 275, 300)
DUE = Reminder(Kind.OFFERED, 10.0)


def test_the_spoken_line_follows_the_chime_and_the_terminal_rings_and_retitles() -> None:
    player, terminal = RecordingPlayer(), io.StringIO()
    notifications = RecordingNotifications()
    waits: list[tuple[float, Callable[[], object]]] = []
    announcer = Announcer(
        OFFER,
        terminal=terminal,
        player=player,  # type: ignore[arg-type]
        notifications=notifications,  # type: ignore[arg-type]
        later=lambda delay, action: waits.append((delay, action)),
    )
    announcer._spoken_path = Path("/cache/line.wav")
    announcer.announce(DUE)
    assert player.played == ["chime"]
    [(delay, action)] = waits
    assert delay == 1.25
    action()
    assert player.played == ["chime", "line.wav"]
    assert terminal.getvalue() == "\x1b]2;coach: break due\x07\a"
    assert notifications.sent == [
        ("Time for a break", "Desk-break posture reset, 4:35. Stand up, breathe out.", ACTIONS)
    ]


def test_without_sounds_no_chime_and_the_voice_speaks_live_without_a_rendered_line() -> None:
    player, speech = RecordingPlayer(), RecordingSpeech()
    waits: list[tuple[float, Callable[[], object]]] = []
    announcer = Announcer(
        OFFER,
        player=player,  # type: ignore[arg-type]
        speech=speech,  # type: ignore[arg-type]
        voice=object(),  # type: ignore[arg-type]
        chime=False,
        later=lambda delay, action: waits.append((delay, action)),
    )
    announcer.announce(DUE)
    assert player.played == []
    for _, action in waits:
        action()
    assert speech.said == ["Time for a break. Desk-break posture reset, 5 minutes."]
