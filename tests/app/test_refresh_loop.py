"""The refresh loop's pace: the interval, also while the cloud is down (each tick is then a
one-request probe, so an outage's end is seen within one interval); Retry-After slows it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from pasqal_tui.tui.services.refresh import RefreshLoop


def loop(failures: int, interval: float = 3.0) -> RefreshLoop:
    cloud: Any = SimpleNamespace(failures=failures, client=None)
    return RefreshLoop(app=None, cloud=cloud, interval=interval)  # type: ignore[arg-type]


def test_the_pace_is_the_interval_up_or_down() -> None:
    assert loop(0).backoff() == 3.0
    assert loop(1).backoff() == 3.0
    assert loop(9).backoff() == 3.0  # twenty seconds down: still one probe every 3 s


def test_retry_after_slows_the_probe_only_while_it_fails() -> None:
    down = loop(2)
    down._retry_after = 40.0
    assert down.backoff() == 40.0
    down.cloud.failures = 0
    assert down.backoff() == 3.0
