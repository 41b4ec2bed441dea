"""The table screens' actions as controllers: plan through the API, confirm with `y`, send once.

A controller is composed into its screen (``screen.actions``) and talks to it only through
:class:`ActionHost`. Each action plans first (GET requests, ``ops.plans``), asks for `y` in a
:class:`ConfirmScreen` when irreversible, then sends one request through
:meth:`CloudWorker.mutate` (read-only refusal, in-flight guard, audit). Which keys run which
method, and which are mutating, is :mod:`pasqal_tui.tui.actions.registry`'s business.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message

from pasqal_tui.cloud.filters import JobFilters, RebatchFilters
from pasqal_tui.cloud.markers import user_tags, with_markers
from pasqal_tui.cloud.models import Batch, CancelJobsResult, Job, JobStatus
from pasqal_tui.cloud.payloads import JobInput
from pasqal_tui.core.text import plural, short
from pasqal_tui.ops.outcomes import Created, add_jobs_key, add_jobs_once, rebatch_once
from pasqal_tui.ops.plans import Plan, cancel_batch_plan, cancel_jobs_plan
from pasqal_tui.tui import drafts
from pasqal_tui.tui.actions.messages import Mutated, PlanReady
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App
    from textual.worker import Worker

    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.ops.export import Progress
    from pasqal_tui.tui.app import PasqalApp

__all__ = [
    "ActionHost",
    "BatchActions",
    "JobActions",
    "JobsHost",
    "cancel_batch_outcome",
    "cancel_outcome",
]

#: Plans that touch no job and are still confirmed and sent: closing an open batch whose jobs
#: have all finished (what cancelling it amounts to).
SENT_WITHOUT_JOBS = frozenset({"close"})


class ActionHost(Protocol):
    """What a controller needs from the screen it acts for."""

    @property
    def app(self) -> App[object]: ...

    @property
    def pasqal(self) -> PasqalApp: ...

    def notify(
        self, message: str, *, title: str = ..., severity: Any = ..., timeout: float | None = ...,
        markup: bool = ...,
    ) -> None: ...  # fmt: skip

    def post_message(self, message: Message) -> bool: ...

    def run_worker(self, work: Any, *args: Any, **kwargs: Any) -> Worker[Any]: ...

    def target_batch(self) -> Batch | None:
        """The batch an action applies to (the row under the cursor, or the screen's batch)."""

    def after_mutation(self, batch: Batch | None) -> None:
        """Reload what is on screen once the server has changed."""


class JobsHost(ActionHost, Protocol):
    """The job table: its marks, the job under the cursor, its current filter."""

    marks: set[str]
    @property
    def filters(self) -> JobFilters:
        """The server-side filter of the rows shown (an export writes the same rows)."""

    @property
    def direction(self) -> str:
        """Their order of creation, "ASC" or "DESC"."""

    def current_job(self) -> Job | None: ...

    def filter_values(self) -> dict[str, str]: ...


class BatchActions:
    """Actions on one batch: the batch browser's row under the cursor."""

    def __init__(self, host: ActionHost) -> None:
        self.host = host

    @property
    def _app(self) -> PasqalApp:
        return self.host.pasqal

    def _say(self, text: str, severity: Any = "information", timeout: float = 4) -> None:
        self.host.notify(text, severity=severity, timeout=timeout, markup=False)

    # ---- plan, confirm, send ----------------------------------------------------------------

    def plan(self, call: Callable[[PasqalClient], Awaitable[Plan]]) -> None:
        """Count through the API (a GET); the host passes PlanReady back to plan_ready."""
        self._app.cloud.request(self.host, "plan", call, PlanReady)  # type: ignore[arg-type]

    def plan_ready(self, plan: Plan) -> None:
        if plan.empty and plan.action not in SENT_WITHOUT_JOBS:
            head, *rest = plan.lines
            text = head + (" " + "; ".join(line.strip() for line in rest) if rest else "")
            self._say(text, "warning", 8)
            return
        self.confirm(plan.title, plan.lines, lambda: self.execute(plan))

    def confirm(self, title: str, lines: list[str], then: Callable[[], None]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.host.app.push_screen(ConfirmScreen(title, lines), answered)

    def mutate(
        self,
        audit: str,
        ids: list[str],
        call: Callable[[PasqalClient], Awaitable[Any]],
        done: Callable[[Any], Message],
        produced: Callable[[Any], list[str]] | None = None,
    ) -> None:
        self._app.cloud.mutate(self.host, audit, ids, call, done, produced=produced)  # type: ignore[arg-type]

    def execute(self, plan: Plan) -> None:
        """Send the confirmed plan; each kind is one request."""
        bid = plan.batch_id
        if plan.action == "cancel-batch":
            self.mutate(
                "cancel-batch",
                [bid],
                lambda c: c.cancel_batch(bid),
                lambda b: Mutated(cancel_batch_outcome(bid, b), b),
            )
        elif plan.action == "close":
            self.send_close(bid)
        elif plan.action == "cancel-jobs":
            filters = plan.filters
            assert not isinstance(filters, RebatchFilters)
            self.mutate(
                "cancel-jobs",
                plan.job_ids,
                lambda c: c.cancel_jobs(bid, filters),
                lambda r: Mutated(cancel_outcome(bid, r), clears_marks=True),
            )
        elif plan.action == "rebatch":
            assert isinstance(plan.filters, RebatchFilters)
            self.send_rebatch(bid, plan.filters)

    def send_rebatch(self, batch_id: str, filters: RebatchFilters) -> None:
        """Sent once; a lost answer is looked up by parent (``ops.outcomes.rebatch_once``)."""
        unconfirmed = self._app.cloud.unconfirmed

        def done(made: Created[Batch]) -> Message:
            new = made.value
            copied = plural(new.total_jobs, "job")
            text = f"Rebatched {copied} of {short(batch_id)} into {short(new.id)}"
            return Mutated(made.said(text), new, open_it=True)

        self.mutate(
            "rebatch",
            [batch_id],
            lambda c: rebatch_once(c, batch_id, filters, unconfirmed=unconfirmed),
            done,
            lambda made: [made.value.id],
        )

    def mutated(self, message: Mutated) -> None:
        """Say what happened, refresh, and open the new batch when there is one."""
        self.host.notify(message.text, title="Done", timeout=8, markup=False)
        self.host.after_mutation(message.batch)
        if message.open_it and message.batch is not None:
            from pasqal_tui.tui.screens.jobs import JobsScreen

            self.host.app.push_screen(JobsScreen(message.batch))

    # ---- actions on one batch ---------------------------------------------------------------

    def _batch_or_say(self) -> Batch | None:
        batch = self.host.target_batch()
        if batch is None:
            self._say("No batch selected", "warning", 3)
        return batch

    def close_batch(self) -> None:
        batch = self._batch_or_say()
        if batch is None:
            return
        if not batch.open:
            self._say(f"Batch {short(batch.id)} is already closed")
            return
        bid = batch.id
        lines = [
            f"Close batch {short(bid)} on {batch.device_type} ({plural(batch.total_jobs, 'job')}).",
            "No job can be added afterwards; the batch finishes when its jobs are done.",
        ]

        self.confirm(f"Close batch {short(bid)}", lines, lambda: self.send_close(bid))

    def send_close(self, bid: str) -> None:
        self.mutate(
            "close",
            [bid],
            lambda c: c.close_batch(bid),
            lambda b: Mutated(f"Closed batch {short(bid)}: now {b.status.value}", b),
        )

    def cancel_batch(self) -> None:
        batch = self._batch_or_say()
        if batch is None:
            return
        if batch.status.is_terminal and not batch.open:
            self._say(f"Batch {short(batch.id)} is already {batch.status.value}")
            return
        bid, device = batch.id, batch.device_type
        self.plan(lambda c: cancel_batch_plan(c, bid, device))

    def tags(self) -> None:
        batch = self._batch_or_say()
        if batch is None:
            return
        from pasqal_tui.tui.screens.dialogs.tags import TagsScreen

        bid = batch.id

        def chosen(tags: list[str] | None) -> None:
            if tags is None:
                return
            sent = with_markers(tags, batch.tags)  # the request marker stays on the batch

            def done(b: Batch) -> Message:
                return Mutated(f"Tags of {short(bid)}: {', '.join(user_tags(b.tags)) or 'none'}", b)

            self.mutate("tags", [bid], lambda c: c.set_batch_tags(bid, sent), done)

        self.host.app.push_screen(TagsScreen(batch), chosen)

    def extend(self) -> None:
        batch = self._batch_or_say()
        if batch is None:
            return
        if not batch.open:
            self._say(
                f"Batch {short(batch.id)} is closed: jobs can only be added to an open batch",
                "warning",
                5,
            )
            return
        self._open_form(batch)

    def create_batch(self) -> None:
        self._open_form(None)

    def _open_form(self, batch: Batch | None) -> None:
        from pasqal_tui.tui.screens.add_jobs import AddJobsScreen
        from pasqal_tui.tui.screens.create_batch import CreateBatchScreen

        def done(result: Batch | None) -> None:
            if result is None:
                return
            drafts.forget(self.host.app, type(form))  # sent: the next form starts blank
            self.host.after_mutation(result)
            if batch is None:
                from pasqal_tui.tui.screens.jobs import JobsScreen

                self.host.app.push_screen(JobsScreen(result))

        form = CreateBatchScreen() if batch is None else AddJobsScreen(batch)
        self.host.app.push_screen(form, done)

    def rebatch(self) -> None:
        batch = self._batch_or_say()
        if batch is None:
            return
        from pasqal_tui.tui.screens.dialogs.rebatch import RebatchScreen

        bid = batch.id
        values, marked = self.rebatch_prefill()

        def chosen(plan: Plan | None) -> None:
            if plan is not None and isinstance(plan.filters, RebatchFilters):
                self.send_rebatch(bid, plan.filters)

        self.host.app.push_screen(RebatchScreen(batch, values, marked), chosen)

    def rebatch_prefill(self) -> tuple[dict[str, str], list[str]]:
        """Dialog fields to start from, and the marked job ids (none on the batch browser)."""
        return {"status": "ERROR"}, []

    def watch(self) -> None:
        batch = self.host.target_batch()
        if batch is None:
            self._say("No batch selected", "warning", 3)
            return
        self._app.watcher.toggle(batch)

    def errors_view(self) -> None:
        from pasqal_tui.tui.screens.errors_view import ErrorsScreen

        self.host.app.push_screen(ErrorsScreen())


class JobActions(BatchActions):
    """The job table's actions: on its batch, its marked jobs, or the job under the cursor."""

    host: JobsHost

    def __init__(self, host: JobsHost) -> None:
        super().__init__(host)

    def cancel(self) -> None:
        """With marks: cancel the marked jobs that can be; without: cancel the batch."""
        if not self.host.marks:
            self.cancel_batch()
            return
        batch = self.host.target_batch()
        if batch is None:
            return
        bid, marked = batch.id, sorted(self.host.marks)
        self.plan(lambda c: cancel_jobs_plan(c, bid, marked))

    def export(self) -> None:
        """Every job of the current filter (all pages) to a CSV or JSON file the user names."""
        from pasqal_tui.ops.export import export_jobs
        from pasqal_tui.tui.screens.dialogs.export import ExportScreen, default_name

        batch = self.host.target_batch()
        if batch is None:
            return
        filters, direction = self.host.filters, self.host.direction

        async def write(c: PasqalClient, path: Path, progress: Progress) -> int:
            return await export_jobs(c, filters, path, direction=direction, progress=progress)

        name = default_name(short(batch.id), self.host.filter_values())
        title = f"Export the jobs of batch {short(batch.id)} shown (every page)"
        self.host.app.push_screen(ExportScreen(title, name, write, "job"))

    def mutated(self, message: Mutated) -> None:
        if message.clears_marks:
            self.host.marks.clear()
        super().mutated(message)

    def retry(self) -> None:
        job = self.host.current_job()
        batch = self.host.target_batch()
        if job is None or batch is None:
            self._say("No job selected", "warning", 3)
            return
        if not batch.open:
            self._say(
                f"Batch {short(batch.id)} is closed: retry needs an open batch; rebatch it (r)",
                "warning",
                6,
            )
            return
        runs, variables, bid = job.runs, job.variables, batch.id
        new_job = JobInput(runs=runs, variables=variables)
        unconfirmed = self._app.cloud.unconfirmed
        lines = [
            f"Add a copy of job {short(job.id)} ({job.status.value}) to open batch {short(bid)}:",
            f"  {runs or 0:,} runs, variables {variables or {}}",
        ]
        if unconfirmed.get(add_jobs_key(bid, [new_job])) is not None:
            lines.append("The last retry got no answer: it is looked up first, and sent again")
            lines.append("only if it was not created.")

        def send() -> None:
            def done(made: Created[Batch]) -> Message:
                text = f"Retried job {short(job.id)} in batch {short(bid)}"
                return Mutated(made.said(text), made.value)

            self.mutate(
                "retry",
                [job.id],
                lambda c: add_jobs_once(c, bid, [new_job], unconfirmed=unconfirmed),
                done,
            )

        self.confirm(f"Retry job {short(job.id)}", lines, send)

    def rebatch_prefill(self) -> tuple[dict[str, str], list[str]]:
        """Marked rows when there are any, otherwise the table's current filter."""
        marks = sorted(self.host.marks)
        if marks:
            return {"id": ", ".join(marks)}, marks
        values = self.host.filter_values()
        values.pop("errors", None)
        if not values:
            values = {"status": JobStatus.ERROR.value}
        return values, []


def cancel_batch_outcome(batch_id: str, batch: Batch) -> str:
    """ "Cancelled batch b1c2…: now CANCELED", or said as done already after a lost answer."""
    if batch.already_done:
        return f"Cancelled batch {short(batch_id)}: already CANCELED (the first answer was lost)"
    return f"Cancelled batch {short(batch_id)}: now {batch.status.value}"


def cancel_outcome(batch_id: str, result: CancelJobsResult) -> str:
    """ "Cancelled 3 jobs of b1c2…; 1 refused (job 7f3e…: already DONE)"."""
    text = f"Cancelled {plural(len(result.jobs), 'job')} of {short(batch_id)}"
    if result.already_canceled:
        n = len(result.already_canceled)
        text += f" ({n:,} already canceled: the first answer was lost)"
    if result.errors:
        job_id, why = next(iter(result.errors.items()))
        text += f"; {len(result.errors):,} refused ({short(job_id)}: {why})"
    return text
