"""The one exception routes and lifecycle raise for a client's mistake; the app turns it into
a JSend `fail` envelope with the right 4xx code (never a 5xx, which the SDK would retry)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(
        self,
        status_code: int,
        message: str,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.data = data if data is not None else {"description": message}
        self.headers = headers


def not_found(kind: str, ident: str) -> ApiError:
    return ApiError(404, f"{kind} {ident} not found.")


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def invalid(message: str) -> ApiError:
    return ApiError(422, message)
