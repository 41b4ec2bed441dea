"""The create-batch form (`n`): a sequence file, jobs (a file or typed rows), a device and its
emulator configuration, open or closed, tags.

Everything is checked here before anything is sent: the sequence parses (and Pulser reads it),
each job gives exactly the declared variables, runs is positive, configuration fields are
numbers. A bad value gives one line naming file, line and field; every field keeps what was
typed and no request leaves. A good form is confirmed with `y`, sent once, and the form closes
when the server says yes, or when its answer was lost and the batch is found by its marker tag.
Files are parsed in a thread, once per version (see the base).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static

from pasqal_tui.cloud.models import DeviceTypes
from pasqal_tui.cloud.payloads import CreateBatchRequest, EmulatorConfig, JobInput
from pasqal_tui.core.deprecations import deprecation_note, device_label
from pasqal_tui.core.text import plural
from pasqal_tui.core.user_input import InputError
from pasqal_tui.ops.outcomes import create_batch_key, create_batch_once
from pasqal_tui.ops.plans import short
from pasqal_tui.ops.submission import (
    JobEntry,
    JobFileError,
    SequenceFile,
    check_with_pulser,
    load_sequence,
)
from pasqal_tui.ops.submission.batch_config import (
    PRECISIONS,
    ConfigText,
    describe_config,
    emulator_config,
)
from pasqal_tui.ops.submission.cache import ParsedFiles
from pasqal_tui.ops.submission.emulation_config import (
    CONFIGURED_DEVICES,
    backend_configuration,
    describe,
)
from pasqal_tui.tui.screens.dialogs.tags import parse_tags
from pasqal_tui.tui.screens.submission_form import FORM_ERRORS, SubmissionForm, unreadable
from pasqal_tui.tui.widgets.checkbox import TextCheckbox
from pasqal_tui.tui.widgets.emulation_config_editor import EmulationConfigEditor
from pasqal_tui.tui.widgets.form_keys import PathSuggester
from pasqal_tui.tui.widgets.key_footer import KeyFooter

DEFAULT_DEVICE = DeviceTypes.EMU_FREE


@dataclass
class DevicesListed(Message):
    """The device types this account's cloud serves (its QPU specs), for the device list."""

    specs: dict[str, str]


def device_choices(specs: dict[str, str]) -> list[str]:
    """The QPUs the cloud has specs for, then the emulators it runs: never a device the cloud
    would refuse only after `y` (e.g. FRESNEL_CAN1 where it is not offered)."""
    qpus = sorted(name for name in specs if not DeviceTypes.is_emulator(name))
    return [*qpus, *(d for d in DeviceTypes.ALL if DeviceTypes.is_emulator(d))]


def parse_sequence_file(path: str) -> SequenceFile:
    """Read a sequence file and its variables (called in a thread; tests count the calls)."""
    return load_sequence(path)


