"""An unexpected exception still answers in the JSend envelope (the SDK retries a 500 and
crashes on a non-JSON body), with an object `data` and no traceback or secret in it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from pasqal_tui.localcloud.app import create_app
from pasqal_tui.localcloud.settings import Settings


def test_unexpected_exception_is_a_500_envelope(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret-detail-that-must-not-leak")

    client = TestClient(app, raise_server_exceptions=False)  # no lifespan: no pool needed
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["status"] == "error" and body["code"] == 500
    assert isinstance(body["data"], dict) and "RuntimeError" in body["message"]
    assert "secret-detail" not in response.text
