"""Messages and names shared by the action screens (tables, dialogs, the errored-jobs view)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pasqal_tui.cloud.models import Batch
    from pasqal_tui.ops.plans import Plan

__all__ = ["MUTATING", "MUTATIONS", "Mutated", "PlanReady"]

#: Actions that change something on the server: hidden and refused in read-only mode.
MUTATING = frozenset(
    {
        "create_batch",
        "extend",
        "close_batch",
        "cancel",
        "cancel_batch",
        "retry",
        "rebatch",
        "tags",
    }
)
#: Purposes (audit action names) of mutations; a failure of one is always shown.
MUTATIONS = frozenset(
    {"create", "add-jobs", "close", "cancel-batch", "cancel-jobs", "retry", "rebatch", "tags"}
)


class PlanReady(Message):
    """A plan counted through the API, ready to be confirmed."""

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan


class Mutated(Message):
    """A mutation succeeded: say what happened, refresh, maybe open a new batch."""

    def __init__(
        self,
        text: str,
        batch: Batch | None = None,
        *,
        open_it: bool = False,
        clears_marks: bool = False,
    ) -> None:
        super().__init__()
        self.text = text
        self.batch = batch
        self.open_it = open_it
        self.clears_marks = clears_marks
