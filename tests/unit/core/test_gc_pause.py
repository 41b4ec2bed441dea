"""The collector is off inside gc_paused and as it was after, also when the read fails; what a
read that succeeded left alive is frozen (never scanned again), what a failed one left is not."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from pasqal_tui.core.gc_pause import gc_paused


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()


def test_off_inside_and_back_on_after_even_on_failure() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.unfreeze()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("the read failed")
    assert gc.isenabled()


def test_what_a_read_left_alive_is_frozen_only_when_it_succeeded() -> None:
    with gc_paused():
        read = [[str(i)] for i in range(1000)]  # lists: tracked by the collector
    assert all(gc.is_tracked(r) for r in read)
    assert not {id(r) for r in read} & scanned()
    gc.unfreeze()
    assert {id(r) for r in read} <= scanned()
    with pytest.raises(RuntimeError), gc_paused():
        failed = [[str(i)] for i in range(1000)]
        raise RuntimeError("the read failed")
    assert gc.get_freeze_count() == 0 and {id(r) for r in failed} <= scanned()


def scanned() -> set[int]:
    """The objects in the collector's generations (not the frozen ones)."""
    return {id(o) for generation in range(3) for o in gc.get_objects(generation)}


def test_a_caller_that_had_it_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
