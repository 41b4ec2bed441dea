"""Building the official SDK (0.24) against a local cloud, as a user would configure it."""

from __future__ import annotations

import pytest
from pasqal_cloud.endpoints import AUTH0_TOKEN_PROVIDER_GRANT_TYPE, Endpoints, TokenProviderConf
from pasqal_cloud.pasqal_cloud_client import PasqalCloudClient

from pasqal_tui.localcloud.process import LocalCloudProcess


def make_sdk(
    cloud: LocalCloudProcess, username: str = "demo", password: str = "demo"
) -> PasqalCloudClient:
    """Log in through `/oauth/token` (form-encoded password-realm grant) and pick the project."""
    sdk = PasqalCloudClient(
        username=username,
        password=password,
        endpoints=Endpoints(core=cloud.core_url, account=cloud.account_url),
        auth_config=TokenProviderConf(
            token_endpoint=cloud.token_url,
            public_client_id="local-test",
            audience=f"{cloud.account_url}/api/v1",
            realm="pcs-users",
            grant_type=AUTH0_TOKEN_PROVIDER_GRANT_TYPE,
        ),
    )
    projects = sdk.get_all_projects()
    sdk.switch_to_project(projects[0].id)
    return sdk


def fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK waits 2 s, 4 s, ... between polls; tests shorten the wait, not the protocol."""
    import pasqal_cloud.pasqal_cloud_client as client_module
    import pasqal_cloud.utils.polling as polling

    monkeypatch.setattr(polling, "POLL_WAIT_INITIAL_SECONDS", 0.05)
    monkeypatch.setattr(polling, "POLL_WAIT_MAX_SECONDS", 0.5)
    monkeypatch.setattr(client_module, "RESULT_POLLING_INTERVAL", 0.1)
