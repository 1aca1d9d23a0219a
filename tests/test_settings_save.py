"""Remembering a setting chosen in the app (the theme): written into config.toml safely,
keeping the person's other settings and comments."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from textual.app import App
from textual.widgets._toast import Toast

from coach.settings import Settings, load_settings, save_setting
from tests.tui_helpers import make_app

MINE = """\
# my coach settings
rate = 150   # a little slower

[not-a-setting]
x = 1
"""


def test_a_new_setting_goes_before_the_first_table_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(MINE)
    assert save_setting("theme", "nord", path) is None
    text = path.read_text()
    assert text.startswith('# my coach settings\nrate = 150   # a little slower\ntheme = "nord"\n')
    assert text.endswith("[not-a-setting]\nx = 1\n")
    settings, _ = load_settings(path)
    assert settings.theme == "nord" and settings.rate == 150
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_setting_already_there_is_replaced_in_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"  # dark\nspeak = false\n')
    assert save_setting("theme", "textual-light", path) is None
    assert path.read_text() == 'theme = "textual-light"  # dark\nspeak = false\n'


def test_no_file_yet_makes_a_private_one(tmp_path: Path) -> None:
    path = tmp_path / "config" / "config.toml"
    assert save_setting("theme", "gruvbox", path) is None
    assert path.read_text() == 'theme = "gruvbox"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_broken_file_is_left_alone_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("rate = = 3\n")
    problem = save_setting("theme", "nord", path)
    assert problem is not None and "config.toml" in problem and "not saved" in problem
    assert path.read_text() == "rate = = 3\n"


def test_the_theme_chosen_in_the_app_is_kept_for_the_next_run(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(MINE)
    h = make_app(config=path)

    async def go() -> None:
        async with h.app.run_test() as pilot:
            await pilot.pause()
            h.app.theme = "textual-light"
            await pilot.pause()

    asyncio.run(go())
    settings, _ = load_settings(path)
    assert settings.theme == "textual-light"
    assert "# a little slower" in path.read_text()

    again = make_app(config=path, settings=settings)

    async def second() -> None:
        async with again.app.run_test() as pilot:
            await pilot.pause()
            assert again.app.theme == "textual-light"

    asyncio.run(second())
    assert path.read_text().count("theme =") == 1


def _notices(app: App[None]) -> list[str]:
    """Each notice as the app's toast renders it (a markup error raises here, as it stopped
    the real app)."""
    return [str(Toast(notice).render()) for notice in app._notifications]


def test_a_theme_name_that_looks_like_markup_is_named_not_read_as_markup() -> None:
    """`theme = "[/]"` in config.toml stopped the app at its start with a MarkupError
    traceback: the notice put the name into Textual markup."""
    h = make_app(settings=Settings(theme="[/]\x1b[31m"))
    shown: list[str] = []

    async def go() -> None:
        async with h.app.run_test() as pilot:
            await pilot.pause()
            shown.extend(_notices(h.app))

    asyncio.run(go())
    [line] = shown
    assert line.startswith("config.toml: theme: no theme '[/]\\x1b[31m' (known:"), line


def test_a_save_problem_with_brackets_in_its_path_is_shown_as_written(tmp_path: Path) -> None:
    """The line saying why the theme was not kept names the config file: a folder called
    `[b]` was read as markup (and `[/]` in a reason stopped the app with a traceback)."""
    folder = tmp_path / "[b]"
    folder.mkdir()
    path = folder / "config.toml"
    path.write_text("theme = [\n")  # broken: left alone, and the app says why
    h = make_app(config=path)
    shown: list[str] = []

    async def go() -> None:
        async with h.app.run_test() as pilot:
            await pilot.pause()
            h.app.theme = "textual-light"
            await pilot.pause()
            shown.extend(_notices(h.app))

    asyncio.run(go())
    assert any(line.startswith(f"{path}: theme not saved (") for line in shown), shown
