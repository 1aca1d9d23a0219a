"""Text in terminal cells: the one measure the commands and the app pad and cut with."""

from __future__ import annotations

import pytest
from rich.cells import cell_len as rich_cell_len

from coach.text import cell_len, clamp, cut, fit, plural, wrap

SAMPLES = [
    "Desk break",
    "朝のストレッチ",
    "🧘 Calm breath",
    "Ｆｕｌｌ width",
    "café",
    "cafe\u0301",  # e + combining acute accent
    "스트레칭",
    "Dehnübung für den Rücken",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_measures_as_the_apps_renderer_does(text: str) -> None:
    assert cell_len(text) == rich_cell_len(text)


def test_cut_and_fit_count_cells_and_end_with_an_ellipsis() -> None:
    assert cut("Back-friendly strength, short", 28) == "Back-friendly strength, sho…"
    assert cut("short", 28) == "short"
    assert cut("朝のストレッチ", 7) == "朝のス…"
    assert cell_len(cut("朝のストレッチ", 6)) <= 6
    assert fit("朝の", 6) == "朝の  "
    assert fit("朝の", 6, ">") == "  朝の"
    assert cell_len(fit("腰痛のためのやさしいストレッチ", 9)) == 9
    assert cut("anything", 0) == ""


def test_plural() -> None:
    assert [plural(n, "step") for n in (0, 1, 2)] == ["0 steps", "1 step", "2 steps"]
    assert plural(2, "session") == "2 sessions"


def test_wrap_and_clamp_end_a_cut_text_with_an_ellipsis_between_words() -> None:
    text = "Tilt your ear toward the shoulder of the side called. Keep both shoulders down."
    assert wrap(text, 20) == [
        "Tilt your ear toward",
        "the shoulder of the",
        "side called. Keep",
        "both shoulders down.",
    ]
    assert clamp(text, 20, 2) == "Tilt your ear toward\nthe shoulder of the…"
    assert clamp(text, 40, 1) == "Tilt your ear toward the shoulder of…"
    assert clamp(text, 80, 1) == text
    assert clamp("a\nb\nc", 10, 2) == "a\nb…"
    assert clamp("abcdefghijkl", 5, 1) == "abcd…"
    assert all(cell_len(line) <= 7 for line in wrap("朝のストレッチと呼吸", 7))
