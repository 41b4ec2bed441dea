"""Finding batches by what a person types: a full id, or the first characters of one."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pasqal_tui.cloud.errors import NotFoundError
from pasqal_tui.cloud.filters import BatchFilters
from pasqal_tui.cloud.parsing import MAX_PAGE_SIZE

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.cloud.models import Batch, Page

#: Pages of batches read at once when every batch is wanted.
IN_FLIGHT = 8


class AmbiguousIdError(ValueError):
    """A prefix that matches several batches; ``candidates`` are their full ids."""

    def __init__(self, prefix: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:10]) + (" …" if len(candidates) > 10 else "")
        super().__init__(f"{prefix!r} matches {len(candidates)} batches: {shown}")
        self.candidates = candidates


async def all_batches(
    client: PasqalClient,
    filters: BatchFilters | None = None,
    *,
    limit: int | None = None,
    first: Page[Batch] | None = None,
) -> list[Batch]:
    """Every matching batch, newest first: the first page, then the rest concurrently.

    ``first``: that first page (offset 0, a full page) when the caller has just read it, as the
    dashboard has at start; it is not asked for again."""
    size = MAX_PAGE_SIZE if limit is None else min(limit, MAX_PAGE_SIZE)
    if first is None or first.offset != 0 or first.limit != size:
        first = await client.list_batches(filters, offset=0, limit=size)
    found = list(first.items)
    wanted = first.total if limit is None else min(limit, first.total)
    offsets = list(range(len(found), wanted, MAX_PAGE_SIZE))
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def page(offset: int) -> list[Batch]:
        async with gate:
            return list((await client.list_batches(filters, offset=offset, limit=size)).items)

    for items in await asyncio.gather(*(page(o) for o in offsets)):
        found.extend(items)
    unique = list({b.id: b for b in found}.values())  # a batch created meanwhile shifts pages
    return unique[:wanted] if limit is not None else unique


def full_batch_id(text: str) -> str | None:
    """``text`` as a full batch id if it is written as one (not checked with the cloud)."""
    candidate = text.strip().lower()
    return candidate if len(candidate) == 36 else None


async def resolve_batch_id(client: PasqalClient, text: str) -> str:
    """The full id of the batch ``text`` names (a full id or a unique prefix of one)."""
    prefix = text.strip().lower()
    if full_batch_id(prefix):
        return (await client.get_batch(prefix)).id
    if len(prefix) < 4 or any(c not in "0123456789abcdef-" for c in prefix):
        raise ValueError(f"{text!r} is neither a batch id nor the first 4+ characters of one")
    matches = [b.id for b in await all_batches(client) if b.id.startswith(prefix)]
    if not matches:
        raise NotFoundError(f"no batch id starts with {prefix!r} in this project")
    if len(matches) > 1:
        raise AmbiguousIdError(prefix, matches)
    return matches[0]
