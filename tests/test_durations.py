import pytest

from coach.durations import (
    DurationError,
    format_clock,
    format_countdown,
    format_length,
    format_total,
    parse_duration,
    say_length,
)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (30, 30),
        (2.5, 2.5),
        ("30", 30),
        ("30s", 30),
        ("2m", 120),
        ("1m30s", 90),
        ("1m 30s", 90),
        ("1:30", 90),
        ("0:05", 5),
        ("1:00:00", 3600),
        ("1h", 3600),
        ("1h30m", 5400),
        ("4h", 14400),
        ("1.5s", 1.5),
        (" 45s ", 45),
    ],
)
def test_parses(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("30 sec", '"30 sec" is not a duration (use 30s, 1m30s or 1:30)'),
        ("", '"" is not a duration'),
        ("s", '"s" is not a duration'),
        ("1:75", '"1:75" is not a duration'),
        ("-5s", '"-5s" is not a duration'),
        (0, "0 must be more than 0"),
        (-3, "-3 must be more than 0"),
        ("4h1s", '"4h1s" is longer than 4 hours'),
        (True, "true is not a duration"),
        ([30], "an array is not a duration"),
        ("3\n0", r'"3\n0" is not a duration'),
        (float("nan"), "nan is not a duration"),
        (float("inf"), "inf is not a duration"),
    ],
)
def test_rejects_with_a_message_naming_the_value(value: object, message: str) -> None:
    with pytest.raises(DurationError) as error:
        parse_duration(value)
    assert str(error.value).startswith(message)


def test_zero_only_where_allowed() -> None:
    assert parse_duration("0s", allow_zero=True) == 0
    with pytest.raises(DurationError):
        parse_duration("0s")


def test_formats() -> None:
    assert format_clock(0) == "0:00"
    assert format_clock(90.7) == "1:30"
    assert format_clock(3723) == "1:02:03"
    assert format_countdown(29.2) == "0:30"
    assert format_countdown(30.0) == "0:30"
    assert format_countdown(0.01) == "0:01"
    assert format_countdown(0) == "0:00"
    assert format_length(45) == "45s"
    assert format_length(240) == "4m"
    assert format_length(270) == "4m 30s"
    assert format_length(3900) == "1h 5m"


def test_one_wording_for_lengths_written_and_spoken() -> None:
    assert [format_length(s) for s in (0, 6, 15, 59.6, 200)] == ["0s", "6s", "15s", "1m", "3m 20s"]
    assert format_total(411, open_steps=True) == "6m 51s+"
    assert format_total(411) == "6m 51s"
    assert [say_length(s) for s in (1, 45, 60, 200, 3900, 7200)] == [
        "1 second",
        "45 seconds",
        "1 minute",
        "3 minutes and 20 seconds",
        "1 hour and 5 minutes",
        "2 hours",
    ]
