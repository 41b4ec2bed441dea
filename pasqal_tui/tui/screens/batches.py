"""The batch browser: the project's batches, newest first, filtered and paged on the server."""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable

from pasqal_tui.cloud.filters import BatchFilters
from pasqal_tui.cloud.markers import user_tags
from pasqal_tui.cloud.models import Batch, BatchStatus, Page
from pasqal_tui.core.clock import relative
from pasqal_tui.ops import queries
from pasqal_tui.ops import query as filter_query
from pasqal_tui.ops.ordering import BATCH_KEYS
from pasqal_tui.ops.query import Query
from pasqal_tui.session.login import batches_page_key
from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.actions.controllers import BatchActions
from pasqal_tui.tui.actions.screen import ActionScreen
from pasqal_tui.tui.messages import BatchesLoaded, BatchLoaded
from pasqal_tui.tui.screens.base import TableScreen, status_bindings
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.filter_line import FilterLine
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.pager import Pager
from pasqal_tui.tui.widgets.status import counts_bar, counts_text, status_text
from pasqal_tui.tui.widgets.status_line import StatusLine
from pasqal_tui.tui.widgets.table import Row

BATCH_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED", "TIMED_OUT")
#: The Jobs column: the count, the per-status bar, and the counts by state ("4✓ 1✗ 1…").
COLUMNS = (
    ("id", "Batch", 8),
    ("status", "Status", 9),
    ("device", "Device", 11),
    ("jobs", "Jobs", 22),
    ("created", "Created", 10),
    ("updated", "Updated", 10),
    ("open", "Open", 6),
    ("tags", "Tags", 17),
    ("parent", "Parent", 8),
)
#: 80 columns: compact times, no update time, "open" only when open, no parent (the job
#: table's batch line has it).
NARROW_COLUMNS = (
    ("id", "Batch", 8),
    ("status", "Status", 9),
    ("device", "Device", 9),
    ("jobs", "Jobs", 19),
    ("created", "Age", 4),
    ("open", "Open", 4),
    ("tags", "Tags", 10),
)
#: The width left by the fixed columns: the device up to its longest name, the Jobs column up to
#: long counts ("5,000 ▰▰▰▰▰▰ 4.9k✓ 100✗"), the tags the rest.
FLEX = {"device": (1, 12), "jobs": (1, 28), "tags": (1, 0)}
#: (count digits, bar cells) of the Jobs column, wide and narrow; the counts take the rest.
JOBS_CELL = {False: (6, 6), True: (5, 4)}
#: The ERROR key's meaning on the batch browser, also said on the pager line.
ERRORED = "ERROR or with errored jobs"
HINT = "status: device: tag: since:2d until: id: open: ask the server; words this page"
PLACEHOLDER = "type to filter, e.g. status:error since:2d atom"


