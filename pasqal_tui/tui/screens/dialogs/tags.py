"""Replace the tags of a batch: one line, comma-separated; Enter applies, Esc backs out.

Request markers (``ptui-req:…``, how a lost create is found again) are not shown here and are
kept on replace: they are the app's, not the user's.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from pasqal_tui.cloud.markers import is_marker, user_tags
from pasqal_tui.cloud.models import Batch

MAX_TAG = 64
MAX_TAGS = 20


def parse_tags(text: str) -> list[str]:
    """Tags in typed order, without blanks or repeats; ValueError says which one is wrong."""
    tags: list[str] = []
    for raw in text.split(","):
        tag = raw.strip()
        if not tag or tag in tags:
            continue
        if is_marker(tag):
            raise ValueError(f"tags: {tag[:20]!r}… is reserved for request markers")
        if len(tag) > MAX_TAG:
            raise ValueError(f"tags: {tag[:20]!r}… is longer than {MAX_TAG} characters")
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f"tags: {len(tags)} given, at most {MAX_TAGS}")
    return tags


class TagsScreen(ModalScreen[list[str] | None]):
    """Dismisses with the new tag list (possibly empty), or None when backed out."""

    CSS_PATH = "tags.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Back out", id="tags.back"),
    ]

    def __init__(self, batch: Batch) -> None:
        super().__init__()
        self.the_batch = batch

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box"):
            yield Static(f"Tags of batch {self.the_batch.id[:8]}", id="tags-title")
            yield Input(
                ", ".join(user_tags(self.the_batch.tags)), placeholder="e.g. rabi, qpu", id="tags"
            )
            yield Static(
                "Comma-separated; Enter replaces all tags, Esc backs out.",
                id="tags-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            tags = parse_tags(event.value)
        except ValueError as exc:
            hint = self.query_one("#tags-hint", Static)
            hint.update(str(exc))
            hint.add_class("-error")
            return
        self.dismiss(tags)
