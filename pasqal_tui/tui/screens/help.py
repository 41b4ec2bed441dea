"""The keys of the screen behind, grouped by purpose, each with its full description.

Only our bindings are listed (each has an id; Textual's generic ones, e.g. "^pgup Page Left",
have none). Descriptions wrap, so the list reads at 40 columns as well as at 160; the keymap
ids are in the README's key table, not here, where they would take the width.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.navigation import LineScroll, scroll_bindings

#: Purposes in the order a user looks for them; a registry action's group names its purpose.
GROUP_ORDER = ("Go to", "Change", "Select", "Filter", "View", "Copy", "This screen", "App", "Move")
#: The widest key column (e.g. "ctrl+d pgdn"); longer key lists fold.
KEY_WIDTH = 12
#: The screen's name in the title, from its class.
TITLES = {"Batches": "Batch browser", "Jobs": "Job table", "Job": "Job", "Errors": "Errored jobs"}


class HelpScreen(LineScroll, ModalScreen[None]):
    """Lists what the keys do where the user was; Escape, q or ? closes it."""

    SCROLL_ID = "help-box"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="help.close"),
        Binding("question_mark", "help", "Help", id="help.toggle", show=False),
        *scroll_bindings("help"),
    ]

    def __init__(self, behind: Screen[object]) -> None:
        super().__init__()
        self.behind = behind
        #: (keys, description, binding id), in the order shown.
        self.rows: list[tuple[str, str, str]] = []
        self.groups: dict[str, list[tuple[str, str, str]]] = {}
        keys: dict[tuple[str, str], list[tuple[str, str]]] = {}
        found: dict[tuple[str, str], tuple[str, str, str]] = {}
        for key, active in behind.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.system or not binding.id:
                continue
            shown = behind.app.get_key_display(binding) or key
            marker = (binding.action, binding.description)
            if (key, shown) not in keys.setdefault(marker, []):
                keys[marker].append((key, shown))
            found.setdefault(marker, (binding.id, binding.description, group_of(binding)))
        for marker, shown_keys in keys.items():
            shown_keys.sort(key=lambda k: len(k[0]) > 1)  # a letter first: "j ↓", "g home"
            binding_id, label, group = found[marker]
            row = (" ".join(s for _, s in shown_keys), describe(binding_id, label), binding_id)
            self.groups.setdefault(group, []).append(row)
        for group in sorted(self.groups, key=_group_rank):
            self.rows.extend(self.groups[group])

    def compose(self) -> ComposeResult:
        name = type(self.behind).__name__.removesuffix("Screen") or "Screen"
        with VerticalScroll(id="help-box"):
            yield Static(f"Keys: {TITLES.get(name, name)}", id="help-title")
            # One key column width for every group, so that the descriptions line up.
            key_width = min(KEY_WIDTH, max((len(r[0]) for r in self.rows), default=1))
            for group in sorted(self.groups, key=_group_rank):
                yield Static(group, classes="help-group")
                table = Table(box=None, show_header=False, pad_edge=False, expand=True)
                table.add_column("Key", style="bold", width=key_width, overflow="fold")
                table.add_column("Does", ratio=1, overflow="fold")
                for keys, description, _ in self.groups[group]:
                    table.add_row(keys, Text(description))
                yield Static(table, classes="help-keys")
            yield Static(
                "Remap a key in config.yaml (keymap: {id: key}); the README lists every id. "
                "Ctrl+P opens the command palette.",
                id="help-foot",
            )

    def action_help(self) -> None:
        """`?` opens the help and closes it again."""
        self.dismiss()


def group_of(binding: Binding) -> str:
    """A registry action's purpose; the motion keys "Move"; the app's own keys "App"."""
    spec = registry.by_binding_id(binding.id or "")
    if spec is not None:
        return spec.group
    prefix = (binding.id or "").partition(".")[0]
    if prefix == "table" and binding.action.startswith("table_move"):
        return "Move"
    if binding.action.startswith("scroll("):
        return "Move"
    return "App" if prefix == "app" else "This screen"


def describe(binding_id: str, label: str) -> str:
    """The registry's full sentence for an action; the binding's own words otherwise."""
    spec = registry.by_binding_id(binding_id)
    return spec.help if spec is not None else label


def _group_rank(group: str) -> int:
    return GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)
