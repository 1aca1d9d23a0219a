"""The cue adapter's rules, exactly: a fake clock drives a real session; a fake player and a
fake speech process record what the adapter asks of them."""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent

import pytest

from coach.clock import FakeClock
from coach.cues import ActiveClock, CueRecord, Cues, Outcome
from coach.routine import parse_routine
from coach.session import CueDue, Event, Session
from coach.sound import RATE, Playing, Sound, SoundError
from coach.speech import RenderResult, SayUpdate, VoiceSpec, render_key
from coach.timeline import Cue, CueKind, Timeline, build_timeline, finish_words

ROUTINE = """
name = "Desk"
prepare = "5s"
[defaults]
kind = "stretch"
rest = "5s"
[cues]
halfway = true
[[step]]
name = "Chin tucks"
duration = "30s"
instructions = "Glide your chin straight back."
[[step]]
name = "Seated twist"
duration = "20s"
sides = true
rest = "0s"
[[step]]
name = "Bridge"
kind = "strength"
reps = 4
tempo = "3s"
"""


def build(text: str = ROUTINE) -> Timeline:
    return build_timeline(parse_routine(dedent(text), routine_id="desk"))


class FakePlayer:
    """Plays nothing; records every play. A rendered file "lasts" what the test says."""

    def __init__(self, available: bool = True) -> None:
        self.available = available
        self.status_line: str | None = None if available else "No sound: no device."
        self.played: list[Playing] = []
        self.stopped_all = 0
        self.lengths: dict[str, float] = {}
        self.broken: set[str] = set()

    def sound(self, name: str) -> Sound | None:
        return None

    def load(self, path: Path, name: str | None = None) -> Sound:
        if path.stem in self.broken:
            raise SoundError(f"{path}: cannot be decoded")
        seconds = self.lengths.get(path.stem, 1.0)
        return Sound(name or path.stem, array("h", [5000] * int(seconds * RATE)))

    def play(self, what: str | Sound, *, gain: float = 1.0) -> Playing:
        sound = what if isinstance(what, Sound) else Sound(what, array("h", [1] * 2000))
        playing = Playing(sound, gain, time.monotonic())
        self.played.append(playing)
        return playing

    def stop_all(self) -> None:
        self.stopped_all += 1
        for playing in self.played:
            playing.stop()

    def close(self) -> None:
        return None

    def names(self) -> list[str]:
        return [p.sound.name for p in self.played]


@dataclass
class FakeSpeech:
    """Records requests; the test answers them when it likes."""

    available: bool | None = True
    status_line: str | None = None
    renders: list[tuple[str, bool, Callable[[RenderResult], None]]] = field(default_factory=list)
    says: list[tuple[int, str, float | None, Callable[[SayUpdate], None] | None]] = field(
        default_factory=list
    )
    stops: int = 0

    def render(
        self,
        text: str,
        spec: VoiceSpec,
        callback: Callable[[RenderResult], None],
        *,
        urgent: bool = False,
    ) -> str:
        self.renders.append((text, urgent, callback))
        return render_key(text, spec)

    def say(
        self,
        text: str,
        spec: VoiceSpec,
        *,
        expires: float | None = None,
        callback: Callable[[SayUpdate], None] | None = None,
    ) -> int:
        self.says.append((len(self.says) + 1, text, expires, callback))
        return len(self.says)

    def stop(self) -> None:
        self.stops += 1

    def deliver(self, text: str | None = None, *, error: str | None = None) -> None:
        """Answer the render requests for ``text`` (all of them when None)."""
        answered = set()
        for asked, _, callback in list(self.renders):
            if (text is None or asked == text) and asked not in answered:
                answered.add(asked)
                key = render_key(asked, VoiceSpec())
                path = None if error else Path(f"/rendered/{key}.wav")
                callback(RenderResult(key, asked, path, error))

    def render_texts(self) -> list[str]:
        return list(dict.fromkeys(text for text, _, _ in self.renders))


