"""What the batch browser and the job table share: paging, the live filter, sorting, refresh.

Subclasses say how to load a page and how to turn an item into a row; this class keeps the page
state, repaints only changed rows, and never awaits a request in a key handler.

The filter line's query (ops.query) has two parts: the API's filters (sent once typing pauses,
so they reach every page) and what narrows the loaded rows (free words, id prefixes; applied at
each key). Sorting is the server's where the API orders, else applied to the loaded page. Both
are applied in :meth:`TableScreen.repaint`, so a live refresh or a new page keeps them and never
flashes unfiltered rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets.data_table import ColumnKey

from pasqal_tui.cloud.parsing import MAX_PAGE_SIZE
from pasqal_tui.core.user_input import InputError
from pasqal_tui.ops import query as queries
from pasqal_tui.ops.ordering import SortKey, sort_items
from pasqal_tui.ops.query import Query
from pasqal_tui.tui.app_access import AppAccess
from pasqal_tui.tui.messages import Notice, RequestFailed
from pasqal_tui.tui.widgets.filter_line import FilterLine
from pasqal_tui.tui.widgets.key_footer import binding_is_paging
from pasqal_tui.tui.widgets.pager import Pager, PageState
from pasqal_tui.tui.widgets.table import Cell, DiffTable, Flex, Prepared, Row

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
        )
        for key, status in zip(STATUS_KEYS, statuses, strict=False)
    ]


class TableScreen(AppAccess, Screen[None], Generic[ItemT]):
    """A paged, filtered, live table of one kind of resource."""

    #: The table has the focus from the start. Textual's default ("*") gave it to the first
    #: focusable widget as the screen was composed, the filter line's (hidden) input, until
    #: on_mount's focus of the table landed; a slow start left it there, and letters typed
    #: then (`e`, `/`...) went into the hidden filter.
    AUTO_FOCUS = "DiffTable"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="table.back"),
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
    #: The columns that take whatever width the fixed ones (ids, times) leave: (weight, cap).
    FLEX: ClassVar[Flex] = {}
    #: The keys the filter line accepts (ops.query).
    QUERY_KEYS: ClassVar[tuple[str, ...]] = ()
    #: Sort keys by column; `s` cycles through the shown columns that have one.
    SORT_KEYS: ClassVar[dict[str, SortKey]] = {}
    #: The server's order: (column, descending), and whether the API can reverse it.
    SERVER_ORDER: ClassVar[tuple[str, bool]] = ("created", True)
    SERVER_REVERSES: ClassVar[bool] = False

    def __init__(self) -> None:
        super().__init__()
        self.state = PageState(limit=PAGE_SIZE)
        #: The page asked for last while it is on its way: `]` typed four times fast goes four
        #: pages on, not four times to the page after the one still shown.
        self.asked_offset: int | None = None
        self.items: list[ItemT] = []
        self.loaded = False
        self.stale = False
        self.columns: Columns = self.COLUMNS
        #: The filter line's text as last applied, and its two parts in effect.
        self.query_text = ""
        self.local_query = Query()
        self.server_query = Query()
        self.sort_column, self.sort_descending = self.SERVER_ORDER
        #: The row the cursor was on when `/` was pressed: back under the cursor whenever the
        #: filter shows it again (so Esc returns to where one was).
        self._anchor: str | None = None
        self._paged = False

    @property
    def table(self) -> DiffTable:
        return self.query_one(DiffTable)

    # ---- columns ----------------------------------------------------------------------------

    @property
    def narrow(self) -> bool:
        return self.columns is not self.COLUMNS

    def columns_for(self, width: int) -> Columns:
        """Every column if they fit ``width``, else the narrow ones (the table widens the
        flexible ones to its width)."""
        if not self.NARROW_COLUMNS or table_width(self.COLUMNS) <= width:
            return self.COLUMNS
        return self.NARROW_COLUMNS

    def make_table(self, table_id: str) -> DiffTable:
        """The table with the columns that fit the terminal as it is now."""
        self.columns = self.columns_for(self.app.size.width)
        table = DiffTable(id=table_id)
        table.setup_columns(self.columns, self.FLEX)
        return table

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
        table.reset_columns(self.columns, self.FLEX)
        self.show_sort_mark()
        if self.loaded:
            self.repaint(keep_cursor=False)
            if current is not None:
                table.move_to_id(current)

    # ---- subclass hooks ---------------------------------------------------------------------

    def request_page(self, offset: int, *, background: bool, focus_id: str | None = None) -> None:
        raise NotImplementedError

    def build_row(self, item: ItemT) -> Row:
        raise NotImplementedError

    def apply_server_query(self, query: Query) -> None:
        """Set the API's filters from ``query``; raise InputError (or ValueError) if unusable."""
        raise NotImplementedError

    def item_id(self, item: ItemT) -> str:
        raise NotImplementedError

    def item_text(self, item: ItemT) -> str:
        """What free words of the filter match on (ops.query.batch_text, job_text)."""
        raise NotImplementedError

    def item_tags(self, item: ItemT) -> list[str]:
        return []

    def server_sort(self, descending: bool) -> None:
        """Ask the API for its order reversed (only where SERVER_REVERSES)."""

    def is_live(self, item: ItemT) -> bool:
        raise NotImplementedError

    def summary(self) -> str:
        return ""

    # ---- loading ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = self.pasqal.session_title
        self.query_one(FilterLine).display = False
        self.table.focus()
        self.reload()

    def reload(self, offset: int = 0, focus_id: str | None = None) -> None:
        self.asked_offset = offset
        self.request_page(offset, background=False, focus_id=focus_id)

    def show_page(self, page: Page[ItemT], background: bool, focus_id: str | None = None) -> None:
        self.state = PageState(offset=page.offset, limit=self.state.limit, total=page.total)
        # The page asked for has come, or nothing else is on its way (a page asked before it,
        # shown late, leaves the count of fast keys where it was).
        if not background and (
            page.offset == self.asked_offset or not self.pasqal.cloud.busy(self, "page")
        ):
            self.asked_offset = None
        self.items = list(page.items)
        self.loaded = True
        self.stale = False
        self.repaint(keep_cursor=background)
        if focus_id is not None:
            self.table.move_to_id(focus_id)

    def repaint(self, *, keep_cursor: bool = True) -> int:
        changed = self.table.sync(self.build_rows(self.visible_items()), keep_cursor=keep_cursor)
        # While typing: on the row the cursor was on at `/` whenever it is shown, else on the
        # first row, whichever of the words and the API's answer came first.
        anchor = self._anchor if self.typing_filter() and self.table.row_count else None
        if anchor is not None and not self.table.move_to_id(anchor):
            self.table.move_cursor(row=0, animate=False, scroll=True)
        self.show_pager()
        return changed

    def build_rows(self, items: list[ItemT]) -> list[Row] | Prepared:
        return [self.build_row(i) for i in items]

    def visible_items(self) -> list[ItemT]:
        """The loaded rows the filter keeps, in the chosen order."""
        local = self.local_query
        items = self.items
        if local.local:
            items = [i for i in items if self._keeps(i)]
        if self.sorted_locally():
            key = self.SORT_KEYS[self.sort_column]
            return sort_items(items, key, descending=self.sort_descending)
        return list(items)

    def _keeps(self, item: ItemT) -> bool:
        return self.local_query.keeps(
            self.item_id(item), self.item_text(item), self.item_tags(item)
        )

    def show_pager(self) -> None:
        paused = "live refresh paused (p)" if self.pasqal.refresh_loop.paused else ""
        extra = "  ·  ".join(p for p in (paused, self.summary()) if p)
        self.query_one(Pager).show(self.state, len(self.items), extra)
        paged = self.state.pages > 1
        if paged != self._paged:  # the footer offers paging keys only when there are pages
            self._paged = paged
            self.refresh_bindings()

    def footer_hides(self, binding: Binding) -> bool:
        """The pager's keys are left out of the footer while everything is on one page."""
        return not self._paged and binding_is_paging(binding)

    def filter_summary(self) -> str:
        """``server: status=ERROR  ·  on this page: "atom loss" (3 of 100)``."""
        parts = []
        if server := self.server_summary():
            parts.append(f"server: {server}")
        if local := self.local_query.local_summary():
            shown = len(self.visible_items()) if self.local_query.local else len(self.items)
            parts.append(f"on this page: {local} ({shown:,} of {len(self.items):,})")
        return "  ·  ".join(parts)

    def server_summary(self) -> str:
        return self.server_query.server_summary()

    def refresh_data(self, include_settled: bool) -> None:
        """Called by the refresh loop: reload only when something shown can still change."""
        if not self.loaded and not self.stale:
            return
        if include_settled or self.stale or any(self.is_live(i) for i in self.items):
            self.request_page(self.state.offset, background=True)

    def on_notice(self, message: Notice) -> None:
        self.notify(message.text, timeout=4, markup=False)

    def on_request_failed(self, message: RequestFailed) -> None:
        self.asked_offset = None
        self.stale = True
        self.say_failure(message.failure)

    # ---- actions ----------------------------------------------------------------------------

    def action_back(self) -> None:
        line = self.query_one(FilterLine)
        if self.query_text or line.display:  # Esc first clears the filter
            line.action_clear()
        elif len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:  # the root screen: a stray Esc must not end the session
            self.notify("Press q to quit", timeout=2)

    # ---- the live filter ------------------------------------------------------------------------

    def typing_filter(self) -> bool:
        return self.query_one(FilterLine).typing

    def open_filter(self) -> None:
        self._anchor = self.table.current_id() or self._anchor
        self.query_one(FilterLine).open()

    def parse_query(self, text: str) -> Query:
        return queries.parse(
            text, keys=self.QUERY_KEYS, statuses=self.STATUSES, now=self.pasqal.clock()
        )

    def on_filter_line_typed(self, message: FilterLine.Typed) -> None:
        """Narrow the loaded rows at once; a bad token is said once typing pauses."""
        try:
            query = self.parse_query(message.text)
        except InputError:
            return
        self.query_one(FilterLine).clear_error()
        if query.local_summary() != self.local_query.local_summary():
            self.local_query = query
            self.repaint()

    def on_filter_line_settled(self, message: FilterLine.Settled) -> None:
        if self.apply_query(message.text) and message.submitted:
            self._anchor = None
            self.table.focus()
            self.query_one(FilterLine).set_text(self.query_text)

    def on_filter_line_cleared(self, _message: FilterLine.Cleared) -> None:
        anchor, self._anchor = self._anchor, None
        self.apply_query("")
        if anchor is not None:
            self.table.move_to_id(anchor)
        self.table.focus()

    def apply_query(self, text: str) -> bool:
        """Apply the filter line's ``text``: the API's part only if it changed (one request).
        A bad token is said on the line, and the filter in effect stays as it was."""
        line = self.query_one(FilterLine)
        try:
            query = self.parse_query(text)
            if query.server_key != self.server_query.server_key:
                self.apply_server_query(query)
        except (InputError, ValueError) as exc:
            line.show_error(str(exc).splitlines()[0])
            return False
        line.clear_error()
        self.query_text = text.strip()
        self.local_query = query
        if query.server_key != self.server_query.server_key:
            self.server_query = query
            self.reload()
        else:
            self.repaint()
        return True

    def set_query_key(self, key: str, value: str) -> None:
        """One key of the filter set from a shortcut (1-6, errored only), the rest as typed."""
        text = queries.set_key(self.query_text, key, value)
        if self.apply_query(text):
            self.query_one(FilterLine).set_text(self.query_text)
        else:
            self.query_one(FilterLine).display = True

    def action_toggle_status(self, status: str) -> None:
        chosen = "" if self.server_query.statuses == (status,) else status.lower()
        self.set_query_key("status", chosen)

    def action_clear_filters(self) -> None:
        self.query_one(FilterLine).action_clear()

    # ---- sorting ----------------------------------------------------------------------------

    def sorted_locally(self) -> bool:
        """Whether the order is applied to the loaded page (the API's own order otherwise)."""
        column, descending = self.SERVER_ORDER
        if self.sort_column != column:
            return True
        return descending != self.sort_descending and not self.SERVER_REVERSES

    def sort_next(self) -> None:
        """`s`: the next shown column with a sort key, ascending (the API's order first)."""
        shown = [k for k, _, _ in self.columns if k in self.SORT_KEYS]
        if not shown:
            return
        at = shown.index(self.sort_column) if self.sort_column in shown else -1
        column = shown[(at + 1) % len(shown)]
        server_column, server_descending = self.SERVER_ORDER
        self._sort(column, server_descending if column == server_column else False)

    def sort_flip(self) -> None:
        """`S`: the same column, the other way."""
        self._sort(self.sort_column, not self.sort_descending)

    def _sort(self, column: str, descending: bool) -> None:
        server_column, _ = self.SERVER_ORDER
        reorder = self.SERVER_REVERSES and column == server_column
        was_server = self.SERVER_REVERSES and self.sort_column == server_column
        before = self.sort_descending
        self.sort_column, self.sort_descending = column, descending
        self.show_sort_mark()
        if reorder and (not was_server or before != descending):
            self.server_sort(descending)
        else:
            self.repaint()

    def sort_default(self) -> bool:
        return (self.sort_column, self.sort_descending) == self.SERVER_ORDER

    def show_sort_mark(self) -> None:
        """▲/▼ after the sorted column's label, once the user has chosen an order."""
        table = self.table
        for key, label, width in self.columns:
            column = table.columns.get(ColumnKey(key))
            if column is None:
                continue
            text = label
            if key == self.sort_column and not self.sort_default():
                text = sort_label(label, width, "▼" if self.sort_descending else "▲")
            if column.label.plain != text:
                column.label = Text(text)
                table.refresh()

    def sort_summary(self) -> str:
        """``sorted by device ▲ (this page)``; "" for the API's own order."""
        if self.sort_default():
            return ""
        label = next((lbl for k, lbl, _ in self.COLUMNS if k == self.sort_column), self.sort_column)
        mark = "▼" if self.sort_descending else "▲"
        where = "this page" if self.sorted_locally() else "server"
        return f"sorted by {label.lower()} {mark} ({where})"

    def action_page(self, step: int) -> None:
        state = self.state
        if self.asked_offset is not None:  # counted from the page on its way
            state = replace(state, offset=self.asked_offset)
        target = state.next() if step > 0 else state.previous()
        if target is None:
            self.notify("No more pages that way", timeout=2)
            return
        self.reload(target)

    def action_first_page(self) -> None:
        self.reload(0)

    def action_last_page(self) -> None:
        self.reload(self.state.last())


def sort_label(label: str, width: int, mark: str) -> str:
    """``Device ▲``, shortened so the mark always shows within the column's ``width``."""
    if len(label) + 2 <= width:
        return f"{label} {mark}"
    return label[: max(0, width - 1)] + mark
