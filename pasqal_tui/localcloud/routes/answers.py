"""The error answers each route documents in the OpenAPI schema, all in the JSend envelope.

Routes list exactly the codes they can give; the fuzz test holds them to it (any other code,
and any 5xx, fails it), so `/docs` stays a true map of what a client must handle.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from pasqal_tui.localcloud.schemas import JSendFail

WHY = {
    400: "A value that cannot be accepted: invalid Unicode, a number or date out of range, an "
    "unknown filter value, or a body that is not valid gzip or UTF-8. The message names it.",
    401: "Missing, invalid or expired bearer token. Checked before the body is read.",
    403: "The project is not one of the caller's, or the link/credentials were refused.",
    404: "No such id among the caller's projects.",
    409: "The change is not allowed in the resource's current state.",
    413: "The body is larger than the server's limit, on the wire or once decompressed.",
    422: "The body or query does not match the schema (`data.description` lists the errors).",
    429: "Too many failed sign-ins: retry after the `Retry-After` header's seconds.",
}

_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next sign-in attempt.",
        "schema": {"type": "integer"},
    }
}


def answers(*codes: int, model: type[BaseModel] = JSendFail) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each code with its reason and the error envelope's schema."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"model": model, "description": WHY[code]}
        if code == 429:
            entry["headers"] = _RETRY_AFTER
        out[code] = entry
    return out


# Shapes shared by many routes.
READ_ONE = answers(401, 404)
CHANGE_ONE = answers(401, 404, 409)
LIST = answers(400, 401, 422)


def drop_undeclared_422(spec: dict[str, Any]) -> dict[str, Any]:
    """Remove the 422 FastAPI documents by itself for any route with a parameter (even a
    path string that cannot fail): routes that can answer 422 declare it, in JSend."""
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422", {})
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref", "").endswith("/HTTPValidationError"):
                del operation["responses"]["422"]
    schemas = spec.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return spec