class Rig:
    """A session on a fake clock, feeding the adapter as the app would."""

    def __init__(
        self,
        timeline: Timeline | None = None,
        *,
        player: FakePlayer | None = None,
        speech: FakeSpeech | None = None,
        no_speech: bool = False,
        sounds: bool = True,
        speak: bool = True,
    ) -> None:
        self.timeline = timeline or build()
        self.clock = FakeClock(100.0)
        self.player = player or FakePlayer()
        self.speech = None if no_speech else (speech or FakeSpeech())
        self.cues = Cues(
            self.timeline,
            player=self.player,
            speech=self.speech,  # type: ignore[arg-type]
            sounds=sounds,
            speak=speak,
            clock=self.clock,
        )
        self.session = Session(self.timeline)
        self.events: list[Event] = []

    def feed(self, events: list[Event]) -> None:
        self.events.extend(events)
        self.cues.on_events(events, self.session.active_time(self.clock.now()))

    def start(self) -> None:
        self.feed(self.session.start(self.clock.now()))

    def run_to(self, active: float) -> None:
        """Tick second by second (as a deadline-driven loop would, to the cue) until then."""
        while self.session.active_time(self.clock.now()) < active - 1e-9:
            deadline = self.session.next_deadline()
            now = self.clock.now()
            target = now + (active - self.session.active_time(now))
            step = target if deadline is None else min(deadline, target)
            self.clock.advance(max(0.0, step - now))
            self.feed(self.session.tick(self.clock.now()))

    def finish_all(self) -> None:
        """Everything playing has played out."""
        for playing in self.player.played:
            playing.ended_at = 0.0

    def set_length(self, text: str, seconds: float) -> None:
        self.player.lengths[render_key(text, VoiceSpec())] = seconds

    def record(self, kind: CueKind, nth: int = 0) -> object:
        matching = [
            r for r in self.cues.records.values() if r.cue.kind is kind
        ]  # records keep arrival order
        return matching[nth]

    def records_of(self, kind: CueKind) -> list[CueRecord]:
        return [r for r in self.cues.records.values() if r.cue.kind is kind]

    def cue(self, kind: CueKind, nth: int = 0) -> Cue:
        return [c for c in self.timeline.cues if c.kind is kind][nth]


def speech_played(rig: Rig) -> list[str]:
    """Texts whose rendered speech the player was asked to play."""
    by_key = {render_key(c.text, VoiceSpec()): c.text for c in rig.timeline.cues}
    return [by_key[p.sound.name] for p in rig.player.played if p.sound.name in by_key]


def test_every_cue_is_rendered_ahead_in_timeline_order() -> None:
    rig = Rig()
    texts = list(dict.fromkeys(cue.text for cue in rig.timeline.cues))
    assert rig.speech is not None
    assert rig.speech.render_texts() == texts
    assert not any(urgent for _, urgent, _ in rig.speech.renders)


def test_a_step_rings_the_bell_and_speaks_its_rendered_words_on_its_beat() -> None:
    rig = Rig()
    assert rig.speech is not None
    rig.speech.deliver()
    rig.start()
    assert speech_played(rig) == ["Get ready. First: Chin tucks."]
    assert rig.player.names()[:1] == [render_key("Get ready. First: Chin tucks.", VoiceSpec())]
    rig.run_to(5.0)
    start = rig.cue(CueKind.START)
    assert rig.player.names()[-2:] == ["bell", render_key(start.text, VoiceSpec())]
    record = rig.cues.records[start.id]
    assert record.outcome is Outcome.SPOKEN
    assert record.moment == rig.clock.now()
    assert rig.cues.captions[-1].text == "Chin tucks. Glide your chin straight back."
    assert rig.cues.latest_caption is not None and rig.cues.latest_caption.cue_id == start.id


