"""The pick screen: every routine, a filter, and a preview of the one under the cursor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from coach.catalog import Entry
from coach.report import preview

TAG_CYCLE = ("morning", "desk", "cool-down", "back", "massage", "strength")
"""What ``t`` steps through, in this order, where some routine has the tag."""


def matches(entry: Entry, words: str, tag: str | None) -> bool:
    """Whether ``entry`` passes the filter: every word in its name, id or tags, and the tag."""
    routine = entry.routine
    tags = routine.tags if routine else ()
    if tag is not None and tag not in tags:
        return False
    haystack = " ".join([entry.name, entry.id, *tags]).lower()
    return all(word in haystack for word in words.lower().split())


class PickScreen(Screen[None]):
    """Pick a routine. Posts :class:`PickScreen.Chosen` for the app to start it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so the footer shows it over the list's own (hidden) enter binding.
        Binding("enter", "start", "start", priority=True),
        Binding("slash", "filter", "filter", key_display="/"),
        Binding("t", "next_tag", "tag"),
        Binding("h", "history", "history"),
        Binding("question_mark", "help", "help", key_display="?"),
        Binding("q", "app.quit", "quit"),
        # Control keys: letters typed here go into the filter.
        Binding("ctrl+e", "edit", "edit", show=False),
        Binding("ctrl+n", "new", "new routine", show=False),
        Binding("ctrl+r", "reminders", "break reminders", show=False),
    ]

    @dataclass
    class Chosen(Message):
        """The person chose ``entry`` (a routine that loaded)."""

        entry: Entry

    @dataclass
    class HistoryWanted(Message):
        """``h``: show the log."""

    @dataclass
    class EditWanted(Message):
        """``ctrl+e``: edit ``entry`` in the person's editor (None: write a new one)."""

        entry: Entry | None

    @dataclass
    class RemindersToggled(Message):
        """``ctrl+r``: break reminders on or off."""

    def __init__(self, contents: Callable[[], tuple[Sequence[Entry], str]]) -> None:
        """``contents`` gives the routines and the header's note (the streak); it is asked
        again each time the screen comes back, so the list is never stale."""
        super().__init__()
        self._contents = contents
        self.tag: str | None = None
        self._shown: list[Entry] = []
        self._fresh = True
        """Not yet shown: the first resume needs no reload."""
        self._load()

    def _load(self) -> None:
        entries, self.header_note = self._contents()
        self.entries = list(entries)
        present = {tag for e in self.entries if e.routine for tag in e.routine.tags}
        self._tags = [tag for tag in TAG_CYCLE if tag in present]
        if self.tag not in self._tags:
            self.tag = None

    def compose(self) -> ComposeResult:
        self._fit(self.app.size)
        with Horizontal(id="top"):
            yield Static("coach", id="app-name")
            yield Static(self.header_note, id="header-note")
        with Horizontal(id="pick-body"):
            with Vertical(id="pick-list"):
                with Horizontal(id="filter-row"):
                    yield Input(placeholder="type to filter", id="filter")
                    yield Static("", id="tag")
                yield OptionList(id="routines")
            with VerticalScroll(id="preview-box"):
                yield Static(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pick-list").border_title = "routines"
        self._refill()
        self.query_one("#routines", OptionList).focus()

    def on_screen_resume(self) -> None:
        if self._fresh:  # the first showing: loaded a moment ago
            self._fresh = False
            return
        self.reload()

    def show_note(self, note: str) -> None:
        """Put ``note`` in the header (the next break's time changes every minute)."""
        if note != self.header_note:
            self.header_note = note
            self.query_one("#header-note", Static).update(note)

    def reload(self) -> None:
        """Find the routines again (after an edit, or coming back from a routine)."""
        current = self.current
        self._load()
        self.query_one("#header-note", Static).update(self.header_note)
        self._refill()
        if current is not None:  # keep the cursor on the routine just done
            ids = [e.id for e in self._shown]
            if current.id in ids:
                self.query_one("#routines", OptionList).highlighted = ids.index(current.id)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        """Classes by terminal size; set in compose too, so the first frame needs no second
        layout pass."""
        self.set_class(size.width < 70, "-narrow")

    # -- the list -------------------------------------------------------------------------

    def _refill(self) -> None:
        words = self.query_one("#filter", Input).value
        self._shown = [e for e in self.entries if matches(e, words, self.tag)]
        options = self.query_one("#routines", OptionList)
        options.clear_options()
        options.add_options([self._option(index, e) for index, e in enumerate(self._shown)])
        if self._shown:
            options.highlighted = 0
        self.query_one("#tag", Static).update(f"tag: {self.tag}" if self.tag else "")
        self._show_preview(self._shown[0] if self._shown else None)

    def _option(self, index: int, entry: Entry) -> Option:
        if entry.routine is None:
            return Option(Text(f"⚠ {entry.path.name}", style="bold"), id=str(index))
        routine = entry.routine
        minutes = max(1, round(routine.total / 60))
        length = f"{minutes}m" + ("+" if routine.has_open_steps else "")
        name = routine.name if len(routine.name) <= 24 else routine.name[:23] + "…"
        label = Text(f"{name:<24} ")
        label.append(f"{length:>4}", style="dim")
        return Option(label, id=str(index))

    def _show_preview(self, entry: Entry | None) -> None:
        box = self.query_one("#preview-box")
        text = self.query_one("#preview", Static)
        if entry is None:
            box.border_title = ""
            text.update("No routine matches. Escape clears the filter.")
            return
        if entry.routine is None:
            box.border_title = entry.path.name
            assert entry.error is not None
            problems = "\n".join(str(p) for p in entry.error.problems)
            text.update(f"This file has problems and cannot be started:\n\n{problems}")
            return
        box.border_title = entry.routine.name
        where = "" if entry.builtin else f"\n\nyours: {entry.path}"
        text.update(preview(entry.routine) + where)

    @property
    def current(self) -> Entry | None:
        """The routine under the cursor."""
        index = self.query_one("#routines", OptionList).highlighted
        return self._shown[index] if index is not None and index < len(self._shown) else None

    @on(OptionList.OptionHighlighted, "#routines")
    def _highlighted(self) -> None:
        self._show_preview(self.current)

    @on(OptionList.OptionSelected, "#routines")
    def _selected(self) -> None:
        self.action_start()

    # -- the filter -----------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._refill()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.action_start()

    def on_key(self, event: events.Key) -> None:
        filter_box = self.query_one("#filter", Input)
        if filter_box.has_focus:
            if event.key in ("down", "up"):
                self.query_one("#routines", OptionList).focus()
                event.stop()
            elif event.key == "escape":
                filter_box.value = ""
                self.query_one("#routines", OptionList).focus()
                event.stop()
            return
        # Typing a letter that is not a key of this screen starts filtering.
        character = event.character
        bound = {"t", "h", "q", "/", "?"}
        if character and character.isprintable() and character not in bound and character != " ":
            filter_box.focus()
            filter_box.insert_text_at_cursor(character)
            event.stop()
        elif event.key == "escape" and (filter_box.value or self.tag):
            filter_box.value = ""
            self.tag = None
            self._refill()
            event.stop()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_next_tag(self) -> None:
        if not self._tags:
            return
        order: list[str | None] = [None, *self._tags]
        self.tag = order[(order.index(self.tag) + 1) % len(order)]
        self._refill()

    # -- leaving --------------------------------------------------------------------------

    def action_start(self) -> None:
        if not self.is_active:
            return
        entry = self.current
        if entry is None:
            return
        if entry.routine is None:
            assert entry.error is not None
            self.notify(entry.error.first_line, title="Cannot start", severity="error")
            return
        self.post_message(self.Chosen(entry))

    def action_edit(self) -> None:
        if self.current is not None:
            self.post_message(self.EditWanted(self.current))

    def action_new(self) -> None:
        self.post_message(self.EditWanted(None))

    def action_reminders(self) -> None:
        self.post_message(self.RemindersToggled())

    def action_history(self) -> None:
        self.post_message(self.HistoryWanted())

    def action_help(self) -> None:
        from coach.tui.dialogs import PICK_KEYS, HelpScreen

        self.app.push_screen(HelpScreen(PICK_KEYS))
