"""Workloads: the ones this app created or opened (the API cannot list them), live.

The remembered ids live in :mod:`pasqal_tui.core.workload_history`, per profile, so the list
survives a restart. Every request goes through the CloudWorker; creating and cancelling are
mutations (refused in read-only mode, audited, sent once).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from pasqal_tui.cloud.models import Workload
from pasqal_tui.cloud.payloads import CreateWorkloadRequest
from pasqal_tui.core.clock import relative
from pasqal_tui.core.workload_history import Remembered, WorkloadHistory
from pasqal_tui.ops import queries
from pasqal_tui.ops.outcomes import create_workload_key, create_workload_once
from pasqal_tui.ops.queries import WorkloadLookup
from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import RequestFailed
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.screens.dialogs.workload import (
    CreateWorkloadScreen,
    OpenWorkloadScreen,
    WorkloadResultScreen,
)
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.status import status_text
from pasqal_tui.tui.widgets.status_line import StatusLine
from pasqal_tui.tui.widgets.table import DiffTable, Row
from pasqal_tui.tui.widgets.workload_detail import detail

COLUMNS = (
    ("id", "Workload", 8),
    ("status", "Status", 9),
    ("type", "Type", 18),
    ("backend", "Backend", 11),
    ("created", "Created", 10),
    ("updated", "Updated", 10),
    ("note", "Errors", 30),
)
#: The errors take the width the ids and times leave.
FLEX = {"note": (1, 0)}
LIVE = ("PENDING", "RUNNING")


class WorkloadsFetched(Message):
    """Fresh state of some remembered workloads, and why others could not be read."""

    def __init__(self, lookup: WorkloadLookup, background: bool) -> None:
        super().__init__()
        self.lookup = lookup
        self.background = background


class WorkloadChanged(Message):
    """A workload just created, opened or cancelled by the user."""

    def __init__(self, workload: Workload, how: str) -> None:
        super().__init__()
        self.workload = workload
        self.how = how


class WorkloadsScreen(AppAccess, Screen[None]):
    """n creates, i opens by id, c cancels, v or Enter shows the result, Delete forgets."""

    CSS_PATH = "workloads.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="workloads.back"),
        *registry.bindings("workloads"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.history: WorkloadHistory | None = None
        self.workloads: dict[str, Workload] = {}
        self.problems: dict[str, str] = {}
        self.shown_id: str | None = None  # the workload in the detail pane
        self.loaded = False

    @property
    def table(self) -> DiffTable:
        return self.query_one("#workloads", DiffTable)

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield ErrorBanner()
        table = DiffTable(id="workloads")
        table.setup_columns(COLUMNS, FLEX)
        yield table
        with VerticalScroll(id="workload-detail"):
            yield Static("", id="workload-detail-body")
        with Horizontal(classes="statusline"):
            yield Static("", id="workloads-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = self.pasqal.session_title
        profile = self.pasqal.profile.name if self.pasqal.profile else "local"
        self.history = WorkloadHistory(profile)
        if self.history.problem:
            self.notify(self.history.problem, severity="warning", timeout=10, markup=False)
        self.table.focus()
        self._repaint()
        self._fetch(self.history.ids, background=False)

    # ---- loading ----------------------------------------------------------------------------

    def _fetch(self, ids: list[str], *, background: bool) -> None:
        if not ids:
            self.loaded = True
            self._repaint()
            return
        self.pasqal.cloud.request(
            self,
            "workloads",
            lambda c: queries.fetch_workloads(c, ids),
            lambda lookup: WorkloadsFetched(lookup, background),
            background=background,
        )

    def refresh_data(self, include_settled: bool) -> None:
        """Live ones (and unknown ones) every tick; all of them when asked (R)."""
        if self.history is None or not self.loaded:
            return
        ids = [
            i
            for i in self.history.ids
            if include_settled or i not in self.workloads or self.workloads[i].status.value in LIVE
        ]
        if ids:
            self._fetch(ids, background=True)

    def on_workloads_fetched(self, message: WorkloadsFetched) -> None:
        for wid, found in message.lookup.found.items():
            before = self.workloads.get(wid)
            if message.background and before and before.status != found.status:
                self.notify(
                    f"Workload {wid[:8]}: {before.status.value} → {found.status.value}",
                    title="Status change",
                    timeout=6,
                )
            self.workloads[wid] = found
            self.problems.pop(wid, None)
        self.problems.update(message.lookup.problems)
        self.loaded = True
        self._repaint()

    def on_request_failed(self, message: RequestFailed) -> None:
        self.say_failure(message.failure)

    # ---- painting ---------------------------------------------------------------------------

    def _row(self, item: Remembered) -> Row:
        now = self.pasqal.clock()
        found = self.workloads.get(item.id)
        if found is None:
            problem = self.problems.get(item.id)
            status = Text("UNKNOWN" if problem else "…", style="dim")
            cells: list[str | Text] = [
                item.id[:8],
                status,
                item.workload_type,
                item.backend,
                "",
                "",
                problem or "",
            ]
            return item.id, cells
        note = (found.errors or [""])[0].strip().splitlines()
        return item.id, [
            found.id[:8],
            status_text(self.app, found.status.value),
            found.workload_type,
            found.backend,
            relative(found.created_at, now),
            relative(found.updated_at, now),
            note[0] if note else "",
        ]

    def _repaint(self) -> None:
        history = self.history
        if history is None:
            return
        self.table.sync([self._row(i) for i in history.items])
        live = sum(1 for w in self.workloads.values() if w.status.value in LIVE)
        if not history.items:
            text = "No workloads remembered yet: n creates one, i opens one by id"
        else:
            text = f"{len(history.items)} remembered · {live} live · n new, i open id, c cancel"
        self.query_one("#workloads-status", Static).update(text)
        self._show_detail()

    def current(self) -> Workload | None:
        row_id = self.table.current_id()
        return self.workloads.get(row_id) if row_id else None

    def _show_detail(self) -> None:
        body = self.query_one("#workload-detail-body", Static)
        row_id = self.table.current_id()
        self.shown_id = row_id
        found = self.workloads.get(row_id) if row_id else None
        if found is not None:
            body.update(detail(self.app, found, self.pasqal.clock()))
        elif row_id:
            body.update(Text(self.problems.get(row_id, "Loading…")))
        else:
            body.update("")

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_result()

    # ---- actions ----------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new(self) -> None:
        if self.pasqal.read_only:
            self.notify("Read-only mode: creating workloads is off", severity="warning")
            return
        self.app.push_screen(CreateWorkloadScreen(), self._create)

    def _create(self, request: CreateWorkloadRequest | None) -> None:
        """Send once. The API cannot list workloads, so a lost answer cannot be looked up: the
        same request again is sent only after a `y` that names the risk."""
        if request is None:
            return
        unconfirmed = self.pasqal.cloud.unconfirmed
        if unconfirmed.get(create_workload_key(request)) is None:
            keys = ", ".join(sorted(request.config)) or "none"
            first = [
                f"Create a {request.workload_type} workload on {request.backend}.",
                f"Config keys: {keys}.",
                "It runs (and is billed) as soon as the cloud accepts it.",
            ]

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._send_create(request)

            ask = ConfirmScreen("Create this workload?", first, verb="create it")
            self.app.push_screen(ask, confirmed)
            return
        lines = [
            f"The last create of this {request.workload_type} workload on {request.backend}",
            "got no answer, and the API cannot list workloads to check whether it was made.",
            "Look for it in the Pasqal portal first: sending again may create it twice.",
        ]

        def answered(yes: bool | None) -> None:
            if yes:
                self._send_create(request)

        confirm = ConfirmScreen("Create it again?", lines, verb="send it again")
        self.app.push_screen(confirm, answered)

    def _send_create(self, request: CreateWorkloadRequest) -> None:
        unconfirmed = self.pasqal.cloud.unconfirmed
        self.pasqal.cloud.mutate(
            self,
            "create workload",
            [],
            lambda c: create_workload_once(c, request, unconfirmed=unconfirmed),
            lambda made: WorkloadChanged(made.value, "created"),
            produced=lambda made: [made.value.id],
        )

    def action_open(self) -> None:
        self.app.push_screen(OpenWorkloadScreen(), self._open)

    def _open(self, workload_id: str | None) -> None:
        if workload_id is None:
            return
        self.pasqal.cloud.request(
            self,
            "open",
            lambda c: c.get_workload(workload_id),
            lambda w: WorkloadChanged(w, "opened"),
        )

    def on_workload_changed(self, message: WorkloadChanged) -> None:
        found = message.workload
        assert self.history is not None
        self.history.remember(
            Remembered(
                id=found.id,
                workload_type=found.workload_type,
                backend=found.backend,
                created_at=found.created_at.isoformat(),
                origin="created" if message.how == "created" else "opened",
            )
        )
        self.workloads[found.id] = found
        self.problems.pop(found.id, None)
        self._repaint()
        self.table.move_to_id(found.id)
        self.notify(f"Workload {found.id[:8]} {message.how}: {found.status.value}", timeout=4)

    def action_cancel(self) -> None:
        found = self.current()
        if found is None:
            return
        if found.status.is_terminal:
            self.notify(f"Workload {found.id[:8]} is {found.status.value}: nothing to cancel")
            return

        if self.pasqal.read_only:
            self.notify("Read-only mode: cancelling workloads is off", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._send_cancel(found.id)

        lines = [found.id, f"{found.workload_type} on {found.backend}, {found.status.value}"]
        confirm = ConfirmScreen("Cancel this workload?", lines, verb="cancel it")
        self.app.push_screen(confirm, answered)

    def _send_cancel(self, workload_id: str) -> None:
        self.pasqal.cloud.mutate(
            self,
            "cancel workload",
            [workload_id],
            lambda c: c.cancel_workload(workload_id),
            lambda w: WorkloadChanged(
                w,
                "cancelled (already: the first answer was lost)" if w.already_done else "cancelled",
            ),
        )

    def action_result(self) -> None:
        found = self.current()
        if found is not None:
            self.app.push_screen(WorkloadResultScreen(found))

    def action_forget(self) -> None:
        row_id = self.table.current_id()
        if row_id and self.history is not None:
            self.history.forget(row_id)
            self.workloads.pop(row_id, None)
            self._repaint()
            self.notify(f"Workload {row_id[:8]} removed from this list (not from the cloud)")

    def action_copy_id(self) -> None:
        row_id = self.table.current_id()
        if row_id:
            self.app.copy_to_clipboard(row_id)
            self.notify(f"Copied {row_id}", timeout=2)
