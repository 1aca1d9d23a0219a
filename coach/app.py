"""The Textual app: it only wires the screens to the services it is handed.

Pick a routine (:mod:`coach.tui.pick`), follow it (:mod:`coach.tui.player`), see how it
went (:mod:`coach.tui.finish`). The clock, the settings, the routines, the audio and the log
come in through :class:`Services`, so tests run the same app with a fake clock and no sound
card.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import App, SystemCommand
from textual.screen import Screen

from coach.catalog import Entry
from coach.clock import Clock
from coach.history import Summary, format_days
from coach.routine import Routine
from coach.session import Event
from coach.settings import Settings
from coach.showing import printable
from coach.timeline import Timeline, build_timeline
from coach.tui.audio import AppAudio
from coach.tui.player import PlayerScreen, RunResult

if TYPE_CHECKING:
    from coach.remind import Reminders
    from coach.tui.pick import PickScreen
    from coach.tui.remind import RemindScreen

AUDIO_AFTER = 0.4
"""Seconds after start-up before the audio device and speech process are opened."""


class Recorder(Protocol):
    """What the app needs of the session log for one routine."""

    @property
    def status_line(self) -> str | None:
        """One line to show when logging this session went wrong."""

    def on_events(self, events: Sequence[Event], now: float) -> None: ...

    def rate(self, *, after: int | None = None, note: str | None = None) -> None: ...


@dataclass
class Services:
    """Everything the app touches in the world, handed in."""

    clock: Clock
    settings: Settings
    entries: Callable[[], list[Entry]]
    """Finds the routines (again each time the list shows, so new files appear)."""
    routines_stamp: Callable[[], object] = lambda: None
    """A cheap fingerprint of the routine files: the list loads them again when it changes
    (a file added or edited while the list shows)."""
    audio: AppAudio | None = None
    """Voice and sound; None: captions only."""
    notices: list[str] = field(default_factory=list)
    """Lines to show once at start (a broken config file, say)."""
    recorder: Callable[[Timeline, int | None], Recorder | None] = lambda timeline, feel: None
    """Makes the log's recorder for one routine, given the back-feel rating before it."""
    summary: Callable[[], Summary | None] = lambda: None
    """What the log says (streaks, minutes, ...), for the history screen; None: no log."""
    save_setting: Callable[[str, str], str | None] = lambda key, value: None
    """Keeps a setting chosen in the app (the theme) in config.toml; returns a line saying
    why it could not, or None."""
    log_news: Callable[[], str | None] = lambda: None
    """A new line about the session log since last asked (damage a read met, and what was
    kept of it), or None: shown as each summary is read."""
    reminders: Reminders | None = None
    """The break reminder (on or off): every routine taken counts as a break."""
    remind_routine: Routine | None = None
    """The routine a break offers."""
    remind_home: bool = False
    """``coach remind``: the reminder screen is home, not the list."""
    reminders_problem: str | None = None
    """Why there are no break reminders (the break routine does not load), for ctrl+r."""
    breaks: Callable[[], str | None] = lambda: None
    """One line on the breaks taken and skipped, for the history screen; None: none."""
    edit: Callable[[Entry | None], None] | None = None
    """Opens a routine (None: a new one) in the person's editor, with the app suspended."""


