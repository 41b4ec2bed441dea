"""The collector is off inside gc_paused and as it was after, also when the read fails."""

from __future__ import annotations

import gc

import pytest

from pasqal_tui.core.gc_pause import gc_paused


def test_off_inside_and_back_on_after_even_on_failure() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("the read failed")
    assert gc.isenabled()


def test_a_caller_that_had_it_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
