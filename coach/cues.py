"""Session events into sound and speech: the voice-and-sound adapter.

:class:`Cues` listens to the session's events and nothing else. Given the timeline up front,
it asks the speech process to render every spoken cue to a WAV file, in timeline order, while
the routine runs; when a :class:`~coach.session.CueDue` arrives it plays the cue's sound and
its rendered speech at once through the player, so words land on their second. Live speech
is the fallback when a render is impossible (no audio device, or the engine failed on it).

The rules, which keep cues from cutting each other off at random:

- One voice at a time. A cue arriving while a higher-priority cue is still speaking is
  dropped (a step's name and instructions are never cut by a tick or "halfway"), though its
  sound still plays (a rep count still ticks); one of equal or higher priority cuts the one
  speaking, and so does any cue that opens a segment ("switch sides" is never lost to the
  first side's long instructions).
- A cue whose moment passed by more than its tolerance (:data:`LATE_TOLERANCE`, or
  :data:`LATE_TOLERANCE_HIGH` from priority :data:`HIGH_PRIORITY` up) is dropped, not
  spoken late. A render still on its way when its cue is due is played as it arrives, while
  the cue is inside that tolerance.
- The last seconds' countdown is a tick; with sounds off (or no audio device) it is spoken.
- Pausing stops speech and sound; muting is instant.

Every method returns in microseconds and may be called from the UI thread; speech results
arrive on the speech supervisor thread and meet the caller's calls under one lock, never held
while waiting for anything.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from coach.clock import Clock, MonotonicClock
from coach.session import CueDue, Event, Finished, Paused, Resumed, SegmentStarted
from coach.speech import RenderResult, SayUpdate, Speech, VoiceSpec, render_key
from coach.timeline import CLOCK_KINDS, Cue, CueKind, Timeline, finish_words

if TYPE_CHECKING:
    from coach.sound import Player, Playing, Sound

LATE_TOLERANCE = 0.5
"""Seconds after its moment a cue may still start; later, it is dropped."""
LATE_TOLERANCE_HIGH = 2.0
"""The same for a step's start, get ready, last set, switch sides, rest and finish: a step's
name a little late is still worth hearing, a late "halfway" is not."""
HIGH_PRIORITY = 80
LIVE_SECONDS_PER_CHAR = 0.12
"""How long live speech is assumed to last when the engine never says it finished."""

SEGMENT_OPENERS = frozenset(
    {
        CueKind.GET_READY,
        CueKind.START,
        CueKind.LAST_SET,
        CueKind.SWITCH_SIDES,
        CueKind.REST,
        CueKind.FINISH,
    }
)
"""Cues said as a segment begins: they cut any words left over from the one before."""

SOUND_OF: dict[CueKind, str] = {
    CueKind.START: "bell",
    CueKind.LAST_SET: "bell",
    CueKind.SWITCH_SIDES: "bell",
    CueKind.REST: "rest",
    CueKind.FINISH: "chime",
    CueKind.COUNTDOWN: "tick",
}
"""The sound each kind of cue plays (a rep count is ticked only when it is not spoken)."""


class Outcome(str, Enum):
    """What became of a cue."""

    PENDING = "pending"
    """Due, waiting for its render (only while inside its tolerance)."""
    SPOKEN = "spoken"
    """Its rendered speech played."""
    LIVE = "live"
    """Handed to the engine to speak live."""
    CUT = "cut"
    """Started on time, then cut by a higher-priority cue (or a pause, or mute)."""
    SOUND = "sound"
    """Only a sound: a countdown tick, or a rep tick with the voice off."""
    SHOWN = "shown"
    """A caption only: the voice is off or there is no speech engine."""
    STALE = "stale"
    """Dropped: its moment had passed."""
    OVERLAP = "overlap"
    """Dropped: a higher-priority cue was speaking."""
    STOPPED = "stopped"
    """Dropped before it started: paused, muted or closed."""
    FAILED = "failed"
    """The engine could neither render nor speak it."""


@dataclass(frozen=True)
class Caption:
    """The text of a cue as it is presented, for the screen."""

    text: str
    kind: CueKind
    cue_id: int
    at: float
    """Active seconds since the routine's start (the cue's moment)."""


@dataclass(eq=False)
class CueRecord:
    """How one cue went: for tests, the benchmark and anyone curious."""

    cue: Cue
    due: float
    """Active time the cue was meant for."""
    moment: float
    """The same moment on the monotonic clock."""
    outcome: Outcome = Outcome.PENDING
    speech: Playing | None = None
    sound: Playing | None = None
    live_at: float | None = None
    """When the engine was handed live speech (monotonic)."""

    @property
    def started_at(self) -> float | None:
        """When its speech (or, with none, its sound) started: the first frames pulled by
        the audio callback, or the hand-over to the live engine."""
        if self.speech is not None and self.speech.started_at is not None:
            return self.speech.started_at
        if self.live_at is not None:
            return self.live_at
        if self.sound is not None:
            return self.sound.started_at
        return None

    @property
    def delay(self) -> float | None:
        """Seconds from the cue's moment to its start."""
        started = self.started_at
        return None if started is None else started - self.moment


