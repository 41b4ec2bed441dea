"""The add-jobs form (`a` on an open batch): jobs (a file or typed rows) checked against the
variables the batch's own sequence declares, confirmed with `y`, sent once.

A bad value gives one line naming file, line and field, keeps what was typed and sends nothing.
The batch's sequence is read from the server; it and the jobs file are parsed off the loop.
"""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Static

from pasqal_tui.cloud.models import Batch
from pasqal_tui.cloud.payloads import JobInput
from pasqal_tui.core.sequence_json import declared_variables
from pasqal_tui.core.text import plural
from pasqal_tui.ops.outcomes import add_jobs_key, add_jobs_once
from pasqal_tui.ops.plans import short
from pasqal_tui.tui.messages import BatchLoaded, Failure
from pasqal_tui.tui.screens.submission_form import FORM_ERRORS, SubmissionForm, unreadable
from pasqal_tui.tui.widgets.key_footer import KeyFooter


class AddJobsScreen(SubmissionForm):
    """Dismisses with the extended batch, or None when backed out."""

    def __init__(self, batch: Batch) -> None:
        super().__init__()
        self.the_batch = batch

    def compose(self) -> ComposeResult:
        batch = self.the_batch
        with VerticalScroll(id="create-box"):
            title = f"Add jobs to open batch {short(batch.id)} ({batch.device_type})"
            yield Static(title, id="create-title")
            with Grid(id="create-form"):
                yield from self.jobs_field()
            yield from self.form_footer()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#cb-jobs", Input).focus()
        batch_id = self.the_batch.id
        self.query_one("#cb-info", Static).update("Reading the batch's sequence…")
        self.pasqal.cloud.request(
            self, "sequence", lambda c: c.get_batch(batch_id), lambda b: BatchLoaded(b, False)
        )

    def on_batch_loaded(self, message: BatchLoaded) -> None:
        text = message.batch.sequence_builder
        if not text:
            self._error("This batch has no sequence to add jobs to")
            return

        async def read() -> None:
            """A sequence may be megabytes of JSON: parsed in a thread."""
            try:
                variables = await asyncio.to_thread(declared_variables, text)
            except ValueError as exc:
                self._error(f"The batch's sequence: {exc}")
                return
            except Exception as exc:  # e.g. JSON nested past the recursion limit
                self._error(f"The batch's sequence: {unreadable(exc)}")
                return
            self._use_variables(variables, "The batch's sequence declares")
            await self.check_jobs_file(variables)

        self.run_worker(read(), group="sequence", exclusive=True, exit_on_error=False)

    def files_ready(self) -> bool:
        return self.jobs_ready(self.declared)

    async def read_files(self) -> None:
        await self.read_jobs_file(self.declared)

    def submit(self) -> None:
        try:
            jobs, source = self._jobs(self.declared)
        except FORM_ERRORS as exc:
            self._error(str(exc))
            return
        runs = sum(j.runs for j in jobs)
        where = short(self.the_batch.id)
        lines = [
            f"Add {plural(len(jobs), 'job')} ({plural(runs, 'run')}) to open batch {where}.",
            f"Jobs: {source}",
        ]
        inputs = [JobInput(runs=j.runs, variables=j.variables or None) for j in jobs]
        again = self.pasqal.cloud.unconfirmed.get(add_jobs_key(self.the_batch.id, inputs))
        self.ask(
            f"Add jobs to {where}",
            lines,
            lambda: self._send(inputs),
            unconfirmed=again is not None,
        )

    def _send(self, inputs: list[JobInput]) -> None:
        bid = self.the_batch.id
        unconfirmed = self.pasqal.cloud.unconfirmed
        self.send_once(
            "add-jobs",
            [bid],
            lambda c: add_jobs_once(c, bid, inputs, unconfirmed=unconfirmed),
            lambda _b: f"Added {plural(len(inputs), 'job')} to batch {short(bid)}",
        )

    def failure_text(self, failure: Failure) -> str:
        if failure.purpose == "sequence":
            return f"Could not read the batch: {failure.message}"
        return super().failure_text(failure)
