"""A small table editor for jobs: one row per job, a runs column and one per declared variable.

It only collects text; :func:`pasqal_tui.ops.submission.parse_typed_job` checks each row, so
typed jobs get the same messages as jobs read from a file ("editor row 2: duration: ...").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

MAX_ROWS = 200


class JobRow(Horizontal):
    """Runs, then one input per variable."""

    def __init__(self, names: Sequence[str], values: dict[str, str] | None = None) -> None:
        super().__init__(classes="job-row")
        self.names = list(names)
        self.values = values or {}

    def compose(self) -> ComposeResult:
        yield Input(self.values.get("runs", ""), placeholder="runs", classes="runs", compact=True)
        for name in self.names:
            yield Input(self.values.get(name, ""), placeholder=name, compact=True)

    def texts(self) -> tuple[str, dict[str, str]]:
        inputs = list(self.query(Input))
        return inputs[0].value, {n: i.value for n, i in zip(self.names, inputs[1:], strict=True)}

    def is_blank(self) -> bool:
        runs, values = self.texts()
        return not runs.strip() and not any(v.strip() for v in values.values())


class JobEditor(Vertical):
    """Rows of inputs; Ctrl+N adds a row, Ctrl+O drops the row being edited."""

    DEFAULT_CSS = """
    JobEditor { height: auto; }
    JobEditor .job-head { height: 1; color: $text-muted; }
    JobEditor .job-row { height: 1; }
    JobEditor Input { width: 1fr; margin-right: 1; }
    JobEditor Input.runs { width: 10; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add_row", "Add job row", id="editor.add_row"),
        Binding("ctrl+o", "drop_row", "Drop job row", id="editor.drop_row"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("Jobs typed here (used when no jobs file is given)", classes="job-head")

    def set_variables(self, names: Sequence[str]) -> None:
        """Rebuild the columns for a sequence's variables, keeping what matches by name."""
        if list(names) == self.names and self.rows:
            return
        self.show_rows(names, [row.texts() for row in self.rows])

    def show_rows(self, names: Sequence[str], rows: Sequence[tuple[str, dict[str, str]]]) -> None:
        """Columns for ``names`` and these rows' texts (one blank row when there are none)."""
        for row in self.rows:
            row.remove()
        self.names = list(names)
        head = self.query_one(".job-head", Static)
        head.update("Typed jobs: runs" + "".join(f" · {n}" for n in self.names))
        for runs, values in rows or [("", {})]:
            self.mount(JobRow(self.names, {"runs": runs, **values}))

    @property
    def rows(self) -> list[JobRow]:
        return list(self.query(JobRow))

    def typed(self) -> list[tuple[int, str, dict[str, str]]]:
        """(row index, runs text, variable texts) of every row with something typed."""
        return [(i, *row.texts()) for i, row in enumerate(self.rows) if not row.is_blank()]

    def action_add_row(self) -> None:
        if len(self.rows) >= MAX_ROWS:
            self.notify(
                f"At most {MAX_ROWS} typed rows: use a jobs file", severity="warning", markup=False
            )
            return
        row = JobRow(self.names)
        self.mount(row)
        self.call_after_refresh(lambda: row.query_one(Input).focus())

    def action_drop_row(self) -> None:
        rows = self.rows
        focused = self.screen.focused
        current = next((r for r in rows if focused is not None and focused.parent is r), None)
        if current is None or len(rows) <= 1:
            return
        index = rows.index(current)
        current.remove()
        neighbour = rows[index - 1] if index > 0 else rows[1]
        neighbour.query_one(Input).focus()
