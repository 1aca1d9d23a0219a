"""The reminder screen of ``coach remind``, driven by Pilot on a fake clock: it counts down,
offers the break (bell, notification), snoozes and skips, opens the player on start and
comes back to the timer after the routine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Digits, OptionList, Static

from coach.app import CoachApp, Services
from coach.catalog import Entry, discover
from coach.clock import FakeClock
from coach.remind import Announcer, Offer, Reminders
from coach.reminder import Kind, Policy, Reminder, Schedule, State
from coach.settings import Settings
from coach.tui.finish import FinishScreen
from coach.tui.pick import PickScreen
from coach.tui.player import PlayerScreen
from coach.tui.remind import RemindScreen
from tests.tui_helpers import TEST_ROUTINE, sample_routine

POLICY = Policy(every=600, snooze=60, sleep_gap=30, idle_break=120)


@dataclass
class FakeNotifications:
    """Stands in for the desktop's notification service (tests/test_notify.py talks to a
    real one on a real bus)."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    on_action: Callable[[str], None] | None = None

    def send(
        self,
        title: str,
        message: str,
        actions: object = (),
        on_action: object = None,
        *,
        wait: bool = True,
    ) -> bool:
        self.sent.append((title, message))
        self.on_action = on_action  # type: ignore[assignment]
        return True


@dataclass
class RemindHarness:
    app: CoachApp
    clock: FakeClock
    remind_clock: FakeClock
    logged: list[Reminder]
    notifications: FakeNotifications
    bells: list[int]

    @property
    def screen(self) -> RemindScreen:
        screen = self.app.screen
        assert isinstance(screen, RemindScreen), type(screen).__name__
        return screen

    def work(self, seconds: float) -> None:
        """Time passes at the desk, a tick a second, as the screen's timer would."""
        for _ in range(int(seconds)):
            self.remind_clock.advance(1)
            self.screen.tick()


def make() -> RemindHarness:
    routine = sample_routine()
    clock, remind_clock = FakeClock(1000.0), FakeClock(50_000.0)
    logged: list[Reminder] = []
    notifications = FakeNotifications()
    announcer = Announcer(Offer(routine.name, 60, POLICY.snooze), notifications=notifications)  # type: ignore[arg-type]
    reminders = Reminders(
        Schedule(POLICY, remind_clock.now()),
        clock=remind_clock.now,
        announcer=announcer,
        log=logged.append,
        wall=lambda: datetime(2026, 11, 18, 10, 0),
    )
    services = Services(
        clock=clock,
        settings=Settings(),
        entries=discover,
        reminders=reminders,
        remind_routine=routine,
        remind_home=True,
    )
    app = CoachApp(services)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    return RemindHarness(app, clock, remind_clock, logged, notifications, bells)


def run(
    h: RemindHarness, scenario: Callable[[Pilot[None], RemindHarness], Awaitable[None]]
) -> None:
    async def go() -> None:
        async with h.app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await scenario(pilot, h)

    asyncio.run(go())


def shown(h: RemindHarness, selector: str) -> str:
    return str(h.screen.query_one(selector, Static).render())


def test_counts_down_then_offers_the_break_with_bell_and_notification() -> None:
    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        assert "NEXT BREAK IN" in shown(h, "#remind-head")
        assert h.screen.query_one("#remind-digits", Digits).value == "10:00"
        h.work(599)
        await pilot.pause()
        assert h.screen.query_one("#remind-digits", Digits).value == "0:01"
        assert h.notifications.sent == [] and h.bells == []
        h.work(1)
        await pilot.pause()
        assert "TIME FOR A BREAK" in shown(h, "#remind-head")
        assert "s start now · z snooze 1 min · k skip" in shown(h, "#remind-offer")
        assert h.screen.has_class("-due")
        assert h.bells == [1]
        assert h.notifications.sent == [
            ("Time for a break", "Test routine, 1:00. Stand up, breathe out.")
        ]
        await pilot.press("z")
        await pilot.pause()
        assert "NEXT BREAK IN (SNOOZED)" in shown(h, "#remind-head")
        assert [r.kind for r in h.logged if r.logged] == [Kind.OFFERED, Kind.SNOOZED]
        h.work(60)
        await pilot.press("k")
        await pilot.pause()
        assert h.screen.query_one("#remind-digits", Digits).value == "10:00"
        assert [r.kind for r in h.logged if r.logged] == [
            Kind.OFFERED,
            Kind.SNOOZED,
            Kind.OFFERED,
            Kind.SKIPPED,
        ]

    run(make(), scenario)


