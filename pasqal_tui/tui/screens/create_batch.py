"""The create-batch form (`n`) and, given an open batch, the add-jobs form (`a`).

Everything is checked here before anything is sent: the sequence parses, each job gives exactly
the declared variables, runs is positive, configuration fields are numbers. A bad value gives
one line naming file, line and field; every field keeps what was typed and no request leaves.
A good form is confirmed with `y`, sent once, and the form closes when the server says yes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from pasqal_tui.cloud.models import Batch, DeviceTypes
from pasqal_tui.cloud.payloads import (
    CreateBatchRequest,
    EmulatorConfig,
    JobInput,
)
from pasqal_tui.core.sequence_json import declared_variables
from pasqal_tui.core.user_input import InputError
from pasqal_tui.ops.plans import jobs as count_jobs
from pasqal_tui.ops.plans import short
from pasqal_tui.ops.submission import (
    JobEntry,
    JobFileError,
    SequenceFile,
    check_with_pulser,
    load_jobs,
    load_sequence,
    parse_typed_job,
)
from pasqal_tui.ops.submission.batch_config import (
    PRECISIONS,
    ConfigText,
    describe_config,
    emulator_config,
)
from pasqal_tui.tui.actions.messages import Mutated
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import BatchLoaded, RequestFailed
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.screens.dialogs.tags import parse_tags
from pasqal_tui.tui.widgets.job_editor import JobEditor

if TYPE_CHECKING:
    pass

DEFAULT_DEVICE = DeviceTypes.EMU_FREE


class CreateBatchScreen(AppAccess, Screen[Batch | None]):
    """Dismisses with the created (or extended) batch, or None when backed out."""

    CSS_PATH = "create_batch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Check and send…", id="create.submit"),
        Binding("escape", "back", "Back", id="create.back"),
    ]

    def __init__(self, batch: Batch | None = None) -> None:
        super().__init__()
        self.the_batch = batch
        self.sequence: SequenceFile | None = None
        self.declared: dict[str, dict[str, Any]] | None = None
        self.sending = False

    @property
    def extending(self) -> bool:
        return self.the_batch is not None

    # ---- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = (
            f"Add jobs to open batch {short(self.the_batch.id)} ({self.the_batch.device_type})"
            if self.the_batch
            else "New batch"
        )
        with VerticalScroll(id="create-box"):
            yield Static(title, id="create-title")
            with Grid(id="create-form"):
                if not self.extending:
                    yield Label("Sequence file")
                    yield Input(placeholder="examples/rabi.json", id="cb-sequence", compact=True)
                yield Label("Jobs file")
                yield Input(
                    placeholder="examples/rabi-jobs.yaml (or type jobs below)",
                    id="cb-jobs",
                    compact=True,
                )
                if not self.extending:
                    yield Label("Device")
                    options = [(d, d) for d in DeviceTypes.ALL]
                    yield Select(
                        options,
                        value=DEFAULT_DEVICE,
                        allow_blank=False,
                        id="cb-device",
                        compact=True,
                    )
                    yield Label("Emulator")
                    with Horizontal(id="cb-config"):
                        yield Checkbox("strict validation", id="cb-strict", compact=True)
                        yield Checkbox("with noise", id="cb-noise", compact=True)
                        yield Input(placeholder="dt 10.0", id="cb-dt", compact=True)
                        yield Select(
                            [(p, p) for p in PRECISIONS],
                            value="normal",
                            allow_blank=False,
                            id="cb-precision",
                            compact=True,
                        )
                        yield Input(placeholder="max bond dim 500", id="cb-bond", compact=True)
                        yield Static("QPU: no emulator configuration", id="cb-qpu")
                    yield Label("Batch")
                    yield Checkbox(
                        "open (more jobs can be added later)", id="cb-open", compact=True
                    )
                    yield Label("Tags")
                    yield Input(placeholder="comma-separated", id="cb-tags", compact=True)
            yield Static("", id="cb-info", markup=False)
            yield JobEditor(id="cb-editor")
            yield Static("", id="cb-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        first = "#cb-jobs" if self.extending else "#cb-sequence"
        self.query_one(first, Input).focus()
        if self.the_batch is None:
            self._show_config(DEFAULT_DEVICE)
            self.query_one("#cb-info", Static).update("Sequence: type a path and press Enter")
            return
        batch_id = self.the_batch.id
        self.query_one("#cb-info", Static).update("Reading the batch's sequence…")
        self.pasqal.cloud.request(
            self, "sequence", lambda c: c.get_batch(batch_id), lambda b: BatchLoaded(b, False)
        )

    def _show_config(self, device: str) -> None:
        emulator = DeviceTypes.is_emulator(device)
        shown = {
            "#cb-strict": emulator,
            "#cb-noise": device == DeviceTypes.EMU_FREE,
            "#cb-dt": device == DeviceTypes.EMU_TN,
            "#cb-precision": device == DeviceTypes.EMU_TN,
            "#cb-bond": device == DeviceTypes.EMU_TN,
            "#cb-qpu": not emulator,
        }
        for selector, visible in shown.items():
            self.query_one(selector).display = visible

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "cb-device":
            self._show_config(str(event.value))

    # ---- the sequence -----------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "cb-sequence":
            try:
                self._read_sequence()
            except JobFileError as exc:
                self._error(str(exc))

    def _read_sequence(self) -> SequenceFile:
        """Read the sequence file (local disk, size-limited); its variables shape the editor."""
        path = self.query_one("#cb-sequence", Input).value
        try:
            sequence = load_sequence(path)
        except JobFileError:
            self.sequence = self.declared = None
            self.query_one("#cb-info", Static).update("Sequence: not read (see below)")
            raise
        finally:
            self._clear_error()
        self.sequence = sequence
        self._use_variables(sequence.variables, f"{path.strip()} declares")
        return sequence

    def on_batch_loaded(self, message: BatchLoaded) -> None:
        text = message.batch.sequence_builder
        if not text:
            self._error("This batch has no sequence to add jobs to")
            return
        try:
            variables = declared_variables(text)
        except ValueError as exc:
            self._error(f"The batch's sequence: {exc}")
            return
        self._use_variables(variables, "The batch's sequence declares")

    def _use_variables(self, variables: dict[str, dict[str, Any]], prefix: str) -> None:
        self.declared = variables
        listed = ", ".join(f"{n} ({v['dtype']})" for n, v in variables.items()) or "no variable"
        self.query_one("#cb-info", Static).update(f"{prefix} {listed}")
        self.query_one(JobEditor).set_variables(list(variables))

    # ---- checking and sending ---------------------------------------------------------------

    def action_submit(self) -> None:
        if self.sending:
            self.notify(
                "Already sending: wait for the answer", severity="warning", timeout=3, markup=False
            )
            return
        try:
            jobs, source = self._jobs()
            request = None if self.extending else self._request(jobs)
        except (JobFileError, InputError, ValueError) as exc:
            self._error(str(exc))
            return
        if request is not None and self.sequence is not None:
            self._check_then_confirm(jobs, source, request)
            return
        self._confirm(jobs, source, request)

    def _check_then_confirm(
        self, jobs: list[JobEntry], source: str, request: CreateBatchRequest
    ) -> None:
        """Pulser reads the sequence in a thread (its import is slow), then `y` is asked."""
        sequence = self.sequence
        assert sequence is not None
        where = self.query_one("#cb-sequence", Input).value.strip()
        self._info_line("Checking the sequence with Pulser…")

        def check() -> None:
            try:
                check_with_pulser(sequence, where)
            except JobFileError as exc:
                self.app.call_from_thread(self._if_shown, self._error, str(exc))
                return
            self.app.call_from_thread(self._if_shown, self._confirm, jobs, source, request)

        self.run_worker(
            check, thread=True, group="pulser-check", exclusive=True, exit_on_error=False
        )

    def _if_shown(self, then: Any, *args: Any) -> None:
        """The check may end after the user left the form: then nothing is asked or said."""
        if self.is_attached and self.app.screen is self:
            then(*args)

    def _confirm(
        self, jobs: list[JobEntry], source: str, request: CreateBatchRequest | None
    ) -> None:
        self._clear_error()
        runs = sum(j.runs for j in jobs)
        if request is None:
            assert self.the_batch is not None
            where = short(self.the_batch.id)
            lines = [
                f"Add {count_jobs(len(jobs))} ({runs:,} runs) to open batch {where}.",
                f"Jobs: {source}",
            ]
            title = f"Add jobs to {short(self.the_batch.id)}"
        else:
            assert self.sequence is not None
            kind = "an open" if request.open else "a closed"
            lines = [
                f"Create {kind} batch on {request.device_type}: "
                f"{count_jobs(len(jobs))}, {runs:,} runs.",
                f"Sequence: {self.sequence.path.name}",
                f"Jobs: {source}",
                f"Configuration: {describe_config(_config_of(request))}",
            ]
            if request.tags:
                lines.append(f"Tags: {', '.join(request.tags)}")
            title = "Create a batch"

        def answered(yes: bool | None) -> None:
            if yes:
                self._send(jobs, request)

        self.app.push_screen(ConfirmScreen(title, lines, verb="send"), answered)

    def _jobs(self) -> tuple[list[JobEntry], str]:
        if not self.extending:
            self._read_sequence()
        if self.declared is None:
            raise InputError("Still reading the batch's sequence: try again in a moment")
        path = self.query_one("#cb-jobs", Input).value
        if path.strip():
            return load_jobs(path, self.declared), path.strip()
        typed = self.query_one(JobEditor).typed()
        if not typed:
            raise InputError("jobs: give a jobs file or type at least one job below")
        jobs = [parse_typed_job(i, runs, values, self.declared) for i, runs, values in typed]
        return jobs, f"{len(jobs)} typed rows"

    def _request(self, jobs: list[JobEntry]) -> CreateBatchRequest:
        assert self.sequence is not None
        device = str(self.query_one("#cb-device", Select).value)
        text = ConfigText(
            strict=self.query_one("#cb-strict", Checkbox).value,
            with_noise=self.query_one("#cb-noise", Checkbox).value,
            dt=self.query_one("#cb-dt", Input).value,
            precision=str(self.query_one("#cb-precision", Select).value),
            max_bond_dim=self.query_one("#cb-bond", Input).value,
        )
        tags = parse_tags(self.query_one("#cb-tags", Input).value)
        return CreateBatchRequest(
            sequence_builder=self.sequence.text,
            jobs=[JobInput(runs=j.runs, variables=j.variables or None) for j in jobs],
            device_type=device,
            open=self.query_one("#cb-open", Checkbox).value,
            configuration=emulator_config(device, text),
            tags=tags or None,
        )

    def _send(self, jobs: list[JobEntry], request: CreateBatchRequest | None) -> None:

        cloud = self.pasqal.cloud
        if request is not None:
            worker = cloud.mutate(
                self,
                "create",
                [],
                lambda c: c.create_batch(request),
                lambda b: Mutated(
                    f"Created batch {short(b.id)} with {count_jobs(b.total_jobs)}", b
                ),
                produced=lambda b: [b.id],
            )
        else:
            assert self.the_batch is not None
            bid = self.the_batch.id
            inputs = [JobInput(runs=j.runs, variables=j.variables or None) for j in jobs]
            worker = cloud.mutate(
                self,
                "add-jobs",
                [bid],
                lambda c: c.add_jobs(bid, inputs),
                lambda b: Mutated(f"Added {count_jobs(len(inputs))} to batch {short(bid)}", b),
            )
        if worker is not None:
            self.sending = True
            self._info_line("Sending… (sent once, never repeated)")

    def on_mutated(self, message: Mutated) -> None:
        message.stop()
        self.sending = False
        self.notify(message.text, title="Done", timeout=8, markup=False)
        self.dismiss(message.batch)

    def on_request_failed(self, message: RequestFailed) -> None:
        message.stop()
        self.sending = False
        failure = message.failure
        if failure.purpose == "sequence":
            self._error(f"Could not read the batch: {failure.message}")
        else:
            self._error(f"{failure.purpose} failed: {failure.message}")

    def action_back(self) -> None:
        if self.sending:
            self.notify(
                "Sending: wait for the answer before leaving", severity="warning", markup=False
            )
            return
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


def _config_of(request: CreateBatchRequest) -> EmulatorConfig | None:
    config = request.configuration
    return config if isinstance(config, EmulatorConfig) else None
