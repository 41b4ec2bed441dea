"""Values that must be refused before anything is stored, each with a 400 naming the field.

A lone surrogate is valid JSON (`"\\ud800"`) but not valid Unicode: SQLite and the response
encoder both choke on it, so once saved it breaks every later read of the project. Integers
beyond signed 64 bits overflow SQLite, non-finite floats cannot be written back as JSON, and a
date at the edge of the calendar overflows when converted to UTC. Catching all of them here
keeps every such input a client error (4xx) instead of a 500 the SDK would retry.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any, NoReturn

from pasqal_tui.localcloud.errors import ApiError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# Deeper JSON than this is no sensible payload, and Python's own recursion limit is near.
MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN = 40


def shown(value: object) -> str:
    """`repr` cut short, so that a 16 MiB value never ends up in an error message."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def bad_value(field: str, message: str, loc: Sequence[str | int] = ()) -> ApiError:
    data: dict[str, Any] = {"description": f"{field}: {message}", "field": field}
    if loc:
        data["loc"] = list(loc)
    return ApiError(400, f"{field}: {message}", data)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _refuse(path: str, loc: list[str | int], message: str) -> NoReturn:
    raise bad_value(path or "body", message, ["body", *loc])


def check_json_value(value: Any, root: str = "") -> None:
    """Raise a 400 naming the first field that holds invalid Unicode, an integer beyond
    signed 64 bits, a non-finite number, or nesting deeper than `MAX_DEPTH`."""
    stack: list[tuple[Any, str, list[str | int]]] = [(value, root, [])]
    while stack:
        item, path, loc = stack.pop()
        if isinstance(item, (dict, list)) and len(loc) >= MAX_DEPTH:
            _refuse(path, loc, f"nested more than {MAX_DEPTH} levels deep.")
        if isinstance(item, str):
            if _SURROGATE.search(item):
                _refuse(path, loc, "is not valid Unicode (it holds an unpaired surrogate).")
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not INT64_MIN <= item <= INT64_MAX:
                _refuse(path, loc, "integer out of range (signed 64 bits at most).")
        elif isinstance(item, float):
            if not math.isfinite(item):
                _refuse(path, loc, "number out of range (not a finite number).")
        elif isinstance(item, dict):
            for key, sub in item.items():
                if _SURROGATE.search(key):
                    _refuse(path, loc, f"key {shown(key)} is not valid Unicode.")
                stack.append((sub, _join(path, key), [*loc, key]))
        elif isinstance(item, list):
            stack.extend((sub, _join(path, i), [*loc, i]) for i, sub in enumerate(item))


def _no_constant(name: str) -> NoReturn:
    raise bad_value("body", f"{name} is not a JSON number.")


def parse_json(raw: bytes, root: str = "") -> Any:
    """Strict JSON: UTF-8 only, no NaN/Infinity, and `check_json_value` on the result.

    A syntax error is left to the caller as `json.JSONDecodeError` (FastAPI answers it with
    its usual 422); everything else wrong is a 400 naming the field."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_value("body", f"is not valid UTF-8 (bad byte at offset {exc.start}).") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise bad_value("body", f"nested more than {MAX_DEPTH} levels deep.") from None
    except ValueError as exc:  # e.g. an integer longer than Python's 4300-digit limit
        raise bad_value("body", f"holds a number that cannot be read ({exc}).") from None
    check_json_value(value, root)
    return value


def int64(value: int, field: str, minimum: int = INT64_MIN) -> int:
    """`value` if it fits SQLite's signed 64-bit integers (and is at least `minimum`)."""
    if not minimum <= value <= INT64_MAX:
        raise bad_value(field, f"must be between {minimum} and {INT64_MAX}, got {shown(value)}.")
    return value


def utc(value: datetime | None, field: str) -> datetime | None:
    """`value` in UTC (naive means UTC); a 400 where the conversion leaves the calendar."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        message = f"{value.isoformat()} is out of range once converted to UTC."
        raise bad_value(field, message) from None


def one_of(values: Iterable[str], allowed: Sequence[str], field: str) -> list[str]:
    """`values` if each is a known one; else a 400 naming the first unknown value."""
    checked = list(values)
    for value in checked:
        if value not in allowed:
            raise bad_value(
                field, f"unknown value {shown(value)}: expected one of {', '.join(allowed)}."
            )
    return checked
