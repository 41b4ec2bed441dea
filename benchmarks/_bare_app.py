"""The reference for cold start: a bare Textual app with Header, DataTable and Footer."""

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "status")
        table.add_row(*self.row())

    def row(self) -> tuple[str, str]:
        return ("READY-MARK", "DONE")


if __name__ == "__main__":
    Bare().run()
