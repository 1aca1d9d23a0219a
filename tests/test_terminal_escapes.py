"""Nothing coach prints may drive the terminal: text from the log, file names and (should one
get past the loader) routine text are shown with their escape codes written out, by one
function, in every place that prints: ``log``, ``stats``, ``show``, ``validate``, ``list``,
plain mode and the app (where Textual markup is not obeyed either)."""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from coach.catalog import Entry
from coach.cli import main
from coach.clock import FakeClock
from coach.log import SessionStore
from coach.plain import run_plain
from coach.report import describe_routine
from coach.routine import Routine, RoutineError, Step, parse_routine
from coach.showing import printable, quote
from coach.timeline import build_timeline
from tests.test_history import make
from tests.tui_helpers import make_app

HOSTILE = "\x1b]0;PWN\x07Hi \x1b]52;c;cm0gLXJmIH4=\x07 \u202egnp.exe [/] [link=x]y"
RAW = ("\x1b", "\x07", "\u202e")


def _clean(text: str) -> None:
    for character in RAW:
        assert character not in text, repr(text)


def test_printable_writes_out_what_would_drive_a_terminal() -> None:
    assert printable("a\x1b]0;x\x07b\u202ec\x9bd\u2028e\x00") == (
        "a\\u001b]0;x\\u0007b\\u202ec\\u009bd\\u2028e\\u0000"
    )
    assert printable("two\nlines\tx", newlines=True) == "two\nlines\\u0009x"
    assert printable("\udcff.toml") == "\\udcff.toml"  # a file name that is not UTF-8
    assert printable("Neck stretch · 0:30 — ünïcode ✓") == "Neck stretch · 0:30 — ünïcode ✓"
    assert quote("x" * 100, limit=40) == '"' + "x" * 37 + '..."'


def test_log_and_stats_show_the_log_text_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    record = make(
        datetime(today.year, today.month, today.day, 8).astimezone(),
        routine="\x1b[2Jwipe",
        name=HOSTILE,
    )
    with SessionStore.open() as store:
        store.add([replace(record, note="note \x1b]8;;http://x\x1b\\link", skipped_steps=())])
    for args in (["log"], ["stats"]):
        assert main(args) == 0
        out, err = capsys.readouterr()
        _clean(out + err)
        assert "\\u001b]0;PWN" in out, args


def test_plain_mode_and_show_escape_routine_text_that_got_past_the_loader() -> None:
    """The loader refuses control characters; these print safely even so."""
    good = parse_routine(
        'name = "N"\nprepare = 0\n[[step]]\nname = "S"\nkind = "stretch"\nduration = 2\n',
        routine_id="n",
    )
    routine: Routine = replace(
        good,
        name=HOSTILE,
        steps=(Step(number=1, name=HOSTILE, kind="stretch", duration=2.0),),
    )
    timeline = build_timeline(routine)
    clock = FakeClock()
    out = io.StringIO()
    run_plain(timeline, clock=clock, out=out, sleep=clock.advance)
    _clean(out.getvalue())
    assert "\\u001b]0;PWN" in out.getvalue()


def test_show_prints_no_raw_escape_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "\x1b]0;PWN\x07.toml"
    path.write_text('name = "N"\n[[step]]\nname = "S"\nkind = "stretch"\nduration = 2\n')
    for args in (["show", str(path)], ["validate", str(path)], ["show", str(path), "--timeline"]):
        assert main(args) == 0
        out, err = capsys.readouterr()
        _clean(out + err)
    routine = parse_routine(path.read_text(), routine_id="n")
    _clean(printable(describe_routine(replace(routine, name=HOSTILE)), newlines=True))


def test_the_app_shows_hostile_file_names_and_log_text_as_text(tmp_path: Path) -> None:
    """A broken file whose name and problems hold escape codes and markup ("[/]",
    "[link=...]") is listed and previewed as plain text; the history shows the log's
    names the same way. (Textual's markup once raised MarkupError here and closed the app.)"""
    user = tmp_path / "routines"
    user.mkdir()
    (user / "[b]\x1b]0;PWN\x07.toml").write_text(
        'name = "M"\n"[/]" = 1\n"[link=https://x.y]click[/link]" = 2\n'
        '[[step]]\nname = "X"\nkind = "rest"\nduration = "1m"\n'
    )
    today = date.today()
    store = SessionStore.in_memory()
    name = "[/]\x1b]0;PWN\x07Hi"
    store.add([make(datetime(today.year, today.month, today.day, 8).astimezone(), name=name)])
    harness = make_app(user_dir=user, store=store, today=today)

    async def go() -> None:
        async with harness.app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = harness.app.screen
            options = screen.query_one("#routines", OptionList)
            last = options.option_count - 1
            options.highlighted = last
            await pilot.pause()
            prompt = str(options.get_option_at_index(last).prompt)
            assert prompt == "⚠ [b]\\u001b]0;PWN\\u0007.toml", prompt
            preview = str(screen.query_one("#preview", Static).render())
            assert '"[/]": unknown key' in preview
            assert '"[link=https://x.y]click[/link]": unknown key' in preview
            _clean(preview)
            await pilot.press("enter")  # cannot start: says why, as text
            await pilot.pause()
            await pilot.press("tab", "h")
            await pilot.pause()
            recent = str(harness.app.screen.query_one("#recent", Static).render())
            assert "[/]\\u001b]0;PWN\\u0007Hi" in recent
            _clean(recent)

    asyncio.run(go())


def test_a_routine_name_with_brackets_shows_as_written() -> None:
    """Square brackets are fine in a routine's text: shown as typed, not taken for markup."""
    routine = parse_routine(
        'name = "Neck [left] [/]"\n[[step]]\nname = "Turn [b]slowly[/b]"\nkind = "stretch"\n'
        'duration = 2\ninstructions = "Look [/] up"\n',
        routine_id="brackets",
    )
    entry = Entry("brackets", Path("brackets.toml"), False, routine=routine)
    harness = make_app(entries=[entry])

    async def go() -> None:
        async with harness.app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            preview = str(harness.app.screen.query_one("#preview", Static).render())
            assert "Turn [b]slowly[/b]" in preview
            await pilot.press("enter")
            await pilot.pause()
            player = harness.app.screen
            harness.advance(6)
            await pilot.pause()
            shown = " ".join(str(w.render()) for w in player.query(Static))
            assert "Neck [left] [/]" in shown and "Look [/] up" in shown

    asyncio.run(go())


def test_routine_error_lines_stay_one_line_whatever_the_name() -> None:
    with pytest.raises(RoutineError) as error:
        parse_routine(
            f'name = "{"n" * 100_000}"\n[[step]]\nname = "{"s" * 50_000}"\nkind = "x"\n'
            "duration = 1\n",
            routine_id="long",
        )
    for line in str(error.value).splitlines():
        assert len(line) < 200, line


def test_the_back_feel_question_names_a_bracketed_routine_as_written() -> None:
    """The question before a routine quotes its name: "[/]" in it once raised MarkupError."""
    from coach.settings import Settings
    from coach.tui.dialogs import FeelScreen

    routine = parse_routine(
        'name = "Hips [/] and [b]back"\n[[step]]\nname = "S"\nkind = "stretch"\nduration = 2\n',
        routine_id="brackets",
    )
    harness = make_app(start=routine, settings=Settings(ask_back_feel=True))

    async def go() -> None:
        async with harness.app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = harness.app.screen
            assert isinstance(screen, FeelScreen)
            title = str(screen.query_one(".dialog-title", Static).render())
            assert title.startswith("Hips [/] and [b]back: how does your back feel")

    asyncio.run(go())
