"""Request bodies: the token is checked before any body is read, and a body larger than the
limit (16 MiB by default, `--max-body-size`) is a 413 on the wire and again after gzip, which
is inflated in a streaming way so that a small gzip bomb never grows in the server's memory."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from support.localcloud import api_client, data

from pasqal_tui.localcloud.process import LocalCloudProcess

CORE = "/core-fast/api"
MIB = 1024 * 1024
DEFAULT_LIMIT = 16 * MIB
JSON = {"Content-Type": "application/json"}
GZIP_JSON = {**JSON, "Content-Encoding": "gzip"}
SOME_ID = "00000000-0000-0000-0000-000000000001"

BODY_ROUTES = [
    ("POST", f"{CORE}/v1/batches"),
    ("POST", f"{CORE}/v2/batches/{SOME_ID}/jobs"),
    ("PATCH", f"{CORE}/v1/batches/{SOME_ID}/tags"),
    ("PATCH", f"{CORE}/v1/batches/cancel"),
    ("PATCH", f"{CORE}/v2/batches/cancel"),
    ("POST", f"{CORE}/v1/workloads"),
]


def _tags_of_size(size: int) -> bytes:
    """A JSON array of one string, exactly `size` bytes long."""
    return b'["' + b"a" * (size - 4) + b'"]'


def _bomb(inflated: int) -> bytes:
    """gzip of a JSON string of `inflated` bytes, compressed in pieces (a few hundred KB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b'["')]
    piece = b"a" * MIB
    for _ in range(inflated // MIB):
        parts.append(packer.compress(piece))
    parts.append(packer.compress(b'"]'))
    parts.append(packer.flush())
    return b"".join(parts)


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


def _peak_growth_mib(pid: int, send: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    """The response, and how far the server's peak RSS rose above its RSS while it ran."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak (VmHWM) to the RSS now
    before = _status_kib(pid, "VmRSS")
    response = send()
    return response, (_status_kib(pid, "VmHWM") - before) / 1024


@pytest.fixture(scope="module")
def api(local_cloud: LocalCloudProcess) -> Iterator[httpx.Client]:
    with api_client(local_cloud) as client:
        yield client


@pytest.fixture(scope="module")
def open_batch(api: httpx.Client) -> Iterator[str]:
    project = data(api.get("/account/api/v1/projects"))[0]["id"]
    body = {
        "project_id": project,
        "sequence_builder": "{}",
        "open": True,
        "device_type": "EMU_FREE",
    }
    batch_id = str(data(api.post(f"{CORE}/v1/batches", json=body))["id"])
    yield batch_id
    api.patch(f"{CORE}/v2/batches/{batch_id}/cancel")


def _assert_413(response: httpx.Response, said: str) -> None:
    assert response.status_code == 413, response.text[:300]
    body = response.json()
    assert body["status"] == "fail" and body["code"] == 413
    assert said in body["message"] and body["data"]["description"]


# -- no token: 401 whatever the body ---------------------------------------------------------

UNREADABLE = {
    "malformed json": (b'{"jobs": [', JSON),
    "not gzip": (b"\x1f\x8b definitely not gzip", GZIP_JSON),
    "lone surrogate": (b'["\\ud800"]', JSON),
    "over the limit": (_tags_of_size(DEFAULT_LIMIT + 1), JSON),
}


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_no_token_is_401_before_the_body_is_read(
    local_cloud: LocalCloudProcess, method: str, path: str, kind: str
) -> None:
    content, headers = UNREADABLE[kind]
    for auth in ({}, {"Authorization": "Bearer not-a-token"}):
        response = httpx.request(
            method, local_cloud.base_url + path, content=content, headers={**headers, **auth}
        )
        assert response.status_code == 401, (kind, response.text[:300])
        assert response.json()["code"] == 401


# -- the default limit -----------------------------------------------------------------------


def test_body_over_the_default_limit_is_413(api: httpx.Client, open_batch: str) -> None:
    url = f"{CORE}/v1/batches/{open_batch}/tags"
    _assert_413(api.patch(url, content=_tags_of_size(DEFAULT_LIMIT + 1), headers=JSON), "wire")

    def chunked() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        body = _tags_of_size(DEFAULT_LIMIT + 1)
        for start in range(0, len(body), MIB):
            yield body[start : start + MIB]

    _assert_413(api.patch(url, content=chunked(), headers=JSON), "wire")
    assert data(api.get(f"{CORE}/v2/batches/{open_batch}"))["tags"] == []


def test_gzip_bomb_is_413_without_inflating(
    api: httpx.Client, local_cloud: LocalCloudProcess, open_batch: str
) -> None:
    bomb = _bomb(200 * MIB)
    assert len(bomb) < 400 * 1024
    url = f"{CORE}/v1/batches/{open_batch}/tags"
    response, growth = _peak_growth_mib(
        local_cloud.pid, lambda: api.patch(url, content=bomb, headers=GZIP_JSON)
    )
    _assert_413(response, "decompressed")
    # At most the limit itself is ever held (16 MiB), never the 200 MB the bomb inflates to.
    assert growth < 48, f"peak RSS rose by {growth:.0f} MiB"


def test_gzip_bomb_without_token_costs_nothing(local_cloud: LocalCloudProcess) -> None:
    bomb = _bomb(200 * MIB)
    url = f"{local_cloud.core_url}/api/v1/batches"
    response, growth = _peak_growth_mib(
        local_cloud.pid, lambda: httpx.post(url, content=bomb, headers=GZIP_JSON)
    )
    assert response.status_code == 401
    assert growth < 8, f"peak RSS rose by {growth:.0f} MiB"


def test_sign_in_bodies_are_small(local_cloud: LocalCloudProcess) -> None:
    """Anyone may post to the token endpoint, so its limit is 64 KiB, not 16 MiB."""
    form = b"grant_type=password&username=demo&password=" + b"x" * (64 * 1024)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    _assert_413(httpx.post(local_cloud.token_url, content=form, headers=headers), "wire")


# -- a configured limit, at its exact edge ---------------------------------------------------


def test_configured_limit_edge_on_the_wire_and_decompressed(
    local_cloud_factory: Callable[..., LocalCloudProcess],
) -> None:
    cloud = local_cloud_factory(["--max-body-size", "4KiB", "--workers", "1"])
    with api_client(cloud) as api:
        project = data(api.get("/account/api/v1/projects"))[0]["id"]
        body = {"project_id": project, "sequence_builder": "{}", "open": True}
        batch_id = data(api.post(f"{CORE}/v1/batches", json=body))["id"]
        url = f"{CORE}/v1/batches/{batch_id}/tags"
        at_limit = _tags_of_size(4096)
        assert len(data(api.patch(url, content=at_limit, headers=JSON))["tags"][0]) == 4092
        _assert_413(api.patch(url, content=_tags_of_size(4097), headers=JSON), "wire")
        packed = gzip.compress(at_limit)
        assert data(api.patch(url, content=packed, headers=GZIP_JSON))["tags"][0] == "a" * 4092
        over = gzip.compress(_tags_of_size(4097))
        assert len(over) < 100
        _assert_413(api.patch(url, content=over, headers=GZIP_JSON), "decompressed")
        # Two gzip members (as `gzip.decompress` allows) count together.
        halves = gzip.compress(b'["' + b"a" * 2000) + gzip.compress(b"a" * 2200 + b'"]')
        _assert_413(api.patch(url, content=halves, headers=GZIP_JSON), "decompressed")
        two = gzip.compress(b'["ab') + gzip.compress(b'cd"]')
        assert data(api.patch(url, content=two, headers=GZIP_JSON))["tags"] == ["abcd"]
        truncated = gzip.compress(json.dumps(["x"]).encode())[:-6]
        response = api.patch(url, content=truncated, headers=GZIP_JSON)
        assert response.status_code == 400 and "gzip" in response.json()["message"]
