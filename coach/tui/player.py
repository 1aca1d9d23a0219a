"""The player: one routine, followed step by step with a big countdown.

The screen owns the routine's :class:`~coach.session.Session` and drives it with the injected
clock. It sleeps until the next thing worth waking for (a cue, the end of a segment, or the
next whole second on the big clock), asks the session what happened by then, hands those
events to the cue player and the listeners (the log), and repaints. The timer only says when
to look: time itself always comes from the clock, so a late wake-up never drifts.
"""

from __future__ import annotations

import textwrap
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from coach.clock import Clock
from coach.outcome import Tally
from coach.plain import Listener
from coach.player_view import Mode, PlayerView, player_view, seconds_to_next_change
from coach.session import CueDue, Event, Finished, Session, State
from coach.showing import printable
from coach.timeline import CLOCK_KINDS, Timeline
from coach.tui.bigclock import BigClock
from coach.tui.clamped import Clamped
from coach.tui.widgets import Bar, KeyBar, Ticker

if TYPE_CHECKING:
    from coach.cues import Cues


WHERE_WIDTH = 26
"""Columns of the top line's step and time left, wide (see coach.tcss ``#where``)."""

NOTICE_SECONDS = 12.0
"""How long a notice ("No sound: ...") stays in its line."""


@dataclass(frozen=True)
class RunResult:
    """How a routine went, for the finish screen: the session's own tally."""

    timeline: Timeline
    tally: Tally

    @property
    def completed(self) -> bool:
        """Run to its end with enough of it done (see :mod:`coach.outcome`)."""
        return self.tally.completed


