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
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from coach.catalog import Entry
from coach.durations import format_total
from coach.report import preview
from coach.showing import printable
from coach.text import fit
from coach.tui.widgets import KeyBar, plain_text

RELOAD_EVERY = 1.5
"""Seconds between looks at the routine files' fingerprint while the list shows."""

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

    # Letters typed here go into the filter, which has the focus when the screen opens:
    # while it has it, the commands are on keys that cannot be typed (enter, tab, f1,
    # ctrl+q). Tab leaves the filter for the list, where single letters are commands; any
    # other letter there goes back to filtering. The footer shows the keys of the moment.
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so the footer shows it over the list's own (hidden) enter binding.
        Binding("enter", "start", "start", key_display="enter", priority=True),
        Binding("tab", "to_list", "keys"),
        Binding("slash", "filter", "filter", key_display="/"),
        Binding("t", "next_tag", "tag"),
        Binding("h", "history", "history"),
        Binding("f1", "help_anywhere", "help"),
        Binding("question_mark", "help", "help", key_display="?"),
        Binding("ctrl+q", "app.quit", "quit", priority=True),  # shown; the app runs it
        Binding("q", "quit", "quit"),
        # Control keys: letters typed here go into the filter.
        Binding("ctrl+e", "edit", "edit", show=False, priority=True),
        Binding("ctrl+n", "new", "new routine", show=False, priority=True),
        Binding("ctrl+r", "reminders", "break reminders", show=False, priority=True),
    ]
    FILTER_ACTIONS = frozenset({"help_anywhere", "app.quit"})
    """Keys that work everywhere, shown while the filter has the focus."""
    LIST_ACTIONS = frozenset({"filter", "next_tag", "history", "help", "quit"})
    """Letter keys: shown and working once the filter is left."""

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

    def __init__(
        self,
        contents: Callable[[], tuple[Sequence[Entry], str]],
        *,
        stamp: Callable[[], object] = lambda: None,
    ) -> None:
        """``contents`` gives the routines and the header's note (the streak); it is asked
        again each time the screen comes back, and whenever ``stamp`` (a cheap fingerprint
        of the routine files) changes while it shows, so the list is never stale."""
        super().__init__()
        self._contents = contents
        self._stamp = stamp
        self._stamp_seen = stamp()
        self.tag: str | None = None
        self._shown: list[Entry] = []
        self._filled: tuple[str, str | None] = ("", None)
        """The filter's words and tag the list shows."""
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
                yield Static(id="preview", markup=False)
        yield KeyBar(
            keep=("start", "filter", "to_list", "help", "help_anywhere", "app.quit", "quit"),
            hide=self._hidden_key,
        )

    def on_mount(self) -> None:
        self.query_one("#pick-list").border_title = "routines"
        self._refill()
        self.query_one("#filter", Input).focus()
        self.set_interval(RELOAD_EVERY, self._look_for_changes, name="routine-files")

    def _look_for_changes(self) -> None:
        if not self.is_current:
            return  # another screen shows: it is looked at when this one comes back
        now = self._stamp()
        if now != self._stamp_seen:
            self.reload()

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
        """Find the routines again (after an edit, coming back from a routine, or a file
        changed), keeping the typing, the tag and the cursor's routine."""
        current = self.current
        self._stamp_seen = self._stamp()
        self._load()
        self.query_one("#header-note", Static).update(self.header_note)
        self._refill()
        if current is not None:  # keep the cursor on the routine just done
            ids = [e.id for e in self._shown]
            if current.id in ids:
                self.query_one("#routines", OptionList).highlighted = ids.index(current.id)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)
        if self.is_mounted:
            self._show_preview(self.current)

    def _fit(self, size: Size) -> None:
        """Classes by terminal size; set in compose too, so the first frame needs no second
        layout pass."""
        self.set_class(size.width < 70, "-narrow")

    # -- the list -------------------------------------------------------------------------

    def _refill(self) -> None:
        words = self.query_one("#filter", Input).value
        self._filled = (words, self.tag)
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
            return Option(Text(f"⚠ {printable(entry.path.name)}", style="bold"), id=str(index))
        routine = entry.routine
        length = format_total(routine.total, routine.has_open_steps)
        label = Text(f"{fit(printable(routine.name), 24)} ")
        label.append(f"{length:>7}", style="dim")
        return Option(label, id=str(index))

    def _show_preview(self, entry: Entry | None) -> None:
        box = self.query_one("#preview-box")
        text = self.query_one("#preview", Static)
        if entry is None:
            box.border_title = ""
            text.update("No routine matches. Escape clears the filter.")
            return
        if entry.routine is None:
            box.border_title = plain_text(entry.path.name)
            assert entry.error is not None
            problems = "\n".join(str(p) for p in entry.error.problems)
            text.update(
                plain_text(
                    f"This file has problems and cannot be started:\n\n{problems}", newlines=True
                )
            )
            return
        box.border_title = plain_text(entry.routine.name)
        where = "" if entry.builtin else f"\n\nyours: {entry.path}"
        text.update(plain_text(preview(entry.routine, self._preview_room()) + where, newlines=True))

    def _preview_room(self) -> int:
        """Columns for the preview's lines: the box's, less its border, padding and a
        scroll bar (worked out from the screen, so it is right before the first layout)."""
        list_width = self.query_one("#pick-list").styles.width
        listed = int(list_width.value) if list_width is not None and list_width.is_cells else 34
        return max(20, self.app.size.width - listed - 2 - 2 - 2)

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer and the keys follow the focus: letters are commands only once the
        filter is left."""
        typing = self.focused is self.query_one("#filter", Input)
        if action in self.LIST_ACTIONS:
            return not typing
        if action == "to_list":
            return typing
        return True

    def _hidden_key(self, binding: Binding) -> bool:
        """f1 and ctrl+q work everywhere, but the list's footer shows its ? and q."""
        typing = self.focused is self.query_one("#filter", Input)
        return not typing and binding.action in self.FILTER_ACTIONS

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def on_key(self, event: events.Key) -> None:
        filter_box = self.query_one("#filter", Input)
        options = self.query_one("#routines", OptionList)
        if filter_box.has_focus:
            moves = {"down": "cursor_down", "up": "cursor_up", "pagedown": "page_down"}
            moves["pageup"] = "page_up"
            at_end = filter_box.cursor_position >= len(filter_box.value)
            if event.key == "right" and at_end and self._show_steps():
                event.stop()
            elif event.key in moves:
                # The cursor moves through the list while the typing stays in the filter.
                getattr(options, f"action_{moves[event.key]}")()
                event.stop()
            elif event.key == "escape":
                if filter_box.value or self.tag:
                    filter_box.value = ""
                    self.tag = None
                    self._refill()
                else:
                    options.focus()
                event.stop()
            return
        if event.key == "right" and self._show_steps():
            event.stop()
            return
        # In the list, a letter that is not one of its keys goes back to filtering.
        character = event.character
        if (
            character
            and character.isprintable()
            and character not in self._list_keys
            and character != " "
        ):
            filter_box.focus()
            filter_box.insert_text_at_cursor(character)
            event.stop()
        elif event.key == "escape" and (filter_box.value or self.tag):
            filter_box.value = ""
            self.tag = None
            self._refill()
            event.stop()

    def _show_steps(self) -> bool:
        """Narrow, the preview has no room beside the list: show it over it. Whether it did."""
        entry = self.current
        if not self.has_class("-narrow") or entry is None:
            return False
        from coach.tui.dialogs import TextScreen

        if entry.routine is None:  # its problems, as the preview has them
            text = str(self.query_one("#preview", Static).content)
        else:  # the dialog's room: its border, padding and a scroll bar
            text = preview(entry.routine, min(70, self.app.size.width) - 2 - 4 - 2)
        self.app.push_screen(TextScreen(entry.name, text))
        return True

    @property
    def _list_keys(self) -> set[str]:
        """The characters that are commands in the list."""
        keys = {"/", "?"}
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action in self.LIST_ACTIONS:
                keys.update(key for key in binding.key.split(",") if len(key) == 1)
        return keys

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_to_list(self) -> None:
        self.query_one("#routines", OptionList).focus()

    def action_next_tag(self) -> None:
        if not self._tags:
            return
        order: list[str | None] = [None, *self._tags]
        self.tag = order[(order.index(self.tag) + 1) % len(order)]
        self._refill()

    # -- leaving --------------------------------------------------------------------------

    def action_start(self) -> None:
        filter_box = self.query_one("#filter", Input)
        if filter_box.has_focus:
            # Enter is a priority key: it comes before the letters typed just ahead of it
            # have reached the filter. Start once they have, with the list they make.
            filter_box.call_later(self._start_filtered)
        else:
            self._start()

    def _start_filtered(self) -> None:
        if self._filled != (self.query_one("#filter", Input).value, self.tag):
            self._refill()
        self._start()

    def _start(self) -> None:
        if not self.is_active:
            return
        entry = self.current
        if entry is None:
            return
        if entry.routine is None:
            assert entry.error is not None
            self.notify(
                entry.error.first_line, title="Cannot start", severity="error", markup=False
            )
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

        self.app.push_screen(HelpScreen(PICK_KEYS, note=""))

    def action_help_anywhere(self) -> None:
        self.action_help()

    async def action_quit(self) -> None:
        await self.app.action_quit()
