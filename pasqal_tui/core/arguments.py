"""Numbers on a command line, checked by argparse with one line that says what is wrong."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

_N = TypeVar("_N", int, float)


def number(
    text: str,
    convert: Callable[[str], _N],
    not_a_number: str,
    ok: Callable[[_N], bool],
    bounds: str,
) -> _N:
    """`text` as a number for argparse: `not_a_number` / `bounds` say what was wrong."""
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{not_a_number}, got {text!r}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"{bounds}, got {value}")
    return value
