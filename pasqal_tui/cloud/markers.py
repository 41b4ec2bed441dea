"""Request markers: the tag a new batch carries so that a create whose answer was lost can be
found again (``GET /api/v1/batches?tag=...``, SPEC §5.1) instead of being sent twice.

A marker is an ordinary tag to the service (stored, listed, filtered like any other); people
never need to see it, so front ends show :func:`user_tags` and keep markers on replace.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

__all__ = ["MARKER_PREFIX", "is_marker", "markers_in", "new_marker", "user_tags", "with_markers"]

MARKER_PREFIX = "ptui-req:"


def new_marker() -> str:
    """A fresh marker, unique to one create request: ``ptui-req:<uuid4>``."""
    return f"{MARKER_PREFIX}{uuid.uuid4()}"


def is_marker(tag: str) -> bool:
    """Whether ``tag`` is a request marker rather than a tag a person chose."""
    return tag.startswith(MARKER_PREFIX)


def user_tags(tags: Iterable[str] | None) -> list[str]:
    """The tags a person chose, in order, without request markers."""
    return [t for t in tags or () if not is_marker(t)]


def markers_in(tags: Iterable[str] | None) -> list[str]:
    """The request markers among ``tags``."""
    return [t for t in tags or () if is_marker(t)]


def with_markers(chosen: Iterable[str], current: Iterable[str] | None) -> list[str]:
    """The tags to send when a person replaces ``current`` with ``chosen``: markers are kept,
    so the batch can still be matched to the request that made it."""
    kept = markers_in(current)
    return [*(t for t in chosen if not is_marker(t)), *kept]
