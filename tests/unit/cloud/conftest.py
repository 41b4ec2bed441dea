"""Fixtures for the client tests; the fakes themselves live in ``cloudfakes``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from support.cloudfakes import ENV, PROJECT, FakeCloud, Sleeps
from support.tinyserver import TinyServer

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


@pytest.fixture
async def server_factory() -> AsyncIterator[list[TinyServer]]:
    """The tiny servers a transport test starts (``tinyserver.serve``), stopped after it."""
    made: list[TinyServer] = []
    yield made
    for server in made:
        await server.stop()
