"""`SignInThrottle` on a fake clock: the sliding window, Retry-After, and the two budgets."""

from __future__ import annotations

from pasqal_tui.localcloud.throttle import SignInThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_window_slides_and_retry_after_counts_down() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(per_user=3, per_address=10, window=60.0, clock=clock)
    for step in range(3):
        assert throttle.retry_after("ann", "a") == 0
        throttle.failed("ann", "a")
        clock.now += 10 * (step + 1)  # failures at 1000, 1010, 1030
    clock.now = 1030.5
    assert throttle.retry_after("ann", "a") == 30  # the oldest (1000) leaves at 1060
    clock.now = 1059.2
    assert throttle.retry_after("ann", "a") == 1
    clock.now = 1060.0
    assert throttle.retry_after("ann", "a") == 0  # one slot free again
    throttle.failed("ann", "a")
    assert throttle.retry_after("ann", "a") == 10  # now 1010 is the one to wait for


def test_user_and_address_budgets_are_separate() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(per_user=2, per_address=4, window=60.0, clock=clock)
    throttle.failed("ann", "a")
    throttle.failed("ann", "b")
    assert throttle.retry_after("ann", "c") > 0  # the name is throttled from anywhere
    assert throttle.retry_after("bob", "a") == 0  # others on the same address are not
    throttle.failed("bob", "a")
    throttle.failed("cid", "a")
    throttle.failed("dan", "a")
    assert throttle.retry_after("eve", "a") > 0  # four failures from one address
    assert throttle.retry_after("eve", "z") == 0


def test_many_names_are_pruned_once_stale() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(per_user=5, per_address=10**9, window=1.0, clock=clock)
    for i in range(5000):
        throttle.failed(f"user-{i}", "a")
    clock.now += 2
    throttle.failed("last", "a")
    assert len(throttle._failures) == 2  # "last" and its address


def test_locks_are_per_name_and_dropped_when_unused() -> None:
    throttle = SignInThrottle(per_user=5, per_address=20, window=60.0)
    first = throttle.lock("ann")
    assert throttle.lock("ann") is first and throttle.lock("bob") is not first
    del first
    assert len(throttle._locks) == 0
