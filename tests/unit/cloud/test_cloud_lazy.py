"""The package's names load on first use, so a submodule import stays cheap."""

from __future__ import annotations

import subprocess
import sys

import pasqal_tui.cloud as cloud
from pasqal_tui.cloud import environments
from pasqal_tui.cloud.base import _plain_http


def test_every_exported_name_resolves() -> None:
    for name in cloud.__all__:
        assert getattr(cloud, name) is not None, name
    assert set(cloud.__all__) <= set(dir(cloud))


def test_models_import_without_httpx() -> None:
    code = "import sys, pasqal_tui.cloud.filters; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        cloud.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_tls_is_skipped_only_where_every_url_is_plain_http() -> None:
    assert _plain_http(environments.local("http://127.0.0.1:8000"))
    assert not _plain_http(environments.get_environment("prod"))
    mixed = environments.custom(
        core_url="http://h/core-fast",
        account_url="http://h/account",
        token_url="https://auth/token",
        client_id="x",
    )
    assert not _plain_http(mixed)
