"""The footer: the keys that act on this screen now, most important first, `?` always shown.

Textual's Footer lists every shown binding in binding order and lets `? Help` fall off the end
at 80 columns; it also shows paging keys at page 1/1. This one orders the keys (the registry's
actions first, in its order; then the screen's; then the app's), folds 1-6 into one entry,
leaves out what the screen says does not apply now (:meth:`footer_hides` on the screen, e.g. the
pager keys with one page), drops from the end what does not fit, and always keeps `? Help`.
It repaints only when its line changes, without a relayout (height 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widget import Widget

from pasqal_tui.tui.actions import registry

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

#: Bindings shown as one entry under one key display ("1-6 Status").
FOLDED = {"toggle_status": ("1-6", "Status")}
HELP_ID = "app.help"
GAP = "  "


def footer_items(screen: Screen[object]) -> list[tuple[str, str]]:
    """(key, label) of the keys to offer, most important first; `?` not included."""
    ranked: list[tuple[int, int, str, str]] = []
    seen: set[str] = set()
    hides = getattr(screen, "footer_hides", None)
    order = {
        f"{s}.{a.keymap or a.name}": i for i, a in enumerate(registry.ACTIONS) for s in a.screens
    }
    for position, (key, active) in enumerate(screen.active_bindings.items()):
        binding = active.binding
        if not binding.show or not binding.id or binding.id == HELP_ID or not active.enabled:
            continue
        if callable(hides) and hides(binding):
            continue
        name = binding.action.partition("(")[0]
        if name in FOLDED:
            shown, label = FOLDED[name]
        else:
            shown, label = screen.app.get_key_display(binding) or key, binding.description
        if (shown, label) in {(s, lab) for _, _, s, lab in ranked} or binding.id in seen:
            continue
        seen.add(binding.id)
        if binding.id in order:
            rank = (0, order[binding.id])
        elif binding.id.startswith("app."):
            rank = (2, position)
        else:
            rank = (1, position)
        ranked.append((*rank, shown, label))
    return [(shown, label) for _, _, shown, label in sorted(ranked)]


def fit(items: list[tuple[str, str]], width: int, last: tuple[str, str]) -> list[tuple[str, str]]:
    """As many items (in order) as fit ``width`` together with ``last``, which always stays."""

    def size(entries: list[tuple[str, str]]) -> int:
        return sum(len(k) + 1 + len(lab) for k, lab in entries) + len(GAP) * (len(entries) - 1)

    kept = list(items)
    while kept and size([*kept, last]) > width:
        kept.pop()
    return [*kept, last]


class KeyFooter(Widget):
    """One line of keys; re-drawn when the screen's bindings change or the width does."""

    DEFAULT_CSS = """
    KeyFooter { height: 1; dock: bottom; background: $footer-background; padding: 0 1; }
    KeyFooter > .key-footer--key { color: $footer-key-foreground; text-style: bold; }
    KeyFooter > .key-footer--label { color: $footer-description-foreground; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--label"}

    def __init__(self) -> None:
        super().__init__()
        self._line = Text()
        #: The (key, label) pairs now shown, `?` last: what tests read.
        self.shown: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.update_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self.update_keys()

    def on_resize(self) -> None:
        self.update_keys()

    def update_keys(self) -> None:
        if not self.is_attached or self.size.width <= 0:
            return
        help_key = next(
            (
                self.app.get_key_display(a.binding) or k
                for k, a in self.screen.active_bindings.items()
                if a.binding.id == HELP_ID
            ),
            "?",
        )
        shown = fit(footer_items(self.screen), self.content_size.width, (help_key, "Help"))
        if shown == self.shown:
            return
        self.shown = shown
        key_style = self.get_component_rich_style("key-footer--key")
        label_style = self.get_component_rich_style("key-footer--label")
        line = Text(no_wrap=True, overflow="ellipsis")
        for index, (key, label) in enumerate(shown):
            if index:
                line.append(GAP)
            line.append(key, style=key_style)
            line.append(" " + label, style=label_style)
        self._line = line
        self.refresh(layout=False)

    def render(self) -> Text:
        return self._line


def binding_is_paging(binding: Binding) -> bool:
    """The pager's keys: of no use while everything is on one page."""
    return binding.action.startswith(("page(", "first_page", "last_page"))
