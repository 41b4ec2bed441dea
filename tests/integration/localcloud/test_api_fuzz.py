"""Property-based fuzzing of every route the OpenAPI schema lists, with a valid token: no input
gives a 5xx, and every answer is a status code the schema documents for that route.

Inputs follow each route's schema (path ids, query parameters, JSON bodies) with adversarial
leaves: real ids and known values, random text, lone surrogates, integers past 64 bits,
NaN/Infinity, edge dates, wrong types, gzip or not, odd content types. Bounded: about 200
examples over all routes, each request with a deadline, on a server of its own (the fuzz
cancels and tags what it finds, which shared tests must not see).
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.localcloud import api_client, data, get_token

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess

CORE = "/core-fast/api"
# 7 body routes x 14 + 17 others x 6 = 200 examples; PASQAL_TUI_FUZZ_SCALE=10 for a deep run.
SCALE = float(os.environ.get("PASQAL_TUI_FUZZ_SCALE", "1"))
BODY_EXAMPLES, OTHER_EXAMPLES = round(14 * SCALE), round(6 * SCALE)
STATS: Counter[str] = Counter()


def _schema() -> dict[str, Any]:
    """The OpenAPI document, built in-process so routes are known at collection time."""
    from pasqal_tui.localcloud.app import create_app
    from pasqal_tui.localcloud.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp)))
        try:
            return app.openapi()
        finally:
            app.state.cloud.store.close()


SPEC = _schema()
OPERATIONS = [
    (method.upper(), path)
    for path, operations in SPEC["paths"].items()
    for method in operations
    if path not in ("/docs", "/openapi.json")
]


@dataclass
class World:
    token: str
    project_id: str
    batch_id: str
    job_id: str
    workload_id: str


@pytest.fixture(scope="module")
def fuzz_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    cloud = LocalCloudProcess(
        tmp_path_factory.mktemp("fuzz-cloud"), ["--workers", "1", "--time-scale", "0.01"]
    )
    cloud.start()
    yield cloud
    cloud.stop()
    print(f"\nfuzz: {STATS['requests']} requests, {STATS['5xx']} answered 5xx")


@pytest.fixture(scope="module")
def world(fuzz_cloud: LocalCloudProcess) -> World:
    token = get_token(fuzz_cloud)
    with api_client(fuzz_cloud, token) as api:
        project = str(data(api.get("/account/api/v1/projects"))[0]["id"])
        body = {
            "project_id": project, "sequence_builder": sequences.rabi_oscillation(2),
            "open": True, "device_type": "EMU_FREE",
            "jobs": [{"runs": 5, "variables": {"omega": 1.0, "duration": 100}}],
        }  # fmt: skip
        batch = data(api.post(f"{CORE}/v1/batches", json=body))
        workload_body = {
            "project_id": project, "workload_type": "pulser_emulation", "backend": "EMU_FREE",
            "config": {},
        }  # fmt: skip
        workload = data(api.post(f"{CORE}/v1/workloads", json=workload_body))
    return World(token, project, batch["id"], batch["jobs"][0]["id"], workload["id"])


def test_every_route_is_fuzzed() -> None:
    """The list comes from the schema: a new route is fuzzed without touching this file."""
    assert len(OPERATIONS) >= 24
    assert ("POST", "/oauth/token") in OPERATIONS and (
        "GET",
        "/results/{kind}/{ident}",
    ) in OPERATIONS


# -- strategies ------------------------------------------------------------------------------

LONE = ["\ud800", "a\udfffb", "\udc00\ud800"]
BIG = [2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30, -1, 0]
DATES = [
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2025-06-01T12:00:00",
    "2025-06-01T12:00:00+00:00", "1e20", "",
]  # fmt: skip
WORDS = [
    "PENDING", "RUNNING", "DONE", "ERROR", "CANCELED", "TIMED_OUT", "PAUSED", "NOPE", "done",
    "FRESNEL", "EMU_FREE", "EMU_MPS", "FRESNEL_CAN1", "ASC", "desc", "SIDEWAYS",
    "creation_order", "ordered_id", "password", "pulser_emulation", "demo", "True", "false",
]  # fmt: skip
# Query and path text: no surrogates (a client cannot put them in a URL) and, in paths, no
# "/" (it would route elsewhere; routing is not what is fuzzed here).
query_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
path_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="/"), min_size=1, max_size=40
).filter(lambda s: s not in (".", ".."))
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(BIG),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20), st.sampled_from(LONE),
)  # fmt: skip
any_json = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return _resolve(SPEC["components"]["schemas"][ref.rsplit("/", 1)[-1]])


def _strings(world: World, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    known = [world.project_id, world.batch_id, world.job_id, sequences.rabi_oscillation(2)]
    return st.one_of(
        st.sampled_from(schema.get("enum", WORDS)), st.sampled_from(known),
        st.text(max_size=30), st.sampled_from(LONE), st.sampled_from(LONE),
    )  # fmt: skip


def _from_schema(world: World, schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped like `schema`, with adversarial leaves and, sometimes, anything at all."""
    schema = _resolve(schema)
    if depth > 4:
        return json_scalars
    if "anyOf" in schema:
        shaped = st.one_of([_from_schema(world, s, depth + 1) for s in schema["anyOf"]])
    else:
        kind = schema.get("type")
        if kind == "object" and "properties" in schema:
            props = {k: _from_schema(world, v, depth + 1) for k, v in schema["properties"].items()}
            required = set(schema.get("required", ()))
            shaped = st.fixed_dictionaries(
                {k: v for k, v in props.items() if k in required},
                optional={k: v for k, v in props.items() if k not in required},
            )
        elif kind == "object":
            shaped = st.dictionaries(
                st.one_of(st.text(max_size=8), st.sampled_from(LONE)), json_scalars, max_size=4
            )
        elif kind == "array":
            shaped = st.lists(_from_schema(world, schema.get("items", {}), depth + 1), max_size=4)
        elif kind == "string":
            shaped = _strings(world, schema)
        elif kind == "integer":
            shaped = st.one_of(st.integers(-5, 200_000), st.sampled_from(BIG), st.integers())
        elif kind == "number":
            shaped = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(BIG))
        elif kind == "boolean":
            shaped = st.booleans()
        elif kind == "null":
            shaped = st.none()
        else:
            shaped = any_json
    return st.one_of(shaped, shaped, shaped, any_json)


