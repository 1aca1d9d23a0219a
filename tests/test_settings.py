"""Settings: config.toml read into defaults-backed fields; a broken file is lines, not a crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coach.settings import Settings, config_path, load_settings, parse_settings


def test_no_file_means_the_defaults(coach_home: Path) -> None:
    assert config_path() == coach_home / "config" / "config.toml"
    assert load_settings() == (Settings(), [])
    defaults = Settings()
    assert (defaults.voice, defaults.rate, defaults.volume) == (None, 170, 1.0)
    assert (defaults.speak, defaults.sounds, defaults.ask_back_feel) == (True, True, False)


def test_every_setting_is_read(coach_home: Path) -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_text(
        'voice = "gmw/en-gb"\nrate = 150\nvolume = 0.8\nspeak = false\nsounds = false\n'
        "ask_back_feel = true\n",
        encoding="utf-8",
    )
    settings, problems = load_settings()
    assert problems == []
    assert settings == Settings("gmw/en-gb", 150, 0.8, False, False, True)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            'speak = true\nrate = "fast"\n',
            'config.toml:2: rate: should be a number of words per minute, not "fast"; using 170',
        ),
        ("rate = 20\n", "config.toml:1: rate: should be from 80 to 450 words per minute, not 20;"),
        ("volume = 2\n", "config.toml:1: volume: should be from 0.0 to 1.0, not 2; using 1.0"),
        ("volume = true\n", "config.toml:1: volume: should be a number from 0.0 to 1.0, not true"),
        ("sounds = 1\n", "config.toml:1: sounds: should be true or false, not 1; using true"),
        ("voice = 3\n", "config.toml:1: voice: should be a voice id in quotes"),
        ("\n\nsound = false\n", "config.toml:3: sound: unknown setting (did you mean sounds?)"),
        (
            "[voice]\nname = 'x'\n",
            "config.toml:1: voice: should be a voice id in quotes (see `coach voices`), "
            "not a table; using the default",
        ),
        (
            "rate = = 3\n",
            "config.toml:1: not valid TOML: Invalid value (column 8); using the default settings",
        ),
    ],
)
def test_each_problem_is_one_line_naming_file_line_and_key(text: str, line: str) -> None:
    settings, problems = parse_settings(text)
    assert len(problems) == 1
    assert problems[0].startswith(line), problems[0]
    assert "\n" not in problems[0]
    # The broken setting keeps its default; the others are read.
    if text.startswith("speak"):
        assert settings == Settings(speak=True)
    elif "not valid TOML" not in line:
        assert settings == Settings()


def test_good_settings_survive_next_to_bad_ones_and_problems_come_in_file_order() -> None:
    settings, problems = parse_settings("volume = 7\nrate = 140\nbogus = 1\nsounds = 'no'\n")
    assert settings == Settings(rate=140)
    assert [p.split(":")[1] for p in problems] == ["1", "3", "4"]


def test_unreadable_files_give_defaults_and_say_why(coach_home: Path) -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"rate = 150\n\xff\xfe\n")
    settings, problems = load_settings()
    assert settings == Settings()
    assert problems == [f"{path}:2: not UTF-8 text; using the default settings"]
    path.unlink()
    path.mkdir()
    settings, problems = load_settings()
    assert settings == Settings()
    assert problems == [f"{path}: is a folder, not a settings file; using the default settings"]


def test_a_byte_order_mark_is_fine() -> None:
    assert parse_settings("\ufeffrate = 160\n") == (Settings(rate=160), [])


def test_settings_import_no_ui_speech_or_audio() -> None:
    probe = (
        "import sys, coach.settings\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich', 'pyttsx3', 'miniaudio')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_hostile_config_gives_defaults_and_one_line(tmp_path: Path) -> None:
    """Nested 500 deep (RecursionError in the parser), a 5,000-digit number (ValueError), a
    FIFO (reading blocked for ever), /dev/zero behind the name (reading never ended)."""
    import os
    import threading

    path = tmp_path / "config.toml"
    cases = {
        "a = " + "[" * 500 + "]" * 500 + "\n": "not valid TOML: arrays or inline tables are "
        "nested too deeply; using the defaults",
        "rate = " + "1" * 5000 + "\n": "not valid TOML: a number with thousands of digits; "
        "using the defaults",
    }
    for text, problem in cases.items():
        path.write_text(text, encoding="utf-8")
        assert load_settings(path) == (Settings(), [f"{path}: {problem}"])
    path.unlink()
    os.mkfifo(path)
    answers: list[object] = []
    reader = threading.Thread(target=lambda: answers.append(load_settings(path)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert answers == [
        (
            Settings(),
            [f"{path}: is a named pipe (FIFO), not a settings file; using the default settings"],
        )
    ]
    path.unlink()
    path.symlink_to("/dev/zero")
    assert load_settings(path) == (
        Settings(),
        [f"{path}: is a device, not a settings file; using the default settings"],
    )


def test_a_key_with_escape_codes_is_shown_escaped() -> None:
    _, problems = parse_settings('"\\u001b]0;PWN\\u0007" = 1\n"" = 2\n')
    assert problems == [
        'config.toml:1: "\\u001b]0;PWN\\u0007": unknown setting (known: voice, rate, volume, '
        "speak, sounds, ask_back_feel, theme, break_every, break_snooze, break_routine, "
        "break_reminders); ignored",
        'config.toml:2: "" (the empty key): unknown setting (known: voice, rate, volume, speak, '
        "sounds, ask_back_feel, theme, break_every, break_snooze, break_routine, "
        "break_reminders); ignored",
    ]


def test_a_utf16_config_is_named_as_utf16(tmp_path: Path) -> None:
    """What some editors save as "Unicode" read as "not UTF-8 text", nothing more."""
    path = tmp_path / "config.toml"
    path.write_bytes("rate = 150\n".encode("utf-16"))
    settings, problems = load_settings(path)
    assert settings == Settings()
    assert problems == [
        f"{path}:1: is UTF-16 text, not UTF-8 (save it again as UTF-8); using the default settings"
    ]