def test_the_countdown_is_a_tick_with_sounds_and_spoken_without() -> None:
    ticking = Rig()
    assert ticking.speech is not None
    ticking.speech.deliver()
    ticking.start()
    ticking.run_to(5.0)
    assert ticking.player.names().count("tick") == 3
    assert "3" not in speech_played(ticking)
    countdown = [r for r in ticking.cues.records.values() if r.cue.kind is CueKind.COUNTDOWN]
    assert {r.outcome for r in countdown} == {Outcome.SOUND}

    spoken = Rig(sounds=False)
    assert spoken.speech is not None
    spoken.speech.deliver()
    spoken.start()
    for second in (1, 2, 3, 4, 5):
        spoken.run_to(second)
        spoken.finish_all()  # each number is over before the next
    assert "tick" not in spoken.player.names()
    assert "bell" not in spoken.player.names()
    assert [t for t in speech_played(spoken) if t in "321"] == ["3", "2", "1"]
    # The latest caption worth a line is the step's, not a number.
    assert spoken.cues.latest_caption is not None
    assert spoken.cues.latest_caption.kind is CueKind.START


def test_a_step_s_words_are_never_cut_by_a_lower_priority_cue() -> None:
    rig = Rig()
    assert rig.speech is not None
    start = rig.cue(CueKind.START)
    rig.set_length(start.text, 20.0)  # still speaking at the halfway mark
    rig.speech.deliver()
    rig.start()
    rig.run_to(20.0)  # step 1 runs 5-35 s: halfway at 20 s
    halfway = rig.record(CueKind.HALFWAY)
    assert halfway.outcome is Outcome.OVERLAP  # type: ignore[attr-defined]
    words = rig.cues.records[start.id].speech
    assert words is not None and not words.stopped
    assert "Halfway." not in [c.text for c in rig.cues.captions]


def test_switch_sides_cuts_the_first_side_s_long_words_and_rings_its_bell() -> None:
    rig = Rig()
    assert rig.speech is not None
    twist = [c for c in rig.timeline.cues if c.kind is CueKind.START][1]
    assert twist.text.startswith("Seated twist")
    rig.set_length(twist.text, 30.0)  # longer than the 20 s side
    rig.speech.deliver()
    rig.start()
    rig.run_to(60.0)  # the left side runs 40-60 s
    switch = rig.cues.records[rig.cue(CueKind.SWITCH_SIDES).id]
    assert switch.outcome is Outcome.SPOKEN
    assert switch.sound is not None and switch.sound.sound.name == "bell"
    words = rig.cues.records[twist.id]
    assert words.outcome is Outcome.CUT and words.speech is not None and words.speech.stopped
    assert rig.cues.latest_caption is not None
    assert rig.cues.latest_caption.text == "Switch sides. Right side."


def test_a_rep_count_drowned_by_the_step_s_words_still_ticks() -> None:
    rig = Rig()
    assert rig.speech is not None
    bridge = [c for c in rig.timeline.cues if c.kind is CueKind.START][-1]
    rig.set_length(bridge.text, 5.0)  # still speaking at rep 2 (3 s in)
    rig.speech.deliver()
    rig.start()
    rig.run_to(82.5)  # the bridge starts at 80 s: rep 2 at 83 s
    before = rig.player.names().count("tick")
    rig.run_to(84.0)
    rep = rig.records_of(CueKind.REP)[0]
    assert rep.outcome is Outcome.SOUND
    assert rep.sound is not None and rig.player.names().count("tick") == before + 1
    words = rig.cues.records[bridge.id]
    assert words.speech is not None and not words.speech.stopped


def test_a_higher_priority_cue_cuts_a_lower_one() -> None:
    rig = Rig()
    assert rig.speech is not None
    next_up = rig.cue(CueKind.NEXT_UP)
    rig.set_length(next_up.text, 30.0)  # would run over the next step's start
    rig.speech.deliver()
    rig.start()
    segment = rig.timeline.segments[next_up.segment]
    assert segment.duration is not None
    rig.run_to(segment.start + segment.duration - next_up.offset - 1)
    rig.finish_all()
    rig.run_to(segment.start + segment.duration - next_up.offset)
    cut = rig.cues.records[next_up.id]
    assert cut.outcome is Outcome.SPOKEN
    rig.run_to(segment.start + segment.duration - 0.5)  # the countdown ticks play alongside
    assert cut.speech is not None and not cut.speech.stopped
    assert rig.player.names()[-3:] == ["tick"] * 3
    rig.run_to(segment.start + segment.duration)
    after = rig.timeline.cues_of(segment.index + 1)[0]
    assert after.priority > next_up.priority
    assert rig.cues.records[after.id].outcome is Outcome.SPOKEN
    assert cut.outcome is Outcome.CUT and cut.speech.stopped