@dataclass(eq=False)
class _Utterance:
    """The one cue that has the voice."""

    record: CueRecord
    expires: float
    """Clock time after which it may no longer start."""
    key: str | None = None
    waiting: bool = False
    live_id: int | None = None
    live_done: bool = False
    live_until: float = 0.0

    @property
    def priority(self) -> int:
        return self.record.cue.priority


def _tolerance(cue: Cue) -> float:
    return LATE_TOLERANCE_HIGH if cue.priority >= HIGH_PRIORITY else LATE_TOLERANCE


class ActiveClock:
    """Active time (pauses excluded) for listeners that are handed clock time only.

    It follows the session's own events: the first segment starts at active time 0, and
    ``Paused``/``Resumed`` carry the active time they happened at.
    """

    def __init__(self) -> None:
        self._offset: float | None = None
        self._paused_at: float | None = None

    def observe(self, events: Sequence[Event], now: float) -> float:
        """The active time at clock time ``now``, after ``events``."""
        for event in events:
            if isinstance(event, SegmentStarted) and self._offset is None:
                self._offset = now - event.at
            elif isinstance(event, Paused):
                self._paused_at = event.at
            elif isinstance(event, Resumed):
                self._paused_at = None
                self._offset = now - event.at
            elif isinstance(event, Finished):
                self._paused_at = event.at
        if self._paused_at is not None:
            return self._paused_at
        return 0.0 if self._offset is None else now - self._offset


