"""What a new user meets on the list and in its help: the keys line up and read whole."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from coach.tui.dialogs import HelpScreen
from coach.tui.player import PlayerScreen
from coach.tui.widgets import KeyBar
from tests.helpers import routine
from tests.test_tui import run
from tests.tui_helpers import TEST_ROUTINE, Harness, make_app, sample_routine


def test_the_keys_under_tab_wrap_under_their_own_words() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("f1")
        await pilot.pause()
        help_screen = h.app.screen
        assert isinstance(help_screen, HelpScreen)
        table = next(w.content for w in help_screen.query(Static) if isinstance(w.content, Table))
        for width in (34, 50, 66):
            console = Console(width=width, record=True, color_system=None)
            console.print(table)
            lines = console.export_text().splitlines()
            start = next(i for i, line in enumerate(lines) if "only one tag" in line)
            column = lines[start].index("only one tag")
            follow = lines[start + 1]
            assert follow[:column].strip() == "", (width, lines)  # still the t line's words
            assert follow[column] != " ", (width, lines)

    run(make_app(), scenario)


def test_the_palette_has_one_help_and_its_quit_says_it_asks_first() -> None:
    for start in (None, sample_routine()):

        async def scenario(pilot: Pilot[None], h: Harness) -> None:
            commands = {c.title: c.help for c in h.app.get_system_commands(h.app.screen)}
            # coach's own help (it pauses a routine), not a second list of keys beside it
            assert "Help" in commands, commands
            assert not any("available keys" in what for what in commands.values()), commands
            assert "as soon as possible" not in commands["Quit"]
            assert "ctrl+q" in commands["Quit"]

        run(make_app(start=start), scenario)


def test_the_preview_keeps_two_spaces_between_a_step_name_and_its_kind() -> None:
    """In columns from 40 up; narrower, each name is whole on its own line."""
    from coach.catalog import discover
    from coach.report import preview

    for entry in discover():
        assert entry.routine is not None
        for room in (40, 62):
            lines = preview(entry.routine, room).splitlines()
            for step in entry.routine.steps:
                line = next(line for line in lines if line.startswith(f"{step.number:>2} "))
                before_kind = line[: line.rindex(f" {step.kind}") + 1]
                assert before_kind.endswith("  "), (room, line)
                assert len(line) <= room, (room, line)


def test_typing_a_name_and_enter_at_once_starts_that_routine() -> None:
    """A fast typist (or a paste) sends the letters and Enter before the list has redrawn."""

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        for key in "desk":
            h.app.post_message(events.Key(key, key))
        h.app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(h.app.screen, PlayerScreen), type(h.app.screen).__name__
        assert h.player.timeline.routine.name == "Desk-break posture reset"

    run(make_app(), scenario)


def test_the_key_bar_says_space_resumes_while_paused() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.4)
        await pilot.pause()
        bar = h.player.query_one(KeyBar)
        assert "space pause" in str(bar.render())
        await pilot.press("space")
        await pilot.pause()
        assert "space resume" in str(bar.render())
        await pilot.press("space")
        await pilot.pause()
        assert "space pause" in str(bar.render())

    run(make_app(start=sample_routine()), scenario)


def test_paused_in_the_top_line_is_whole_or_left_to_the_banner() -> None:
    long_name = TEST_ROUTINE.replace('name = "Test routine"', 'name = "Desk-break posture reset"')
    for size in ((60, 20), (70, 24), (80, 24)):

        async def scenario(pilot: Pilot[None], h: Harness) -> None:
            h.advance(6.4)
            await pilot.press("space")
            await pilot.pause()
            name = h.player.query_one("#routine-name")
            shown = str(name.render())
            assert shown.startswith("Desk-break posture reset")
            assert len(shown) <= name.region.width, shown
            assert not shown.rstrip().endswith("·"), shown

        run(make_app(start=routine(long_name, routine_id="long")), scenario, size=size)


def test_the_key_bar_says_m_unmutes_once_the_voice_is_off() -> None:
    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        h.advance(6.4)
        await pilot.pause()
        bar = h.player.query_one(KeyBar)
        assert "m mute" in str(bar.render())
        await pilot.press("m")
        await pilot.pause()
        assert "m unmute" in str(bar.render())

    run(make_app(start=sample_routine()), scenario)


def test_at_40x12_the_steps_of_a_routine_are_one_key_away() -> None:
    """The preview beside the list needs 70 columns; narrower, → shows it over the list."""

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        pick = h.app.screen
        for key in "desk":
            await pilot.press(key)
        await pilot.press("right")
        await pilot.pause()
        shown = h.app.screen
        assert shown is not pick, "→ shows the routine's steps"
        words = " ".join(str(w.content) for w in shown.query(Static))
        assert "Chin tucks" in words and "Seated back extension" in words
        await pilot.press("escape")
        await pilot.pause()
        assert h.app.screen is pick
        await pilot.press("tab", "right")
        await pilot.pause()
        assert h.app.screen is not pick, "and from the list"
        await pilot.press("escape")
        await pilot.pause()
        assert h.app.screen is pick

    run(make_app(), scenario, size=(40, 12))


def test_a_narrow_preview_shows_every_step_name_whole() -> None:
    from coach.catalog import discover
    from coach.report import preview

    for entry in discover():
        assert entry.routine is not None
        text = preview(entry.routine, 32)
        for step in entry.routine.steps:
            assert step.name in text


def test_at_40x12_the_finish_screen_questions_are_in_sight() -> None:
    from coach.settings import Settings
    from coach.tui.finish import FinishScreen
    from coach.tui.widgets import FeelScale

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        await pilot.press("escape")  # no answer before
        await pilot.pause()
        await pilot.press("q", "y")
        await pilot.pause()
        finish = h.app.screen
        assert isinstance(finish, FinishScreen)
        scale = finish.query_one(FeelScale)
        assert scale.has_focus
        assert scale.region.height >= 1 and scale.region.bottom <= 11, scale.region
        await pilot.press("3", "enter")
        await pilot.pause()
        note = finish.query_one("#note")
        assert note.has_focus
        assert note.region.height >= 1 and note.region.bottom <= 11, note.region

    run(
        make_app(start=sample_routine(), settings=Settings(ask_back_feel=True)),
        scenario,
        size=(40, 12),
    )


def test_at_40x12_the_question_before_shows_its_keys() -> None:
    from coach.settings import Settings
    from coach.tui.dialogs import FeelScreen

    async def scenario(pilot: Pilot[None], h: Harness) -> None:
        question = h.app.screen
        assert isinstance(question, FeelScreen)
        keys = question.query_one(".dialog-keys")
        box = question.query_one(".dialog")
        assert keys.region.height >= 1, keys.region
        assert keys.region.bottom <= box.region.bottom - 1, (keys.region, box.region)
        assert "escape skip" in str(keys.render())

    run(
        make_app(start=sample_routine(), settings=Settings(ask_back_feel=True)),
        scenario,
        size=(40, 12),
    )
