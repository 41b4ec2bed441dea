"""Our encodings against the official SDK's own code (pasqal-cloud, a dev dependency).

Two independent implementations must produce the same query strings and configuration objects;
a server written for the SDK then understands this client too.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from uuid import UUID

import httpx
import pytest

from pasqal_tui.cloud import (
    BatchFilters,
    CancelJobFilters,
    EmuFreeConfig,
    EmuTNConfig,
    JobFilters,
    RebatchFilters,
)

sdk_filters = pytest.importorskip("pasqal_cloud.utils.filters")
sdk_config = pytest.importorskip("pasqal_cloud.device.configuration")
requests = pytest.importorskip("requests")

A = "00000000-0000-0000-0000-00000000000a"
B = "ABCDEF00-0000-0000-0000-00000000000B"
NAIVE = datetime(2023, 1, 1, 0, 0, 0)
AWARE = datetime(2023, 6, 1, 12, 30, 15, 250000, tzinfo=timezone.utc)


def sdk_query(filters: Any, paginate: bool) -> str:
    params = filters.model_dump(exclude_unset=True)
    if paginate:
        params.update(sdk_filters.PaginationParams().model_dump())
    url = requests.Request("GET", "http://x/", params=params).prepare().url
    return url.partition("?")[2]


def our_query(filters: Any, paginate: bool) -> str:
    params = filters.to_params()
    if paginate:
        params += [("offset", "0"), ("limit", "100")]
    return httpx.Request("GET", "http://x/", params=params).url.query.decode()


CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("BatchFilters", {}, True),
    ("BatchFilters", {"status": "DONE", "open": False}, True),
    (
        "BatchFilters",
        {
            "id": [A, UUID(B)],
            "project_id": A,
            "user_id": ["u1", "u2"],
            "device_type": "EMU_MPS",
            "status": ["PENDING", "RUNNING"],
            "open": True,
            "start_date": NAIVE,
            "end_date": AWARE,
            "queue_priority": ["LOW", "HIGH"],
            "tag": "night run",
        },
        True,
    ),
    (
        "JobFilters",
        {
            "id": A,
            "batch_id": [A, B],
            "status": ["ERROR"],
            "errors": True,
            "min_runs": 1,
            "max_runs": 1000,
            "start_date": AWARE,
            "user_id": "ü-ser",
        },
        True,
    ),
    ("JobFilters", {"errors": False}, True),
    ("RebatchFilters", {"status": ["ERROR", "CANCELED"], "min_runs": 5, "end_date": NAIVE}, False),
    ("CancelJobFilters", {"id": [A, B], "max_runs": 10, "start_date": AWARE}, False),
]
OURS = {
    "BatchFilters": BatchFilters,
    "JobFilters": JobFilters,
    "RebatchFilters": RebatchFilters,
    "CancelJobFilters": CancelJobFilters,
}


@pytest.mark.parametrize(("name", "values", "paginate"), CASES)
def test_query_string_matches_the_sdk(name: str, values: dict[str, Any], paginate: bool) -> None:
    sdk = getattr(sdk_filters, name)(**values)
    ours = OURS[name](**values)
    assert our_query(ours, paginate) == sdk_query(sdk, paginate)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (EmuTNConfig(), sdk_config.EmuTNConfig()),
        (
            EmuTNConfig(
                dt=2.5,
                precision="high",
                max_bond_dim=64,
                strict_validation=True,
                result_types=["counter"],
                extra={"seed": 3},
            ),
            sdk_config.EmuTNConfig(
                dt=2.5,
                precision="high",
                max_bond_dim=64,
                strict_validation=True,
                result_types=["counter"],
                extra_config={"seed": 3},
            ),
        ),
        (EmuFreeConfig(with_noise=True), sdk_config.EmuFreeConfig(with_noise=True)),
        (EmuFreeConfig(extra={"x": [1]}), sdk_config.EmuFreeConfig(extra_config={"x": [1]})),
    ],
)
def test_configuration_matches_the_sdk(ours: Any, theirs: Any) -> None:
    assert list(ours.to_dict().items()) == list(theirs.to_dict().items())
