"""What a new user meets on the list and in its help: the keys line up and read whole."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from textual.pilot import Pilot
from textual.widgets import Static

from coach.tui.dialogs import HelpScreen
from tests.test_tui import run
from tests.tui_helpers import Harness, make_app


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
