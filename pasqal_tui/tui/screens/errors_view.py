"""The errored-jobs view (`e`, `:errors`): what failed across recent batches, grouped by message.

The scope is stated on screen (the last N batches, optionally within dates). Enter opens a
group's jobs; `r` rebatches a group: one rebatch per batch it spans, after a plan and `y`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from pasqal_tui.cloud.filters import RebatchFilters
from pasqal_tui.cloud.models import Batch, JobStatus
from pasqal_tui.core import user_input as parsing
from pasqal_tui.ops import queries
from pasqal_tui.ops.outcomes import Created, CreateNotConfirmedError, rebatch_once
from pasqal_tui.ops.plans import Plan, rebatch_plan, short
from pasqal_tui.ops.plans import jobs as count_jobs
from pasqal_tui.ops.queries import ErrorsReport
from pasqal_tui.ops.triage import ErrorGroup, group_errors
from pasqal_tui.tui.actions.messages import Mutated
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import RequestFailed
from pasqal_tui.tui.screens.dialogs.confirm import ConfirmScreen
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.filter_bar import FilterBar
from pasqal_tui.tui.widgets.header import AppHeader

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient

DEFAULT_LAST = 20
MAX_LAST = 200
FIELDS = (("last", f"last N batches ({DEFAULT_LAST})"), ("from", "from date"), ("to", "to date"))
HINT = "Enter applies · Esc closes · N at most 200 · dates YYYY-MM-DD"


def stamp(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "\u2013"


class ReportLoaded(Message):
    def __init__(self, report: ErrorsReport) -> None:
        super().__init__()
        self.report = report


async def group_rebatch_plan(client: PasqalClient, group: ErrorGroup) -> list[Plan]:
    """One plan per batch the group spans: exactly its ERROR jobs there."""
    plans = []
    for batch_id, job_ids in group.batches.items():
        filters = RebatchFilters(id=job_ids, status=[JobStatus.ERROR])
        plans.append(await rebatch_plan(client, batch_id, filters, job_ids))
    return plans


def group_progress(made: list[Created[Batch]], total: int) -> str:
    """What a group rebatch did before one of its answers was lost, and what it did not send."""
    if not made:
        return f"group rebatch, 1st of {total}: " if total > 1 else ""
    into = ", ".join(short(m.value.id) for m in made)
    left = total - len(made) - 1
    rest = f" ({left} not sent)" if left else ""
    return f"group rebatch: {len(made)} of {total} done (into {into}){rest}; then "


class GroupPlanReady(Message):
    def __init__(self, plans: list[Plan]) -> None:
        super().__init__()
        self.plans = plans


class ErrorsScreen(AppAccess, Screen[None]):
    """Groups of errored jobs; Enter opens one, r rebatches it, / changes the scope."""

    CSS_PATH = "errors_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="errors.back"),
        Binding("slash", "scope", "Scope", id="errors.scope"),
        Binding("enter", "open_group", "Open", id="errors.open", show=False),
        Binding("r", "rebatch_group", "Rebatch group", id="errors.rebatch"),
    ]

    def __init__(self, last: int = DEFAULT_LAST) -> None:
        super().__init__()
        self.last = last
        self.start: datetime | None = None
        self.end: datetime | None = None
        self.report: ErrorsReport | None = None
        self.groups: list[ErrorGroup] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield ErrorBanner()
        yield FilterBar(FIELDS, HINT)
        yield Static("Reading errored jobs…", id="errors-scope", markup=False)
        table: DataTable[str | Text] = DataTable(
            id="errors", cursor_type="row", zebra_stripes=False
        )
        table.add_column("Jobs", key="jobs", width=6)
        table.add_column("Runs", key="runs", width=7)
        table.add_column("Error (ids and numbers stripped)", key="message", width=72)
        table.add_column("Batches", key="batches", width=7)
        table.add_column("Devices", key="devices", width=18)
        table.add_column("First seen", key="first", width=16)
        table.add_column("Last seen", key="last", width=16)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.pasqal.session_title
        self.query_one(FilterBar).display = False
        self.query_one(DataTable).focus()
        self.load()

    def refresh_data(self, include_settled: bool) -> None:
        """Reads many pages, so only on demand (R), never on the live-refresh tick."""
        if include_settled:
            self.load()

    def load(self) -> None:
        last, start, end = self.last, self.start, self.end
        self.pasqal.cloud.request(
            self, "errors", lambda c: queries.recent_errors(c, last, start, end), ReportLoaded
        )

    def on_report_loaded(self, message: ReportLoaded) -> None:
        report = self.report = message.report
        self.groups = group_errors(report.jobs, report.devices)
        table = self.query_one(DataTable)
        table.clear()
        for index, group in enumerate(self.groups):
            table.add_row(
                f"{group.count:,}",
                f"{group.runs:,}",
                Text(group.message),
                f"{len(group.batches):,}",
                ", ".join(sorted(group.devices)),
                stamp(group.first_seen),
                stamp(group.last_seen),
                key=str(index),
            )
        self.query_one("#errors-scope", Static).update(self.scope_line())

    def scope_line(self) -> str:
        report = self.report
        if report is None:
            return ""
        when = ""
        if report.batches:
            oldest = min(b.created_at for b in report.batches)
            newest = max(b.created_at for b in report.batches)
            when = f", created {oldest:%Y-%m-%d} → {newest:%Y-%m-%d}"
        errored = len({j.batch_id for j in report.jobs})
        bounds = ""
        if self.start or self.end:
            bounds = f" between {stamp(self.start)[:10] if self.start else '…'} and "
            bounds += f"{stamp(self.end)[:10] if self.end else 'now'}"
        text = (
            f"Errored jobs of the last {self.last} batches{bounds}{when}: "
            f"{errored} with errors, "
            f"{count_jobs(len(report.jobs))} in {len(self.groups)} groups"
        )
        if report.truncated:
            text += f" (first {len(report.jobs):,} of {report.total_errored:,} grouped)"
        return text

    # ---- actions ----------------------------------------------------------------------------

    def current_group(self) -> ErrorGroup | None:
        table = self.query_one(DataTable)
        if not self.groups or table.cursor_row >= len(self.groups):
            return None
        return self.groups[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_group()

    def action_open_group(self) -> None:
        from pasqal_tui.tui.screens.error_group import ErrorGroupScreen

        group = self.current_group()
        if group is not None and self.report is not None:
            jobs = [j for j in self.report.jobs if j.id in set(group.job_ids)]
            self.app.push_screen(ErrorGroupScreen(group, jobs, self.report.devices))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rebatch_group" and self.pasqal.read_only:
            return False
        return super().check_action(action, parameters)

    def action_rebatch_group(self) -> None:
        group = self.current_group()
        if group is None:
            return
        if self.pasqal.read_only:
            self.notify("Read-only mode: rebatch is disabled", severity="warning", markup=False)
            return
        self.pasqal.cloud.request(
            self, "plan", lambda c: group_rebatch_plan(c, group), GroupPlanReady
        )

    def on_group_plan_ready(self, message: GroupPlanReady) -> None:
        plans = [p for p in message.plans if not p.empty]
        if not plans:
            self.notify(
                "None of these jobs can be rebatched any more", severity="warning", markup=False
            )
            return
        jobs = sum(p.jobs for p in plans)
        runs = sum(p.runs for p in plans)
        lines = [f"Resubmit {jobs:,} errored jobs ({runs:,} runs) into {len(plans)} new batches:"]
        lines.extend(f"  {short(p.batch_id)}: {count_jobs(p.jobs)}, {p.runs:,} runs" for p in plans)

        def answered(yes: bool | None) -> None:
            if yes:
                self._send(plans)

        self.app.push_screen(ConfirmScreen("Rebatch a group", lines, verb="rebatch"), answered)

    def _send(self, plans: list[Plan]) -> None:
        pairs = [(p.batch_id, p.filters) for p in plans]
        unconfirmed = self.pasqal.cloud.unconfirmed

        async def rebatch_all(c: PasqalClient) -> list[Created[Batch]]:
            """One rebatch after the other; a lost answer stops the group and says how far."""
            made: list[Created[Batch]] = []
            for batch_id, filters in pairs:
                assert isinstance(filters, RebatchFilters)
                try:
                    made.append(await rebatch_once(c, batch_id, filters, unconfirmed=unconfirmed))
                except CreateNotConfirmedError as exc:
                    text = group_progress(made, len(pairs)) + str(exc)
                    raise CreateNotConfirmedError(
                        text, lookup=exc.lookup, marker=exc.marker
                    ) from exc
            return made

        def done(made: list[Created[Batch]]) -> Message:
            jobs = sum(m.value.total_jobs for m in made)
            names = ", ".join(short(m.value.id) for m in made)
            text = f"Rebatched {jobs:,} jobs of {len(made)} batches into {names}"
            lost = [m.said("") for m in made if m.recovered is not None]
            return Mutated("; ".join([text, *lost]))

        self.pasqal.cloud.mutate(
            self,
            "rebatch",
            [p.batch_id for p in plans],
            rebatch_all,
            done,
            produced=lambda made: [m.value.id for m in made],
        )

    def on_mutated(self, message: Mutated) -> None:
        self.notify(message.text, title="Done", timeout=10, markup=False)
        self.load()

    def on_request_failed(self, message: RequestFailed) -> None:
        failure = message.failure
        if failure.purpose == "errors":
            self.query_one("#errors-scope", Static).update(f"Could not read: {failure.message}")
        if failure.unconfirmed is not None:
            self.say_failure(failure)  # what the lookup found, never "failed"
        elif not failure.background:
            self.notify(
                f"{failure.purpose} failed: {failure.message}", severity="error", markup=False
            )

    def action_scope(self) -> None:
        self.query_one(FilterBar).open()

    def on_filter_bar_applied(self, message: FilterBar.Applied) -> None:
        bar = self.query_one(FilterBar)
        values = message.values
        try:
            last = parsing.integer(values.get("last", ""), "last N batches") or DEFAULT_LAST
            if not 1 <= last <= MAX_LAST:
                raise parsing.InputError(f"last N batches: from 1 to {MAX_LAST}")
            start = parsing.date(values.get("from", ""), "from")
            end = parsing.date(values.get("to", ""), "to", end=True)
        except parsing.InputError as exc:
            bar.show_error(str(exc))
            return
        bar.clear_error()
        self.last, self.start, self.end = last, start, end
        self.query_one(DataTable).focus()
        self.load()

    def on_filter_bar_closed(self, _message: FilterBar.Closed) -> None:
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