def test_equal_priority_rep_counts_replace_each_other() -> None:
    rig = Rig()
    assert rig.speech is not None
    rig.speech.deliver()
    for cue in rig.timeline.cues:
        rig.set_length(cue.text, 2.5 if cue.kind is CueKind.REP else 0.1)
    rig.start()
    bridge = next(s for s in rig.timeline.segments if s.title == "Bridge")
    reps = [c for c in rig.timeline.cues_of(bridge.index) if c.kind is CueKind.REP]
    rig.run_to(bridge.start)
    rig.finish_all()  # the step's words are over
    rig.run_to(bridge.start + reps[1].offset)
    first, second = (rig.cues.records[c.id] for c in reps[:2])
    assert first.outcome is Outcome.CUT
    assert second.outcome is Outcome.SPOKEN


def due(rig: Rig, kind: CueKind, late: float) -> None:
    cue = rig.cue(kind)
    rig.cues.on_events([CueDue(cue, 10.0)], 10.0 + late)


@pytest.mark.parametrize(
    ("kind", "late", "outcome"),
    [
        (CueKind.HALFWAY, 0.4, Outcome.SPOKEN),
        (CueKind.HALFWAY, 0.6, Outcome.STALE),
        (CueKind.START, 1.5, Outcome.SPOKEN),
        (CueKind.START, 2.5, Outcome.STALE),
    ],
)
def test_a_cue_past_its_moment_is_dropped_not_spoken_late(
    kind: CueKind, late: float, outcome: Outcome
) -> None:
    rig = Rig()
    assert rig.speech is not None
    rig.speech.deliver()
    due(rig, kind, late)
    record = rig.cues.records[rig.cue(kind).id]
    assert record.outcome is outcome
    assert record.moment == pytest.approx(rig.clock.now() - late)
    assert bool(rig.cues.captions) is (outcome is Outcome.SPOKEN)


def test_a_render_on_its_way_plays_as_it_arrives_if_still_in_time() -> None:
    rig = Rig()
    assert rig.speech is not None
    due(rig, CueKind.HALFWAY, 0.0)
    record = rig.cues.records[rig.cue(CueKind.HALFWAY).id]
    assert record.outcome is Outcome.PENDING
    assert rig.speech.renders[-1][:2] == ("Halfway.", True)  # asked again, urgently
    rig.clock.advance(0.3)
    rig.speech.deliver("Halfway.")
    assert record.outcome is Outcome.SPOKEN
    assert speech_played(rig) == ["Halfway."]


def test_a_render_that_arrives_too_late_is_dropped() -> None:
    rig = Rig()
    assert rig.speech is not None
    due(rig, CueKind.HALFWAY, 0.0)
    rig.clock.advance(0.6)
    rig.speech.deliver("Halfway.")
    assert rig.cues.records[rig.cue(CueKind.HALFWAY).id].outcome is Outcome.STALE
    assert speech_played(rig) == []
    # And a render that never comes is stale by the time anything else happens.
    due(rig, CueKind.NEXT_UP, 0.0)
    rig.clock.advance(3.0)
    rig.cues.close()
    assert rig.cues.records[rig.cue(CueKind.NEXT_UP).id].outcome is Outcome.STALE