class Cues:
    """Plays a routine's cues: sounds, rendered speech, live speech as the fallback.

    Construct one per routine, before the session starts (rendering begins at once); feed it
    every batch of session events with :meth:`on_events`; :meth:`close` it when the routine
    is over. The player and the speech process belong to the app and outlive it.
    """

    def __init__(
        self,
        timeline: Timeline,
        *,
        player: Player | None,
        speech: Speech | None,
        voice: VoiceSpec | None = None,
        speak: bool = True,
        sounds: bool = True,
        clock: Clock | None = None,
        told: set[str] | None = None,
    ) -> None:
        """``told``: status lines already shown (shared by the routines of one app run, so
        "No sound" is said once, not at every routine)."""
        self.timeline = timeline
        self._player = player
        self._speech = speech
        self._voice = voice or VoiceSpec()
        self._speak = speak
        self._sounds = sounds
        self._clock: Clock = clock or MonotonicClock()
        self._cond = threading.Condition(threading.Lock())
        self._paused = False
        self._closed = False
        self._current: _Utterance | None = None
        self._ready: dict[str, Sound] = {}
        self._failed: dict[str, str] = {}
        self._requested: set[str] = set()
        self._sound_handles: list[Playing] = []
        self._live: dict[int, _Utterance] = {}
        """Live utterances the engine has not finished with, by id (cut ones too)."""
        self._shown_notices: set[str] = told if told is not None else set()
        self.captions: list[Caption] = []
        """Every cue presented (spoken, ticked or shown), in order: the screen's captions."""
        self.records: dict[int, CueRecord] = {}
        """What became of each cue that came due, by cue id."""
        if self._renders_wanted():
            self._request_renders(cue for cue in timeline.cues)

    # -- the public surface -----------------------------------------------------------------

    def on_events(self, events: Sequence[Event], now_active: float) -> None:
        """Act on a batch of session events; ``now_active`` is the session's active time now
        (``session.active_time(now)``). Returns in microseconds."""
        with self._cond:
            if self._closed:
                return
            for event in events:
                if isinstance(event, CueDue):
                    self._cue_due(event.cue, event.due, now_active)
                elif isinstance(event, SegmentStarted):
                    self._hurry_renders(event.segment.index)
                    self._render_closing_words(event)
                elif isinstance(event, Paused):
                    self._silence(Outcome.STOPPED)
                    self._paused = True
                elif isinstance(event, Resumed):
                    self._paused = False
                elif isinstance(event, Finished) and not event.reached_end:
                    self._silence(Outcome.STOPPED)

    def listener(self) -> Callable[[Sequence[Event], float], None]:
        """A listener for :func:`coach.plain.run_plain`, which hands out clock time."""
        active = ActiveClock()

        def listen(events: Sequence[Event], now: float) -> None:
            self.on_events(events, active.observe(events, now))

        return listen

    def pause(self) -> None:
        """Stop speech and sounds now (the session's ``Paused`` event does the same)."""
        with self._cond:
            self._silence(Outcome.STOPPED)
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False

    def set_voice_enabled(self, enabled: bool) -> None:
        """Voice on or off; off silences the voice at once (captions go on)."""
        with self._cond:
            self._speak = enabled
            if not enabled:
                self._cut_current(Outcome.STOPPED)
            elif self._renders_wanted():
                self._request_renders(self.timeline.cues)

    def set_sounds_enabled(self, enabled: bool) -> None:
        """Sounds on or off; off silences them at once (the countdown is then spoken)."""
        with self._cond:
            self._sounds = enabled
            if not enabled:
                for handle in self._sound_handles:
                    handle.stop()
                self._sound_handles.clear()

    @property
    def voice_enabled(self) -> bool:
        return self._speak

    @property
    def sounds_enabled(self) -> bool:
        return self._sounds

    @property
    def latest_caption(self) -> Caption | None:
        """The last caption worth a line on screen (countdown numbers and rep counts are not:
        the big digits show them)."""
        for caption in reversed(self.captions):
            if caption.kind not in CLOCK_KINDS:
                return caption
        return None

    def take_notices(self) -> list[str]:
        """Status lines (no audio device, no speech engine, ...) not handed out before: show
        each once."""
        lines = []
        for source in (self._player, self._speech):
            line = source.status_line if source is not None else None
            if line and line not in self._shown_notices:
                self._shown_notices.add(line)
                lines.append(line)
        return lines

    def close(self) -> None:
        """Silence this routine's cues and stop listening. The player and speech stay open,
        and whatever else they play (the next routine's cues) plays on."""
        with self._cond:
            if self._closed:
                return
            self._silence(Outcome.STOPPED, everything=False)
            self._closed = True
            self._cond.notify_all()

    # -- blocking helpers for plain mode and the benchmark (never the UI thread) ------------

    def wait_prepared(self, timeout: float, *, seconds: float = 15.0) -> bool:
        """Wait until the cues of the first ``seconds`` of the routine are rendered (or cannot
        be). True when they are."""
        if not self._renders_wanted():
            return True
        keys = {
            render_key(cue.text, self._voice) for cue in self.timeline.cues if cue.at <= seconds
        }
        deadline = self._clock.now() + timeout
        with self._cond:
            while not all(key in self._ready or key in self._failed for key in keys):
                left = deadline - self._clock.now()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def drain(self, timeout: float) -> bool:
        """Wait until the voice and sounds in play have finished (plain mode, at the end).
        True when all is quiet."""
        deadline = self._clock.now() + timeout
        with self._cond:
            while True:
                busy = self._busy_for()
                if busy is None:
                    return True
                left = deadline - self._clock.now()
                if left <= 0:
                    return False
                self._cond.wait(min(busy, left))

    # -- cues -------------------------------------------------------------------------------

    def _renders_wanted(self) -> bool:
        return (
            self._speak
            and self._speech is not None
            and self._player is not None
            and self._player.available
        )

    def _request_renders(self, cues: Iterable[Cue]) -> None:
        assert self._speech is not None
        for cue in cues:
            key = render_key(cue.text, self._voice)
            if key in self._requested or not cue.text.strip():
                continue
            self._requested.add(key)
            self._speech.render(cue.text, self._voice, self._rendered)

    def _hurry_renders(self, segment: int) -> None:
        """After a skip or back, the cues just ahead jump the render queue."""
        if not self._renders_wanted():
            return
        assert self._speech is not None
        for index in (segment, segment + 1):
            for cue in self.timeline.cues_of(index):
                key = render_key(cue.text, self._voice)
                if cue.text.strip() and key not in self._ready and key not in self._failed:
                    self._requested.add(key)
                    self._speech.render(cue.text, self._voice, self._rendered, urgent=True)

    def _render_closing_words(self, started: SegmentStarted) -> None:
        """The closing words say the time really spent, known only as the last segment
        starts: render them then, so they too land on their second."""
        segments = self.timeline.segments
        if started.segment.index != len(segments) - 1 or not self._renders_wanted():
            return
        assert self._speech is not None
        text = finish_words(started.at + (started.segment.duration or 0.0))
        key = render_key(text, self._voice)
        if key not in self._requested:
            self._requested.add(key)
            self._speech.render(text, self._voice, self._rendered)

    def _speaks(self, cue: Cue) -> bool:
        """Whether this cue has words to say, given sound and voice settings."""
        if not self._speak or not cue.text.strip():
            return False
        if cue.kind is CueKind.COUNTDOWN:
            return not self._sounds_play()
        return True

    def _sounds_play(self) -> bool:
        return self._sounds and self._player is not None and self._player.available

    def _sound_for(self, cue: Cue, spoken: bool) -> str | None:
        if not self._sounds or self._player is None:
            return None
        if cue.kind is CueKind.REP:
            return None if spoken else "tick"
        return SOUND_OF.get(cue.kind)

    def _cue_due(self, cue: Cue, due: float, now_active: float) -> None:
        now = self._clock.now()
        late = now_active - due
        record = CueRecord(cue, due, moment=now - late)
        self.records[cue.id] = record
        if late > _tolerance(cue):
            record.outcome = Outcome.STALE
            return
        spoken = self._speaks(cue)
        if spoken and self._holds_voice(cue):
            record.outcome = Outcome.OVERLAP
            # Its words are dropped, not its beat: a rep count still ticks.
            self._play_sound(record, self._sound_for(cue, spoken=False))
            return
        self.captions.append(Caption(cue.text, cue.kind, cue.id, due))
        self._play_sound(record, self._sound_for(cue, spoken))
        if not spoken:
            if record.sound is None:
                record.outcome = Outcome.SHOWN
            return
        if self._speech is None or self._speech.available is False:
            record.outcome = Outcome.SHOWN if record.sound is None else Outcome.SOUND
            return
        self._cut_current(Outcome.CUT)
        record.outcome = Outcome.PENDING  # its words decide now, whatever sound it made
        utterance = _Utterance(record, expires=record.moment + _tolerance(cue))
        self._current = utterance
        key = render_key(cue.text, self._voice)
        ready = self._ready.get(key)
        if ready is not None:
            self._play_rendered(utterance, ready)
        elif self._renders_wanted() and key not in self._failed:
            utterance.key = key
            utterance.waiting = True
            self._speech.render(cue.text, self._voice, self._rendered, urgent=True)
        else:
            self._say_live(utterance)

    def _play_sound(self, record: CueRecord, sound: str | None) -> None:
        if sound is None or self._player is None:
            return
        self._sound_handles = [h for h in self._sound_handles if not h.done]
        handle = self._player.play(sound)
        self._sound_handles.append(handle)
        record.sound = handle
        record.outcome = Outcome.SOUND if self._player.available else Outcome.SHOWN

    def _holds_voice(self, cue: Cue) -> bool:
        """True when a higher-priority cue has the voice (so ``cue`` must not speak).

        A cue that opens a segment (a step, a side, a set, a rest, the end) always takes the
        voice: whatever is still being said belongs to the segment that just ended.
        """
        if cue.kind in SEGMENT_OPENERS:
            return False
        current = self._current
        if current is None or not self._active(current):
            return False
        return current.priority > cue.priority

    def _active(self, utterance: _Utterance) -> bool:
        record = utterance.record
        if utterance.waiting:
            return self._clock.now() <= utterance.expires
        if record.speech is not None:
            return not record.speech.done
        if utterance.live_id is not None:
            return not utterance.live_done and self._clock.now() < utterance.live_until
        return False

    def _play_rendered(self, utterance: _Utterance, sound: Sound) -> None:
        assert self._player is not None
        utterance.waiting = False
        utterance.record.speech = self._player.play(sound)
        utterance.record.outcome = Outcome.SPOKEN

    def _say_live(self, utterance: _Utterance) -> None:
        assert self._speech is not None
        utterance.waiting = False
        cue = utterance.record.cue
        utterance.live_until = utterance.expires + 5.0 + LIVE_SECONDS_PER_CHAR * len(cue.text)
        utterance.live_id = self._speech.say(
            cue.text, self._voice, expires=utterance.expires, callback=self._live_update
        )
        self._live[utterance.live_id] = utterance

    def _cut_current(self, outcome: Outcome) -> None:
        current = self._current
        self._current = None
        if current is None:
            return
        record = current.record
        if current.waiting:
            current.waiting = False
            if self._clock.now() > current.expires:
                record.outcome = Outcome.STALE  # its render never came in time
            else:
                record.outcome = Outcome.STOPPED if outcome is Outcome.STOPPED else Outcome.OVERLAP
            return
        if not self._active(current):
            return
        if record.speech is not None:
            record.speech.stop()
        if current.live_id is not None and self._speech is not None:
            self._speech.stop()
        if record.outcome in (Outcome.SPOKEN, Outcome.LIVE):
            record.outcome = Outcome.CUT
        elif record.outcome is Outcome.PENDING:
            record.outcome = Outcome.STOPPED

    def _silence(self, outcome: Outcome, *, everything: bool = True) -> None:
        self._cut_current(outcome)
        for handle in self._sound_handles:
            handle.stop()
        self._sound_handles.clear()
        if everything and self._player is not None:
            self._player.stop_all()

    def _busy_for(self) -> float | None:
        """Seconds until what is playing now should be over; None when nothing is."""
        now = self._clock.now()
        ends = []
        current = self._current
        if current is not None and self._active(current):
            speech = current.record.speech
            if speech is not None:
                ends.append(_end_of(speech, now))
            elif current.waiting:
                ends.append(current.expires - now)
            else:
                ends.append(min(0.25, current.live_until - now))
        ends.extend(_end_of(h, now) for h in self._sound_handles if not h.done)
        if not ends:
            return None
        return max(0.01, max(ends))

    # -- speech callbacks (the speech supervisor thread) ------------------------------------

    def _rendered(self, result: RenderResult) -> None:
        sound: Sound | None = None
        error = result.error
        if result.key in self._ready:
            return  # a second answer to an urgent repeat of the same render
        if result.path is not None and self._player is not None:
            from coach.sound import SoundError, trim_silence

            try:
                sound = trim_silence(self._player.load(result.path, result.key))
            except SoundError as problem:
                error = str(problem)
                with contextlib.suppress(OSError):
                    result.path.unlink()  # so it is rendered afresh next time
        with self._cond:
            if sound is not None:
                self._ready[result.key] = sound
            else:
                self._failed[result.key] = error or "no audio"
            current = self._current
            if (
                not self._closed
                and current is not None
                and current.waiting
                and current.key == result.key
            ):
                if self._clock.now() > current.expires:
                    current.waiting = False
                    current.record.outcome = Outcome.STALE
                    self._current = None
                elif sound is not None:
                    self._play_rendered(current, sound)
                else:
                    self._say_live(current)
            self._cond.notify_all()

    def _live_update(self, update: SayUpdate) -> None:
        with self._cond:
            utterance = self._live.get(update.id)
            if utterance is None:
                return
            record = utterance.record
            if update.state == "speaking":
                record.live_at = update.at
                if record.outcome is Outcome.PENDING:
                    record.outcome = Outcome.LIVE
            else:
                utterance.live_done = True
                del self._live[update.id]
                if update.state != "said" and record.outcome is Outcome.PENDING:
                    record.outcome = _DROPPED_BECAUSE.get(update.reason, Outcome.FAILED)
            self._cond.notify_all()


_DROPPED_BECAUSE = {"stale": Outcome.STALE, "stopped": Outcome.STOPPED}


def _end_of(handle: Playing, now: float) -> float:
    started = handle.started_at if handle.started_at is not None else now
    return started + handle.sound.duration - now
