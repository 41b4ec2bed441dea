"""Timestamps as the service sends them, turned into aware UTC datetimes.

Recorded responses mix naive ISO strings (which mean UTC), ``+00:00`` offsets, epoch seconds in
strings (``"1636558026.698066"``) and, in HTTP headers, RFC 2822 dates. Screens compute relative
times, so every value must be aware and comparable.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

from pydantic_core import core_schema

__all__ = ["UtcDatetime", "format_query_datetime", "parse_timestamp"]

_EPOCH = re.compile(r"^[+-]?\d+(\.\d+)?$")
_FRACTION = re.compile(r"(T\d{2}:\d{2}:\d{2}|\s\d{2}:\d{2}:\d{2})\.(\d+)")
_MS_THRESHOLD = 1e11  # larger epoch values are milliseconds (year 5138+ in seconds)


def parse_timestamp(value: Any) -> datetime:
    """Any timestamp shape the API uses -> aware UTC datetime; ValueError names the value."""
    if isinstance(value, str) and value[4:5] == "-":
        # ISO, as the API sends it (4 a job, 400 a page): parsed as is when Python can, the
        # normalising below only for the shapes it cannot (``Z`` or odd fractions on 3.10).
        try:
            return _as_utc(datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    text = value.strip()
    if not text:
        raise ValueError("empty timestamp")
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    iso = text[:-1] + "+00:00" if text[-1] in "Zz" else text
    iso = _FRACTION.sub(lambda m: f"{m.group(1)}.{m.group(2)[:6].ljust(6, '0')}", iso)
    try:
        return _as_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        return _as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"unrecognised timestamp {value!r}") from None


def format_query_datetime(value: datetime) -> str:
    """``isoformat()`` as the official SDK sends it (naive stays naive: the server reads UTC)."""
    return value.isoformat()


def _from_epoch(seconds: float) -> datetime:
    if abs(seconds) >= _MS_THRESHOLD:
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"epoch timestamp out of range: {seconds!r}") from None


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is timezone.utc:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


#: The tags of :data:`UtcDatetime`'s two ways in, as they appear in a validation error's
#: ``loc`` (``parsing._summary`` reports the second's message, which names the value).
UTC_ISO_TAG, ANY_SHAPE_TAG = "<utc-iso>", "<any-timestamp>"


class _UtcTimestamp:
    """A UTC ISO string (what the API sends: 4 a job, 400 a page) is parsed by pydantic's own
    parser, with no call into Python (a third of parsing a page); every other shape (naive,
    other offsets, epochs, RFC 2822, datetimes) by :func:`parse_timestamp`. The fast way's
    ``tzinfo`` is pydantic's UTC (``TzInfo(0)``), equal in every comparison to
    ``timezone.utc``; it also reads a string of epoch digits, as milliseconds from 2e10 where
    :func:`parse_timestamp` switches at 1e11 (years 2603 to 5138 in seconds)."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.union_schema(
            [
                (core_schema.datetime_schema(strict=True, tz_constraint=0), UTC_ISO_TAG),
                (core_schema.no_info_plain_validator_function(parse_timestamp), ANY_SHAPE_TAG),
            ],
            mode="left_to_right",
            serialization=core_schema.plain_serializer_function_ser_schema(
                _iso, return_schema=core_schema.str_schema(), when_used="json"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}


def _iso(value: datetime) -> str:
    return value.isoformat()


UtcDatetime = Annotated[datetime, _UtcTimestamp]