def test_a_failed_render_falls_back_to_live_speech_that_expires() -> None:
    rig = Rig()
    assert rig.speech is not None
    rig.speech.deliver("Switch sides. Right side.", error="the engine hung")
    due(rig, CueKind.SWITCH_SIDES, 0.2)
    [(ident, text, expires, callback)] = rig.speech.says
    assert text == "Switch sides. Right side."
    assert expires == pytest.approx(rig.clock.now() - 0.2 + 2.0)
    record = rig.cues.records[rig.cue(CueKind.SWITCH_SIDES).id]
    assert record.outcome is Outcome.PENDING
    assert callback is not None
    callback(SayUpdate(ident, "speaking", 123.0))
    assert record.outcome is Outcome.LIVE and record.live_at == 123.0
    callback(SayUpdate(ident, "said", 124.0))
    assert record.outcome is Outcome.LIVE


def test_pausing_stops_speech_and_sounds_at_once() -> None:
    rig = Rig()
    assert rig.speech is not None
    rig.speech.deliver()
    rig.start()
    words = rig.cues.records[rig.cue(CueKind.GET_READY).id]
    assert words.speech is not None and not words.speech.done
    rig.feed(rig.session.pause(rig.clock.now()))
    assert words.speech.stopped and words.outcome is Outcome.CUT
    assert rig.player.stopped_all == 1
    rig.clock.advance(60)  # nothing comes due while paused
    rig.feed(rig.session.resume(rig.clock.now()))
    rig.run_to(5.0)
    assert rig.cues.records[rig.cue(CueKind.START).id].outcome is Outcome.SPOKEN


def test_muting_is_instant_and_only_silences_the_voice() -> None:
    rig = Rig()
    assert rig.speech is not None
    rig.speech.deliver()
    rig.start()
    rig.run_to(5.0)
    words = rig.cues.records[rig.cue(CueKind.START).id].speech
    bell = [p for p in rig.player.played if p.sound.name == "bell"][-1]
    rig.cues.set_voice_enabled(False)
    assert words is not None and words.stopped
    assert not bell.stopped
    rig.run_to(20.0)
    assert rig.cues.records[rig.cue(CueKind.HALFWAY).id].outcome is Outcome.SHOWN
    assert rig.cues.captions[-1].text == "Halfway."
    rig.run_to(32.0)
    tick = rig.player.played[-1]
    assert tick.sound.name == "tick"
    rig.cues.set_sounds_enabled(False)
    assert tick.stopped


def test_without_an_audio_device_speech_goes_live_and_counts_down_aloud() -> None:
    rig = Rig(player=FakePlayer(available=False))
    assert rig.speech is not None
    assert rig.speech.renders == []  # nothing to play a render through
    rig.start()
    [(ident, _, _, callback)] = rig.speech.says
    assert callback is not None
    callback(SayUpdate(ident, "said", 0.0))
    rig.run_to(3.0)
    says = [text for _, text, _, _ in rig.speech.says]
    assert says == ["Get ready. First: Chin tucks.", "3", "2"]
    assert rig.speech.stops == 1  # "2" cut "3", which the engine had not finished
    assert rig.cues.take_notices() == ["No sound: no device."]
    assert rig.cues.take_notices() == []


def test_without_speech_every_cue_is_still_a_caption() -> None:
    rig = Rig(no_speech=True)
    rig.start()
    rig.run_to(25.0)
    kinds = [c.kind for c in rig.cues.captions]
    assert kinds[:5] == [CueKind.GET_READY] + [CueKind.COUNTDOWN] * 3 + [CueKind.START]
    assert CueKind.HALFWAY in kinds
    assert {r.outcome for r in rig.cues.records.values()} == {Outcome.SHOWN, Outcome.SOUND}


def test_an_engine_that_is_off_gives_captions_and_its_line_once() -> None:
    rig = Rig(speech=FakeSpeech(available=False, status_line="No voice: no espeak."))
    rig.start()
    assert rig.cues.records[rig.cue(CueKind.GET_READY).id].outcome is Outcome.SHOWN
    assert rig.cues.take_notices() == ["No voice: no espeak."]


