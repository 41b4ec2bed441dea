"""A job's results document with its observables decoded (Pulser, when installed).

Decoding imports Pulser and parses the document: it runs in a thread so that neither the
dashboard's event loop nor a headless command's waits on it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pasqal_tui.cloud.observables import DecodedResults, decode

if TYPE_CHECKING:
    from pasqal_tui.cloud.client import PasqalClient
    from pasqal_tui.cloud.models import JobResults


async def job_results(
    client: PasqalClient, job_id: str
) -> tuple[JobResults | None, DecodedResults | None]:
    """The document, and its `serialised_results` decoded (None when it has none)."""
    results = await client.get_job_results(job_id)
    serialised = results.serialised_results if results is not None else None
    if not serialised:
        return results, None
    return results, await asyncio.to_thread(decode, serialised)