class PlayerScreen(Screen[RunResult]):
    """Follow ``timeline``; dismissed with a :class:`RunResult` when it ends or is stopped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "pause"),
        Binding("enter", "done", "done"),
        Binding("n,right", "skip", "skip", key_display="n"),
        Binding("p,left", "back", "back", key_display="p"),
        Binding("plus,equals_sign", "extend(10)", "+10s", key_display="+"),
        Binding("minus,underscore", "extend(-10)", "-10s", key_display="-"),
        Binding("m", "toggle_voice", "mute"),
        Binding("s", "toggle_sound", "sound"),
        Binding("q,escape", "quit_routine", "quit", key_display="q"),
        Binding("question_mark", "help", "help", key_display="?"),
    ]

    def __init__(
        self,
        timeline: Timeline,
        *,
        clock: Clock,
        cues: Callable[[Timeline], Awaitable[Cues | None]] | None = None,
        listeners: Sequence[Listener] = (),
        voice: bool = True,
        sounds: bool = True,
        notices: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.timeline = timeline
        self.session = Session(timeline)
        self._clock = clock
        self._cues_source = cues
        self._cues: Cues | None = None
        self._listeners = tuple(listeners)
        self._timer: Timer | None = None
        self._shown: PlayerView | None = None
        self._texts: dict[str, str] = {}
        self._listener_failed = False
        self._ended: RunResult | None = None
        """How it went, when it ended while another screen was over it."""
        self._caption = ""
        self.voice = voice
        """Whether cues are spoken (``m``). Captions show either way."""
        self.sounds = sounds
        """Whether ticks, bells and chimes play (``s``)."""
        self._notices = list(notices)
        self._held = False
        """Paused because a screen (help, the palette, a question) came over the player; it
        resumes when that closes."""
        self._asking = False
        """The stop question is open."""
        self._notice_timer: Timer | None = None

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._fit(self.app.size)
        with Horizontal(id="top"):
            # Routine text is shown as written: "[left]" in a name is not markup.
            yield Static(id="routine-name", markup=False)
            yield Ticker(id="where")
        yield Static(id="paused-banner", markup=False)
        with Vertical(id="body"):
            with Horizontal(id="heading"):
                yield Static(id="title", markup=False)
                yield Static(id="detail", markup=False)
            yield Clamped(id="instructions")
            # The countdown takes the room the lines above and below leave it.
            clock = BigClock(id="digits")
            clock.breathing = not self.has_class("-short")
            yield clock
            yield Bar(id="segment-bar")
            yield Clamped(id="caption")
            yield Static(id="next", markup=False)
            # "No sound" and the like: in a line of its own, not a toast over the digits or
            # the routine bar, and gone after a while.
            yield Static(id="notice", markup=False)
        yield Bar(id="routine-bar")
        # The palette (ctrl+p) still works and the help lists it; its footer slot goes to
        # the routine's own keys, which matter more.
        yield KeyBar(keep=("toggle_pause", "done", "quit_routine", "help"), describe=self._key_word)

    def _key_word(self, binding: Binding) -> str:
        """The footer's word for a key: space resumes while paused, m unmutes."""
        if binding.action == "toggle_pause" and self.session.state is State.PAUSED:
            return "resume"
        if binding.action == "toggle_voice" and not self.voice:
            return "unmute"
        return binding.description

    def on_mount(self) -> None:
        self._reserve_instructions(self.app.size)
        # What changes every second, found once (a query each second is measurable).
        self._where = self.query_one("#where", Ticker)
        self._digits = self.query_one("#digits", BigClock)
        self._segment_bar = self.query_one("#segment-bar", Bar)
        self._routine_bar = self.query_one("#routine-bar", Bar)
        for line in self._notices:
            self._notice(line)
        self._paint(self._clock.now())
        if self._cues_source is None:
            self._start()
        else:
            self.run_worker(self._start_with_cues(self._cues_source), exclusive=True)

    async def _start_with_cues(self, source: Callable[[Timeline], Awaitable[Cues | None]]) -> None:
        # The routine starts once its cue player exists, so the first words are not lost;
        # the wait is bounded (and short: the app opened the audio while the list showed).
        self._cues = await source(self.timeline)
        if self._cues is not None:
            for line in self._cues.take_notices():
                self._notice(line)
        self._start()

    def _start(self) -> None:
        if not self.is_attached or self.session.state is not State.READY:
            return  # left before its audio came up
        self._apply_audio()
        now = self._clock.now()
        self._handle(self.session.start(now), now)
        if not self.is_active:  # its audio came up under the help or a question
            self._hold()

    # -- a screen over the player pauses it -----------------------------------------------

    # One rule for the help, the command palette and every question: while something covers
    # the player, the routine waits; when it closes, the routine goes on where it was, if it
    # was running before (a pause the person chose stays a pause).

    def on_screen_suspend(self) -> None:
        self._hold()

    def _hold(self) -> None:
        if self.session.state is State.RUNNING:
            self._held = True
            self._command(self.session.pause)

    def on_screen_resume(self) -> None:
        if self._ended is not None:
            result, self._ended = self._ended, None
            self.dismiss(result)
            return
        if self._held:
            self._held = False
            if self.session.state is State.PAUSED:
                self._command(self.session.resume)

    def interrupt(self) -> None:
        """The routine is cut off (the terminal closed, SIGTERM): the log gets its end,
        interrupted, with every second up to now."""
        if self.session.state in (State.RUNNING, State.PAUSED):
            now = self._clock.now()
            self._tell_listeners(self.session.stop(now, interrupted=True), now)

    def on_unmount(self) -> None:
        self._stop_timer()
        if self.session.state in (State.RUNNING, State.PAUSED):
            # The app is closing mid-routine by the person's choice (ctrl+q): a stop, logged
            # with its progress, rather than left to be found interrupted.
            now = self._clock.now()
            self._tell_listeners(self.session.stop(now), now)
        if self._cues is not None:
            self._cues.close()

    def on_resize(self, event: events.Resize) -> None:
        narrow = self.has_class("-narrow")
        self._fit(event.size)
        if narrow != self.has_class("-narrow") or self.session.state is State.PAUSED:
            self._repaint()

    def _fit(self, size: Size) -> None:
        """Classes by terminal size; set in compose too, so the first frame needs no second
        layout pass."""
        self.set_class(size.width < 60, "-narrow")
        self.set_class(size.height < 20, "-short")
        self.set_class(size.height < 14, "-tiny")
        self._reserve_instructions(size)
        if self.is_mounted:
            clock = self.query_one("#digits", BigClock)
            clock.breathing = not self.has_class("-short")
            clock.refresh()

    def _reserve_instructions(self, size: Size) -> None:
        """Keep the room of the routine's longest instructions on every segment (rest and
        get ready too), so the countdown keeps one size from step to step."""
        if not self.is_mounted:
            return
        narrow, short, tiny = (self.has_class(c) for c in ("-narrow", "-short", "-tiny"))
        width = max(1, size.width - (2 if narrow else 4))
        most = 1 if tiny else 2 if short else 4
        longest = max(
            (len(textwrap.wrap(s.instructions, width)) for s in self.timeline.segments),
            default=0,
        )
        self.query_one("#instructions", Static).styles.min_height = min(longest, most)

    # -- the clock ------------------------------------------------------------------------

    def sync(self) -> None:
        """Catch up with the clock: fire what is due, repaint, and sleep until the next
        moment worth waking for. The timer calls it; tests call it after moving a fake clock."""
        now = self._clock.now()
        self._handle(self.session.tick(now), now)

    def _handle(self, events: Sequence[Event], now: float) -> None:
        if events:
            if self._cues is not None:
                self._cues.on_events(events, self.session.active_time(now))
            self._tell_listeners(events, now)
            self._note_captions(events)
        self._paint(now)
        if any(isinstance(event, Finished) for event in events):
            self._finish()
            return
        self._schedule(now)

    def _tell_listeners(self, events: Sequence[Event], now: float) -> None:
        for listener in self._listeners:
            try:
                listener(events, now)
            except Exception as error:  # the log must never stop a routine
                if not self._listener_failed:
                    self._listener_failed = True
                    self.notify(
                        printable(f"Could not log this session: {error}"),
                        severity="warning",
                        markup=False,
                    )

    def _note_captions(self, events: Sequence[Event]) -> None:
        caption: str | None = None
        if self._cues is not None:
            latest = self._cues.latest_caption
            due = {event.cue.id for event in events if isinstance(event, CueDue)}
            if latest is not None and latest.cue_id in due:
                caption = latest.text
        else:
            for event in events:
                if isinstance(event, CueDue) and event.cue.kind not in CLOCK_KINDS:
                    caption = event.cue.text
        if caption is not None:
            self._caption = caption
            self.query_one("#caption", Static).update(f"» {caption}")

    def _schedule(self, now: float) -> None:
        self._stop_timer()
        deadline = self.session.next_deadline()
        if self.session.state is State.PAUSED and deadline is not None:
            # Nothing on screen changes while paused, but the log's progress note is due.
            delay = max(0.0, deadline - now)
        elif self.session.state is not State.RUNNING:
            return
        else:
            delay = seconds_to_next_change(self.session.position(now))
            if deadline is not None:
                delay = min(delay, max(0.0, deadline - now))
        # A hair past the moment, so the clock has surely reached it when we look.
        self._timer = self.set_timer(delay + 0.002, self.sync, name="player-clock")

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # -- painting -------------------------------------------------------------------------

    def _paint(self, now: float) -> None:
        view = player_view(self.timeline, self.session.position(now))
        old = self._shown
        self._shown = view
        if old is not None and old == view:
            return
        q = self.query_one
        if old is None or old.mode != view.mode or old.paused != view.paused:
            for mode in Mode:
                self.set_class(view.mode is mode, f"-{mode.value}")
            self.set_class(view.paused, "-paused")
            self.refresh_bindings()
            banner = "PAUSED · space to resume" if view.paused else ""
            q("#paused-banner", Static).update(banner)
        narrow = self.has_class("-narrow")
        # Where the name leaves no room for it (always when narrow), the banner says PAUSED
        # and the name keeps its room.
        paused = "  ·  PAUSED" if view.paused and not narrow else ""
        if len(view.routine_name + paused) > self.app.size.width - 2 - WHERE_WIDTH:
            paused = ""
        self._put("#routine-name", view.routine_name + paused)
        # Fixed in size (see coach.tcss): its ticking seconds need no layout pass.
        where = view.left_text if narrow else f"{view.step_text} · {view.left_text}"
        self._where.text = where.strip(" ·")
        self._put("#title", view.title.upper())
        self._put("#detail", view.detail + self._audio_note())
        self._put("#instructions", view.instructions)
        self._put("#next", view.next_text)
        if old is None or old.digits != view.digits:
            self._digits.update(view.digits)
        self._segment_bar.label = view.segment_text
        self._segment_bar.fill = view.segment_fill
        self._routine_bar.label = f"routine {view.routine_text}"
        self._routine_bar.fill = view.routine_fill

    def _notice(self, line: str) -> None:
        """Show ``line`` under the routine's own lines for ``NOTICE_SECONDS``."""
        shown = str(self.query_one("#notice", Static).render())
        self.query_one("#notice", Static).update(f"{shown}\n{printable(line)}".strip())
        self.add_class("-notice")
        if self._notice_timer is not None:
            self._notice_timer.stop()
        self._notice_timer = self.set_timer(NOTICE_SECONDS, self._clear_notice)

    def _clear_notice(self) -> None:
        self.remove_class("-notice")
        self.query_one("#notice", Static).update("")

    def _put(self, selector: str, text: str, *, layout: bool = True) -> None:
        """Update a line only when its text changes: an update can cost a layout pass."""
        if self._texts.get(selector) != text:
            self._texts[selector] = text
            self.query_one(selector, Static).update(text, layout=layout)

    def _audio_note(self) -> str:
        off = [name for name, on in (("voice", self.voice), ("sound", self.sounds)) if not on]
        return f" · {' and '.join(off)} off" if off else ""

    def _repaint(self) -> None:
        self._shown = None
        self._texts.clear()
        self._paint(self._clock.now())

    # -- commands -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show each key where it does something: ``done`` on steps that wait for it, more
        or less time on timed ones."""
        open_step = self.session.segment.is_open
        if action == "done":
            return open_step
        if action == "extend":
            return not open_step
        return True

    def _command(self, run: Callable[[float], list[Event]]) -> None:
        now = self._clock.now()
        self._handle(run(now), now)

    def action_toggle_pause(self) -> None:
        self._command(self.session.toggle_pause)

    def action_done(self) -> None:
        self._command(self.session.done)

    def action_skip(self) -> None:
        self._command(self.session.skip)

    def action_back(self) -> None:
        self._command(self.session.back)

    def action_extend(self, seconds: float) -> None:
        self._command(lambda now: self.session.extend(now, seconds))

    def action_toggle_voice(self) -> None:
        self.voice = not self.voice
        self._apply_audio()
        self.notify("Voice on" if self.voice else "Voice off: captions only", timeout=2)
        self._repaint()

    def action_toggle_sound(self) -> None:
        self.sounds = not self.sounds
        self._apply_audio()
        self.notify("Sounds on" if self.sounds else "Sounds off", timeout=2)
        self._repaint()

    def _apply_audio(self) -> None:
        if self._cues is not None:
            self._cues.set_voice_enabled(self.voice)
            self._cues.set_sounds_enabled(self.sounds)

    def action_quit_routine(self) -> None:
        self.ask_to_stop()

    def ask_to_stop(self, *, then_quit: bool = False) -> None:
        """The one way out of a routine: ask, and on yes stop it (logged as stopped).
        ``then_quit``: the person is closing coach (ctrl+q, the palette's Quit), so on yes
        the app closes instead of showing the finish screen."""
        from coach.tui.dialogs import ConfirmScreen

        if self._asking:
            return
        self._asking = True

        def answered(stop: bool | None) -> None:
            self._asking = False
            if not stop:
                return  # closing the question resumes the routine if it was running
            if self.session.state is State.READY:
                # Stopped before it began (still waiting for the audio): nothing to log.
                if then_quit:
                    self.app.exit()
                else:
                    self.dismiss(None)
                return
            self._held = False
            if then_quit:
                now = self._clock.now()
                self._stop_timer()
                self._tell_listeners(self.session.stop(now), now)
                self.app.exit()
            else:
                self._command(self.session.stop)

        question = "Stop this routine and close coach?" if then_quit else "Stop this routine?"
        self.app.push_screen(
            ConfirmScreen(
                question,
                "It goes in your log as stopped, with the steps done so far.",
                yes="y stop",
                no="n keep going",
            ),
            answered,
        )

    def action_help(self) -> None:
        from coach.tui.dialogs import HelpScreen

        self.app.push_screen(HelpScreen())

    def _finish(self) -> None:
        self._stop_timer()
        if self._cues is not None:
            # Let the closing words and chime play out; the next routine makes its own.
            cues, self._cues = self._cues, None
            self.app.set_timer(4.0, cues.close)
        result = RunResult(self.timeline, self.session.tally(self._clock.now()))
        if not self.is_active:
            # It ended under the help or a question: the finish comes when that closes.
            self._ended = result
            return
        self.dismiss(result)
