"""The bare reference app, plus only what the brief's stack costs: pydantic (one model validated)
and httpx (one client made). No code of ours, no network: the floor of any start that draws its
first rows with the client's models."""

import httpx
from pydantic import BaseModel
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class Row(BaseModel):
    id: str
    status: str


class BareWithStack(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        httpx.AsyncClient()
        row = Row.model_validate({"id": "READY-MARK", "status": "DONE"})
        table = self.query_one(DataTable)
        table.add_columns("id", "status")
        table.add_row(row.id, row.status)


if __name__ == "__main__":
    BareWithStack().run()
