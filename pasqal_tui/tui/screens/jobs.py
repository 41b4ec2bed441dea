"""The job table of one batch: server-side filters and pages, marks, jump to the first ERROR."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable

from pasqal_tui.cloud.filters import JobFilters
from pasqal_tui.cloud.markers import user_tags
from pasqal_tui.cloud.models import Batch, Job, JobStatus, Page
from pasqal_tui.core.clock import relative
from pasqal_tui.core.text import plural
from pasqal_tui.core.user_input import InputError
from pasqal_tui.ops import queries
from pasqal_tui.ops import query as filter_query
from pasqal_tui.ops.ordering import JOB_KEYS
from pasqal_tui.ops.queries import FirstError
from pasqal_tui.ops.query import Query
from pasqal_tui.tui.actions import registry
from pasqal_tui.tui.actions.controllers import JobActions
from pasqal_tui.tui.actions.screen import ActionScreen
from pasqal_tui.tui.messages import JobsAhead, JobsKept, JobsLoaded, Notice, RequestFailed
from pasqal_tui.tui.screens.base import TableScreen, status_bindings
from pasqal_tui.tui.widgets.banner import ErrorBanner
from pasqal_tui.tui.widgets.filter_line import FilterLine
from pasqal_tui.tui.widgets.key_footer import KeyFooter
from pasqal_tui.tui.widgets.pager import Pager
from pasqal_tui.tui.widgets.status import counts_bar, counts_summary, status_text
from pasqal_tui.tui.widgets.status_line import StatusLine
from pasqal_tui.tui.widgets.summary_line import SummaryLine
from pasqal_tui.tui.widgets.table import Prepared, Row

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient

JOB_STATUSES = ("PENDING", "RUNNING", "DONE", "ERROR", "CANCELED")
ORDER_BY = queries.JOB_ORDER
#: No cut of their own: the table cuts every cell to its column (with "…") and again on resize.
FULL = 10_000
COLUMNS = (
    ("mark", " ", 1),
    ("id", "Job", 8),
    ("status", "Status", 9),
    ("runs", "Runs", 5),
    ("variables", "Variables", 20),
    ("error", "Error", 36),
    ("created", "Created", 10),
    ("started", "Started", 10),
    ("ended", "Ended", 10),
)
#: 80 columns: compact times, no creation time (the job screen has it), the error text widest.
NARROW_COLUMNS = (
    ("mark", " ", 1),
    ("id", "Job", 8),
    ("status", "Status", 9),
    ("runs", "Runs", 5),
    ("variables", "Vars", 9),
    ("error", "Error", 22),
    ("started", "Start", 5),
    ("ended", "End", 4),
)
#: The width left by ids, runs and times: mostly the error text, some for the variables.
FLEX = {"error": (3, 0), "variables": (1, 0)}
HINT = "status: runs:>100 errors:yes since: until: id: ask the server; words this page"
PLACEHOLDER = "type to filter, e.g. status:error runs:>100 atom"


class PageKey(NamedTuple):
    """What a page of jobs was asked with: a page read ahead is shown only for exactly this."""

    filters: JobFilters
    direction: str
    offset: int
    limit: int


def compact_variables(variables: dict[str, Any] | None, width: int = 16) -> str:
    if not variables:
        return ""
    text = " ".join(f"{k}={_short_value(v)}" for k, v in variables.items())
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return (
            "[" + ",".join(_short_value(v) for v in value[:3]) + (",…]" if len(value) > 3 else "]")
        )
    return str(value)


def first_error_line(job: Job) -> str:
    if not job.errors:
        return ""
    first = job.errors[0].strip().splitlines()
    return first[0] if first else ""


class JobsScreen(ActionScreen, TableScreen[Job]):
    """Enter opens a job; space marks; f jumps to the first ERROR; s/S sort (S on Created
    flips the API's creation order)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *registry.bindings("jobs"),
        *status_bindings("jobs", JOB_STATUSES),
    ]
    SCREEN = "jobs"
    STATUSES = JOB_STATUSES
    COLUMNS = COLUMNS
    NARROW_COLUMNS = NARROW_COLUMNS
    FLEX = FLEX
    QUERY_KEYS = filter_query.JOB_KEYS
    SORT_KEYS = JOB_KEYS
    #: The API orders jobs by creation, either way (S on Created asks it).
    SERVER_ORDER = ("created", False)
    SERVER_REVERSES = True
    #: Seconds a page read ahead stays good to show (below zero: no read-ahead). Far from the
    #: cloud a page flip costs a round trip: the next page is read once one is shown, so `]`
    #: shows it at once (or as soon as it comes, if it is still on its way); jobs of a batch
    #: that can still change are read again right after (a refresh, as on a live tick).
    AHEAD_FRESH = 30.0
    #: Pages shown before (and the last page, read while the first is shown) kept as fresh as
    #: a page read ahead: `[` after `]`, and `}` / `{`, then cost no request.
    KEPT_PAGES = 8

    def __init__(self, batch: Batch) -> None:
        super().__init__()
        self.the_batch = batch
        self.filters = JobFilters(batch_id=[batch.id])
        self.direction: queries.Direction = "ASC"
        self.marks: set[str] = set()
        self.actions = JobActions(self)
        #: (what it was asked with, the page, when it came), for the page after the one shown.
        self._ahead: tuple[PageKey, Page[Job], float] | None = None
        #: What the read ahead in flight was asked with, and whether the user now wants it.
        self._ahead_flying: PageKey | None = None
        self._ahead_wanted = False
        #: Rows built and cut to the columns (and what they depend on besides the jobs), for
        #: the page read ahead (built while nobody waits) and the pages shown, the most recent
        #: last: a page flip, or a page shown again, then only swaps them in.
        self._built: list[tuple[list[Job], Hashable, Prepared]] = []
        #: Pages shown (or read for `}`), the most recent last: (key, page, when it came).
        self._kept: list[tuple[PageKey, Page[Job], float]] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield ErrorBanner()
        yield SummaryLine(id="batch-summary")
        yield FilterLine(HINT, PLACEHOLDER)
        yield self.make_table("jobs")
        with Horizontal(classes="statusline"):
            yield Pager()
        yield KeyFooter()

    @property
    def crumb(self) -> str:
        return self.the_batch.id[:8]

    def on_mount(self) -> None:
        super().on_mount()
        self.show_batch()

    def show_batch(self) -> None:
        """The batch line, from the same data as the rows: the rows' own counts when the page
        holds every job of the batch, else the batch read with the page (never an older one)."""
        b = self.the_batch
        total, counts = self.header_counts()
        line = Text()
        line.append(f"Batch {b.id}  ", style="bold")
        line.append_text(status_text(self.app, b.status.value))
        line.append(f"  {b.device_type}  {'open' if b.open else 'closed'}  ")
        line.append_text(counts_bar(self.app, counts, 12))
        line.append(f"  {plural(total, 'job')}: {counts_summary(counts)}")
        if tags := user_tags(b.tags):
            line.append(f"  tags: {', '.join(tags)}")
        if b.parent_id:  # the batch browser has no Parent column at 80 columns
            line.append(f"  parent: {b.parent_id[:8]}")
        # Unchanged: no bytes on the wire; changed: repainted in place (no re-layout).
        self.query_one("#batch-summary", SummaryLine).show(line)

    def header_counts(self) -> tuple[int, dict[str, int]]:
        """(jobs, jobs per status) for the batch line."""
        b = self.the_batch
        whole = (
            self.loaded
            and self.filters == JobFilters(batch_id=[b.id])
            and self.state.offset == 0
            and self.state.total == len(self.items)
        )
        if not whole:
            return b.jobs_count, b.jobs_count_per_status
        counted = Counter(j.status.value for j in self.items)
        return len(self.items), {s: counted.get(s, 0) for s in JOB_STATUSES} | dict(counted)

    # ---- loading ----------------------------------------------------------------------------

    def request_page(
        self,
        offset: int,
        *,
        background: bool,
        focus_id: str | None = None,
        batch_too: bool = False,
    ) -> None:
        """A page of jobs. A refresh also reads their batch again if it moved, and after a
        change (``batch_too``) always: its line is painted with the rows. A page, filter or
        order change reads the page alone: one request, and no batch document (it lists every
        job id: megabytes for a 100,000-job batch)."""
        filters, limit, direction = self.filters, self.state.limit, self.direction
        known = self.the_batch
        asked = (filters, direction)
        if not background:
            self._ahead_wanted = False
        if not background and not batch_too and focus_id is None:
            key = PageKey(filters, direction, offset, limit)
            ahead = self._take_ahead(key) or self._take_kept(key)
            if ahead is not None:
                self._show_ahead(ahead, offset)
                return
            if self._ahead_flying == key and self.pasqal.cloud.busy(self, "ahead"):
                self.app.workers.cancel_group(self, "page")  # a page asked before: superseded
                self._ahead_wanted = True  # on its way: shown when it comes, not asked twice
                return

        async def load(c: PasqalClient) -> tuple[Page[Job], Batch | None]:
            page = await c.list_jobs(
                filters, offset=offset, limit=limit, order_by=ORDER_BY, order_by_direction=direction
            )
            if batch_too:
                return page, await c.get_batch(known.id)
            return page, (await queries.batch_if_changed(c, known) if background else None)

        self.pasqal.cloud.request(
            self,
            "page",
            load,
            lambda found: JobsLoaded(found[0], background, focus_id, found[1], asked),
            background=background,
        )

    def on_jobs_loaded(self, message: JobsLoaded) -> None:
        if message.background and message.asked not in (None, (self.filters, self.direction)):
            return  # a refresh of the filter or order before: the new page is on its way
        if message.batch is not None:
            self._take_batch(message.batch)
        came_from = self.state.offset
        self.show_page(message.page, message.background, message.focus_id)
        asked = message.asked if isinstance(message.asked, tuple) else None
        filters, direction = asked or (self.filters, self.direction)
        self._keep(PageKey(filters, direction, message.page.offset, self.state.limit), message.page)
        self.show_batch()
        if message.focus_id is not None and self.table.current_id() != message.focus_id:
            self.notify("The first error is near here (several jobs share its time)", timeout=4)
        if not message.background:
            self._read_ahead(backward=self.state.offset < came_from)

    def batch_can_change(self) -> bool:
        """Jobs of a batch still open or running can change; a finished, closed one's cannot."""
        return self.the_batch.open or not self.the_batch.status.is_terminal

    def _read_ahead(self, *, backward: bool = False) -> None:
        """The page after the one shown in the way the user pages (the one before it after
        `[`: paging back from the last page is as quick as forward), in the background,
        once a page the user asked for is shown (unless it is kept fresh); on the first page,
        the last one and the errored jobs' first too."""
        if self.AHEAD_FRESH < 0:
            return
        if self.state.offset == 0:
            self._read_errors()
            self._read_last()
        nxt = self.state.previous() if backward and self.state.offset else self.state.next()
        if nxt is None:
            return
        key = PageKey(self.filters, self.direction, nxt, self.state.limit)
        if self._ahead is not None and self._ahead[0] == key:
            return
        kept = self._kept_for(key)
        if kept is not None and self._fresh(kept[2]):  # shown before: its rows built next
            self._ahead_flying = key
            self.post_message(JobsAhead(key, kept[1], came=kept[2]))
            return
        if self._read_for_later("ahead", key, lambda page: JobsAhead(key, page)):
            self._ahead_flying = key

    def _read_last(self) -> None:
        """The last page, in the background, while the first is shown (beyond the next)."""
        last, nxt = self.state.last(), self.state.next()
        if nxt is None or last <= nxt:
            return
        self._read_to_keep("ends", PageKey(self.filters, self.direction, last, self.state.limit))

    def _read_errors(self) -> None:
        """The first page of the batch's errored jobs, in the background, while its first page
        is shown unfiltered: `4` (the errors) is what a batch with errors is opened for."""
        if self.server_query.statuses or not self.the_batch.jobs_count_per_status.get("ERROR"):
            return
        try:
            query = self.parse_query(filter_query.set_key(self.query_text, "status", "error"))
        except (InputError, ValueError):
            return
        filters = filter_query.job_filters(query, self.the_batch.id)
        key = PageKey(filters, self.direction, 0, self.state.limit)
        self._read_to_keep("errors", key, other_filter=True)

    def _read_to_keep(self, purpose: str, key: PageKey, *, other_filter: bool = False) -> None:
        """Read ``key``'s page in the background to keep (JobsKept), unless it is kept fresh
        already or on its way."""
        held = self._kept_for(key)
        if (held is not None and self._fresh(held[2])) or self.pasqal.cloud.busy(self, purpose):
            return
        self._read_for_later(
            purpose, key, lambda page: JobsKept(key, page, other_filter=other_filter)
        )

    def _read_for_later(
        self, purpose: str, key: PageKey, done: Callable[[Page[Job]], Message]
    ) -> bool:
        """Read the page ``key`` names in the background, to show when asked for; whether a
        request was sent."""
        worker = self.pasqal.cloud.request(
            self,
            purpose,
            lambda c: c.list_jobs(
                key.filters,
                offset=key.offset,
                limit=key.limit,
                order_by=ORDER_BY,
                order_by_direction=key.direction,
            ),
            done,
            background=True,
        )
        return worker is not None

    def on_jobs_kept(self, message: JobsKept) -> None:
        if message.other_filter and isinstance(message.key, PageKey):
            self._keep(message.key, message.page)
            # Its rows built once the page shown is drawn, as a page read ahead: the key that
            # shows it (`4`) then only draws them.
            self.call_after_refresh(self.build_rows, list(message.page.items))
        else:
            self._keep_current(message.key, message.page)

    def _keep_current(self, key: object, page: Page[Job]) -> None:
        """Keep a page read in the background if asked with the filters and order shown."""
        if isinstance(key, PageKey) and (key.filters, key.direction) == (
            self.filters,
            self.direction,
        ):
            self._keep(key, page)

    def _kept_for(self, key: PageKey) -> tuple[PageKey, Page[Job], float] | None:
        return next((held for held in self._kept if held[0] == key), None)

    def _keep(self, key: PageKey, page: Page[Job]) -> None:
        """Keep ``page`` as the most recent; a page kept before keeps the time it came."""
        held = self._kept_for(key)
        came = held[2] if held is not None and held[1] is page else time.monotonic()
        self._kept = [held for held in self._kept if held[0] != key][1 - self.KEPT_PAGES :]
        self._kept.append((key, page, came))

    def _take_kept(self, key: PageKey) -> Page[Job] | None:
        """A page shown before (or read for `}`) for exactly ``key`` while fresh."""
        held = self._kept_for(key)
        if held is None:
            return None
        if not self._fresh(held[2]):
            self._kept.remove(held)
            return None
        return held[1]

    def on_jobs_ahead(self, message: JobsAhead) -> None:
        flying, wanted = self._ahead_flying, self._ahead_wanted
        key = message.key
        if flying is None or key != flying:  # asked before the filter, order or page changed
            if message.came is None:
                self._keep_current(key, message.page)  # still good for its page
            return
        self._ahead_flying, self._ahead_wanted = None, False
        if wanted:
            self._show_ahead(message.page, flying.offset)
        else:
            came = time.monotonic() if message.came is None else message.came
            self._ahead = (flying, message.page, came)
            if message.came is None:  # read now: kept too, should another page go ahead
                self._keep(flying, message.page)
            # Built once the page shown is drawn: it may have come before that frame.
            self.call_after_refresh(self._prebuild, message.page)

    def _prebuild(self, page: Page[Job]) -> None:
        """The rows of the page read ahead, built and cut while nobody waits."""
        if self._ahead is None or self._ahead[1] is not page:
            return  # shown (or replaced) meanwhile
        self.build_rows(list(page.items))

    def _rows_context(self, items: list[Job]) -> Hashable:
        """What a row shows besides its job: the columns, the theme, which jobs are marked."""
        marked = frozenset(j.id for j in items if j.id in self.marks)
        return (self.narrow, self.app.theme, marked)

    def build_rows(self, items: list[Job]) -> list[Row] | Prepared:
        context = self._rows_context(items)
        for jobs, built_with, rows in reversed(self._built):
            same = len(jobs) == len(items) and all(a is b for a, b in zip(jobs, items, strict=True))
            if same and built_with == context:
                return rows
        rows = self.table.prepare([self.build_row(i) for i in items])
        self._built = [*self._built[-self.KEPT_PAGES :], (items, context, rows)]
        return rows

    def _show_ahead(self, page: Page[Job], offset: int) -> None:
        """Show a page read ahead as if just asked for; a batch that can still change has it
        read again at once (what a live tick would do). A page asked for before it, still on
        its way, is superseded: it would land after this one."""
        self.app.workers.cancel_group(self, "page")
        self.post_message(JobsLoaded(page, False, None, None, (self.filters, self.direction)))
        if self.batch_can_change():
            self.request_page(offset, background=True)

    def _take_ahead(self, key: PageKey) -> Page[Job] | None:
        """The page read ahead for exactly ``key`` while fresh; handed out once."""
        held = self._ahead
        if held is None or held[0] != key:
            return None
        self._ahead = None
        return held[1] if self._fresh(held[2]) else None

    def _fresh(self, came: float) -> bool:
        """Whether a page that came at ``came`` (monotonic) may still be shown as it is."""
        fresh = self.AHEAD_FRESH
        if self.batch_can_change():  # no older than a live tick would show it
            fresh = min(fresh, self.pasqal.refresh_loop.interval)
        return time.monotonic() - came <= fresh

    def on_request_failed(self, message: RequestFailed) -> None:
        # Textual then calls TableScreen's handler (stale, said) unless told not to: a page
        # read ahead that failed is nobody's problem yet; it is read when asked for.
        if message.failure.purpose in ("ends", "errors"):  # read again when asked for
            message.prevent_default()
            return
        if message.failure.purpose != "ahead":
            return
        message.prevent_default()
        flying, wanted = self._ahead_flying, self._ahead_wanted
        self._ahead_flying, self._ahead_wanted = None, False
        if wanted and flying is not None:  # asked for meanwhile: read it as usual
            self.request_page(flying.offset, background=False)

    def refresh_data(self, include_settled: bool) -> None:
        """While the batch can change, its page (and the batch with it) on every tick."""
        batch = self.the_batch
        if include_settled or not batch.status.is_terminal or batch.open:
            if self.loaded or self.stale:
                self.request_page(self.state.offset, background=True)
            return
        super().refresh_data(include_settled)

    def _take_batch(self, batch: Batch) -> None:
        before = self.the_batch.status
        self.the_batch = batch
        if before != batch.status:
            self.notify(
                f"Batch {batch.id[:8]}: {before.value} → {batch.status.value}",
                title="Status change",
                timeout=6,
            )

    def build_row(self, item: Job) -> Row:
        now, narrow = self.pasqal.clock(), self.narrow
        mark: str | Text = " "
        if item.id in self.marks:
            mark = Text("●", style=self.app.theme_variables.get("mark", ""))
        cells: dict[str, str | Text] = {
            "mark": mark,
            "id": item.id[:8],
            "status": status_text(self.app, item.status.value),
            "runs": "" if item.runs is None else f"{item.runs:,}",
            "variables": compact_variables(item.variables, FULL),  # the table cuts it with …
            "error": first_error_line(item),
            "created": relative(item.created_at, now, compact=narrow),
            "started": relative(item.start_timestamp, now, compact=narrow),
            "ended": relative(item.end_timestamp, now, compact=narrow),
        }
        return item.id, self.pick(cells)

    def is_live(self, item: Job) -> bool:
        return not JobStatus(item.status).is_terminal

    def summary(self) -> str:
        marks = f"{len(self.marks):,} marked" if self.marks else ""
        order = self.sort_summary()
        if not self.sorted_locally():  # the API's creation order, either way
            order = "oldest first" if self.direction == "ASC" else "newest first"
        return "  ·  ".join(p for p in (self.filter_summary(), order, marks) if p)

    def apply_server_query(self, query: Query) -> None:
        self.filters = filter_query.job_filters(query, self.the_batch.id)

    def item_id(self, item: Job) -> str:
        return item.id

    def item_text(self, item: Job) -> str:
        return filter_query.job_text(item, self.the_batch.device_type)

    def server_sort(self, descending: bool) -> None:
        self.direction = "DESC" if descending else "ASC"
        self.reload()

    # ---- what the action controller asks ------------------------------------------------------

    def target_batch(self) -> Batch | None:
        return self.the_batch

    def current_job(self) -> Job | None:
        row_id = self.table.current_id()
        return next((j for j in self.items if j.id == row_id), None)

    def filter_values(self) -> dict[str, str]:
        """The rebatch dialog's fields for the jobs the API filter keeps."""
        return self.server_query.rebatch_values()

    def after_mutation(self, batch: Batch | None) -> None:
        self._ahead = None  # read (and built) before the change
        self._built.clear()
        self._kept.clear()
        if batch is not None and batch.id == self.the_batch.id:
            self.the_batch = batch
            self.show_batch()
        self.request_page(self.state.offset, background=False, batch_too=True)

    # ---- actions ----------------------------------------------------------------------------

    def action_mark(self) -> None:
        row_id = self.table.current_id()
        if row_id is None:
            return
        self.marks.symmetric_difference_update({row_id})
        self.repaint()
        if self.table.cursor_row < self.table.row_count - 1:
            self.table.move_cursor(row=self.table.cursor_row + 1, animate=False)

    def action_clear_marks(self) -> None:
        self.marks.clear()
        self.repaint()

    def action_errors_only(self) -> None:
        self.set_query_key("errors", "" if self.server_query.errors else "yes")

    def action_first_error(self) -> None:
        """Find the first ERROR under the current filters and open the page that holds it."""
        filters, limit, direction = self.filters, self.state.limit, self.direction
        if filters.status and JobStatus.ERROR not in filters.status:
            self.notify("The status filter hides ERROR jobs", severity="warning", timeout=4)
            return

        def done(found: FirstError | None) -> Message:
            if found is None:
                return Notice("No ERROR job here")
            return JobsLoaded(found.page, False, found.job.id)

        self.pasqal.cloud.request(
            self,
            "page",
            lambda c: queries.find_first_error(c, filters, limit=limit, direction=direction),
            done,
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from pasqal_tui.tui.screens.job import JobScreen

        row_id = self.table.id_at(event.cursor_row)
        job = next((j for j in self.items if j.id == row_id), None)
        if job is not None:
            self.app.push_screen(JobScreen(job))
