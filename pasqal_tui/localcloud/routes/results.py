"""Result documents behind `results_link` / `result_link`: raw JSON, no envelope, no auth,
reachable only through an HMAC-signed link that expires (the local S3 presigned URL)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response

from pasqal_tui.localcloud.bodies import CloudRoute
from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.deps import CloudDep
from pasqal_tui.localcloud.errors import ApiError
from pasqal_tui.localcloud.hygiene import int64
from pasqal_tui.localcloud.queries import result_doc
from pasqal_tui.localcloud.routes.answers import answers

router = APIRouter(tags=["results"], route_class=CloudRoute)

Kind = Literal["jobs", "workloads"]


def signed_url(request: Request, cloud: Cloud, kind: Kind, ident: str) -> str:
    expires, signature = cloud.signer.sign(kind, ident)
    base = str(request.base_url).rstrip("/")
    return f"{base}/results/{kind}/{ident}?expires={expires}&signature={signature}"


def _document(cloud: Cloud, kind: Kind, ident: str) -> str | None:
    with cloud.store.reader() as conn:
        if kind == "jobs":
            return result_doc(conn, ident)
        row = conn.execute("SELECT result FROM workloads WHERE id = ?", (ident,)).fetchone()
    return None if row is None or row[0] is None else str(row[0])


@router.get(
    "/results/{kind}/{ident}",
    summary="A signed result document (ops 15)",
    responses=answers(400, 403, 404, 422),
)
def document(kind: Kind, ident: str, expires: int, signature: str, cloud: CloudDep) -> Response:
    int64(expires, "expires")
    problem = cloud.signer.verify(kind, ident, expires, signature)
    if problem is not None:
        raise ApiError(403, f"Result link refused: {problem}.")
    doc = _document(cloud, kind, ident)
    if doc is None:
        raise ApiError(404, f"No result for {kind[:-1]} {ident}.")
    return Response(doc, media_type="application/json")
