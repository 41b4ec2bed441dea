"""The SDK 0.24's names and switches: its regions and auth configs name our environments, and
PASQAL_SKIP_SSL_VERIFY / PASQAL_SKIP_GZIP_REQUEST_BODY mean what they mean to the SDK."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest
from support.cloudfakes import BATCH, FakeCloud, MakeClient, batch_json, body_of

from pasqal_tui.cli import build_parser
from pasqal_tui.cloud import JobInput, PasqalClient
from pasqal_tui.cloud.environments import (
    ENVIRONMENT_ALIASES,
    ENVIRONMENT_NAMES,
    get_environment,
)
from pasqal_tui.cloud.switches import SKIP_GZIP_REQUEST_BODY, SKIP_SSL_VERIFY, switch_on
from pasqal_tui.core.config import load_config

sdk_endpoints = pytest.importorskip("pasqal_cloud.endpoints")


@pytest.mark.parametrize("alias", sorted(ENVIRONMENT_ALIASES))
def test_each_sdk_name_is_the_same_deployment_as_the_sdk_says(alias: str) -> None:
    env = get_environment(alias)
    if alias in ("fr", "sa"):  # a region: its endpoints and its default auth
        endpoints = sdk_endpoints.Endpoints.from_region(alias)
        auth = sdk_endpoints.TokenProviderConf.from_region(alias)
    else:  # an auth config: the region's endpoints of that stage
        endpoints = sdk_endpoints.PASQAL_ENDPOINTS[alias.removeprefix("fr-")]
        auth = sdk_endpoints.AUTH_CONFIG[alias]
    assert (env.core_url, env.account_url) == (endpoints.core, endpoints.account)
    assert (env.token_url, env.client_id, env.audience, env.realm) == (
        auth.token_endpoint,
        auth.public_client_id,
        auth.audience,
        auth.realm,
    )
    assert env.grant_type == auth.grant_type


def test_every_sdk_auth_config_is_named() -> None:
    named = set(ENVIRONMENT_NAMES) | set(ENVIRONMENT_ALIASES)
    assert set(sdk_endpoints.AUTH_CONFIG) <= named
    assert {"fr", "sa"} <= named


def test_an_unknown_name_lists_ours_and_the_sdk_ones() -> None:
    with pytest.raises(ValueError) as info:
        get_environment("fr-staging")
    assert "valid names: prod, preprod, dev, sa-prod, sa-preprod" in str(info.value)
    assert "SDK names: fr, fr-prod, fr-preprod, fr-dev, sa" in str(info.value)


def test_a_profile_may_use_an_sdk_name(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    profiles = "  - name: a\n    environment: fr-dev\n  - name: b\n    environment: sa\n"
    path.write_text("profiles:\n" + profiles)
    loaded = load_config(path, environments=ENVIRONMENT_NAMES, aliases=ENVIRONMENT_ALIASES)
    assert loaded.problem is None
    assert [p.environment for p in loaded.config.profiles] == ["dev", "sa-prod"]
    path.write_text("profiles:\n  - name: a\n    environment: fr-mars\n")
    bad = load_config(path, environments=ENVIRONMENT_NAMES, aliases=ENVIRONMENT_ALIASES)
    assert bad.problem is not None and "fr-prod" in bad.problem and "\n" not in bad.problem


def test_the_command_line_takes_an_sdk_name() -> None:
    assert build_parser().parse_args(["--env", "fr-preprod"]).env == "preprod"
    assert build_parser().parse_args(["--env", "sa"]).env == "sa-prod"


@pytest.mark.parametrize(
    ("value", "on"), [(None, False), ("", False), ("1", True), ("0", True), ("false", True)]
)
def test_a_switch_is_on_when_set_to_anything_non_empty_like_the_sdk(
    value: str | None, on: bool
) -> None:
    environ = {} if value is None else {SKIP_SSL_VERIFY: value}
    assert switch_on(SKIP_SSL_VERIFY, environ) is on


async def test_skip_gzip_sends_create_bodies_plain(
    cloud: FakeCloud, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    cloud.on("POST", f"/core-fast/api/v2/batches/{BATCH}/jobs", batch_json(open=True))
    monkeypatch.setenv(SKIP_GZIP_REQUEST_BODY, "1")
    async with make_client() as client:
        await client.add_jobs(BATCH, [JobInput(runs=5, sequence="own-seq")])
    (sent,) = cloud.api_requests()
    assert "content-encoding" not in sent.headers
    assert json.loads(sent.content) == [{"runs": 5, "variables": None, "sequence": "own-seq"}]
    monkeypatch.delenv(SKIP_GZIP_REQUEST_BODY)
    async with make_client() as client:
        await client.add_jobs(BATCH, [JobInput(runs=5, sequence="own-seq")])
    assert cloud.api_requests()[-1].headers["content-encoding"] == "gzip"
    assert body_of(cloud.api_requests()[-1]) == body_of(sent)


def _ssl_context(client: PasqalClient) -> ssl.SSLContext:
    return client._http._transport._pool._ssl_context  # type: ignore[attr-defined,no-any-return]


async def test_skip_ssl_verify_turns_certificate_checks_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prod = get_environment("prod")
    async with PasqalClient(prod) as checked:
        assert checked.verifies_tls and _ssl_context(checked).verify_mode == ssl.CERT_REQUIRED
    monkeypatch.setenv(SKIP_SSL_VERIFY, "1")
    async with PasqalClient(prod) as unchecked:
        assert not unchecked.verifies_tls
        assert _ssl_context(unchecked).verify_mode == ssl.CERT_NONE
