"""Mutating actions of the batch browser and the job table: create, extend, close, cancel,
retry, rebatch, tags.

Each action plans through the API first (read-only requests), asks for `y` in a
:class:`ConfirmScreen` when it is irreversible, then sends one request through
:meth:`CloudWorker.mutate` (read-only refusal, in-flight guard, audit log). The screens only
mix these classes in; they keep their own bindings for browsing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.message import Message
from textual.screen import Screen

from pasqal_tui.cloud.filters import RebatchFilters
from pasqal_tui.cloud.models import Batch, CancelJobsResult, Job, JobStatus
from pasqal_tui.cloud.payloads import JobInput
from pasqal_tui.ops.plans import Plan, cancel_batch_plan, cancel_jobs_plan, jobs, short
from pasqal_tui.tui.actions.messages import MUTATING, MUTATIONS, Mutated, PlanReady
from pasqal_tui.tui.actions.palette import ActionCommands, Entry
from pasqal_tui.tui.messages import RequestFailed
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.tui.app import PasqalApp
    from pasqal_tui.tui.screens.base import TableScreen


class ActionScreen(Screen[None]):
    """What both tables share: read-only hiding, plan -> confirm -> mutate, outcome lines."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ActionCommands}

    def palette_actions(self) -> list[Entry]:
        """Ctrl+P entries for this screen's batch (none in read-only mode)."""
        if self.pasqal.read_only or self.target_batch() is None:
            return []
        return [
            ("Close this batch", "No more jobs can be added (asks y)", self.action_close_batch),
            ("Cancel this batch", "Stops its pending and running jobs (asks y)",
             self.action_cancel_batch),
            ("Add jobs to this batch", "From a file or typed (open batches)", self.action_extend),
            ("Rebatch this batch", "Plan first, then y", self.action_rebatch),
            ("Set tags of this batch", "Replaces all tags", self.action_tags),
        ]  # fmt: skip

    @property
    def pasqal(self) -> PasqalApp:
        from pasqal_tui.tui.app import PasqalApp

        assert isinstance(self.app, PasqalApp)
        return self.app

    # ---- hooks ------------------------------------------------------------------------------

    def target_batch(self) -> Batch | None:
        """The batch an action applies to (the row under the cursor, or the screen's batch)."""
        raise NotImplementedError

    def after_mutation(self, batch: Batch | None) -> None:
        """Reload what is on screen once the server has changed."""
        cast("TableScreen[Any]", self).reload(cast("TableScreen[Any]", self).state.offset)

    # ---- gating -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide mutating keys in read-only mode; dim one while its request is in flight."""
        if action in MUTATING:
            if self.pasqal.read_only:
                return False
            if self.pasqal.cloud.in_flight:
                return None
        return super().check_action(action, parameters)

    def refuse_read_only(self, what: str) -> bool:
        if self.pasqal.read_only:
            self.notify(
                f"Read-only mode: {what} is disabled", severity="warning", timeout=4, markup=False
            )
            return True
        return False

    # ---- plan, confirm, send ----------------------------------------------------------------

    def plan(self, call: Callable[[PasqalClient], Awaitable[Plan]]) -> None:
        """Count through the API (a GET), then confirm on PlanReady."""
        self.pasqal.cloud.request(self, "plan", call, PlanReady)

    def on_plan_ready(self, message: PlanReady) -> None:
        plan = message.plan
        if plan.empty:
            head, *rest = plan.lines
            text = head + (" " + "; ".join(line.strip() for line in rest) if rest else "")
            self.notify(text, severity="warning", timeout=8, markup=False)
            return
        self.confirm(plan.title, plan.lines, lambda: self.execute(plan))

    def confirm(self, title: str, lines: list[str], then: Callable[[], None]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmScreen(title, lines), answered)

    def execute(self, plan: Plan) -> None:
        """Send the confirmed plan; each kind is one request."""
        bid = plan.batch_id
        cloud = self.pasqal.cloud
        if plan.action == "cancel-batch":
            cloud.mutate(
                self,
                "cancel-batch",
                [bid],
                lambda c: c.cancel_batch(bid),
                lambda b: Mutated(f"Cancelled batch {short(bid)}: now {b.status.value}", b),
            )
        elif plan.action == "cancel-jobs":
            filters = plan.filters
            cloud.mutate(
                self,
                "cancel-jobs",
                plan.job_ids,
                lambda c: c.cancel_jobs(bid, filters),  # type: ignore[arg-type]
                lambda r: Mutated(cancel_outcome(bid, r), clears_marks=True),
            )
        elif plan.action == "rebatch":
            self.send_rebatch(bid, cast(RebatchFilters, plan.filters), plan.jobs)

    def send_rebatch(self, batch_id: str, filters: RebatchFilters, count: int) -> None:
        def done(new: Batch) -> Message:
            text = f"Rebatched {jobs(new.total_jobs)} of {short(batch_id)} into {short(new.id)}"
            return Mutated(text, new, open_it=True)

        self.pasqal.cloud.mutate(
            self,
            "rebatch",
            [batch_id],
            lambda c: c.rebatch(batch_id, filters),
            done,
            produced=lambda b: [b.id],
        )

    def on_mutated(self, message: Mutated) -> None:
        self.mutated(message)

    def mutated(self, message: Mutated) -> None:
        """Say what happened, refresh, and open the new batch when there is one."""
        self.notify(message.text, title="Done", timeout=8, markup=False)
        self.after_mutation(message.batch)
        if message.open_it and message.batch is not None:
            from pasqal_tui.tui.screens.jobs import JobsScreen

            self.app.push_screen(JobsScreen(message.batch))

    def on_request_failed(self, message: RequestFailed) -> None:
        """A failed mutation is always said, banner or not: the user must know."""
        failure = message.failure
        if failure.purpose in MUTATIONS:
            message.prevent_default()
            text = f"{failure.purpose} failed: {failure.message}"
            self.notify(text, severity="error", timeout=12, markup=False)

    # ---- actions on one batch ---------------------------------------------------------------

    def _batch_or_say(self) -> Batch | None:
        batch = self.target_batch()
        if batch is None:
            self.notify("No batch selected", severity="warning", timeout=3, markup=False)
        return batch

    def action_close_batch(self) -> None:
        batch = self._batch_or_say()
        if batch is None or self.refuse_read_only("close"):
            return
        if not batch.open:
            self.notify(f"Batch {short(batch.id)} is already closed", timeout=4, markup=False)
            return
        bid = batch.id
        lines = [
            f"Close batch {short(bid)} on {batch.device_type} ({jobs(batch.total_jobs)}).",
            "No job can be added afterwards; the batch finishes when its jobs are done.",
        ]

        def send() -> None:
            self.pasqal.cloud.mutate(
                self,
                "close",
                [bid],
                lambda c: c.close_batch(bid),
                lambda b: Mutated(f"Closed batch {short(bid)}", b),
            )

        self.confirm(f"Close batch {short(bid)}", lines, send)

    def action_cancel_batch(self) -> None:
        batch = self._batch_or_say()
        if batch is None or self.refuse_read_only("cancel"):
            return
        if batch.status.is_terminal and not batch.open:
            self.notify(
                f"Batch {short(batch.id)} is already {batch.status.value}", timeout=4, markup=False
            )
            return
        bid, device = batch.id, batch.device_type
        self.plan(lambda c: cancel_batch_plan(c, bid, device))

    def action_tags(self) -> None:
        batch = self._batch_or_say()
        if batch is None or self.refuse_read_only("tags"):
            return
        from pasqal_tui.tui.screens.dialogs.tags import TagsScreen

        bid = batch.id

        def chosen(tags: list[str] | None) -> None:
            if tags is None:
                return
            self.pasqal.cloud.mutate(
                self,
                "tags",
                [bid],
                lambda c: c.set_batch_tags(bid, tags),
                lambda b: Mutated(f"Tags of {short(bid)}: {', '.join(b.tags or []) or 'none'}", b),
            )

        self.app.push_screen(TagsScreen(batch), chosen)

    def action_extend(self) -> None:
        batch = self._batch_or_say()
        if batch is None or self.refuse_read_only("add jobs"):
            return
        if not batch.open:
            self.notify(
                f"Batch {short(batch.id)} is closed: jobs can only be added to an open batch",
                severity="warning",
                timeout=5,
                markup=False,
            )
            return
        self._open_form(batch)

    def action_create_batch(self) -> None:
        if not self.refuse_read_only("create"):
            self._open_form(None)

    def _open_form(self, batch: Batch | None) -> None:
        from pasqal_tui.tui.screens.add_jobs import AddJobsScreen
        from pasqal_tui.tui.screens.create_batch import CreateBatchScreen

        def done(result: Batch | None) -> None:
            if result is None:
                return
            self.after_mutation(result)
            if batch is None:
                from pasqal_tui.tui.screens.jobs import JobsScreen

                self.app.push_screen(JobsScreen(result))

        self.app.push_screen(CreateBatchScreen() if batch is None else AddJobsScreen(batch), done)

    def action_rebatch(self) -> None:
        batch = self._batch_or_say()
        if batch is None or self.refuse_read_only("rebatch"):
            return
        from pasqal_tui.tui.screens.dialogs.rebatch import RebatchScreen

        bid = batch.id
        values, marked = self.rebatch_prefill()

        def chosen(plan: Plan | None) -> None:
            if plan is not None and plan.filters is not None:
                self.send_rebatch(bid, cast(RebatchFilters, plan.filters), plan.jobs)

        self.app.push_screen(RebatchScreen(batch, values, marked), chosen)

    def rebatch_prefill(self) -> tuple[dict[str, str], list[str]]:
        """Dialog fields to start from, and the marked job ids (none on the batch browser)."""
        return {"status": "ERROR"}, []

    def action_errors_view(self) -> None:
        from pasqal_tui.tui.screens.errors_view import ErrorsScreen

        self.app.push_screen(ErrorsScreen())