class BatchesScreen(ActionScreen, TableScreen[Batch]):
    """Enter opens a batch's jobs; 1-6 show one status; / filters; s sorts; [ ] page."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *registry.bindings("batches"),
        # Esc stays "back" (a no-op here, so a stray Esc never ends the session); q quits.
        Binding("escape", "back", "Back", id="batches.back", show=False),
        Binding("q", "quit_app", "Quit", id="batches.quit"),
        Binding("enter", "open", "Open", id="batches.open", show=False),
        *status_bindings("batches", BATCH_STATUSES, {"ERROR": ERRORED}),
    ]
    SCREEN = "batches"
    STATUSES = BATCH_STATUSES
    COLUMNS = COLUMNS
    NARROW_COLUMNS = NARROW_COLUMNS
    FLEX = FLEX
    QUERY_KEYS = filter_query.BATCH_KEYS
    SORT_KEYS = BATCH_KEYS
    #: The API lists batches newest first, and cannot reverse that.
    SERVER_ORDER = ("created", True)
    #: Seconds between full reads of the page on the live ticks; the ticks between ask only
    #: whether it changed. A change that does not move a status or a count (tags set from
    #: elsewhere on a finished batch) shows within this time.
    FULL_EVERY = 60.0

    def __init__(self) -> None:
        super().__init__()
        self.actions = BatchActions(self)
        self.filters = BatchFilters()
        self._known_status: dict[str, str] = {}
        #: Set by the ERROR key (status "ERROR" alone): ERROR batches and those with errored
        #: jobs, found by reading the batches (the API cannot filter on job counts).
        self.errored = False
        self.errored_note = ERRORED
        #: When the page was last asked for in full (monotonic seconds).
        self._full_at = 0.0

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield ErrorBanner()
        yield FilterLine(HINT, PLACEHOLDER)
        yield self.make_table("batches")
        with Horizontal(classes="statusline"):
            yield Pager()
        yield KeyFooter()

    def request_page(self, offset: int, *, background: bool, focus_id: str | None = None) -> None:
        filters, limit = self.filters, self.state.limit
        if self.errored:
            self.pasqal.cloud.request(
                self,
                "page",
                lambda c: queries.errored_batches(c, filters, offset=offset, limit=limit),
                lambda found: BatchesLoaded(found.page, background, errored_note(found), filters),
                background=background,
            )
            return
        now = time.monotonic()
        if (
            background
            and self.loaded
            and offset == self.state.offset
            and now - self._full_at < self.FULL_EVERY
        ):
            # A tick: the page again only if it may have changed (each batch in it lists
            # every job id); ops.queries.batches_page_if_changed says when.
            known = Page[Batch].model_construct(
                items=list(self.items), total=self.state.total, offset=offset, limit=limit
            )
            self.pasqal.cloud.request(
                self,
                "page",
                lambda c: queries.batches_page_if_changed(c, filters, known),
                lambda page: BatchesLoaded(page, background, asked=filters),
                background=background,
            )
            return
        self._full_at = now
        early = self.pasqal.cloud.take_prefetched(batches_page_key(filters, offset, limit))
        self.pasqal.cloud.request(
            self,
            "page",
            (lambda c: early)
            if early
            else lambda c: c.list_batches(filters, offset=offset, limit=limit),
            lambda page: BatchesLoaded(page, background, asked=filters),
            background=background,
        )

    def on_batches_loaded(self, message: BatchesLoaded) -> None:
        if message.background and message.asked not in (None, self.filters):
            return  # a refresh of the filter before: the new filter's page is on its way
        if message.background:
            self._notify_changes(message.page.items)
        for batch in message.page.items:
            self._known_status[batch.id] = batch.status.value
        self.errored_note = message.note or ERRORED
        self.show_page(message.page, message.background)

    def _notify_changes(self, batches: list[Batch]) -> None:
        for batch in batches:
            before = self._known_status.get(batch.id)
            if before is not None and before != batch.status.value:
                self.notify(
                    f"Batch {batch.id[:8]} ({batch.device_type}): {before} → {batch.status.value}",
                    title="Status change",
                    timeout=6,
                )

    def build_row(self, item: Batch) -> Row:
        now, narrow = self.pasqal.clock(), self.narrow
        cells: dict[str, str | Text] = {
            "id": item.id[:8],
            "status": status_text(self.app, item.status.value),
            "device": item.device_type,
            "jobs": self.jobs_cell(item),
            "created": relative(item.created_at, now, compact=narrow),
            "updated": relative(item.updated_at, now, compact=narrow),
            "open": "open" if item.open else "" if narrow else "closed",
            "tags": ", ".join(user_tags(item.tags)),
            "parent": (item.parent_id or "")[:8],
        }
        return item.id, self.pick(cells)

    def jobs_cell(self, item: Batch) -> Text:
        """"    6 ▰▰▰▰▱▱ 4✓ 1✗ 1…": the counts beside the bar, not only its colours."""
        digits, bar = JOBS_CELL[self.narrow]
        cell = status_text(self.app, "")
        cell.append(f"{item.jobs_count:>{digits},} ")
        cell.append_text(counts_bar(self.app, item.jobs_count_per_status, bar))
        counts = counts_text(self.app, item.jobs_count_per_status)
        if counts:
            cell.append(" ")
            cell.append_text(counts)
        return cell

    def is_live(self, item: Batch) -> bool:
        return item.open or not BatchStatus(item.status).is_terminal

    def refresh_data(self, include_settled: bool) -> None:
        """The first page also refreshes when all is finished: new batches appear on top."""
        super().refresh_data(include_settled or (self.loaded and self.state.offset == 0))

    def summary(self) -> str:
        return "  ·  ".join(p for p in (self.filter_summary(), self.sort_summary()) if p)

    def server_summary(self) -> str:
        """ "status=ERROR" alone is the ERROR key's wider meaning; said in its words."""
        text = super().server_summary()
        return text.replace("status=ERROR", self.errored_note, 1) if self.errored else text

    def apply_server_query(self, query: Query) -> None:
        filters = filter_query.batch_filters(query)
        self.errored = query.statuses == (BatchStatus.ERROR.value,)
        self.filters = filters

    def item_id(self, item: Batch) -> str:
        return item.id

    def item_text(self, item: Batch) -> str:
        return filter_query.batch_text(item)

    def item_tags(self, item: Batch) -> list[str]:
        return user_tags(item.tags)

    # ---- opening ----------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(self.table.id_at(event.cursor_row))

    def target_batch(self) -> Batch | None:
        """The batch under the cursor."""
        row_id = self.table.current_id()
        return next((b for b in self.items if b.id == row_id), None)

    def after_mutation(self, batch: Batch | None) -> None:
        self.reload(self.state.offset)

    def action_quit_app(self) -> None:
        self.app.exit()

    def action_open(self) -> None:
        row_id = self.table.current_id()
        if row_id:
            self._open(row_id)

    def _open(self, batch_id: str) -> None:
        from pasqal_tui.tui.screens.jobs import JobsScreen

        batch = next((b for b in self.items if b.id == batch_id), None)
        if batch is not None:
            self.app.push_screen(JobsScreen(batch))
            return
        self.pasqal.cloud.request(
            self, "open", lambda c: c.get_batch(batch_id), lambda b: BatchLoaded(b, False)
        )

    def on_batch_loaded(self, message: BatchLoaded) -> None:
        from pasqal_tui.tui.screens.jobs import JobsScreen

        self.app.push_screen(JobsScreen(message.batch))

    def action_jump(self) -> None:
        """A dialog of its own: the filter bar and the cursor stay as they are."""
        from pasqal_tui.tui.screens.dialogs.jump import JumpScreen

        def chosen(batch_id: str | None) -> None:
            if batch_id is not None:
                self._open(batch_id)

        self.app.push_screen(JumpScreen([b.id for b in self.items]), chosen)


def errored_note(found: queries.ErroredBatches) -> str:
    """The pager line's word for the ERROR key, and how far the batches were read."""
    if found.complete:
        return ERRORED
    return f"{ERRORED}, in the newest {found.read:,} of {found.total:,} batches"
