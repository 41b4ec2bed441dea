"""What a table screen needs to host its action controller: one `act` action for every
registry binding, gating, the palette entries, and the controller's messages."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.command import Provider
from textual.screen import Screen

from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.actions.messages import Mutated, PlanReady
from pasqal_tui.tui.actions.palette import ActionCommands, Entry

if TYPE_CHECKING:
    from collections.abc import Callable

    from pasqal_tui.cloud.models import Batch
    from pasqal_tui.tui.actions.controllers import BatchActions
    from pasqal_tui.tui.app import PasqalApp


class ActionScreen(Screen[None]):
    """Runs registry actions on ``self.actions`` (set by the screen's __init__)."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ActionCommands}

    actions: BatchActions
    #: The registry's name of this screen ("batches", "jobs").
    SCREEN: ClassVar[str] = ""
    if TYPE_CHECKING:

        @property
        def pasqal(self) -> PasqalApp: ...

        def target_batch(self) -> Batch | None: ...

    def action_act(self, name: str) -> None:
        """Run action ``name`` of the registry (refused with a word in read-only mode)."""
        spec = registry.spec(name)
        if spec.mutating and self.pasqal.read_only:
            self.notify(
                f"read-only session: {spec.label.lower()} is disabled",
                severity="warning",
                timeout=4,
                markup=False,
            )
            return
        # A controller's action, or one of the screen's own (filter, sort).
        getattr(self.actions if hasattr(self.actions, name) else self, name)()

    def on_key(self, event: events.Key) -> None:
        """In a read-only session the mutating keys are hidden, and so inactive: a press of
        one still gets one line saying why nothing happens."""
        if not self.pasqal.read_only:
            return
        spec = registry.mutating_key(self.SCREEN, event.key)
        if spec is not None:
            event.stop()
            self.action_act(spec.name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide mutating keys in read-only mode; dim them while a mutation is in flight."""
        if action == "act" and parameters and registry.spec(str(parameters[0])).mutating:
            if self.pasqal.read_only:
                return False
            if self.pasqal.cloud.in_flight:
                return None
        return super().check_action(action, parameters)

    def palette_actions(self) -> list[Entry]:
        """Ctrl+P entries for this screen's batch (only those that change nothing in
        read-only mode)."""
        if self.target_batch() is None:
            return []
        return [
            (spec.palette, spec.help, partial(self.action_act, spec.name))
            for spec in registry.palette_specs(self.SCREEN)
            if not (spec.mutating and self.pasqal.read_only)
        ]

    @on(PlanReady)
    def _plan_ready(self, message: PlanReady) -> None:
        self.actions.plan_ready(message.plan)

    @on(Mutated)
    def _mutated(self, message: Mutated) -> None:
        self.actions.mutated(message)
