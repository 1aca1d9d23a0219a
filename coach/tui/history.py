"""The history screen: did I keep it up this month, and does my back feel better for it?

It shows one :class:`~coach.history.Summary`, worked out by the log store: a calendar heat map
of the last months, the streaks, this week against last, minutes per routine, the recent
sessions, and the back-feel ratings before against after.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from coach.durations import format_clock, format_length
from coach.history import Summary, format_days, week_start
from coach.showing import printable
from coach.text import fit, plural
from coach.tui.widgets import KeyBar

SHADES = (" ·", " ░", " ▒", " ▓", " █")
"""A day's cell by minutes: none, under 5, under 15, under 30, 30 or more. The characters
differ as well as the colours, so the map reads in monochrome (NO_COLOR) too."""
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
SPARKS = "▁▂▃▄▅▆▇█"


def shade(minutes: float) -> int:
    """Which of :data:`SHADES` a day gets."""
    if minutes <= 0:
        return 0
    if minutes < 5:
        return 1
    if minutes < 15:
        return 2
    if minutes < 30:
        return 3
    return 4


def heat_weeks(today: date, weeks: int) -> list[date]:
    """The Monday of each week the map shows, oldest first, ending with this week."""
    this = week_start(today)
    return [this - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def sparkline(values: list[float]) -> str:
    """Ratings 0 to 10 as block characters, one a day."""
    return "".join(SPARKS[min(7, max(0, round(v / 10 * 7)))] for v in values)


class HeatMap(Widget):
    """One cell a day, a column a week, shaded by minutes; month names above."""

    DEFAULT_CSS = """
    HeatMap {
        height: 8;
        width: 1fr;
    }
    HeatMap > .heat--0 { color: $foreground 25%; }
    HeatMap > .heat--1 { color: $success 45%; }
    HeatMap > .heat--2 { color: $success 65%; }
    HeatMap > .heat--3 { color: $success 85%; }
    HeatMap > .heat--4 { color: $success; }
    HeatMap > .heat--today { text-style: reverse; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "heat--0",
        "heat--1",
        "heat--2",
        "heat--3",
        "heat--4",
        "heat--today",
    }

    def __init__(self, summary: Summary, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.summary = summary

    def render(self) -> Text:
        summary = self.summary
        room = max(1, (self.size.width - 4) // 2)
        first_monday = week_start(summary.first_day)
        available = (week_start(summary.today) - first_monday).days // 7 + 1
        mondays = heat_weeks(summary.today, min(room, available))
        text = Text(no_wrap=True, overflow="crop")
        text.append("    ")
        month = None
        labels = ""
        for column, monday in enumerate(mondays):
            if monday.month != month:
                month = monday.month
                if len(labels) < 2 * column:  # room for it after the last name
                    labels = labels.ljust(2 * column) + monday.strftime("%b")
        text.append(labels + "\n", style=self.get_component_rich_style("heat--0"))
        styles = [self.get_component_rich_style(f"heat--{level}") for level in range(5)]
        today_style = self.get_component_rich_style("heat--today")
        for weekday in range(7):
            text.append(f"{WEEKDAYS[weekday]:<3} ")
            for monday in mondays:
                day = monday + timedelta(days=weekday)
                if day > summary.today:
                    text.append("  ")
                    continue
                level = shade(summary.days.get(day, 0.0))
                style = styles[level] + today_style if day == summary.today else styles[level]
                text.append(SHADES[level], style=style)
            text.append("\n")
        return text


def recent_lines(summary: Summary) -> list[str]:
    """The latest sessions, one line each: when, what, how long, how it ended, how it felt."""
    lines = []
    for record in summary.recent:
        when = record.local_start.strftime("%a %d %b %H:%M")
        feel = ""
        if record.feel_before is not None or record.feel_after is not None:
            before = "–" if record.feel_before is None else str(record.feel_before)
            after = "–" if record.feel_after is None else str(record.feel_after)
            feel = f"  back {before}→{after}"
        lines.append(
            f"{when}  {fit(printable(record.routine_name), 24)} "
            f"{format_clock(record.active_seconds):>6}"
            f"  {record.status}{feel}"
        )
    return lines or ["No sessions yet: pick a routine and press enter."]


def routine_lines(summary: Summary) -> list[str]:
    """Minutes and sessions per routine, most minutes first."""
    return [
        f"{fit(printable(total.name), 24)} {total.sessions:>4}×  "
        f"{format_length(total.minutes * 60):>9}"
        for total in summary.per_routine
    ] or ["–"]


def feel_lines(summary: Summary) -> list[str]:
    """The back-feel ratings: the averages, and the last weeks day by day."""
    if summary.feel_before_avg is None and summary.feel_after_avg is None:
        return [
            "No ratings yet. Set ask_back_feel = true in config.toml and coach asks how",
            "your back feels (0 to 10) before and after each routine.",
        ]

    def avg(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    lines = [
        f"on average: {avg(summary.feel_before_avg)} before → {avg(summary.feel_after_avg)} "
        f"after (0 = no pain, 10 = the worst)"
    ]
    recent = summary.feel[-28:]
    befores = [p.before for p in recent if p.before is not None]
    afters = [p.after for p in recent if p.after is not None]
    if befores:
        lines.append(f"before  {sparkline(befores)}")
    if afters:
        lines.append(f"after   {sparkline(afters)}")
    return lines


class HistoryScreen(Screen[None]):
    """The log at a glance; escape or ``h`` goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,h", "app.pop_screen", "back"),
        Binding("q", "app.quit", "quit"),
    ]

    def __init__(
        self, summary: Summary, *, notice: str | None = None, breaks: str | None = None
    ) -> None:
        """``breaks``: one line on the break reminder's breaks taken and skipped, if any."""
        super().__init__()
        self.summary = summary
        self._notice = notice
        self._breaks = breaks

    def compose(self) -> ComposeResult:
        self._fit(self.app.size)
        s = self.summary
        with Horizontal(id="top"):
            yield Static("History", id="app-name")
            yield Static(
                f"streak {format_days(s.current_streak)} · best {format_days(s.best_streak)}",
                id="header-note",
            )
        with VerticalScroll(id="history"):
            # This week first: on a small terminal it is what shows without scrolling.
            yield Static(
                f"this week {format_length(s.week_minutes * 60)} · last week "
                f"{format_length(s.last_week_minutes * 60)} · "
                f"{plural(s.total_sessions, 'session')}, "
                f"{format_length(s.total_minutes * 60)} in all",
                id="weeks",
            )
            yield HeatMap(s, id="heatmap")
            if self._breaks:
                yield Static(self._breaks, id="breaks")
            with Horizontal(id="history-columns"):
                # The log's text is shown, never read as markup.
                yield Static("\n".join(recent_lines(s)), id="recent", classes="box", markup=False)
                with Vertical(id="side-box"):
                    yield Static(
                        "\n".join(routine_lines(s)), id="per-routine", classes="box", markup=False
                    )
                    yield Static("\n".join(feel_lines(s)), id="feel", classes="box")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#recent").border_title = "recent sessions"
        self.query_one("#per-routine").border_title = "per routine"
        self.query_one("#feel").border_title = "how your back felt"
        if self._notice:
            self.notify(printable(self._notice), severity="warning", timeout=8, markup=False)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        """Classes by terminal size; set in compose too, so the first frame needs no second
        layout pass."""
        self.set_class(size.width < 120, "-stacked")