def _query_value(world: World, schema: dict[str, Any]) -> st.SearchStrategy[list[str]]:
    """Repeated-key values for one query parameter, as text."""
    schema = _resolve(schema)
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    kind = options[0].get("type") if options else "string"
    one = st.one_of(
        query_text,
        st.sampled_from(WORDS + DATES + [world.batch_id, world.job_id, world.project_id]),
        st.sampled_from(BIG).map(str),
        st.integers(-3, 200_000).map(str),
    )
    if kind == "array":
        return st.lists(one, max_size=3)
    return one.map(lambda v: [v])


@st.composite
def requests(draw: st.DrawFn, world: World, method: str, path: str) -> dict[str, Any]:
    operation = SPEC["paths"][path][method.lower()]
    url = path
    params: list[tuple[str, str]] = []
    for param in operation.get("parameters", []):
        name, where = param["name"], param["in"]
        if where == "path":
            real = {"kind": ["jobs", "workloads"]}.get(
                name, [world.batch_id, world.job_id, world.workload_id]
            )
            value = draw(st.one_of(st.sampled_from(real), st.sampled_from(real), path_text))
            url = url.replace("{" + name + "}", quote(value, safe=""))
        elif where == "query" and (param.get("required") or draw(st.booleans())):
            params.extend((name, v) for v in draw(_query_value(world, param["schema"])))
    content, headers = b"", {"Content-Type": "application/json"}
    body_doc = operation.get("requestBody")
    if body_doc is not None:
        types = body_doc["content"]
        schema = types.get("application/json", next(iter(types.values())))["schema"]
        value = draw(_from_schema(world, schema))
        shape = draw(st.sampled_from(["json"] * 6 + ["form", "raw"]))
        if shape == "json":
            content = json.dumps(value).encode()
        elif shape == "form" and isinstance(value, dict):
            safe = {str(k): str(v) for k, v in value.items()}
            content = urlencode(safe, encoding="utf-8", errors="backslashreplace").encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            content = draw(st.binary(max_size=64))
        headers["Content-Type"] = draw(
            st.sampled_from(
                [headers["Content-Type"]] * 6 + ["text/plain", "application/vnd.x+json"]
            )
        )
        if draw(st.booleans()):
            content = gzip.compress(content)
            headers["Content-Encoding"] = "gzip"
    return {"method": method, "url": url, "params": params, "content": content, "headers": headers}


# -- the property ----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_5xx_and_only_documented_answers(
    fuzz_cloud: LocalCloudProcess, world: World, method: str, path: str
) -> None:
    operation = SPEC["paths"][path][method.lower()]
    documented = set(operation["responses"])
    examples = BODY_EXAMPLES if "requestBody" in operation else OTHER_EXAMPLES
    auth = {"Authorization": f"Bearer {world.token}"}

    @settings(
        max_examples=examples,
        deadline=timedelta(seconds=20),
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(request=requests(world, method, path))
    def check(request: dict[str, Any]) -> None:
        headers = {**request["headers"], **auth}
        with httpx.Client(base_url=fuzz_cloud.base_url, timeout=20) as client:
            response = client.request(
                request["method"], request["url"], params=request["params"],
                content=request["content"], headers=headers,
            )  # fmt: skip
        STATS["requests"] += 1
        STATS["5xx"] += response.status_code >= 500
        code = response.status_code
        assert code < 500, f"{method} {path}: {code} {response.text[:300]}"
        assert str(code) in documented, (
            f"{method} {path} answered {code}, documented {sorted(documented)}: "
            f"{response.text[:300]}"
        )
        if code >= 400:
            body = response.json()
            assert body["code"] == code and isinstance(body["data"], dict), body

    check()