def cancel_outcome(batch_id: str, result: CancelJobsResult) -> str:
    """ "Cancelled 3 jobs of b1c2…; 1 refused (job 7f3e…: already DONE)"."""
    text = f"Cancelled {jobs(len(result.jobs))} of {short(batch_id)}"
    if result.errors:
        job_id, why = next(iter(result.errors.items()))
        text += f"; {len(result.errors):,} refused ({short(job_id)}: {why})"
    return text


class BatchActions(ActionScreen):
    """The batch browser's actions: on the batch under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create_batch", "New batch", id="batches.create"),
        Binding("a", "extend", "Add jobs", id="batches.extend", show=False),
        Binding("x", "close_batch", "Close", id="batches.close", show=False),
        Binding("c", "cancel_batch", "Cancel", id="batches.cancel", show=False),
        Binding("r", "rebatch", "Rebatch", id="batches.rebatch", show=False),
        Binding("t", "tags", "Tags", id="batches.tags", show=False),
        Binding("e", "errors_view", "Errors", id="batches.errors"),
    ]

    def target_batch(self) -> Batch | None:
        table = cast("TableScreen[Batch]", self)
        row_id = table.table.current_id()
        return next((b for b in table.items if b.id == row_id), None)


class JobActions(ActionScreen):
    """The job table's actions: on its batch, its marked jobs, or the job under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "extend", "Add jobs", id="jobs.extend", show=False),
        Binding("c", "cancel", "Cancel marked (or batch)", id="jobs.cancel", show=False),
        Binding("r", "rebatch", "Rebatch", id="jobs.rebatch"),
        Binding("t", "tags", "Tags", id="jobs.tags", show=False),
        Binding("ctrl+r", "retry", "Retry job", id="jobs.retry", show=False),
    ]

    the_batch: Batch
    marks: set[str]
    items: list[Job]

    def target_batch(self) -> Batch | None:
        return self.the_batch

    def after_mutation(self, batch: Batch | None) -> None:
        if batch is not None and batch.id == self.the_batch.id:
            self.the_batch = batch
            cast(Any, self).show_batch()
        super().after_mutation(batch)

    def action_cancel(self) -> None:
        """With marks: cancel the marked jobs that can be; without: cancel the batch."""
        if self.refuse_read_only("cancel"):
            return
        if not self.marks:
            self.action_cancel_batch()
            return
        bid, marked = self.the_batch.id, sorted(self.marks)
        self.plan(lambda c: cancel_jobs_plan(c, bid, marked))

    def mutated(self, message: Mutated) -> None:
        if message.clears_marks:
            self.marks.clear()
        super().mutated(message)

    def action_retry(self) -> None:
        if self.refuse_read_only("retry"):
            return
        table = cast("TableScreen[Job]", self)
        row_id = table.table.current_id()
        job = next((j for j in self.items if j.id == row_id), None)
        if job is None:
            self.notify("No job selected", severity="warning", timeout=3, markup=False)
            return
        batch = self.the_batch
        if not batch.open:
            self.notify(
                f"Batch {short(batch.id)} is closed: retry needs an open batch; rebatch it (r)",
                severity="warning",
                timeout=6,
                markup=False,
            )
            return
        runs, variables, bid = job.runs, job.variables, batch.id
        lines = [
            f"Add a copy of job {short(job.id)} ({job.status.value}) to open batch {short(bid)}:",
            f"  {runs or 0:,} runs, variables {variables or {}}",
        ]

        def send() -> None:
            new_job = JobInput(runs=runs, variables=variables)
            self.pasqal.cloud.mutate(
                self,
                "retry",
                [job.id],
                lambda c: c.add_jobs(bid, [new_job]),
                lambda b: Mutated(f"Retried job {short(job.id)} in batch {short(bid)}", b),
            )

        self.confirm(f"Retry job {short(job.id)}", lines, send)

    def rebatch_prefill(self) -> tuple[dict[str, str], list[str]]:
        """Marked rows when there are any, otherwise the table's current filter."""
        if self.marks:
            return {"id": ", ".join(sorted(self.marks))}, sorted(self.marks)
        values = dict(cast(Any, self).filter_text)
        values.pop("errors", None)
        if not values:
            values = {"status": JobStatus.ERROR.value}
        return values, []
