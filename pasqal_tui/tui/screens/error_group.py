"""The jobs of one error group, one row per lineage: the newest ERROR attempt (which batch and
device it came from) and what became of its copies; Enter opens the job."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from pasqal_tui.cloud.models import Job
from pasqal_tui.core.text import plural
from pasqal_tui.ops.triage import ErrorGroup
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.status_line import StatusLine
from pasqal_tui.tui.widgets.table import DiffTable

COLUMNS = (
    ("id", "Job", 8),
    ("batch", "Batch", 8),
    ("device", "Device", 11),
    ("runs", "Runs", 6),
    ("ended", "Ended", 16),
    ("latest", "Latest attempt", 24),
    ("error", "Error", 30),
)
#: The error text and the latest attempt take the width the ids and times leave.
FLEX = {"error": (2, 0), "latest": (1, 0)}


def first_line(job: Job) -> str:
    text = (job.errors or [""])[0].strip()
    return text.splitlines()[0] if text else ""


class ErrorGroupScreen(Screen[None]):
    """A plain list of the group's lineages, newest failure first."""

    CSS_PATH = "errors_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="error_group.back"),
    ]

    def __init__(self, group: ErrorGroup, devices: dict[str, str]) -> None:
        super().__init__()
        self.group = group
        members = sorted(
            group.members, key=lambda m: m[0].end_timestamp or m[0].updated_at, reverse=True
        )
        self.jobs = [job for job, _lineage in members]
        self.latest = {job.id: lineage.describe(job) for job, lineage in members}
        self.devices = devices

    def compose(self) -> ComposeResult:
        yield StatusLine()
        group = self.group
        where = f"{plural(group.count, 'job')} in {plural(len(group.batches), 'batch')}"
        yield Static(f"{where}: {group.example}", id="group-title", markup=False)
        table = DiffTable(id="group-jobs")
        table.setup_columns(COLUMNS, FLEX)
        yield table
        yield KeyFooter()

    crumb = "group"

    def on_mount(self) -> None:
        self.sub_title = getattr(self.app, "session_title", "")
        table = self.query_one(DiffTable)
        table.sync([(job.id, self.cells(job)) for job in self.jobs], keep_cursor=False)
        table.focus()

    def cells(self, job: Job) -> list[str | Text]:
        ended = job.end_timestamp or job.updated_at
        return [
            job.id[:8],
            job.batch_id[:8],
            self.devices.get(job.batch_id, ""),
            f"{job.runs or 0:,}",
            ended.strftime("%Y-%m-%d %H:%M"),
            self.latest.get(job.id, "") or "not resubmitted",
            Text(first_line(job)),
        ]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from pasqal_tui.tui.screens.job import JobScreen

        row_id = self.query_one(DiffTable).id_at(event.cursor_row)
        job = next((j for j in self.jobs if j.id == row_id), None)
        if job is not None:
            self.app.push_screen(JobScreen(job))

    def action_back(self) -> None:
        self.app.pop_screen()
