"""Turning answers into models, and checking arguments before anything is sent.

An answer that does not fit the models is a protocol problem, reported as a ServerError naming
the first bad field; a bad argument is an InvalidRequestError naming the bad value.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from .errors import InvalidRequestError, ServerError
from .filters import QueryParams, validate_uuid
from .models import Envelope, Page

__all__ = ["MAX_PAGE_SIZE", "checked_id", "paged", "parse", "parse_list", "parse_page"]

MAX_PAGE_SIZE = 100
M = TypeVar("M", bound=BaseModel)


def checked_id(value: Any, what: str) -> str:
    try:
        return validate_uuid(value, what)
    except ValueError as exc:
        raise InvalidRequestError(str(exc)) from None


def paged(params: QueryParams, offset: int, limit: int) -> QueryParams:
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidRequestError(f"offset must be an integer >= 0, got {offset!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidRequestError(f"limit must be an integer from 1 to 100, got {limit!r}")
    return [*params, ("offset", str(offset)), ("limit", str(limit))]


def _summary(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "answer"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"


def parse(model: type[M], data: Any, what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ServerError(f"{what}: unexpected answer, {_summary(exc)}") from None


@cache
def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    """One adapter per model: building one costs ~10 ms of schema generation, parsing a page
    of 100 jobs about as much, so a fetch-all that built one per page paid double."""
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def parse_list(model: type[M], data: Any, what: str) -> list[M]:
    try:
        return _list_adapter(model).validate_python(data)
    except ValidationError as exc:
        raise ServerError(f"{what}: unexpected answer, {_summary(exc)}") from None


@cache
def _page_type(model: type[M]) -> type[Page[M]]:
    """``Page[model]``, made once: pydantic's lookup of a parametrised generic costs ~0.7 ms."""
    return Page[model]  # type: ignore[valid-type]


def parse_page(model: type[M], body: Any, offset: int, limit: int, what: str) -> Page[M]:
    try:
        envelope = Envelope.model_validate(body)
    except ValidationError as exc:
        raise ServerError(f"{what}: unexpected answer, {_summary(exc)}") from None
    items = parse_list(model, envelope.data, what)
    if envelope.pagination is not None:
        total = envelope.pagination.total
        start = envelope.pagination.start
    else:
        total, start = offset + len(items), offset
    # The items are validated already: constructed, not checked again one by one.
    return _page_type(model).model_construct(items=items, total=total, offset=start, limit=limit)
