"""The app, driven headless with Pilot and a fake clock: every key, every screen change."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from coach.session import Finished, SegmentStarted
from coach.settings import Settings
from coach.tui.bigclock import BigClock
from coach.tui.dialogs import ConfirmScreen, FeelScreen, HelpScreen
from coach.tui.finish import FinishScreen
from coach.tui.pick import PickScreen
from coach.tui.player import PlayerScreen
from tests.tui_helpers import TEST_ROUTINE, Harness, make_app, sample_routine

Scenario = Callable[[Pilot[None], Harness], Awaitable[None]]


def run(harness: Harness, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    async def go() -> None:
        async with harness.app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot, harness)

    asyncio.run(go())


def text(screen: object, selector: str) -> str:
    widget = screen.query_one(selector)  # type: ignore[attr-defined]
    return str(widget.render())


def digits(h: Harness) -> str:
    return h.player.query_one("#digits", BigClock).value


def test_pick_lists_builtin_routines_with_a_preview() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        options = screen.query_one("#routines", OptionList)
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(name.startswith("Desk-break posture reset") for name in names)
        assert len(names) == 6
        first = screen.current
        assert first is not None and first.routine is not None
        assert first.routine.name in text(screen, "#preview") or first.routine.description[
            :20
        ] in text(screen, "#preview")
        await pilot.press("down")
        second = screen.current
        assert second is not None and second is not first
        assert second.routine is not None
        assert second.routine.steps[0].name[:15] in text(screen, "#preview")

    run(make_app(), scenario)


def test_typing_filters_and_escape_clears() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        await pilot.press("d", "e", "s", "k")
        assert [e.id for e in screen._shown] == ["desk-break"]
        await pilot.press("escape")
        assert len(screen._shown) == 6
        await pilot.press("slash", "z", "z", "z")
        assert screen._shown == []
        assert "No routine matches" in text(screen, "#preview")
        await pilot.press("enter")  # nothing to start: stays
        assert isinstance(h.app.screen, PickScreen)

    run(make_app(), scenario)


def test_t_steps_through_the_tags() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        await pilot.press("tab", "t")
        assert screen.tag == "morning"
        assert [e.id for e in screen._shown] == ["morning-stretch"]
        assert "tag: morning" in text(screen, "#tag")
        seen = [screen.tag]
        for _ in range(6):
            await pilot.press("t")
            seen.append(screen.tag)
        assert seen == ["morning", "desk", "cool-down", "back", "massage", "strength", None]
        assert len(screen._shown) == 6

    run(make_app(), scenario)


def test_a_broken_file_is_listed_with_its_error_and_does_not_start(tmp_path: Path) -> None:
    user = tmp_path / "routines"
    user.mkdir()
    (user / "mine.toml").write_text('name = "Mine"\n[[step]]\nname = "X"\nduration = "30 sec"\n')

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        await pilot.press("m", "i", "n", "e")
        assert len(screen._shown) == 1
        assert "⚠ mine.toml" in str(
            screen.query_one("#routines", OptionList).get_option_at_index(0).prompt
        )
        preview = text(screen, "#preview")
        assert "mine.toml:4" in preview and '"30 sec" is not a duration' in preview
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(h.app.screen, PickScreen)

    run(make_app(user_dir=user), scenario)


def test_enter_starts_the_routine_under_the_cursor() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("d", "e", "s", "k", "enter")
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen)
        assert h.player.timeline.routine.id == "desk-break"
        assert h.player.session.state.value == "running"

    run(make_app(), scenario)


def test_the_player_follows_the_clock_step_by_step() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        p = h.player
        assert "GET READY" in text(p, "#title")
        assert digits(h) == "0:03"
        assert "» Get ready. First: Neck side stretch." in text(p, "#caption")
        assert "next: Neck side stretch · left side · 0:10" in text(p, "#next")
        assert p.has_class("-prepare")
        h.advance(3.0)
        await pilot.pause()
        assert "NECK SIDE STRETCH" in text(p, "#title")
        assert "stretch · left side" in text(p, "#detail")
        assert "Tilt your ear" in text(p, "#instructions")
        assert digits(h) == "0:10"
        assert "step 1/3" in text(p, "#where")
        h.advance(4.5)
        assert digits(h) == "0:06"
        h.advance(5.5)
        await pilot.pause()
        assert "right side" in text(p, "#detail")
        assert "» Switch sides. Right side." in text(p, "#caption")
        h.advance(10.0)
        await pilot.pause()
        assert p.has_class("-rest") and not p.has_class("-work")
        assert "REST" in text(p, "#title")
        assert "next: Glute bridge · 10 reps" in text(p, "#next")
        assert "» Rest. Next up: Glute bridge." in text(p, "#caption")

    run(make_app(start=sample_routine()), scenario)


def test_an_open_step_counts_up_and_waits_for_enter() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        p = h.player
        h.advance(28.0)
        await pilot.pause()
        assert "GLUTE BRIDGE" in text(p, "#title")
        assert p.has_class("-open")
        assert "10 reps" in text(p, "#detail")
        assert "enter when done" in str(p.query_one("#segment-bar").render())
        h.advance(65.0)
        assert digits(h) == "1:05"
        h.advance(600.0)
        assert "GLUTE BRIDGE" in text(p, "#title"), "an open step waits, however long"
        await pilot.press("enter")
        assert "BIRD DOG" in text(p, "#title")
        assert "set 1 of 2" in text(p, "#detail")

    run(make_app(start=sample_routine()), scenario)


def test_space_pauses_and_the_pause_is_unmistakable() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        p = h.player
        h.advance(5.0)
        await pilot.press("space")
        assert p.has_class("-paused")
        assert "PAUSED" in text(p, "#paused-banner")
        assert "space to resume" in text(p, "#paused-banner")
        assert "PAUSED" in text(p, "#routine-name")
        shown = digits(h)
        h.advance(30.0)
        assert digits(h) == shown, "the clock stands still while paused"
        await pilot.press("space")
        assert not p.has_class("-paused")
        h.advance(1.0)
        assert digits(h) == "0:07"

    run(make_app(start=sample_routine()), scenario)


def test_skip_back_and_add_time() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        p = h.player
        await pilot.press("n")
        assert "left side" in text(p, "#detail")
        h.advance(4.0)
        await pilot.press("right")
        assert "right side" in text(p, "#detail")
        h.advance(5.0)
        await pilot.press("p")  # 5 s in: back to the start of this side
        assert "right side" in text(p, "#detail") and digits(h) == "0:10"
        await pilot.press("left")  # right at the start: the one before
        assert "left side" in text(p, "#detail")
        await pilot.press("plus")
        assert digits(h) == "0:20"
        await pilot.press("minus", "minus")
        assert digits(h) == "0:01"
        await pilot.press("equals_sign")
        assert digits(h) == "0:11"

    run(make_app(start=sample_routine()), scenario)


def test_m_and_s_turn_voice_and_sounds_off_and_on() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        p = h.player
        await pilot.press("m")
        assert not p.voice and "voice off" in text(p, "#detail")
        await pilot.press("s")
        assert not p.sounds and "voice and sound off" in text(p, "#detail")
        await pilot.press("m", "s")
        assert p.voice and p.sounds and "off" not in text(p, "#detail")

    run(make_app(start=sample_routine()), scenario)


def test_question_mark_shows_the_keys() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("question_mark")
        assert isinstance(h.app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(h.app.screen, PlayerScreen)

    run(make_app(start=sample_routine()), scenario)


def test_q_asks_first_and_n_keeps_going() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("q")
        assert isinstance(h.app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(h.app.screen, PlayerScreen)
        assert h.player.session.state.value == "running"

    run(make_app(start=sample_routine()), scenario)


def test_quitting_a_routine_ends_it_as_stopped_and_logs_it() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(14.0)
        await pilot.press("q", "y")
        await pilot.pause()
        finish = h.app.screen
        assert isinstance(finish, FinishScreen)
        assert "STOPPED" in text(finish, "#finish-title")
        summary = text(finish, "#finish-summary")
        assert "0:14 of exercise · 0 of 3 steps done" in summary
        assert "stopped during: Neck side stretch" in summary
        assert "not reached: 2 steps" in summary
        log = h.logs[0]
        finished = [e for batch in log.batches for e in batch if isinstance(e, Finished)]
        assert finished and finished[0].ending.value == "stopped"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(h.app.screen, PickScreen)

    run(make_app(start=sample_routine()), scenario)


def test_a_routine_run_to_its_end_says_well_done() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(28.0)
        await pilot.press("enter")  # the open step
        h.advance(20.0)
        await pilot.pause()
        finish = h.app.screen
        assert isinstance(finish, FinishScreen)
        assert "WELL DONE" in text(finish, "#finish-title")
        assert "3 of 3 steps done" in text(finish, "#finish-summary")
        starts = [e for b in h.logs[0].batches for e in b if isinstance(e, SegmentStarted)]
        assert len(starts) == len(finish.result.timeline.segments)
        await pilot.press("q")
        await pilot.pause()
        assert h.app.return_code == 0 and not h.app.is_running

    run(make_app(start=sample_routine()), scenario)


def test_back_feel_is_asked_before_and_after_when_opted_in() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        assert isinstance(h.app.screen, FeelScreen)
        await pilot.press("6", "enter")
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen)
        assert h.logs[0].feel_before == 6
        await pilot.press("q", "y")
        await pilot.pause()
        finish = h.app.screen
        assert isinstance(finish, FinishScreen)
        assert "(before: 6)" in text(finish, ".question")
        await pilot.press("1", "0", "left", "enter")  # 10, then one less: 9
        for key in "better":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert h.logs[0].ratings == [(9, "better")]
        assert isinstance(h.app.screen, PickScreen)

    run(make_app(start=sample_routine(), settings=Settings(ask_back_feel=True)), scenario)


def test_the_back_feel_questions_are_skipped_with_escape() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen)
        assert h.logs[0].feel_before is None
        await pilot.press("q", "y")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert h.logs[0].ratings == []
        assert isinstance(h.app.screen, PickScreen)

    run(make_app(start=sample_routine(), settings=Settings(ask_back_feel=True)), scenario)


def test_the_player_wakes_by_itself_when_the_clock_moves() -> None:
    """No test hook: the screen's own timer notices the clock passing a segment's end."""

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.clock.advance(3.5)
        for _ in range(100):
            await asyncio.sleep(0.02)
            if "NECK" in text(h.player, "#title"):
                break
        assert "NECK SIDE STRETCH" in text(h.player, "#title")

    run(make_app(start=sample_routine()), scenario)


def test_layout_holds_from_small_to_large_and_on_resize() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(3.0)
        for size in [(40, 12), (200, 60), (80, 24), (40, 12)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            d = h.player.query_one("#digits", BigClock)
            assert d.region.height >= 1 and d.region.width > 0, size
            assert d.region.bottom <= size[1] - 1, size
            title = h.player.query_one("#title", Static)
            assert title.region.height >= 1 and title.region.y >= 1, size
        assert h.player.has_class("-narrow") and h.player.has_class("-tiny")

    run(make_app(start=sample_routine()), scenario, size=(80, 24))


def test_the_command_palette_offers_the_player_keys() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        titles = [c.title for c in h.app.get_system_commands(h.player)]
        for wanted in ("Pause", "Skip", "Back", "+10s", "-10s", "Mute", "Sound", "Quit", "Help"):
            assert wanted in titles

    run(make_app(start=sample_routine()), scenario)


# -- found in review: each of these once went wrong ------------------------------------------


def test_a_double_enter_on_the_list_starts_one_routine() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("enter", "enter")
        await pilot.pause()
        players = [s for s in h.app.screen_stack if isinstance(s, PlayerScreen)]
        assert len(players) == 1
        assert len(h.logs) == 1

    run(make_app(), scenario)


def test_a_double_enter_on_the_back_feel_question_asks_once() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen)
        assert [type(s).__name__ for s in h.app.screen_stack][-1] == "PlayerScreen"
        assert h.logs[0].feel_before == 5

    run(make_app(start=sample_routine(), settings=Settings(ask_back_feel=True)), scenario)


def test_a_routine_waits_under_the_help_and_finishes_after_it() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(28.0)
        await pilot.press("enter")
        player = h.player
        await pilot.press("question_mark")
        assert isinstance(h.app.screen, HelpScreen)
        h.clock.advance(20.0)
        player.sync()
        await pilot.pause()
        assert isinstance(h.app.screen, HelpScreen), "the help stays until it is closed"
        await pilot.press("escape")
        await pilot.pause()
        h.advance(20.0)  # the help paused it: the last 20 s are still to do
        await pilot.pause()
        assert isinstance(h.app.screen, FinishScreen)
        assert not [s for s in h.app.screen_stack if isinstance(s, (PlayerScreen, HelpScreen))]

    run(make_app(start=sample_routine()), scenario)


def test_stopping_while_paused_counts_the_pause_on_the_finish_screen() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(5.0)
        await pilot.press("space")
        h.clock.advance(120.0)
        await pilot.press("q", "y")
        await pilot.pause()
        assert "paused 2:00" in text(h.app.screen, "#finish-summary")

    run(make_app(start=sample_routine()), scenario)


def test_the_scale_makes_ten_only_from_the_keys_one_then_zero() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("left", "left", "left", "left", "0", "enter")  # 5 → 1, then 0
        await pilot.pause()
        assert h.logs[0].feel_before == 0

    run(make_app(start=sample_routine(), settings=Settings(ask_back_feel=True)), scenario)


def test_the_list_is_found_again_after_a_routine(tmp_path: Path) -> None:
    user = tmp_path / "routines"
    user.mkdir()

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("d", "e", "s", "k", "enter")
        await pilot.pause()
        (user / "new.toml").write_text(TEST_ROUTINE.replace("Test routine", "Brand new one"))
        await pilot.press("q", "y")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        pick = h.app.screen
        assert isinstance(pick, PickScreen)
        assert "Brand new one" in [e.name for e in pick.entries]

    run(make_app(user_dir=user), scenario)


def test_the_finish_screen_names_the_step_it_was_stopped_in() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(5.0)  # 2 s into the left side of the first step
        await pilot.press("q", "y")
        await pilot.pause()
        summary = text(h.app.screen, "#finish-summary")
        assert "stopped during: Neck side stretch" in summary
        assert "not reached: 2 steps" in summary

    run(make_app(start=sample_routine()), scenario)
