"""The app does what its keys and words say: every way out of a routine asks first, anything
over the player pauses it, the list takes letters as a filter."""

from __future__ import annotations

import inspect
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from coach.session import Finished, Paused, Resumed
from coach.tui.bigclock import BigClock
from coach.tui.dialogs import ConfirmScreen, HelpScreen
from coach.tui.history import HistoryScreen
from coach.tui.pick import RELOAD_EVERY, PickScreen
from coach.tui.player import PlayerScreen
from coach.tui.widgets import KeyBar
from tests.test_tui import digits, run, text
from tests.tui_helpers import TEST_ROUTINE, Harness, make_app, sample_routine


def _events(h: Harness, kind: type) -> list[object]:
    return [e for batch in h.logs[0].batches for e in batch if isinstance(e, kind)]


def _state(player: PlayerScreen) -> str:
    return player.session.state.value


# -- 2: ctrl+q and the palette's Quit ask the same question as q ---------------------------


def test_ctrl_q_during_a_routine_asks_first() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(5.0)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(h.app.screen, ConfirmScreen)
        assert not _events(h, Finished)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen)
        assert _state(h.player) == "running"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        [finished] = _events(h, Finished)
        assert finished.ending.value == "stopped"  # type: ignore[attr-defined]
        assert h.app.return_code is not None, "yes: stopped, logged, and the app closes"

    run(make_app(start=sample_routine()), scenario)


def test_the_palette_lists_quit_once_and_it_asks_during_a_routine() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        commands = list(h.app.get_system_commands(h.player))
        quits = [c for c in commands if c.title == "Quit"]
        assert len(quits) == 1
        called = quits[0].callback()
        if inspect.isawaitable(called):
            await called
        await pilot.pause()
        assert isinstance(h.app.screen, ConfirmScreen)
        assert not _events(h, Finished)

    run(make_app(start=sample_routine()), scenario)


# -- 3: help, the palette or any dialog pause the routine; closing resumes ---------------


def test_the_help_pauses_the_routine_and_closing_resumes_it() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(5.0)
        shown = digits(h)
        player = h.player
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(h.app.screen, HelpScreen)
        h.clock.advance(4.0)
        player.sync()
        assert _state(player) == "paused"
        await pilot.press("escape")
        await pilot.pause()
        assert _state(player) == "running"
        assert digits(h) == shown, "it goes on where it was"
        assert len(_events(h, Paused)) == 1 and len(_events(h, Resumed)) == 1

    run(make_app(start=sample_routine()), scenario)


def test_the_palette_and_the_stop_question_pause_too_but_a_pause_stays_a_pause() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(5.0)
        player = h.player
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert _state(player) == "paused"
        await pilot.press("escape")
        await pilot.pause()
        assert _state(player) == "running"
        await pilot.press("q")
        await pilot.pause()
        assert _state(player) == "paused"
        await pilot.press("n")
        await pilot.pause()
        assert _state(player) == "running"
        await pilot.press("space", "question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert _state(player) == "paused", "paused by the person: stays paused"

    run(make_app(start=sample_routine()), scenario)


# -- 1: letters typed at the list go into the filter ----------------------------------------


def _keys(screen: object) -> str:
    return str(screen.query_one(KeyBar).render())  # type: ignore[attr-defined]


def test_letters_typed_at_the_list_go_into_the_filter_never_to_a_command() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        filter_box = screen.query_one("#filter", Input)
        for word in ("quad", "ham", "timing", "?/"):
            await pilot.press(*word)
            await pilot.pause()
            assert h.app.screen is screen and h.app.return_code is None
            assert filter_box.value == word
            assert screen.tag is None
            await pilot.press("escape")
            assert filter_box.value == ""
        # Moving through the list keeps the typing in the filter.
        await pilot.press("down", "d", "e", "s", "k")
        assert filter_box.value == "desk"
        assert [e.id for e in screen._shown] == ["desk-break"]
        keys = _keys(screen)
        for shown in ("enter start", "tab keys", "f1 help", "^q quit"):
            assert shown in keys, keys

    run(make_app(), scenario)


def test_once_the_filter_is_left_letters_are_keys_and_the_footer_says_so() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        await pilot.press("tab")
        keys = _keys(screen)
        for shown in ("enter start", "/ filter", "t tag", "h history", "? help", "q quit"):
            assert shown in keys, keys
        await pilot.press("t")
        assert screen.tag == "morning"
        await pilot.press("question_mark")
        assert isinstance(h.app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f1")  # works in the list too, though the footer shows ?
        assert isinstance(h.app.screen, HelpScreen)
        await pilot.press("escape")
        assert "f1" not in _keys(screen)
        await pilot.press("slash", "c", "o", "o", "l")
        assert screen.query_one("#filter", Input).value == "cool"
        await pilot.press("f1")
        assert isinstance(h.app.screen, HelpScreen)

    run(make_app(), scenario)


def test_the_list_footer_keeps_help_and_quit_at_40x12() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert "f1 help" in _keys(screen) and "^q quit" in _keys(screen)
        await pilot.press("tab")
        assert "? help" in _keys(screen) and "q quit" in _keys(screen)

    run(make_app(), scenario, size=(40, 12))


# -- 19: the list shows routine files added or changed while it is shown --------------------


def test_a_routine_file_added_or_edited_while_the_list_shows_appears(tmp_path: Path) -> None:
    user = tmp_path / "routines"
    user.mkdir()

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        pick = h.app.screen
        assert isinstance(pick, PickScreen)
        await pilot.press("o", "n", "e")
        mine = user / "mine.toml"
        mine.write_text(TEST_ROUTINE.replace("Test routine", "Brand new one"))
        await pilot.pause(RELOAD_EVERY * 2 + 0.3)
        assert [e.name for e in pick._shown] == ["Brand new one"]
        mine.write_text(TEST_ROUTINE.replace("Test routine", "Renamed one"))
        await pilot.pause(RELOAD_EVERY * 2 + 0.3)
        assert [e.name for e in pick._shown] == ["Renamed one"]
        assert "Renamed one" in str(pick.query_one("#preview-box").border_title)
        assert pick.query_one("#filter", Input).value == "one", "the typing is kept"

    run(make_app(user_dir=user), scenario)


# -- 22: the countdown grows with the room, in the order of importance ---------------------


def test_the_countdown_grows_with_the_terminal_and_keeps_the_order_of_importance() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.4)  # neck side stretch, left side, 0:07 left
        heights = {}
        for size in [(100, 30), (80, 24), (40, 12), (200, 60), (60, 14), (120, 16), (45, 20)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            p = h.player
            clock = p.query_one("#digits", BigClock)
            lines = [line for line in clock.render_lines_text() if line.strip()]
            heights[size] = len(lines)
            # What to do now, time left, what is next, the routine bar: all on screen, in order.
            order = ["#title", "#digits", "#next", "#routine-bar"]
            tops = [p.query_one(selector).region for selector in order]
            for selector, region in zip(order, tops, strict=True):
                assert region.height >= 1 and region.bottom <= size[1] - 1, (size, selector)
                if selector != "#routine-bar":
                    assert region.bottom <= tops[-1].y, (size, selector)
            assert [r.y for r in tops] == sorted(r.y for r in tops), size
        assert heights[(40, 12)] == 1
        assert heights[(80, 24)] >= 5
        assert heights[(100, 30)] >= 10, heights
        assert heights[(200, 60)] >= heights[(100, 30)]

    run(make_app(start=sample_routine()), scenario, size=(100, 30))


def test_the_one_line_countdown_reads_the_time() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.4)
        await pilot.pause()
        clock = h.player.query_one("#digits", BigClock)
        assert [line.strip() for line in clock.render_lines_text() if line.strip()] == ["0:07"]

    run(make_app(start=sample_routine()), scenario, size=(40, 12))


# -- 15: everything reachable at 40x12 --------------------------------------------------


def test_at_40x12_the_routine_name_is_whole() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.4)
        await pilot.press("space")
        await pilot.pause()
        name = h.player.query_one("#routine-name")
        assert name.region.width >= len("Morning stretch")
        assert "Morning stretch" in str(name.render())
        assert "0:" in text(h.player, "#where")

    from coach.catalog import discover

    [morning] = [e.routine for e in discover() if e.id == "morning-stretch"]
    run(make_app(start=morning), scenario, size=(40, 12))