def test_a_skip_hurries_the_renders_just_ahead() -> None:
    rig = Rig()
    assert rig.speech is not None
    rig.start()
    asked = len(rig.speech.renders)
    rig.feed(rig.session.skip(rig.clock.now()))
    urgent = [text for text, hurry, _ in rig.speech.renders[asked:] if hurry]
    step_one = rig.timeline.cues_of(1)
    assert step_one[0].text in urgent
    assert rig.cues.records[step_one[0].id].outcome is Outcome.PENDING


def test_stopping_the_routine_silences_and_close_stops_listening() -> None:
    rig = Rig()
    assert rig.speech is not None
    rig.speech.deliver()
    rig.start()
    rig.feed(rig.session.stop(rig.clock.now()))
    assert rig.player.stopped_all == 1
    later = rig.player.play("bell")  # the next routine's, on the same player
    rig.cues.close()
    assert rig.player.stopped_all == 1 and not later.stopped, "close silences only its own"
    played = len(rig.player.played)
    rig.cues.on_events([CueDue(rig.cue(CueKind.START), 5.0)], 5.0)
    assert len(rig.player.played) == played


def test_live_speech_is_stopped_by_a_pause() -> None:
    rig = Rig(player=FakePlayer(available=False))
    assert rig.speech is not None
    rig.start()
    [(ident, _, _, callback)] = rig.speech.says
    assert callback is not None
    callback(SayUpdate(ident, "speaking", 1.0))
    rig.feed(rig.session.pause(rig.clock.now()))
    assert rig.speech.stops == 1
    record = rig.cues.records[rig.cue(CueKind.GET_READY).id]
    assert record.outcome is Outcome.CUT


def test_the_active_clock_follows_the_session_through_pauses() -> None:
    clock = FakeClock(50.0)
    session = Session(build())
    active = ActiveClock()
    seen = []
    for action in ("start", 3.0, "pause", 10.0, "resume", 2.0):
        if action == "start":
            events = session.start(clock.now())
        elif action == "pause":
            events = session.pause(clock.now())
        elif action == "resume":
            events = session.resume(clock.now())
        else:
            clock.advance(float(action))
            events = session.tick(clock.now())
        seen.append((active.observe(events, clock.now()), session.active_time(clock.now())))
    assert all(mine == pytest.approx(theirs) for mine, theirs in seen), seen


def test_the_adapter_imports_neither_the_audio_library_nor_the_engine() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, coach.cues, coach.speech, coach.settings\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('miniaudio', 'pyttsx3', 'textual')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_render_that_cannot_be_decoded_is_deleted_and_spoken_live(tmp_path: Path) -> None:
    rig = Rig()
    assert rig.speech is not None
    key = render_key("Halfway.", VoiceSpec())
    rig.player.broken.add(key)
    broken = tmp_path / f"{key}.wav"
    broken.write_bytes(b"RIFF, but not really")
    [callback] = [cb for text, _, cb in rig.speech.renders if text == "Halfway."]
    callback(RenderResult(key, "Halfway.", broken))
    assert not broken.exists()
    due(rig, CueKind.HALFWAY, 0.0)
    assert [text for _, text, _, _ in rig.speech.says] == ["Halfway."]


def test_the_closing_words_of_the_time_really_spent_are_rendered_ahead() -> None:
    """The closing line says the time really spent (a skip shortened this one), known once
    the last segment starts: its render is asked for then, not when it is due."""
    rig = Rig()
    rig.start()
    rig.run_to(10.0)
    rig.feed(rig.session.skip(rig.clock.now()))  # chin tucks cut short
    last = rig.timeline.segments[-1]
    while rig.session.segment.index != last.index:
        rig.run_to(rig.session.active_time(rig.clock.now()) + 1.0)
    length = rig.session.position(rig.clock.now()).length or 0.0
    expected = finish_words(rig.session.active_time(rig.clock.now()) + length)
    assert expected == "Done. Well done, that was 1 minute and 7 seconds."
    assert expected != rig.timeline.finish_cue.text  # planned: 2 minutes
    assert expected in rig.speech.render_texts()  # type: ignore[union-attr]