def test_start_opens_the_player_and_the_end_comes_back_to_the_timer() -> None:
    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        h.work(600)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen)
        assert h.app.screen.timeline.routine.name == "Test routine"
        schedule = h.app.services.reminders.schedule  # type: ignore[union-attr]
        assert schedule.state is State.ON_BREAK
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(h.app.screen, FinishScreen)
        # Enter goes back to the timer here, and its key says so.
        enter = h.app.screen.active_bindings["enter"].binding
        assert enter.description == "back to the timer"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(h.app.screen, RemindScreen), type(h.app.screen).__name__
        assert schedule.state is State.WORKING
        assert h.screen.query_one("#remind-digits", Digits).value == "10:00"
        assert [r.kind for r in h.logged] == [Kind.OFFERED, Kind.STARTED, Kind.ENDED]

    run(make(), scenario)


def test_a_notification_button_answers_from_another_thread() -> None:
    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        h.work(600)
        press = h.notifications.on_action
        assert press is not None
        await asyncio.get_running_loop().run_in_executor(None, press, "snooze")
        await pilot.pause()
        await pilot.pause()
        assert h.screen.reminders.schedule.state is State.SNOOZED

    run(make(), scenario)


def test_p_pauses_and_resumes_the_reminders() -> None:
    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        h.work(300)
        await pilot.press("p")
        await pilot.pause()
        assert "REMINDERS PAUSED" in shown(h, "#remind-head")
        h.work(900)
        assert h.notifications.sent == []
        await pilot.press("p")
        await pilot.pause()
        assert h.screen.query_one("#remind-digits", Digits).value == "10:00"

    run(make(), scenario)


# -- the app's list, with reminders and editing ----------------------------------------------


def make_pick(tmp_path: Path, *, on: bool = True) -> tuple[RemindHarness, list[Entry | None]]:
    routine = sample_routine()
    clock, remind_clock = FakeClock(1000.0), FakeClock(50_000.0)
    logged: list[Reminder] = []
    notifications = FakeNotifications()
    offer = Offer(routine.name, 60, POLICY.snooze)
    announcer = Announcer(offer, notifications=notifications)  # type: ignore[arg-type]
    reminders = Reminders(
        Schedule(POLICY, remind_clock.now(), on=on),
        clock=remind_clock.now,
        announcer=announcer,
        log=logged.append,
    )
    edits: list[Entry | None] = []
    user_dir = tmp_path / "routines"
    user_dir.mkdir()
    (user_dir / "mine.toml").write_text(TEST_ROUTINE.replace("Test routine", "Mine"))

    def edit(entry: Entry | None) -> None:
        edits.append(entry)
        # As a person in their editor would: rename the routine.
        (user_dir / "mine.toml").write_text(TEST_ROUTINE.replace("Test routine", "Renamed"))

    services = Services(
        clock=clock,
        settings=Settings(),
        entries=lambda: discover(user_dir=user_dir),
        reminders=reminders,
        remind_routine=routine,
        edit=edit,
    )
    app = CoachApp(services)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    return RemindHarness(app, clock, remind_clock, logged, notifications, bells), edits


def app_work(h: RemindHarness, seconds: int) -> None:
    for _ in range(seconds):
        h.remind_clock.advance(1)
        h.app._tick_reminders()


async def settle(pilot: Pilot[None], h: RemindHarness) -> None:
    """A moment to read the offer that popped up, before answering it."""
    h.remind_clock.advance(1)
    screen = h.app.screen
    assert isinstance(screen, RemindScreen)
    screen.refresh_view()
    await pilot.pause()


def header(h: RemindHarness) -> str:
    return str(h.app.screen.query_one("#header-note", Static).render())


