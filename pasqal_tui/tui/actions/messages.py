"""Messages of the action controllers: a plan ready to confirm, a mutation done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pasqal_tui.cloud.models import Batch
    from pasqal_tui.ops.plans import Plan

__all__ = ["Mutated", "PlanReady"]


@dataclass
class PlanReady(Message):
    """A plan counted through the API, ready to be confirmed."""

    plan: Plan


@dataclass
class Mutated(Message):
    """A mutation succeeded: say what happened, refresh, maybe open a new batch."""

    text: str
    batch: Batch | None = None
    open_it: bool = False
    clears_marks: bool = False
