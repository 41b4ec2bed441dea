"""The bare reference app, plus only what the brief's stack costs: pydantic (one model validated)
and httpx (one client made). No code of ours, no network: the floor of any start that draws its
first rows with the client's models."""

import httpx
from _bare_app import Bare
from pydantic import BaseModel


class Row(BaseModel):
    id: str
    status: str


class BareWithStack(Bare):
    def row(self) -> tuple[str, str]:
        httpx.AsyncClient()
        row = Row.model_validate({"id": "READY-MARK", "status": "DONE"})
        return (row.id, row.status)


if __name__ == "__main__":
    BareWithStack().run()
