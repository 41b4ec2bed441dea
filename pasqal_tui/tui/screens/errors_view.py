"""The errored-jobs view (`e`, `:errors`): what failed across recent batches, grouped by message.

The scope is stated on screen (the last N batches, optionally within dates). A group lists
lineages: a job and its rebatch copies count once (ops.lineage). Enter opens a group's jobs; `r`
rebatches a group: one rebatch per source batch, after a lineage-aware plan (ops.rebatch) and
`y`; jobs already resubmitted are left out unless `A` includes them. The cursor follows its
group (by key) across reloads. `/` filters: words narrow the groups shown (message, devices);
``last:50 since:2d until:2026-01-31`` change the scope read from the server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from pasqal_tui.core.text import plural
from pasqal_tui.core.user_input import InputError
from pasqal_tui.ops import queries
from pasqal_tui.ops import query as filter_query
from pasqal_tui.ops.plans import Plan
from pasqal_tui.ops.queries import ErrorsReport
from pasqal_tui.ops.query import Query, QueryError
from pasqal_tui.ops.rebatch import GroupPlan, group_rebatch_plan, rebatch_all
from pasqal_tui.ops.triage import ErrorGroup, group_errors
from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.actions.messages import Mutated
from pasqal_tui.tui.actions.palette import ActionCommands, Entry
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import RequestFailed
from pasqal_tui.tui.screens.base import Columns, table_width
from pasqal_tui.tui.screens.dialogs.confirm import Choice, ChoiceScreen
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.filter_line import FilterLine
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.status_line import StatusLine
from pasqal_tui.tui.widgets.table import DiffTable

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.ops.export import Progress

DEFAULT_LAST = 20
MAX_LAST = 200
HINT = f"last:50 (≤{MAX_LAST}) since:2d until: read the batches again; words narrow the groups"
PLACEHOLDER = "type to filter, e.g. calibration last:50 since:1w"


#: Jobs counts lineages (a job and its rebatch copies once); Resub. those of them with a later
#: attempt pending, running or done (a group rebatch leaves them out).
COLUMNS = (
    ("jobs", "Jobs", 5),
    ("runs", "Runs", 6),
    ("message", "Error (ids and numbers stripped)", 30),
    ("batches", "Batches", 7),
    ("devices", "Devices", 16),
    ("resubmitted", "Resub.", 6),
    ("first", "First seen", 16),
    ("last", "Last seen", 16),
)
#: Where those need horizontal scrolling (80 columns): the counts, the error and the devices.
NARROW_COLUMNS = (
    ("jobs", "Jobs", 5),
    ("runs", "Runs", 6),
    ("message", "Error", 30),
    ("devices", "Devices", 12),
    ("resubmitted", "Resub.", 6),
)
#: The error text takes the width the counts, devices and times leave.
FLEX = {"message": (1, 0)}


def columns_for(width: int) -> Columns:
    return COLUMNS if table_width(COLUMNS) <= width else NARROW_COLUMNS


def stamp(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "\u2013"


class ReportLoaded(Message):
    def __init__(self, report: ErrorsReport) -> None:
        super().__init__()
        self.report = report


class GroupPlanReady(Message):
    def __init__(self, plan: GroupPlan) -> None:
        super().__init__()
        self.plan = plan


class ErrorsScreen(AppAccess, Screen[None]):
    """Groups of errored jobs; Enter opens one, r rebatches it, / filters and scopes."""

    CSS_PATH = "errors_view.tcss"
    #: The groups' table has the focus from the start, never the hidden filter input (as
    #: TableScreen.AUTO_FOCUS says).
    AUTO_FOCUS = "DataTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="errors.back"),
        Binding("slash", "filter", "Filter", id="errors.scope"),
        Binding("enter", "open", "Open", id="errors.open", show=False),
        *registry.bindings("errors"),
    ]
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ActionCommands}

    def __init__(self, last: int = DEFAULT_LAST) -> None:
        super().__init__()
        self.last = last
        self.start: datetime | None = None
        self.end: datetime | None = None
        self.report: ErrorsReport | None = None
        self._asked_at = 0.0  # time.monotonic() of the last read asked for
        self.groups: list[ErrorGroup] = []
        self.columns: Columns = COLUMNS
        #: The groups read (``groups`` are those the filter's words keep, in that order).
        self.all_groups: list[ErrorGroup] = []
        self.group_query = Query()
        self.query_text = ""
        #: The group under the cursor when `/` was pressed: back under it whenever the words
        #: being typed show it again.
        self._anchor: str | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield ErrorBanner()
        yield FilterLine(HINT, PLACEHOLDER)
        yield Static("Reading errored jobs…", id="errors-scope", markup=False)
        table = DiffTable(id="errors")
        self.columns = columns_for(self.app.size.width)
        table.setup_columns(self.columns, FLEX)
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = self.pasqal.session_title
        self.query_one(FilterLine).display = False
        self.query_one(DataTable).focus()
        self.load()

    #: Seconds between reads on the live tick while an attempt it shows is in flight (a read
    #: takes many requests): a rebatched group shows how its copies end without R.
    LIVE_EVERY = 30.0

    def refresh_data(self, include_settled: bool) -> None:
        """Reads many pages: on demand (R), and on the live tick only while a resubmitted job's
        newest attempt is in flight, at most every :attr:`LIVE_EVERY` seconds."""
        family = self.report.family if self.report is not None else None
        if include_settled or (
            family is not None
            and family.in_flight
            and time.monotonic() - self._asked_at >= self.LIVE_EVERY
        ):
            self.load()

    def load(self) -> None:
        self._asked_at = time.monotonic()
        last, start, end = self.last, self.start, self.end
        self.pasqal.cloud.request(
            self,
            "errors",
            lambda c: queries.recent_errors(c, last, start, end, lineages=True),
            ReportLoaded,
        )

    def on_report_loaded(self, message: ReportLoaded) -> None:
        report = self.report = message.report
        self.all_groups = group_errors(report.jobs, report.devices, report.family)
        self.show_groups()

    def show_groups(self) -> None:
        """The groups the filter's words keep, the cursor on the same group as before."""
        table = self.query_one(DiffTable)
        before = [g.key for g in self.groups]
        current = self.current_group()
        self.groups = [
            g for g in self.all_groups
            if self.group_query.keeps(g.key, f"{g.message} {' '.join(sorted(g.devices))}")
        ]  # fmt: skip
        table.sync([(group.key, self.cells(group)) for group in self.groups], keep_cursor=False)
        anchor = self._anchor if self.query_one(FilterLine).typing else None
        if anchor is not None and any(g.key == anchor for g in self.groups):
            self.move_to_group(anchor, before)
        elif current is not None:
            self.move_to_group(current.key, before)
        self.query_one("#errors-scope", Static).update(self.scope_line())

    def cells(self, group: ErrorGroup) -> list[str | Text]:
        cells: dict[str, str | Text] = {
            "jobs": f"{group.count:,}",
            "runs": f"{group.runs:,}",
            "message": Text(group.message),
            "batches": f"{len(group.batches):,}",
            "devices": ", ".join(sorted(group.devices)),
            "resubmitted": f"{group.resubmitted:,}" if group.resubmitted else "",
            "first": stamp(group.first_seen),
            "last": stamp(group.last_seen),
        }
        return [cells[key] for key, _, _ in self.columns]

    def on_resize(self, event: events.Resize) -> None:
        columns = columns_for(event.size.width)
        if columns != self.columns:
            self.columns = columns
            self.query_one(DiffTable).reset_columns(columns, FLEX)
            self.show_groups()

    def move_to_group(self, key: str, before: list[str]) -> None:
        """The cursor on the group ``key``; if it is gone, on its neighbour in the old order
        (the next one still there, else the previous one)."""
        keys = [g.key for g in self.groups]
        if not keys:
            return
        if key in keys:
            target = key
        else:
            at = before.index(key) if key in before else len(before)
            after = [k for k in before[at + 1 :] if k in keys]
            earlier = [k for k in reversed(before[:at]) if k in keys]
            target = (after or earlier or keys)[0]
        self.query_one(DataTable).move_cursor(row=keys.index(target), animate=False)

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
        lineages = sum(g.count for g in self.groups)
        copies = len(report.jobs) - lineages
        text = (
            f"Errored jobs of the last {self.last} batches{bounds}{when}: "
            f"{plural(errored, 'batch')} with errors, "
            f"{plural(lineages, 'job')} in {plural(len(self.groups), 'group')}"
        )
        if copies > 0:
            text += f" ({plural(copies, 'rebatch copy', 'rebatch copies')} counted with its job)"
        if report.truncated:
            text += f" (first {len(report.jobs):,} of {report.total_errored:,} grouped)"
        if words := self.group_query.local_summary():
            shown = plural(len(self.groups), "group")
            text += f"  ·  shown: {words} ({shown} of {len(self.all_groups):,})"
        return text

    # ---- actions ----------------------------------------------------------------------------

    def current_group(self) -> ErrorGroup | None:
        table = self.query_one(DataTable)
        if not self.groups or table.cursor_row >= len(self.groups):
            return None
        return self.groups[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from pasqal_tui.tui.screens.error_group import ErrorGroupScreen

        group = self.current_group()
        if group is not None and self.report is not None:
            self.app.push_screen(ErrorGroupScreen(group, self.report.devices))

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
        message, sources = group.message, {b: list(ids) for b, ids in group.batches.items()}
        self.pasqal.cloud.request(
            self, "plan", lambda c: group_rebatch_plan(c, message, sources), GroupPlanReady
        )

    def on_group_plan_ready(self, message: GroupPlanReady) -> None:
        plan = message.plan
        if plan.empty and not plan.everything:
            self.notify(" ".join(plan.lines[1:]), severity="warning", timeout=8, markup=False)
            return
        yes = f"rebatch {plural(plan.jobs, 'job')}" if not plan.empty else None
        also = None
        if plan.everything:
            also = f"also resubmit the {plural(plan.skipped, 'already resubmitted job')}"

        def answered(choice: Choice | None) -> None:
            if choice == "yes":
                self._send(plan.plans)
            elif choice == "also":
                self._send(plan.everything)

        self.app.push_screen(ChoiceScreen(plan.title, plan.lines, yes=yes, also=also), answered)

    def _send(self, plans: list[Plan]) -> None:
        self.pasqal.cloud.mutate(
            self,
            "rebatch",
            [p.batch_id for p in plans],
            lambda c: rebatch_all(c, plans, unconfirmed=self.pasqal.cloud.unconfirmed),
            lambda outcome: Mutated(outcome.summary()),
            produced=lambda outcome: outcome.created,
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

    def action_filter(self) -> None:
        current = self.current_group()
        self._anchor = current.key if current else self._anchor
        self.query_one(FilterLine).open()

    def parse_query(self, text: str) -> Query:
        query = filter_query.parse(
            text, keys=filter_query.ERRORS_KEYS, statuses=(), now=self.pasqal.clock()
        )
        if query.last is not None and query.last > MAX_LAST:
            raise QueryError(f"last: {query.last} is more than {MAX_LAST} batches")
        return query

    def on_filter_line_typed(self, message: FilterLine.Typed) -> None:
        try:
            query = self.parse_query(message.text)
        except InputError:
            return  # said once typing pauses
        self.query_one(FilterLine).clear_error()
        if query.local_summary() != self.group_query.local_summary():
            self.group_query = query
            self.show_groups()

    def on_filter_line_settled(self, message: FilterLine.Settled) -> None:
        if self.apply_query(message.text) and message.submitted:
            self._anchor = None
            self.query_one(DataTable).focus()
            self.query_one(FilterLine).set_text(self.query_text)

    def on_filter_line_cleared(self, _message: FilterLine.Cleared) -> None:
        keys = [g.key for g in self.groups]
        anchor, self._anchor = self._anchor, None
        self.apply_query("")
        if anchor is not None:
            self.move_to_group(anchor, keys)
        self.query_one(DataTable).focus()

    def apply_query(self, text: str) -> bool:
        """Words narrow the groups at once; a changed scope is read again (one request)."""
        line = self.query_one(FilterLine)
        try:
            query = self.parse_query(text)
        except InputError as exc:
            line.show_error(str(exc))
            return False
        line.clear_error()
        self.query_text = text.strip()
        self.group_query = query
        scope = (query.last or DEFAULT_LAST, query.since, query.until)
        if scope != (self.last, self.start, self.end):
            self.last, self.start, self.end = scope
            self.load()
        else:
            self.show_groups()
        return True

    def action_back(self) -> None:
        line = self.query_one(FilterLine)
        if self.query_text or line.display:  # Esc first clears the filter
            line.action_clear()
        else:
            self.app.pop_screen()

    # ---- registry actions (E export) --------------------------------------------------------

    def action_act(self, name: str) -> None:
        if name == "export":
            self.export()

    def palette_actions(self) -> list[Entry]:
        spec = registry.spec("export")
        return [(spec.palette, spec.help, self.export)]

    def export(self) -> None:
        """The groups shown (the whole scope: this view has no pages) to CSV or JSON."""
        from pasqal_tui.ops.export import export_groups
        from pasqal_tui.tui.screens.dialogs.export import ExportScreen, default_name

        groups = list(self.groups)

        async def write(_client: PasqalClient, path: Path, progress: Progress) -> int:
            progress(len(groups), len(groups))
            return await asyncio.to_thread(export_groups, groups, path)

        scope = {"last": str(self.last)}
        if self.start:
            scope["from"] = f"{self.start:%Y-%m-%d}"
        if self.end:
            scope["to"] = f"{self.end:%Y-%m-%d}"
        title = f"Export the {plural(len(groups), 'error group')} shown"
        self.app.push_screen(ExportScreen(title, default_name("errors", scope), write, "group"))