def test_the_list_shows_the_next_break_and_ctrl_r_toggles_it(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        assert isinstance(h.app.screen, PickScreen)
        assert header(h).startswith("next break in 10 min")
        app_work(h, 240)
        await pilot.pause()
        assert header(h).startswith("next break in 6 min")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "next break" not in header(h)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert header(h).startswith("next break in 10 min")

    run(make_pick(tmp_path)[0], scenario)


def test_reminders_off_by_default_show_nothing_until_switched_on(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        assert "next break" not in header(h)
        app_work(h, 700)
        assert h.notifications.sent == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert header(h).startswith("next break in 10 min")

    run(make_pick(tmp_path, on=False)[0], scenario)


def test_a_break_due_over_the_list_is_offered_and_answered(tmp_path: Path) -> None:
    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        app_work(h, 600)
        await pilot.pause()
        assert isinstance(h.app.screen, RemindScreen) and h.app.screen.popup
        assert h.bells == [1] and len(h.notifications.sent) == 1
        await settle(pilot, h)
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(h.app.screen, PickScreen)
        assert header(h).startswith("next break in 1 min")
        app_work(h, 60)
        await pilot.pause()
        await settle(pilot, h)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(h.app.screen, PickScreen)
        assert header(h).startswith("next break in 10 min")
        kinds = [r.kind for r in h.logged if r.logged]
        assert kinds == [Kind.OFFERED, Kind.SNOOZED, Kind.OFFERED, Kind.STARTED]

    run(make_pick(tmp_path)[0], scenario)


def test_ctrl_e_edits_the_highlighted_routine_and_the_list_reloads(tmp_path: Path) -> None:
    harness, edits = make_pick(tmp_path)

    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        pick = h.app.screen
        assert isinstance(pick, PickScreen)
        names = [e.name for e in pick.entries]
        pick.query_one("#routines", OptionList).highlighted = names.index("Mine")
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert [e.id for e in edits if e is not None] == ["mine"]
        assert "Renamed" in [e.name for e in pick.entries]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert edits[-1] is None

    run(harness, scenario)


def test_escape_puts_a_due_break_off_and_it_comes_back_after_the_snooze_time(
    tmp_path: Path,
) -> None:
    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        app_work(h, 600)
        await pilot.pause()
        assert isinstance(h.app.screen, RemindScreen)
        assert "later" in str(h.app.screen.active_bindings.get("escape").binding.description)  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(h.app.screen, PickScreen)
        assert header(h).startswith("break due")
        app_work(h, 60)
        await pilot.pause()
        assert isinstance(h.app.screen, RemindScreen)
        assert [r.kind for r in h.logged] == [Kind.OFFERED, Kind.OFFERED]

    run(make_pick(tmp_path)[0], scenario)


def test_snooze_and_skip_are_offered_only_when_there_is_a_break_to_answer() -> None:
    """Counting down, the footer keeps room for the keys that do something (at 40 columns
    "q quit" was cut off behind snooze and skip, which did nothing then)."""

    def keys(h: RemindHarness) -> list[str]:
        return [key for key, active in h.screen.active_bindings.items() if active.binding.show]

    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        assert keys(h) == ["s", "p", "q"]
        h.work(600)
        await pilot.pause()
        assert keys(h) == ["s", "z", "k", "p", "q"]
        await pilot.press("z")
        await pilot.pause()
        assert keys(h) == ["s", "k", "p", "q"]  # a snoozed break can still be skipped
        await pilot.press("k")
        await pilot.pause()
        assert keys(h) == ["s", "p", "q"]

    run(make(), scenario)


def test_coach_remind_gives_the_terminal_its_title_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen sets the title to "coach: break due"; after quitting the tab must not keep
    saying so: the title is pushed before the app and popped after, as --plain does."""
    import io
    import sys

    from coach import cli, remind_app

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    monkeypatch.setenv("COACH_HOME", str(tmp_path))
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setattr(sys, "stdout", out)

    def app(routine: object = None, *, prepare: object = None) -> int:
        out.write("\x1b]2;coach: break due\x07")  # what the screen writes when a break is due
        return 0

    monkeypatch.setattr(cli, "cmd_app", app)
    assert remind_app.run_remind_app(sample_routine(), POLICY, Settings()) == 0
    written = out.getvalue()
    assert written.startswith("\x1b[22;0t") and written.endswith("\x1b[23;0t")


def test_keys_typed_into_the_filter_as_the_break_pops_up_do_not_answer_it(
    tmp_path: Path,
) -> None:
    """The offer comes unasked, over the list: an "s" meant for the filter ("stretch") must
    not start the routine. For a second its keys wait, then they answer."""

    async def scenario(pilot: Pilot[None], h: RemindHarness) -> None:
        app_work(h, 600)
        await pilot.pause()
        assert isinstance(h.app.screen, RemindScreen) and h.app.screen.popup
        await pilot.press("s", "k", "z")
        await pilot.pause()
        assert isinstance(h.app.screen, RemindScreen) and h.app.screen.popup
        assert h.app.services.reminders.schedule.state is State.DUE  # type: ignore[union-attr]
        await settle(pilot, h)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen)

    run(make_pick(tmp_path)[0], scenario)


def test_ctrl_r_says_why_when_the_break_routine_does_not_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken break routine: no warning at every start while reminders are off, and
    ctrl+r says why they cannot come on (it did nothing at all)."""
    from coach.remind_app import add_breaks_and_editing

    monkeypatch.setenv("COACH_HOME", str(tmp_path))
    settings = Settings(break_routine="no-such-routine")
    services = Services(clock=FakeClock(), settings=settings, entries=discover)
    add_breaks_and_editing(services, settings)
    assert services.notices == []
    app = CoachApp(services)

    async def go() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+r")
            await pilot.pause()
            said = [str(n.message) for n in app._notifications]
            assert any("no-such-routine: no routine with this id" in m for m in said), said

    asyncio.run(go())