class CoachApp(App[None]):
    """coach: pick a routine, follow it, see how it went."""

    CSS_PATH = "tui/coach.tcss"
    TITLE = "coach"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, services: Services, *, routine: Routine | None = None) -> None:
        super().__init__()
        self.services = services
        self._first_routine = routine
        self._voice = services.settings.speak
        self._sounds = services.settings.sounds
        self._saved_theme: str | None = None
        self._streak_note = ""
        """The header's streak, as last read from the log (the break countdown ticks beside it)."""

    def on_mount(self) -> None:
        # A closed terminal (SIGHUP) or a kill (SIGTERM) ends the app the orderly way, so a
        # routine in progress is logged as interrupted with every second of its progress.
        with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError):
            loop = asyncio.get_running_loop()
            for name in ("SIGHUP", "SIGTERM"):
                loop.add_signal_handler(getattr(signal, name), self.cut_off)
        if self.services.audio is not None:
            # After the first frame is on the terminal: importing the audio library holds the
            # interpreter for a tenth of a second, and the first paint should not wait for it
            # (measured: 0.2 s later when started from on_mount, 0.1 s at 0.15 s).
            self.set_timer(AUDIO_AFTER, self.services.audio.start)
        for line in self.services.notices:
            self.notify(printable(line), severity="warning", timeout=8, markup=False)
        self._use_saved_theme()
        reminders, routine = self.services.reminders, self.services.remind_routine
        if self.services.remind_home and reminders is not None and routine is not None:
            from coach.tui.remind import RemindScreen

            self.push_screen(RemindScreen(reminders, routine))
        elif self._first_routine is not None:
            self.begin(self._first_routine)
        else:
            self.show_pick()
        if reminders is not None and not self.services.remind_home:
            self.set_interval(1.0, self._tick_reminders)

    def _use_saved_theme(self) -> None:
        theme = self.services.settings.theme
        if theme is not None:
            if theme in self.available_themes:
                self.theme = theme
            else:
                known = ", ".join(sorted(self.available_themes))
                self.notify(
                    printable(f"config.toml: theme: no theme {theme!r} (known: {known})"),
                    severity="warning",
                    timeout=8,
                    markup=False,  # a name like "[/]" is the person's text, not markup
                )
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: object) -> None:
        """The person chose a theme (the palette's Theme): keep it for the next run."""
        if self.theme == self._saved_theme:
            return
        self._saved_theme = self.theme
        problem = self.services.save_setting("theme", self.theme)
        if problem is not None:
            self.notify(printable(problem), severity="warning", timeout=8, markup=False)

    def cut_off(self) -> None:
        """The terminal closed or coach was told to end: a routine in progress ends as
        interrupted (not a stop the person chose), then the app closes."""
        for screen in self.screen_stack:
            if isinstance(screen, PlayerScreen):
                screen.interrupt()
        self.exit()

    def on_unmount(self) -> None:
        if self.services.audio is not None:
            self.services.audio.close()

    # -- the flow -------------------------------------------------------------------------

    # The other screens are imported when first shown: `coach run ID` paints its player
    # sooner for not loading the list's and the forms' widgets.

    def show_pick(self) -> None:
        from coach.tui.pick import PickScreen

        if isinstance(self.screen, PickScreen) or self.services.remind_home:
            return  # with `coach remind`, the reminder screen is home
        self.push_screen(PickScreen(self._pick_contents, stamp=self.services.routines_stamp))

    def _pick_contents(self) -> tuple[list[Entry], str]:
        """The routines and the header, found again each time the list shows: new files
        appear, and the streak counts the routine just done."""
        summary = self._summary()
        note = ""
        if summary is not None:
            streak = summary.current_streak
            # Not the key for the history: it depends on where the focus is (the footer says).
            note = f"streak {format_days(streak)}" if streak else ""
        self._streak_note = note
        return self.services.entries(), self._with_breaks(note)

    def _with_breaks(self, note: str) -> str:
        """The header's note, with the next break first when reminders are on."""
        reminders = self.services.reminders
        if reminders is None or not reminders.on:
            return note
        return f"{reminders.status()} · {note}" if note else reminders.status()

    # -- break reminders while the app is open ---------------------------------------------

    def _tick_reminders(self) -> None:
        from coach.reminder import Kind
        from coach.tui.pick import PickScreen
        from coach.tui.remind import BreakDueScreen

        reminders, routine = self.services.reminders, self.services.remind_routine
        if reminders is None:
            return
        events = reminders.tick()
        screen = self.screen
        if isinstance(screen, PickScreen):
            screen.show_note(self._with_breaks(self._streak_note))
        if any(e.kind is Kind.OFFERED for e in events):
            self.bell()
            if routine is not None and isinstance(screen, PickScreen):
                self.push_screen(BreakDueScreen(reminders, routine))

    def on_pick_screen_reminders_toggled(self) -> None:
        reminders = self.services.reminders
        if reminders is None:
            problem = self.services.reminders_problem or "break reminders are not available"
            self.notify(problem, severity="warning", timeout=8)
            return
        reminders.switch(not reminders.on)
        said = f"Break reminders on: {reminders.status()}." if reminders.on else "Reminders off."
        self.notify(said, timeout=4)
        self._tick_reminders()

    def on_pick_screen_edit_wanted(self, message: PickScreen.EditWanted) -> None:
        from coach.tui.pick import PickScreen

        edit = self.services.edit
        if edit is None:
            self.notify("Editing is not available here.", severity="warning", timeout=4)
            return
        from textual.app import SuspendNotSupported

        try:
            with self.suspend():
                edit(message.entry)
        except SuspendNotSupported:  # no terminal to hand over (a test's headless run)
            edit(message.entry)
        if isinstance(self.screen, PickScreen):
            self.screen.reload()
        self.refresh()

    def on_pick_screen_chosen(self, message: PickScreen.Chosen) -> None:
        from coach.tui.pick import PickScreen

        # A second Enter before the player showed: one routine at a time.
        if message.entry.routine is not None and isinstance(self.screen, PickScreen):
            self.begin(message.entry.routine)

    def on_remind_screen_start_wanted(self, message: RemindScreen.StartWanted) -> None:
        from coach.tui.pick import PickScreen
        from coach.tui.remind import RemindScreen

        if isinstance(self.screen, RemindScreen | PickScreen):
            self.begin(message.routine)

    def _summary(self) -> Summary | None:
        """The log's summary, telling anything the reading met (damage, and how much of the
        log was kept): the history is never empty in silence."""
        summary = self.services.summary()
        news = self.services.log_news()
        if news:
            self.notify(printable(news), severity="warning", timeout=12, markup=False)
        return summary

    def on_pick_screen_history_wanted(self) -> None:
        summary = self._summary()
        if summary is None:
            self.notify("There is no session log to show.", severity="warning", timeout=4)
            return
        from coach.tui.history import HistoryScreen

        self.push_screen(HistoryScreen(summary, breaks=self.services.breaks()))

    def begin(self, routine: Routine) -> None:
        """Follow ``routine``: ask how the back feels first, where the person opted in."""
        timeline = build_timeline(routine)
        if self.services.settings.ask_back_feel:
            from coach.tui.dialogs import FeelScreen

            self.push_screen(
                FeelScreen(f"{routine.name}: how does your back feel right now?"),
                partial(self._play, timeline),
            )
        else:
            self._play(timeline, None)

    def _play(self, timeline: Timeline, feel_before: int | None) -> None:
        if self.services.reminders is not None:
            self.services.reminders.start()
        audio = self.services.audio
        recorder = self.services.recorder(timeline, feel_before)
        player = PlayerScreen(
            timeline,
            clock=self.services.clock,
            cues=audio.cues_for if audio is not None else None,
            listeners=[recorder.on_events] if recorder is not None else [],
            voice=self._voice,
            sounds=self._sounds,
        )
        self.push_screen(player, partial(self._finished, player, feel_before, recorder))

    def _finished(
        self,
        player: PlayerScreen,
        feel_before: int | None,
        recorder: Recorder | None,
        result: RunResult | None,
    ) -> None:
        self._voice, self._sounds = player.voice, player.sounds
        if self.services.reminders is not None:
            self.services.reminders.end()
        if result is None:
            self.show_pick()
            return
        if recorder is not None and recorder.status_line:
            self.notify(
                printable(recorder.status_line), severity="warning", timeout=8, markup=False
            )
        from coach.tui.finish import FinishScreen, TimerFinishScreen

        # With `coach remind`, "pick" goes back to the reminder's timer, not to a list.
        screen = TimerFinishScreen if self.services.remind_home else FinishScreen
        finish = screen(
            result,
            ask_feel=self.services.settings.ask_back_feel,
            feel_before=feel_before,
            rate=(lambda after, note: recorder.rate(after=after, note=note)) if recorder else None,
        )
        self.push_screen(finish, self._after_finish)

    def _after_finish(self, where: str | None) -> None:
        if where == "quit":
            self.exit()
        else:
            self.show_pick()

    # -- leaving ----------------------------------------------------------------------------

    def _running_player(self) -> PlayerScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, PlayerScreen) and not screen.session.is_over:
                return screen
        return None

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit: during a routine, the same question as ``q``."""
        player = self._running_player()
        if player is not None:
            player.ask_to_stop(then_quit=True)
            return
        self.exit()

    # -- the command palette --------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        titles: set[str] = set()
        own_help = any(
            not isinstance(b, tuple) and b.show and b.description == "help" for b in screen.BINDINGS
        )
        for command in super().get_system_commands(screen):
            if command.title == "Keys" and own_help:
                continue  # Textual's key panel beside coach's help, which pauses a routine
            if command.title == "Quit":
                command = SystemCommand(
                    "Quit",
                    "Close coach (asks first during a routine) · key: ctrl+q",
                    command.callback,
                )
            titles.add(command.title)
            yield command
        for binding in screen.BINDINGS:
            if isinstance(binding, tuple) or not binding.show:
                continue
            title = binding.description.capitalize()
            if title in titles:
                # Once each: the app's own Quit asks first during a routine, as q does, and
                # a command with two keys (? and f1) is one command.
                continue
            titles.add(title)
            key = binding.key_display or binding.key.split(",")[0]
            yield SystemCommand(
                title,
                f"key: {key}",
                partial(screen.run_action, binding.action),
            )
