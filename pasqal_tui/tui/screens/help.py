"""Every binding of the screen behind, with its key, what it does and its id (for keymaps)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from pasqal_tui.tui.navigation import LineScroll, scroll_bindings


class HelpScreen(LineScroll, ModalScreen[None]):
    """Lists what the keys do where the user was; Escape, q or ? closes it."""

    SCROLL_ID = "help-box"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        *scroll_bindings("help"),
    ]

    def __init__(self, behind: Screen[object]) -> None:
        super().__init__()
        self.behind = behind
        self.rows: list[tuple[str, str, str]] = []
        # One row per action: the keys bound to it together ("j ↓" moves down a row).
        keys: dict[tuple[str, str], list[tuple[str, str]]] = {}
        ids: dict[tuple[str, str], str] = {}
        for key, active in behind.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.system:
                continue
            shown = behind.app.get_key_display(binding) or key
            marker = (binding.action, binding.description)
            if (key, shown) not in keys.setdefault(marker, []):
                keys[marker].append((key, shown))
            ids.setdefault(marker, binding.id or "")
        for marker, shown_keys in keys.items():
            shown_keys.sort(key=lambda k: len(k[0]) > 1)  # a letter first: "j ↓", "g home"
            self.rows.append((" ".join(s for _, s in shown_keys), marker[1], ids[marker]))

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("Key", no_wrap=True)
        table.add_column("Does")
        table.add_column("Id (for keymap)", style="dim", no_wrap=True)
        # The app's own bindings (with ids) first, grouped by id; Textual's built-ins after.
        for key, description, binding_id in sorted(self.rows, key=lambda r: (not r[2], r[2])):
            table.add_row(key, description, binding_id)
        title = type(self.behind).__name__.removesuffix("Screen") or "Screen"
        with VerticalScroll(id="help-box"):
            yield Static(f"Keys: {title}", id="help-title")
            yield Static(table)
            yield Static(
                "Remap any key in config.yaml: keymap: {binding-id: key}. "
                "Ctrl+P opens the command palette.",
                id="help-foot",
            )
