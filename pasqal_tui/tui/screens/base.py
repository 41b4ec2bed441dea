"""What the batch browser and the job table share: paging, filters, status toggles, refresh.

Subclasses say how to load a page and how to turn an item into a row; this class keeps the page
state, repaints only changed rows, and never awaits a request in a key handler.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import Screen

from pasqal_tui.cloud.parsing import MAX_PAGE_SIZE
from pasqal_tui.core.user_input import InputError
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import Notice, RequestFailed
from pasqal_tui.tui.widgets.filter_bar import FilterBar
from pasqal_tui.tui.widgets.pager import Pager, PageState
from pasqal_tui.tui.widgets.table import Cell, DiffTable, Row

if TYPE_CHECKING:
    from pasqal_tui.cloud.models import Page

ItemT = TypeVar("ItemT")
#: The API's largest page; the login asks for the first one early (session.first_batches_page).
PAGE_SIZE = MAX_PAGE_SIZE

STATUS_KEYS = ("1", "2", "3", "4", "5", "6")
#: (key, label, width) of a table's columns.
Columns = Sequence[tuple[str, str, int]]


def table_width(columns: Columns) -> int:
    """Cells, their padding (one each side) and the 1-cell vertical scrollbar (app.tcss)."""
    return sum(width + 2 for _, _, width in columns) + 1


def status_bindings(
    prefix: str, statuses: Sequence[str], labels: Mapping[str, str] | None = None
) -> list[BindingType]:
    """1-6 show one status; ``labels`` words a key whose status means more than its name."""
    return [
        Binding(
            key,
            f"toggle_status('{status}')",
            (labels or {}).get(status, f"Only {status.lower()}"),
            id=f"{prefix}.status.{status.lower()}",
            show=False,
        )
        for key, status in zip(STATUS_KEYS, statuses, strict=False)
    ]


class TableScreen(AppAccess, Screen[None], Generic[ItemT]):
    """A paged, filtered, live table of one kind of resource."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="table.back"),
        Binding("slash", "filters", "Filter", id="table.filter"),
        Binding("0", "clear_filters", "Clear filters", id="table.clear", show=False),
        Binding("right_square_bracket", "page(1)", "Next page", id="table.next"),
        Binding("left_square_bracket", "page(-1)", "Prev page", id="table.prev"),
        Binding("left_curly_bracket", "first_page", "First page", id="table.first", show=False),
        Binding("right_curly_bracket", "last_page", "Last page", id="table.last", show=False),
    ]

    #: The status names the 1-6 keys toggle.
    STATUSES: ClassVar[tuple[str, ...]] = ()
    #: Every column; used whenever they fit the terminal's width.
    COLUMNS: ClassVar[Columns] = ()
    #: Fewer, narrower columns where COLUMNS would need horizontal scrolling (80 columns):
    #: what they leave out is in the screen's detail line or the next screen.
    NARROW_COLUMNS: ClassVar[Columns] = ()
    #: The narrow layout's column that takes whatever width is left (tags, error text).
    FLEX_COLUMN: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self.state = PageState(limit=PAGE_SIZE)
        self.items: list[ItemT] = []
        self.status_filter: list[str] = []
        self.loaded = False
        self.stale = False
        self.columns: Columns = self.COLUMNS

    @property
    def table(self) -> DiffTable:
        return self.query_one(DiffTable)

    # ---- columns ----------------------------------------------------------------------------

    @property
    def narrow(self) -> bool:
        return self.columns is not self.COLUMNS

    def columns_for(self, width: int) -> Columns:
        """Every column if they fit ``width``, else the narrow ones, the flexible one widened."""
        if not self.NARROW_COLUMNS or table_width(self.COLUMNS) <= width:
            return self.COLUMNS
        spare = max(0, width - table_width(self.NARROW_COLUMNS))
        return tuple(
            (key, label, size + spare if key == self.FLEX_COLUMN else size)
            for key, label, size in self.NARROW_COLUMNS
        )

    def make_table(self, table_id: str) -> DiffTable:
        """The table with the columns that fit the terminal as it is now."""
        self.columns = self.columns_for(self.app.size.width)
        table = DiffTable(id=table_id)
        table.setup_columns(self.columns)
        return table

    def column_width(self, key: str) -> int:
        return next((size for k, _, size in self.columns if k == key), 0)

    def pick(self, cells: dict[str, Cell]) -> list[Cell]:
        """A row's cells for the columns shown, from all of them by column key."""
        return [cells[key] for key, _, _ in self.columns]

    def on_resize(self, event: events.Resize) -> None:
        columns = self.columns_for(event.size.width)
        if columns == self.columns:
            return
        self.columns = columns
        table = self.table
        current = table.current_id()
        table.reset_columns(self.columns)
        if self.loaded:
            self.repaint(keep_cursor=False)
            if current is not None:
                table.move_to_id(current)

    # ---- subclass hooks ---------------------------------------------------------------------

    def request_page(self, offset: int, *, background: bool, focus_id: str | None = None) -> None:
        raise NotImplementedError

    def build_row(self, item: ItemT) -> Row:
        raise NotImplementedError

    def apply_filter_text(self, values: dict[str, str]) -> None:
        """Parse the bar's fields into filters; raise InputError on a bad value."""
        raise NotImplementedError

    def is_live(self, item: ItemT) -> bool:
        raise NotImplementedError

    def summary(self) -> str:
        return ""

    # ---- loading ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = self.pasqal.session_title
        self.query_one(FilterBar).display = False
        self.table.focus()
        self.reload()

    def reload(self, offset: int = 0, focus_id: str | None = None) -> None:
        self.request_page(offset, background=False, focus_id=focus_id)

    def show_page(self, page: Page[ItemT], background: bool, focus_id: str | None = None) -> None:
        self.state = PageState(offset=page.offset, limit=self.state.limit, total=page.total)
        self.items = list(page.items)
        self.loaded = True
        self.stale = False
        self.repaint(keep_cursor=background)
        if focus_id is not None:
            self.table.move_to_id(focus_id)

    def repaint(self, *, keep_cursor: bool = True) -> int:
        changed = self.table.sync([self.build_row(i) for i in self.items], keep_cursor=keep_cursor)
        self.show_pager()
        return changed

    def show_pager(self) -> None:
        paused = "live refresh paused (p)" if self.pasqal.refresh_loop.paused else ""
        extra = "  ·  ".join(p for p in (paused, self.summary()) if p)
        self.query_one(Pager).show(self.state, len(self.items), extra)

    def refresh_data(self, include_settled: bool) -> None:
        """Called by the refresh loop: reload only when something shown can still change."""
        if not self.loaded and not self.stale:
            return
        if include_settled or self.stale or any(self.is_live(i) for i in self.items):
            self.request_page(self.state.offset, background=True)

    def on_notice(self, message: Notice) -> None:
        self.notify(message.text, timeout=4, markup=False)

    def on_request_failed(self, message: RequestFailed) -> None:
        self.stale = True
        self.say_failure(message.failure)

    # ---- actions ----------------------------------------------------------------------------

    def action_back(self) -> None:
        bar = self.query_one(FilterBar)
        if bar.display:  # Esc first closes the filters left open; they stay applied
            bar.action_close()
        elif len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:  # the root screen: a stray Esc must not end the session
            self.notify("Press q to quit", timeout=2)

    def action_filters(self) -> None:
        self.query_one(FilterBar).open()

    def on_filter_bar_applied(self, message: FilterBar.Applied) -> None:
        bar = self.query_one(FilterBar)
        try:
            self.apply_filter_text(message.values)
        except InputError as exc:
            bar.show_error(str(exc))
            return
        bar.clear_error()
        self.status_filter = _split(message.values.get("status", ""))
        self.reload()
        self.table.focus()

    def on_filter_bar_closed(self, _message: FilterBar.Closed) -> None:
        self.table.focus()

    def action_toggle_status(self, status: str) -> None:
        chosen = [status] if self.status_filter != [status] else []
        self.status_filter = chosen
        bar = self.query_one(FilterBar)
        bar.set_value("status", ",".join(chosen))
        values = bar.values
        try:
            self.apply_filter_text(values)
        except InputError as exc:
            bar.display = True
            bar.show_error(str(exc))
            return
        self.reload()

    def action_clear_filters(self) -> None:
        bar = self.query_one(FilterBar)
        for key in bar.values:
            bar.set_value(key, "")
        bar.clear_error()
        self.status_filter = []
        self.apply_filter_text(bar.values)
        self.reload()

    def action_page(self, step: int) -> None:
        target = self.state.next() if step > 0 else self.state.previous()
        if target is None:
            self.notify("No more pages that way", timeout=2)
            return
        self.reload(target)

    def action_first_page(self) -> None:
        self.reload(0)

    def action_last_page(self) -> None:
        self.reload(self.state.last())


def _split(text: str) -> list[str]:
    return [w.strip().upper() for w in text.replace(" ", ",").split(",") if w.strip()]


def filters_summary(values: dict[str, Any]) -> str:
    parts = [f"{k}={v}" for k, v in values.items() if v not in (None, "", [])]
    return "filters: " + ", ".join(parts) if parts else ""
