"""Fixtures for the client tests; the fakes themselves live in ``cloudfakes``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from support.cloudfakes import ENV, PROJECT, FakeCloud, Sleeps

from pasqal_tui.cloud import PasqalClient, PasswordAuth


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(cloud: FakeCloud, sleeps: Sleeps) -> Callable[..., PasqalClient]:
    def make(**kwargs: Any) -> PasqalClient:
        kwargs.setdefault("auth", PasswordAuth(ENV, "ada@example.com", "s3cret"))
        kwargs.setdefault("project_id", PROJECT)
        kwargs.setdefault("rng", lambda: 0.5)
        return PasqalClient(ENV, transport=httpx.MockTransport(cloud), sleep=sleeps, **kwargs)

    return make
