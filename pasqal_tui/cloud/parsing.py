"""Turning answers into models, and checking arguments before anything is sent.

An answer that does not fit the models is a protocol problem, reported as a ServerError naming
the first bad field; a bad argument is an InvalidRequestError naming the bad value.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError, create_model

from .errors import InvalidRequestError, ServerError
from .filters import QueryParams, validate_uuid
from .models import Envelope, Page
from .timestamps import ANY_SHAPE_TAG, UTC_ISO_TAG

__all__ = [
    "MAX_PAGE_SIZE",
    "checked_id",
    "page_reader",
    "paged",
    "parse",
    "parse_list",
]

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


def _summary(exc: ValidationError, within: str = "") -> str:
    # A bad timestamp fails both ways in (timestamps.UtcDatetime): the second's message names
    # the value, the first's only says it is not UTC ISO.
    errors = [e for e in exc.errors() if e["loc"][-1:] != (UTC_ISO_TAG,)] or exc.errors()
    first = errors[0]
    loc = tuple(first.get("loc", ()))
    if loc[-1:] == (ANY_SHAPE_TAG,):
        loc = loc[:-1]
    if within and loc[:1] == (within,):
        loc = loc[1:]  # "3.status", as when the list is checked on its own
    where = ".".join(str(p) for p in loc) or "answer"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
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


@cache
def _page_body(model: type[M]) -> type[Envelope]:
    """The envelope of a page of ``model``: checked straight from the bytes by pydantic's JSON
    parser, a third faster than ``json.loads`` and checking the dicts (a fetch-all of 100,000
    jobs parses 1,000 pages)."""
    body: type[Envelope] = create_model(
        f"{model.__name__}PageBody",
        __base__=Envelope,
        data=(list[model], ...),  # type: ignore[valid-type]
    )
    return body


def page_reader(model: type[M], offset: int, limit: int, what: str) -> Callable[[bytes], Page[M]]:
    """Reads one list answer's bytes into a page; ``ValueError`` if they are not JSON at all
    (the session says so, naming the host), ``ServerError`` if they do not fit."""

    def read(raw: bytes) -> Page[M]:
        try:
            body = _page_body(model).model_validate_json(raw)
        except ValidationError as exc:
            if exc.errors()[0]["type"] == "json_invalid":
                raise ValueError("not JSON") from None
            raise ServerError(f"{what}: unexpected answer, {_summary(exc, 'data')}") from None
        items: list[M] = body.data
        if body.pagination is not None:
            total, start = body.pagination.total, body.pagination.start
        else:
            total, start = offset + len(items), offset
        return _page_type(model).model_construct(
            items=items, total=total, offset=start, limit=limit
        )

    return read