class CreateBatchScreen(SubmissionForm):
    """Dismisses with the created batch, or None when backed out."""

    def __init__(self) -> None:
        super().__init__()
        self.sequence: SequenceFile | None = None
        self.sequences: ParsedFiles[SequenceFile] = ParsedFiles()
        self.pulser_checks: ParsedFiles[bool] = ParsedFiles()

    # ---- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="create-box"):
            yield Static("New batch", id="create-title")
            with Grid(id="create-form"):
                yield Label("Sequence file")
                yield Input(
                    placeholder="e.g. examples/rabi.json",
                    id="cb-sequence",
                    compact=True,
                    suggester=PathSuggester(),
                )
                yield from self.jobs_field()
                yield Label("Device")
                options = [(device_label(d), d) for d in DeviceTypes.ALL]
                yield Select(
                    options, value=DEFAULT_DEVICE, allow_blank=False, id="cb-device", compact=True
                )
                yield Label("Emulator")
                with Horizontal(id="cb-config"):
                    yield TextCheckbox("strict validation", id="cb-strict", compact=True)
                    yield TextCheckbox("with noise", id="cb-noise", compact=True)
                    yield Input(placeholder="dt, e.g. 10.0", id="cb-dt", compact=True)
                    yield Select(
                        [(p, p) for p in PRECISIONS],
                        value="normal",
                        allow_blank=False,
                        id="cb-precision",
                        compact=True,
                    )
                    yield Input(placeholder="max bond dim, e.g. 500", id="cb-bond", compact=True)
                    yield Static("QPU: no emulator configuration", id="cb-qpu")
                yield Label("Observables", id="cb-emulation-label")
                yield EmulationConfigEditor(id="cb-emulation")
                yield Label("Batch")
                yield TextCheckbox(
                    "open (more jobs can be added later)", id="cb-open", compact=True
                )
                yield Label("Tags")
                yield Input(
                    placeholder="comma-separated, e.g. rabi, qpu", id="cb-tags", compact=True
                )
            yield from self.form_footer()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.pasqal.cloud.request(self, "devices", lambda c: c.get_device_specs(), DevicesListed)
        self.query_one("#cb-sequence", Input).focus()
        self._show_config(DEFAULT_DEVICE)
        self.query_one("#cb-info", Static).update("Sequence: type a path and press Enter")
        from pasqal_tui.tui import drafts

        drafts.restore(self)  # as it was left with Esc, if it was (tui/drafts.py)

    def _show_config(self, device: str) -> None:
        emulator = DeviceTypes.is_emulator(device)
        shown = {
            "#cb-strict": emulator,
            "#cb-noise": device == DeviceTypes.EMU_FREE,
            "#cb-dt": device == DeviceTypes.EMU_TN,
            "#cb-precision": device == DeviceTypes.EMU_TN,
            "#cb-bond": device == DeviceTypes.EMU_TN,
            "#cb-qpu": not emulator,
            "#cb-emulation-label": device in CONFIGURED_DEVICES,
            "#cb-emulation": device in CONFIGURED_DEVICES,
        }
        for selector, visible in shown.items():
            self.query_one(selector).display = visible

    def on_devices_listed(self, message: DevicesListed) -> None:
        select = self.query_one("#cb-device", Select)
        current = select.value
        choices = device_choices(message.specs)
        select.set_options([(device_label(d), d) for d in choices])
        select.value = current if current in choices else DEFAULT_DEVICE

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "cb-device":
            self._show_config(str(event.value))

    # ---- the sequence -----------------------------------------------------------------------

    def _sequence_path(self) -> str:
        return self.query_one("#cb-sequence", Input).value

    async def _read_sequence(self, path: str) -> SequenceFile:
        return await self.sequences.read(
            self.sequences.key(path), lambda: parse_sequence_file(path)
        )

    @on(Input.Submitted, "#cb-sequence")
    @on(Input.Blurred, "#cb-sequence")
    def _sequence_entered(self, event: Input.Submitted | Input.Blurred) -> None:
        """Read as soon as it is entered: Enter, or leaving the field with a path in it."""
        event.stop()
        if isinstance(event, Input.Blurred) and (not event.value.strip() or self.submitting()):
            return
        self.run_worker(
            self._enter_sequence(), group="sequence", exclusive=True, exit_on_error=False
        )

    async def _enter_sequence(self) -> None:
        """Read the sequence in a thread; its variables shape the editor."""
        path = self._sequence_path()
        if self.sequence is None or self.sequence.path != Path(path.strip()).expanduser():
            self.query_one("#cb-info", Static).update(f"Sequence: reading {path.strip()}…")
        try:
            sequence = await self._read_sequence(path)
        except Exception as exc:  # JobFileError names file and line; any other: one line
            self._sequence_unread()
            self._error(str(exc) if isinstance(exc, JobFileError) else unreadable(exc))
            return
        self._clear_error()
        self._use_sequence(sequence, path)
        await self.check_jobs_file(sequence.variables)  # so that the submit need not wait

    def _use_sequence(self, sequence: SequenceFile, path: str) -> None:
        self.sequence = sequence
        self._use_variables(sequence.variables, f"{path.strip()} declares")

    def _sequence_unread(self) -> None:
        self.sequence = self.declared = None
        self.query_one("#cb-info", Static).update("Sequence: not read (see below)")

    def _current_sequence(self) -> SequenceFile:
        """The sequence file as it is now (parsed already); a bad one names what to fix."""
        path = self._sequence_path()
        try:
            sequence = self.sequences.ready(self.sequences.key(path))
        except JobFileError:
            self._sequence_unread()
            raise
        finally:
            self._clear_error()
        if sequence is None:
            raise InputError(f"{path.strip()}: changed while being read, submit again")
        self._use_sequence(sequence, path)
        return sequence

    # ---- checking and sending ---------------------------------------------------------------

    def files_ready(self) -> bool:
        try:
            sequence = self.sequences.ready(self.sequences.key(self._sequence_path()))
        except JobFileError:
            return True  # the submit says why at once
        return sequence is not None and self.jobs_ready(sequence.variables)

    async def read_files(self) -> None:
        try:
            sequence = await self._read_sequence(self._sequence_path())
        except JobFileError:
            return  # kept: the submit says why
        await self.read_jobs_file(sequence.variables)

    def submit(self) -> None:
        try:
            sequence = self._current_sequence()
            jobs, source = self._jobs(sequence.variables)
            request = self._request(sequence, jobs)
        except FORM_ERRORS as exc:
            self._error(str(exc))
            return
        self._check_then_confirm(sequence, jobs, source, request)

    def _check_then_confirm(
        self, sequence: SequenceFile, jobs: list[JobEntry], source: str, request: CreateBatchRequest
    ) -> None:
        """Pulser reads the sequence in a thread (its import is slow), then `y` is asked."""
        where = self._sequence_path().strip()
        key = (self.sequences.key(where), "pulser")
        self._info_line("Checking the sequence with Pulser…")

        choice = self.query_one(EmulationConfigEditor).choice()

        async def check() -> None:
            try:
                await self.pulser_checks.read(key, lambda: check_with_pulser(sequence, where))
                config = await asyncio.to_thread(
                    backend_configuration, choice, str(request.device_type)
                )
            except FORM_ERRORS as exc:
                self._if_shown(self._error, str(exc))
                return
            done = request.model_copy(update={"backend_configuration": config})
            self._if_shown(self._confirm, sequence, jobs, source, done)

        self.run_worker(check(), group="pulser-check", exclusive=True, exit_on_error=False)

    def _confirm(
        self, sequence: SequenceFile, jobs: list[JobEntry], source: str, request: CreateBatchRequest
    ) -> None:
        runs = sum(j.runs for j in jobs)
        kind = "an open" if request.open else "a closed"
        lines = [
            f"Create {kind} batch on {request.device_type}: "
            f"{plural(len(jobs), 'job')}, {plural(runs, 'run')}.",
            f"Sequence: {sequence.path.name}",
            f"Jobs: {source}",
            f"Configuration: {describe_config(_config_of(request))}",
        ]
        if request.backend_configuration is not None:
            lines.append(f"EmulationConfig: {describe(request.backend_configuration)}")
        if request.tags:
            lines.append(f"Tags: {', '.join(request.tags)}")
        note = deprecation_note(str(request.device_type))
        if note:
            lines.append(f"Note: {note}.")
        again = self.pasqal.cloud.unconfirmed.get(create_batch_key(request)) is not None
        self.ask("Create a batch", lines, lambda: self._send(request), unconfirmed=again)

    def _request(self, sequence: SequenceFile, jobs: list[JobEntry]) -> CreateBatchRequest:
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
            sequence_builder=sequence.text,
            jobs=[JobInput(runs=j.runs, variables=j.variables or None) for j in jobs],
            device_type=device,
            open=self.query_one("#cb-open", Checkbox).value,
            configuration=emulator_config(device, text),
            tags=tags or None,
        )

    def _send(self, request: CreateBatchRequest) -> None:
        unconfirmed = self.pasqal.cloud.unconfirmed
        self.send_once(
            "create",
            [],
            lambda c: create_batch_once(c, request, unconfirmed=unconfirmed),
            lambda b: f"Created batch {short(b.id)} with {plural(b.total_jobs, 'job')}",
            produced=lambda b: [b.id],
        )


def _config_of(request: CreateBatchRequest) -> EmulatorConfig | None:
    config = request.configuration
    return config if isinstance(config, EmulatorConfig) else None
