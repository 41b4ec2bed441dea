"""The rebatch dialog: which jobs to copy into a new batch, and the plan counted by the API.

Pre-filled from the job table's filter or its marked rows. Enter in a field recounts; Ctrl+S
recounts and asks for `y` with the fresh plan, so what is confirmed is what the server said.
Jobs already resubmitted (ops.lineage) are left out by `y`; only `A` includes them.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from pasqal_tui.cloud.filters import RebatchFilters
from pasqal_tui.cloud.models import Batch
from pasqal_tui.core import user_input as parsing
from pasqal_tui.core.text import plural
from pasqal_tui.ops.plans import Plan, rebatch_plan
from pasqal_tui.tui.actions.messages import PlanReady
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import RequestFailed
from pasqal_tui.tui.screens.dialogs.confirm import Choice, ChoiceScreen

JOB_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED")
FIELDS = (
    ("status", "Statuses", "e.g. error, canceled"),
    ("id", "Job ids", "full ids, comma-separated"),
    ("min_runs", "Min runs", "e.g. 100"),
    ("max_runs", "Max runs", "e.g. 1000"),
    ("from", "Created from", "e.g. 2026-01-31"),
    ("to", "Created to", "e.g. 2026-02-28"),
)


def rebatch_filters(values: dict[str, str]) -> RebatchFilters:
    """The dialog's text as filters; InputError names the field."""
    min_runs, max_runs = parsing.runs_range(values)
    start, end = parsing.date_range(values, "created from", "created to")
    return RebatchFilters(
        status=parsing.statuses(values.get("status", ""), JOB_STATUSES),
        id=parsing.uuids(values.get("id", ""), "job ids"),
        min_runs=min_runs,
        max_runs=max_runs,
        start_date=start,
        end_date=end,
    )


class RebatchScreen(AppAccess, ModalScreen[Plan | None]):
    """Dismisses with the confirmed plan (the caller sends it), or None."""

    CSS_PATH = "rebatch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Rebatch…", id="rebatch.submit"),
        Binding("escape", "dismiss(None)", "Back out", id="rebatch.back"),
    ]

    def __init__(self, batch: Batch, values: dict[str, str], marked: list[str]) -> None:
        super().__init__()
        self.the_batch = batch
        self.initial = values
        self.marked = marked
        self.current: Plan | None = None
        self.confirm_next = False

    def compose(self) -> ComposeResult:
        with Vertical(id="rebatch-box"):
            yield Static(
                f"Rebatch {self.the_batch.id[:8]} ({self.the_batch.device_type}): copy jobs into a "
                "new batch",
                id="rebatch-title",
            )
            with Grid(id="rebatch-form"):
                for key, label, placeholder in FIELDS:
                    yield Label(label)
                    yield Input(self.initial.get(key, ""), placeholder=placeholder, id=f"rb-{key}")
            yield Static("Counting…", id="rebatch-plan", markup=False)
            yield Static(
                "Enter recounts · Ctrl+S rebatch (asks y) · Esc backs out", id="rebatch-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#rb-status", Input).focus()
        self.recount()

    @property
    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#rb-{key}", Input).value for key, _l, _p in FIELDS}

    def recount(self) -> bool:
        """Ask the API what these filters select; False (and a message) on a bad field."""

        try:
            filters = rebatch_filters(self.values)
        except parsing.InputError as exc:
            self._say(str(exc), error=True)
            return False
        self.current = None
        self._say("Counting…")
        bid, marked = self.the_batch.id, self.marked
        self.pasqal.cloud.request(
            self, "plan", lambda c: rebatch_plan(c, bid, filters, marked), PlanReady
        )
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.confirm_next = False
        self.recount()

    def action_submit(self) -> None:
        self.confirm_next = self.recount()

    def on_plan_ready(self, message: PlanReady) -> None:
        message.stop()
        plan = message.plan
        self.current = plan
        lines = list(plan.lines)
        if plan.empty and plan.alternative is None:
            lines.append("No job matches: change the filters.")
        self._say("\n".join(lines), error=plan.empty)
        if self.confirm_next and (not plan.empty or plan.alternative is not None):
            yes = None if plan.empty else f"rebatch {plural(plan.jobs, 'job')}"
            also = None
            if plan.alternative is not None:
                also = f"also resubmit the {plural(len(plan.skipped), 'already resubmitted job')}"
            self.app.push_screen(
                ChoiceScreen(plan.title, plan.lines, yes=yes, also=also), self._answered
            )
        self.confirm_next = False

    def _answered(self, choice: Choice | None) -> None:
        plan = self.current
        if plan is None:
            return
        if choice == "yes":
            self.dismiss(plan)
        elif choice == "also" and plan.alternative is not None:
            self.dismiss(plan.alternative)

    def on_request_failed(self, message: RequestFailed) -> None:
        message.stop()
        self.confirm_next = False
        self._say(f"Could not count: {message.failure.message}", error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        plan = self.query_one("#rebatch-plan", Static)
        plan.update(text)
        plan.set_class(error, "-error")
