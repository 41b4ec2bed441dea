"""A DataTable that applies new data as a diff, repainting only the rows that changed.

``DataTable.update_cell`` refreshes the whole widget (about 15 KiB per tick at 160x45 over SSH);
a changed row repainted alone costs a few hundred bytes, and an unchanged page costs nothing.

With fixed column widths, rows live in numbered slots and a new page rewrites the slots' cells:
no clear, no re-measuring of a hundred rows, no relayout of the screen. Resource ids are kept
beside the slots, so callers only ever see ids.

A one-line cell that fits its column (all of ours: they are cut to width with "…") is drawn
straight into its segments, as DataTable's general path (Rich's Padding, Styled and line
splitting, ~90 us a cell) would draw it, in a tenth of the time: that general path made
drawing a new page of 40 visible rows cost ~95 ms on a 2-core machine, most of a page flip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import Column, ColumnKey, RowKey

Cell = str | Text
Row = tuple[str, Sequence[Cell]]
#: A flexible column's share of the spare width and its cap (0: none): capped columns (a device
#: name) are filled first, the others (error text, tags) share the rest by weight.
Flex = Mapping[str, tuple[int, int]]
#: The vertical scrollbar (app.tcss) and each cell's padding, one each side.
SCROLLBAR = 1
PADDING = 2
#: Cell styles kept (a page of 100 rows of 10 columns, under and off the cursor, in a few
#: themes) before they are made anew.
CELL_STYLES_KEPT = 8192


def flex_widths(columns: Sequence[tuple[str, str, int]], flex: Flex, width: int) -> list[int]:
    """Each column's width when the table is ``width`` cells wide: fixed columns keep theirs,
    flexible ones share what is left (never below their given width)."""
    widths = {key: size for key, _, size in columns}
    spare = width - SCROLLBAR - sum(size + PADDING for size in widths.values())
    capped = [k for k in widths if k in flex and flex[k][1]]
    for key in capped:
        grow = max(0, min(spare, flex[key][1] - widths[key]))
        widths[key] += grow
        spare -= grow
    shared = [k for k in widths if k in flex and not flex[k][1]]
    weights = sum(flex[k][0] for k in shared)
    if spare > 0 and weights:
        given = 0
        for index, key in enumerate(shared):
            last = index == len(shared) - 1
            grow = spare - given if last else spare * flex[key][0] // weights
            widths[key] += grow
            given += grow
    return [widths[key] for key, _, _ in columns]


def ellipsize(cell: Text, width: int) -> Text:
    """The cell cut to ``width`` cells, ending with "…" when something was cut."""
    if width <= 0 or cell.cell_len <= width:
        return cell
    cut = cell.copy()
    cut.truncate(width, overflow="ellipsis")
    return cut


@dataclass(frozen=True)
class Prepared:
    """Rows ready for :meth:`DiffTable.sync`: in full, and cut to the column widths."""

    widths: tuple[int, ...]
    full: list[tuple[str, list[Text]]]
    cut: list[Row]


class _Draw(NamedTuple):
    """What drawing the table reads on every line, read once as a draw begins: nothing
    restyles the table or changes its columns while its lines are drawn."""

    style: Style
    columns: list[Column]
    widths: list[int]


def _slot(index: int) -> str:
    return f"slot-{index}"


class DiffTable(DataTable[Cell]):
    """Rows named by resource id; :meth:`sync` keeps cursor and scroll across updates.

    Its motion keys are the app's, shared by every table (:mod:`pasqal_tui.tui.navigation`)."""

    #: Set while lines are drawn (DataTable's constructor already asks for the columns).
    _draw: _Draw | None = None

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._ids: list[str] = []
        #: The columns as given (before the flexible ones are widened) and the rows in full:
        #: a resize lays the columns out again and cuts the full text anew.
        self._given: list[tuple[str, str, int]] = []
        self._flex: Flex = {}
        self._rows: list[tuple[str, list[Text]]] = []
        #: Each body cell's style and that of its padding, by (row, column, row style,
        #: cursor styles): the same for every page.
        self._cell_style: dict[tuple[int, int, Style, Style, Style], tuple[Style, Style]] = {}

    def setup_columns(
        self, columns: Sequence[tuple[str, str, int | None]], flex: Flex | None = None
    ) -> None:
        """(key, label, width) triples; ``flex`` columns take the width the others leave. A
        width of None is Textual's auto width (re-measured on new rows; never cut)."""
        fixed = [(k, label, w) for k, label, w in columns if w is not None]
        self._given = fixed if len(fixed) == len(columns) else []
        self._flex = dict(flex or {})
        width = self.size.width or (self.app.size.width if self.is_attached else 0)
        sizes = flex_widths(self._given, self._flex, width) if width and self._given else None
        for index, (key, label, size) in enumerate(columns):
            self.add_column(label, key=key, width=sizes[index] if sizes else size)

    def reset_columns(
        self, columns: Sequence[tuple[str, str, int | None]], flex: Flex | None = None
    ) -> None:
        """Start over with other columns (a terminal resized across a layout threshold)."""
        self.clear(columns=True)
        self._ids = []
        self.setup_columns(columns, self._flex if flex is None else flex)

    def column_widths(self) -> list[int]:
        """Each column's width; 0 for an auto-width one (its text is never cut)."""
        return [0 if c.auto_width else c.width for c in self.columns.values()]

    def on_resize(self) -> None:
        """Lay the flexible columns out for the new width; the full text is cut anew."""
        if not self._given or self.size.width <= 0:
            return
        wanted = flex_widths(self._given, self._flex, self.size.width)
        if wanted == self.column_widths():
            return
        current = self.current_id()
        rows = list(self._rows)
        self.clear(columns=True)
        self._ids = []
        for (key, label, _), size in zip(self._given, wanted, strict=True):
            self.add_column(label, key=key, width=size)
        if rows:
            self.sync(rows, keep_cursor=False)
            if current is not None:
                self.move_to_id(current)

    @property
    def row_ids(self) -> list[str]:
        return list(self._ids)

    @property
    def _slotted(self) -> bool:
        """Slots need fixed widths: an auto-width column must be re-measured on new rows."""
        return bool(self.columns) and not any(c.auto_width for c in self.columns.values())

    def current_id(self) -> str | None:
        if not self._ids:
            return None
        return self._ids[min(self.cursor_row, len(self._ids) - 1)]

    def id_at(self, index: int) -> str:
        return self._ids[index]

    def get_row_by_id(self, row_id: str) -> list[Cell]:
        return self.get_row_at(self._ids.index(row_id))

    def move_to_id(self, row_id: str) -> bool:
        if row_id not in self._ids:
            return False
        self.move_cursor(row=self._ids.index(row_id), animate=False, scroll=True)
        return True

    def prepare(self, rows: Sequence[Row]) -> Prepared:
        """``rows`` made ready for :meth:`sync` at the current column widths (a page read
        ahead is prepared before its key is pressed)."""
        # Plain strings would be parsed as console markup on every render: pass Text instead.
        full = [(key, [c if isinstance(c, Text) else Text(c) for c in row]) for key, row in rows]
        widths = self.column_widths()
        cut: list[Row] = [
            (key, [ellipsize(c, w) for c, w in zip(cells, widths, strict=False)])
            for key, cells in full
        ]
        return Prepared(tuple(widths), full, cut)

    def sync(self, rows: Sequence[Row] | Prepared, *, keep_cursor: bool = True) -> int:
        """Apply ``rows``; return how many rows were repainted (0: nothing was written)."""
        if not isinstance(rows, Prepared):
            prepared = self.prepare(rows)
        elif rows.widths != tuple(self.column_widths()):  # prepared before a resize
            prepared = self.prepare(rows.full)
        else:
            prepared = rows
        self._rows = prepared.full
        cut = prepared.cut
        new_ids = [key for key, _ in cut]
        old_ids = self._ids
        cursor_id = self.current_id() if keep_cursor else None
        cursor_index = self.cursor_row
        if self._slotted:
            changed = self._resize(cut) + self._patch(cut)
        elif new_ids == old_ids:
            changed = self._patch(cut)
        else:
            self.clear()
            for key, cells in cut:
                self.add_row(*cells, key=key)
            changed = len(cut)
        self._ids = new_ids
        if cut and new_ids != old_ids:
            if cursor_id in new_ids:
                target = new_ids.index(cursor_id)
            elif keep_cursor:
                target = min(cursor_index, len(cut) - 1)
            else:
                target = 0
            self.move_cursor(row=target, animate=False, scroll=True)
        return changed

    @property
    def rich_style(self) -> Style:
        """DataTable asks for it once a line drawn, and each time it walks the ancestors'
        styles (~10% of drawing a new page): while lines are drawn, the draw's."""
        draw = self._draw
        return super().rich_style if draw is None else draw.style

    @property
    def ordered_columns(self) -> list[Column]:
        """Made anew on each call, twice a line drawn: while lines are drawn, the draw's."""
        draw = self._draw
        return super().ordered_columns if draw is None else draw.columns

    def render_lines(self, crop: Region) -> list[Strip]:
        columns = super().ordered_columns
        widths = [column.get_render_width(self) for column in columns]
        self._draw = _Draw(super().rich_style, columns, widths)
        try:
            return super().render_lines(crop)
        finally:
            self._draw = None

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        """DataTable's cell drawing, with a fast path for a body cell of one line that fits:
        the same segments, styles and cache entry as the general path (checked by
        tests/app/test_datatable_canary.py), without Rich's general layout machinery."""
        if row_index < self.fixed_rows or column_index < self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None or self.rows[row_key].height != 1:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        cell = self._get_row_renderables(row_index).cells[column_index]
        line = self._cell_line(
            cell,
            row_index,
            column_index,
            base_style,
            width,
            *self._cell_styles(cursor, hover),
            self.app.console,
            self.cell_padding,
        )
        if line is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        lines = [line]
        self._cell_render_cache[cache_key] = lines
        return lines

    def _cell_styles(self, cursor: bool, hover: bool) -> tuple[Style, Style]:
        """The component and post styles of a body cell (DataTable's, cached by it)."""
        return self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )

    def _cell_line(
        self,
        cell: object,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        component_style: Style,
        post_style: Style,
        console: Console,
        pad: int,
    ) -> list[Segment] | None:
        """A body cell's one line as DataTable's general path draws it; None for a cell the
        fast path leaves to it (not Text, too wide, several lines, a style under spans).
        ``console`` and ``pad`` (the cell padding) are the caller's, looked up once a row."""
        if not isinstance(cell, Text):
            return None
        fill = width - 2 * pad - cell.cell_len
        plain = cell.plain
        if fill < 0 or (cell._spans and cell.style) or "\n" in plain or "\t" in plain:
            return None
        if cell._spans:
            body = [(s.text, s.style) for s in cell.render(console)]
        else:
            body = [(plain, console.get_style(cell.style, default=Style.null()))]
        # Segment.apply_style(padded body, style, post_style), one Style sum per segment; a
        # cell's own style (its mouse metadata: row and column) is the same page after page.
        key = (row_index, column_index, base_style, component_style, post_style)
        known = self._cell_style.get(key)
        if known is None:
            if len(self._cell_style) >= CELL_STYLES_KEPT:
                self._cell_style.clear()
            meta = Style.from_meta({"row": row_index, "column": column_index})
            style = base_style + meta + component_style
            known = self._cell_style[key] = (style, style + post_style if style else post_style)
        style, blank = known
        line = [Segment(" " * pad, blank)] if pad else []
        for text, own in body:
            combined = style + own
            line.append(Segment(text, combined + post_style if combined else post_style))
        if fill:
            line.append(Segment(" " * fill, blank))
        if pad:
            line.append(Segment(" " * pad, blank))
        return line

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[list[list[Segment]], list[list[Segment]]]:
        """DataTable's line of a row, a body row of one-line cells drawn a row at a time: its
        cells, styles and cursor state looked up once, not once a cell (a new page drew 400
        cells through DataTable's per-cell caches). The same segments as DataTable's own
        (tests/app/test_datatable_canary.py); any other row takes DataTable's path."""
        row_index = self._row_locations.get(row_key) if row_key in self._row_locations else -1
        if (
            row_index is None
            or row_index < max(0, self.fixed_rows)
            or self.fixed_columns
            or self.cursor_type != "row"
            or line_no != 0
            or self.rows[row_key].height != 1
            or (self._labelled_row_exists and self.show_row_labels)
        ):
            return super()._render_line_in_row(
                row_key, line_no, base_style, cursor_location, hover_location
            )
        show_cursor, show_hover = self.show_cursor, self._show_hover_cursor
        cache_key = (
            row_key,
            line_no,
            base_style,
            cursor_location,
            hover_location,
            self.cursor_type,
            show_cursor,
            show_hover,
            self._update_count,
            self._pseudo_class_state,
        )
        if cache_key in self._row_render_cache:
            cached: tuple[list[list[Segment]], list[list[Segment]]]
            cached = self._row_render_cache[cache_key]
            return cached
        row_style = self._get_row_style(row_index, base_style)
        cursor = cursor_location.row == row_index
        hover = hover_location.row == row_index
        component_style, post_style = self._cell_styles(cursor, hover)
        cells = self._get_row_renderables(row_index).cells
        console, pad = self.app.console, self.cell_padding
        scrollable: list[list[Segment]] = []
        table_width = self._row_label_column_width
        draw = self._draw
        if draw is None:  # a line asked for alone
            widths = [column.get_render_width(self) for column in self.ordered_columns]
        else:
            widths = draw.widths
        for column_index, width in enumerate(widths):
            table_width += width
            line = self._cell_line(
                cells[column_index],
                row_index,
                column_index,
                row_style,
                width,
                component_style,
                post_style,
                console,
                pad,
            )
            if line is None:
                return super()._render_line_in_row(
                    row_key, line_no, base_style, cursor_location, hover_location
                )
            scrollable.append(line)
        # DataTable's own extension of the row's style to the widget's right edge.
        extend_style, _ = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover_location.row == (row_index or 0),
            cursor,
            show_cursor,
            show_hover,
            False,
            False,
        )
        extend_style = row_style + extend_style
        extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        remaining = max(0, self.size.width - table_width)
        scrollable.append([Segment(" " * remaining, extend_style)])
        pair: tuple[list[list[Segment]], list[list[Segment]]] = ([], scrollable)
        self._row_render_cache[cache_key] = pair
        return pair

    def _drop_old_renders(self) -> None:
        """DataTable's render caches key every entry by the generation: after a bump no old
        entry can be hit again. Dropped now, not once 1,000 to 10,000 newer ones push them out:
        paging, they held ~60,000 objects that each full cyclic collection walked (90 ms,
        every ~15 page changes)."""
        for cache in (
            self._row_render_cache,
            self._cell_render_cache,
            self._row_renderable_cache,
            self._line_cache,
        ):
            # Its entries are links of a ring ([previous, next, key, value]): LRUCache.clear
            # leaves the ring whole, garbage only the cyclic collector frees. Emptied, each
            # link and what it held are freed at once.
            for link in cache._cache.values():
                link.clear()
            cache.clear()

    def _key(self, index: int, row_id: str) -> RowKey:
        return RowKey(_slot(index) if self._slotted else row_id)

    def _resize(self, rows: Sequence[Row]) -> int:
        """Add or drop slots at the end so there is one per row; return rows added."""
        count = self.row_count
        for index in range(count - 1, len(rows) - 1, -1):
            self.remove_row(_slot(index))
        for index in range(count, len(rows)):
            self.add_row(*rows[index][1], key=_slot(index))
        return max(0, len(rows) - count)

    def _patch(self, rows: Sequence[Row]) -> int:
        columns: list[ColumnKey] = list(self.columns)
        dirty: list[int] = []
        for index, (key, cells) in enumerate(rows):
            row_key = self._key(index, key)
            # Private state, on purpose: the public update_cell repaints the whole table.
            current = self._data[row_key]
            changed = False
            for column, value in zip(columns, cells, strict=False):
                if current.get(column) != value:
                    current[column] = value
                    changed = True
            if changed:
                dirty.append(index)
        if dirty:
            # One new generation for the render caches (a bump per row made each refresh_row
            # rebuild DataTable's ordered rows: 100 x 100 row lookups a page), then the changed
            # rows in view repainted: those out of view are drawn anew when scrolled to, and
            # each refresh_row sums the heights of the rows above it. When most of the view
            # changed (a new page), one repaint of the table instead.
            self._update_count += 1
            self._drop_old_renders()
            top, height = int(self.scroll_y), self.size.height
            shown = [index for index in dirty if top <= index < top + height]
            if len(shown) * 2 > height:
                self.refresh()
            else:
                for index in shown:
                    self.refresh_row(index)
        return len(dirty)
