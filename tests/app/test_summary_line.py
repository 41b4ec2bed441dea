"""The batch line repaints in place: a re-layout only when the lines it wraps to change."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult

from pasqal_tui.tui.widgets.summary_line import SummaryLine


class Recording(SummaryLine):
    def __init__(self) -> None:
        super().__init__(id="line")
        self.layouts: list[bool] = []

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        self.layouts.append(layout)
        super().update(content, layout=layout)


class LineApp(App[None]):
    CSS = "#line { height: auto; max-height: 2; }"

    def compose(self) -> ComposeResult:
        yield Recording()


async def test_a_new_text_of_as_many_lines_repaints_without_layout() -> None:
    app = LineApp()
    async with app.run_test(size=(40, 10)) as pilot:
        line = app.query_one(Recording)
        line.show(Text("3 jobs: 1 DONE 2 PENDING"))
        await pilot.pause()
        line.show(Text("3 jobs: 1 DONE 2 PENDING"))  # unchanged: nothing at all
        line.show(Text("3 jobs: 2 DONE 1 PENDING"))
        await pilot.pause()
        assert line.layouts == [True, False]
        assert "2 DONE 1 PENDING" in str(line.render())
        line.show(Text("3 jobs: 2 DONE 1 PENDING " + "tags: " + "x" * 30))  # wraps to 2
        await pilot.pause()
        assert line.layouts == [True, False, True]
        assert line.size.height == 2
