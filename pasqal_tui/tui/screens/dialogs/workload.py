"""Dialogs of the workloads screen: create a workload, open one by id, read a result.

The dialogs check what was typed and show one line naming the field; they never send anything
themselves. They dismiss with the checked value and the workloads screen asks the CloudWorker.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static, TextArea

from pasqal_tui.cloud.models import Workload
from pasqal_tui.cloud.payloads import CreateWorkloadRequest
from pasqal_tui.core.user_input import InputError
from pasqal_tui.tui.navigation import LineScroll, scroll_bindings
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.workload_detail import result_json, result_summary
from pasqal_tui.tui.widgets.workload_form import TEMPLATE, parse_form, parse_id


class CreateWorkloadScreen(ModalScreen[CreateWorkloadRequest | None]):
    """Type, backend and YAML config; Ctrl+S checks and submits, Escape backs out."""

    CSS_PATH = "../workloads.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Create", id="workload_new.submit", priority=True),
        Binding("escape", "dismiss(None)", "Cancel", id="workload_new.cancel"),
    ]

    def __init__(self, workload_type: str = "pulser_emulation", backend: str = "EMU_FREE") -> None:
        super().__init__()
        self.initial = (workload_type, backend)

    def compose(self) -> ComposeResult:
        with Vertical(id="workload-form", classes="dialog"):
            yield Static("New workload", classes="dialog-title")
            with Grid(id="workload-fields"):
                yield Label("Type")
                yield Input(self.initial[0], id="wl-type", compact=True)
                yield Label("Backend")
                yield Input(self.initial[1], id="wl-backend", compact=True)
            yield Label("Config (YAML)")
            yield TextArea(TEMPLATE, id="wl-config", show_line_numbers=True, tab_behavior="indent")
            yield Static("", id="wl-error", classes="dialog-error")
            yield Static("Ctrl+S creates · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#wl-type", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.focus_next()

    def action_submit(self) -> None:
        try:
            request = parse_form(
                self.query_one("#wl-type", Input).value,
                self.query_one("#wl-backend", Input).value,
                self.query_one("#wl-config", TextArea).text,
            )
        except InputError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(request)

    def show_error(self, message: str) -> None:
        self.query_one("#wl-error", Static).update(Text(message))


class OpenWorkloadScreen(ModalScreen[str | None]):
    """A workload id (this app's or anyone's in the project); Enter opens it."""

    CSS_PATH = "../workloads.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="workload_open.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="workload-open", classes="dialog"):
            yield Static("Open a workload by id", classes="dialog-title")
            yield Input(placeholder="00000000-0000-0000-0000-000000000000", id="wl-id")
            yield Static("", id="wl-id-error", classes="dialog-error")
            yield Static("Enter opens · Esc cancels", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            workload_id = parse_id(event.value)
        except InputError as exc:
            self.query_one("#wl-id-error", Static).update(Text(str(exc)))
            return
        self.dismiss(workload_id)


class WorkloadResultScreen(LineScroll, Screen[None]):
    """The whole result: counts as a histogram when there are counts, and the JSON."""

    CSS_PATH = "../workloads.tcss"
    SCROLL_ID = "workload-result"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", id="workload_result.back"),
        Binding("y", "copy", "Copy JSON", id="workload_result.copy"),
        *scroll_bindings("workload_result"),
    ]

    def __init__(self, workload: Workload) -> None:
        super().__init__()
        self.workload = workload

    def compose(self) -> ComposeResult:
        yield ErrorBanner()
        yield Static(
            f"Result of workload {self.workload.id} ({self.workload.status.value})",
            classes="section-title",
        )
        with VerticalScroll(id="workload-result"):
            yield Static("", id="workload-result-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        body = self.query_one("#workload-result-body", Static)
        summary = result_summary(self.app, self.workload.result, top=32)
        body.update(Group(summary, Text(""), Text(result_json(self.workload.result))))
        self.query_one("#workload-result").focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(result_json(self.workload.result))
        self.notify("Result JSON copied", timeout=2)
