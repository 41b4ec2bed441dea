"""Strict JSON and value checks: each refusal is a 400 that names the field."""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import datetime, timedelta, timezone

import pytest

from pasqal_tui.localcloud.bodies import _Gunzip
from pasqal_tui.localcloud.errors import ApiError
from pasqal_tui.localcloud.hygiene import INT64_MAX, INT64_MIN, int64, one_of, parse_json, utc


def _refusal(raw: bytes, root: str = "") -> ApiError:
    with pytest.raises(ApiError) as caught:
        parse_json(raw, root)
    assert caught.value.status_code == 400
    return caught.value


@pytest.mark.parametrize(
    ("raw", "root", "field"),
    [
        (b'{"tags": ["ok", "\\ud800"]}', "", "tags[1]"),
        (b'["\\udfff"]', "tags", "tags[0]"),
        (b'{"a": {"b": [{"c": "x\\ud800y"}]}}', "", "a.b[0].c"),
        (b'{"a": {"\\ud800": 1}}', "", "a"),
        (b'"\\ud800"', "", "body"),
        (b'{"n": 9223372036854775808}', "", "n"),
        (b'{"n": -9223372036854775809}', "", "n"),
        (b'{"n": 1e400}', "", "n"),
        (b'{"n": NaN}', "", "body"),
    ],
)
def test_refusals_name_the_field(raw: bytes, root: str, field: str) -> None:
    error = _refusal(raw, root)
    assert error.message.startswith(field + ":"), error.message
    assert error.data["field"] == field


def test_what_is_accepted() -> None:
    raw = json.dumps({"pair": "\ud83d\ude00", "max": INT64_MAX, "min": INT64_MIN, "f": 1.5})
    assert parse_json(raw.encode()) == {"pair": "😀", "max": INT64_MAX, "min": INT64_MIN, "f": 1.5}
    assert parse_json(b"[" * 60 + b"]" * 60) is not None


def test_syntax_errors_are_left_to_fastapi() -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_json(b'{"a": ')


def test_encoding_depth_and_digit_limits() -> None:
    assert "UTF-8" in _refusal(b'["\xed\xa0\x80"]').message
    assert "nested" in _refusal(b"[" * 65 + b"]" * 65).message
    assert "nested" in _refusal(b"[" * 100_000 + b"]" * 100_000).message
    assert "number" in _refusal(b"1" * 5000).message


def test_query_value_checks() -> None:
    assert int64(INT64_MAX, "offset", 0) == INT64_MAX
    for bad in (-1, INT64_MAX + 1):
        with pytest.raises(ApiError, match="offset"):
            int64(bad, "offset", 0)
    edge = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(ApiError, match=r"start_date.*UTC"):
        utc(edge, "start_date")
    assert utc(datetime(1, 1, 1), "start_date") == datetime(1, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(ApiError, match="status: unknown value 'NOPE'"):
        one_of(["DONE", "NOPE"], ("DONE",), "status")


def test_gunzip_caps_its_output_while_inflating() -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
    gunzip = _Gunzip(1024 * 1024)
    with pytest.raises(ApiError) as caught:
        for start in range(0, len(bomb), 4096):
            gunzip.feed(bomb[start : start + 4096])
    assert caught.value.status_code == 413
    assert gunzip._size <= 1024 * 1024 + 1  # never more than the limit plus one byte


def test_gunzip_members_and_truncation() -> None:
    gunzip = _Gunzip(100)
    out = gunzip.feed(gzip.compress(b"ab") + gzip.compress(b"cd"))
    gunzip.close()
    assert b"".join(out) == b"abcd"
    truncated = _Gunzip(100)
    truncated.feed(gzip.compress(b"abc")[:-4])
    with pytest.raises(ApiError, match="gzip"):
        truncated.close()
    with pytest.raises(ApiError, match="gzip"):
        _Gunzip(100).feed(b"\x1f\x8b not gzip")
    raw_deflate = zlib.compress(b"abc")
    with pytest.raises(ApiError, match="gzip"):
        _Gunzip(100).feed(raw_deflate)