def test_at_40x12_the_help_scrolls_to_its_last_line() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = h.app.screen
        assert isinstance(help_screen, HelpScreen)
        box = help_screen.query_one(".dialog")
        assert box.allow_vertical_scroll and box.max_scroll_y > 0
        for _ in range(40):
            await pilot.press("down")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y
        last = help_screen.query_one(".dialog-keys")
        assert last.region.bottom <= 12 and last.region.height >= 1

    run(make_app(start=sample_routine()), scenario, size=(40, 12))


def test_at_40x12_the_history_shows_this_week_without_scrolling() -> None:
    from coach.log import SessionStore
    from tests.test_tui_log import seed

    with SessionStore.open() as store:  # in this test's COACH_HOME
        seed(store)

        async def scenario(pilot: Pilot[None], h: Harness) -> None:
            await pilot.press("tab", "h")
            await pilot.pause()
            screen = h.app.screen
            assert isinstance(screen, HistoryScreen)
            weeks = screen.query_one("#weeks")
            assert "this week 24m" in text(screen, "#weeks")
            assert weeks.region.height >= 1 and weeks.region.bottom <= 11

        run(make_app(store=store), scenario, size=(40, 12))


# -- 16: the preview shows whole step names where there is room ---------------------------


def test_the_preview_shows_whole_step_names_at_100x30() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        screen = h.app.screen
        assert isinstance(screen, PickScreen)
        for index, entry in enumerate(screen._shown):
            screen.query_one("#routines", OptionList).highlighted = index
            await pilot.pause()
            shown = text(screen, "#preview")
            assert entry.routine is not None
            for step in entry.routine.steps:
                assert step.name in shown, (entry.id, step.name)
            assert "…" not in shown.split("source:")[0]
            box = screen.query_one("#preview")
            widest = max(len(line) for line in shown.splitlines())
            assert widest <= box.content_region.width or "\n" in shown

    run(make_app(), scenario, size=(100, 30))


def test_at_40x12_a_notice_hides_nothing_that_matters() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.4)
        p = h.player
        p._notice(
            "No sound: no audio device could be opened (failed to open backend device); "
            "using captions only."
        )
        await pilot.pause()
        bar = p.query_one("#routine-bar").region
        regions = [p.query_one(s).region for s in ("#title", "#digits", "#next", "#notice")]
        for region in regions:
            assert region.height >= 1 and region.bottom <= bar.y, (region, bar)
        assert "0:10" in text(p, "#next"), "what is next, whole"

    run(make_app(start=sample_routine()), scenario, size=(40, 12))


def test_the_palette_names_each_command_once_on_every_screen() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        titles = [c.title for c in h.app.get_system_commands(h.app.screen)]
        assert len(titles) == len(set(titles)), titles
        assert {"Start", "Help", "Quit", "History"} <= set(titles)

    run(make_app(), scenario)
