"""What the create-batch and add-jobs forms share: the jobs (a file or typed rows), the message
line, confirming with `y`, sending once, and leaving.

Files are read and parsed in a thread, once per version of the file (path, mtime, size), never
on the event loop and never again for a second submit: :class:`ParsedFiles` keeps them. A submit
whose files are all parsed already runs at once; otherwise it waits for the parses off the loop,
and the form keeps answering keys meanwhile.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from pasqal_tui.cloud.models import Batch
from pasqal_tui.core.text import plural
from pasqal_tui.core.user_input import InputError
from pasqal_tui.ops.submission import JobEntry, JobFileError, load_jobs, parse_typed_job
from pasqal_tui.ops.submission.cache import ParsedFiles
from pasqal_tui.tui import drafts
from pasqal_tui.tui.actions.messages import Mutated
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import Failure, RequestFailed
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.widgets.form_keys import FIELD_BINDINGS, BurstSafeForm, PathSuggester
from pasqal_tui.tui.widgets.job_editor import JobEditor

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.ops.outcomes import Created

Variables = dict[str, dict[str, Any]]
#: After a lost answer: what ctrl+s does now.
SAFE_HINT = " · ctrl+s sends it again"
UNKNOWN_HINT = " · ctrl+s looks it up again and resends only if it was not created"
RESEND_LINE = (
    "The last send of this request got no answer: it is looked up first, "
    "and sent again only if it was not created."
)
#: What a submit may fail with: each is one line naming file, line and field.
FORM_ERRORS = (JobFileError, InputError, ValueError)


def unreadable(exc: BaseException) -> str:
    """One line for a file that failed to parse in an unexpected way (a parser's own error)."""
    return f"Could not read the file ({type(exc).__name__}: {' '.join(str(exc).split())})"


def parse_jobs_file(path: str, declared: Variables) -> list[JobEntry]:
    """Read and check a jobs file (called in a thread; tests count the calls)."""
    return load_jobs(path, declared)


class SubmissionForm(BurstSafeForm, AppAccess, Screen[Batch | None]):
    """Dismisses with the batch the server answered, or None when backed out."""

    CSS_PATH = "create_batch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Check and send…", id="create.submit"),
        Binding("escape", "back", "Back", id="create.back"),
        *FIELD_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.declared: Variables | None = None
        self.sending = False
        self.jobs_files: ParsedFiles[list[JobEntry]] = ParsedFiles()

    # ---- layout -----------------------------------------------------------------------------

    def jobs_field(self) -> ComposeResult:
        yield Label("Jobs file")
        yield Input(
            placeholder="e.g. examples/rabi-jobs.yaml (or type jobs below)",
            id="cb-jobs",
            compact=True,
            suggester=PathSuggester(),
        )

    def form_footer(self) -> ComposeResult:
        """Below the fields: what the sequence declares, the typed jobs, the message line."""
        yield Static("", id="cb-info", markup=False)
        yield JobEditor(id="cb-editor")
        yield Static("", id="cb-error", markup=False)

    def _use_variables(self, variables: Variables, prefix: str) -> None:
        self.declared = variables
        listed = ", ".join(f"{n} ({v['dtype']})" for n, v in variables.items()) or "no variable"
        self.query_one("#cb-info", Static).update(f"{prefix} {listed}")
        self.query_one(JobEditor).set_variables(list(variables))

    # ---- the jobs ---------------------------------------------------------------------------

    def _jobs_key(self, path: str, declared: Variables) -> Hashable:
        return self.jobs_files.key(path, json.dumps(declared, sort_keys=True, default=str))

    def jobs_ready(self, declared: Variables | None) -> bool:
        """Whether a submit can run now: no jobs file, or its current version parsed."""
        path = self.query_one("#cb-jobs", Input).value
        if not path.strip() or declared is None:
            return True
        try:
            return self.jobs_files.ready(self._jobs_key(path, declared)) is not None
        except JobFileError:
            return True

    async def read_jobs_file(self, declared: Variables | None) -> None:
        """Parse the jobs file in a thread (a bad file is kept, and said on submit)."""
        path = self.query_one("#cb-jobs", Input).value
        if not path.strip() or declared is None:
            return
        with contextlib.suppress(JobFileError):
            await self.jobs_files.read(
                self._jobs_key(path, declared), lambda: parse_jobs_file(path, declared)
            )

    def _jobs(self, declared: Variables | None) -> tuple[list[JobEntry], str]:
        """The jobs of the file (parsed already: see :meth:`jobs_ready`) or of the editor."""
        if declared is None:
            raise InputError("Still reading the batch's sequence: try again in a moment")
        path = self.query_one("#cb-jobs", Input).value
        if path.strip():
            jobs = self.jobs_files.ready(self._jobs_key(path, declared))
            if jobs is None:  # it changed on disk since it was read
                raise InputError(f"{path.strip()}: changed while being read, submit again")
            return jobs, path.strip()
        typed = self.query_one(JobEditor).typed()
        if not typed:
            raise InputError("jobs: give a jobs file or type at least one job below")
        jobs = [parse_typed_job(i, runs, values, declared) for i, runs, values in typed]
        return jobs, f"{len(jobs)} typed rows"

    @on(Input.Blurred, "#cb-jobs")
    @on(Input.Submitted, "#cb-jobs")
    def _jobs_file_entered(self, event: Input.Blurred | Input.Submitted) -> None:
        """Checked as soon as it is entered (Enter, or leaving the field): said at once."""
        if isinstance(event, Input.Blurred) and self.submitting():
            return  # the submit reads it and says the outcome
        self.run_worker(
            self.check_jobs_file(self.declared),
            group="jobs-file",
            exclusive=True,
            exit_on_error=False,
        )

    async def check_jobs_file(self, declared: Variables | None) -> None:
        """Read the jobs file and say what it holds, or the first problem in it."""
        path = self.query_one("#cb-jobs", Input).value.strip()
        if not path:
            return
        if declared is None:
            self._info_line(f"{path}: checked once the sequence is read")
            return
        try:
            jobs = await self.jobs_files.read(
                self._jobs_key(path, declared), lambda: parse_jobs_file(path, declared)
            )
        except JobFileError as exc:
            self._if_shown(self._error, str(exc))
            return
        except Exception as exc:  # a parser's own failure: one line, never a traceback
            self._if_shown(self._error, unreadable(exc))
            return
        runs = sum(j.runs for j in jobs)
        said = f"{path}: {plural(len(jobs), 'job')}, {plural(runs, 'run')}, checked"
        self._if_shown(self._info_line, said)

    # ---- submitting -------------------------------------------------------------------------

    def submitting(self) -> bool:
        """A submit is reading its files: a field left meanwhile is not checked again (the
        submit's line stays)."""
        workers = self.workers
        return any(w.node is self and w.group == "submit" and not w.is_finished for w in workers)

    def files_ready(self) -> bool:
        """Every file the submit needs is parsed already (then it runs at once)."""
        raise NotImplementedError

    async def read_files(self) -> None:
        """Parse, off the loop, every file the submit needs (failures are kept for it)."""
        raise NotImplementedError

    def submit(self) -> None:
        """Check the form, its files parsed already, then ask `y`."""
        raise NotImplementedError

    def action_submit(self) -> None:
        if self.sending:
            self.notify(
                "Already sending: wait for the answer", severity="warning", timeout=3, markup=False
            )
            return
        if self.files_ready():
            self.submit()
            return
        self._info_line("Reading the files…")

        async def read_then_submit() -> None:
            try:
                await self.read_files()
            except Exception as exc:  # a parser's own failure: one line, never a traceback
                self._if_shown(self._error, unreadable(exc))
                return
            self._if_shown(self.submit)

        self.run_worker(read_then_submit(), group="submit", exclusive=True, exit_on_error=False)

    def _if_shown(self, then: Callable[..., None], *args: Any) -> None:
        """A read or check may end after the user left the form: then nothing is asked or said."""
        if self.is_attached and self.app.screen is self:
            then(*args)

    def ask(
        self, title: str, lines: list[str], send: Callable[[], None], *, unconfirmed: bool = False
    ) -> None:
        """Ask `y`; ``unconfirmed``: the same request was sent before and its answer was lost."""
        self._clear_error()
        if unconfirmed:
            lines = [*lines, RESEND_LINE]

        def answered(yes: bool | None) -> None:
            if yes:
                send()

        self.app.push_screen(ConfirmScreen(title, lines, verb="send"), answered)

    def send_once(
        self,
        action: str,
        ids: list[str],
        call: Callable[[PasqalClient], Awaitable[Created[Batch]]],
        said: Callable[[Batch], str],
        produced: Callable[[Batch], list[str]] | None = None,
    ) -> None:
        """Send through ``ops.outcomes``: a lost answer is looked up, and said as what it found."""

        def done(made: Created[Batch]) -> Message:
            return Mutated(made.said(said(made.value)), made.value)

        def made_ids(made: Created[Batch]) -> list[str]:
            return produced(made.value) if produced else []

        worker = self.pasqal.cloud.mutate(
            self, action, ids, call, done, produced=made_ids if produced else None
        )
        if worker is not None:
            self.sending = True
            self._info_line("Sending… (sent once, never repeated)")

    def on_mutated(self, message: Mutated) -> None:
        message.stop()
        self.sending = False
        self.notify(message.text, title="Done", timeout=8, markup=False)
        self.dismiss(message.batch)

    def failure_text(self, failure: Failure) -> str:
        return f"{failure.purpose} failed: {failure.message}"

    def on_request_failed(self, message: RequestFailed) -> None:
        message.stop()
        failure = message.failure
        if failure.purpose == "devices":  # the form keeps its built-in device list
            return
        self.sending = False
        if failure.unconfirmed is not None:  # what the lookup found, never "failed"
            safe = failure.unconfirmed.safe_to_resend
            self._error(failure.message + (SAFE_HINT if safe else UNKNOWN_HINT))
            return
        self._error(self.failure_text(failure))

    def action_back(self) -> None:
        if self.sending:
            self.notify(
                "Sending: wait for the answer before leaving", severity="warning", markup=False
            )
            return
        drafts.keep(self)  # the next opening shows what was typed (tui/drafts.py)
        self.dismiss(None)

    # ---- the message line -------------------------------------------------------------------

    def _error(self, text: str) -> None:
        line = self.query_one("#cb-error", Static)
        line.update(text)
        line.set_class(True, "-error")

    def _info_line(self, text: str) -> None:
        line = self.query_one("#cb-error", Static)
        line.update(text)
        line.set_class(False, "-error")

    def _clear_error(self) -> None:
        self._info_line("")
