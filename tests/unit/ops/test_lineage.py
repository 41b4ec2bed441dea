"""Lineages and lineage-aware rebatch plans against a real local cloud of this module's own:
a job and its rebatch copies count once; a plan skips a job already resubmitted (pending,
running or done) and says where, takes a job whose copy was cancelled or failed again and says
why, follows a lineage three deep, spans a QPU and an emulator batch, and names a source batch
that is gone instead of failing. Outcomes are checked through the API (batch counts, parent ids).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from support.lineage import (
    MISSING_DURATION_TEXT,
    NO_DURATION,
    TOO_SHORT,
    TOO_SHORT_TEXT,
    batch_total,
    connect,
    create,
    errored,
    hold_qpu,
    rebatch_errors,
    settled,
    start_lineage_cloud,
)

from pasqal_tui.cloud import RebatchFilters, errors
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.models import JobStatus
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.ops import lineage, queries
from pasqal_tui.ops.plans import Plan, rebatch_plan
from pasqal_tui.ops.rebatch import group_rebatch_plan, rebatch_all
from pasqal_tui.ops.triage import group_errors

ERROR_ONLY = RebatchFilters(status=[JobStatus.ERROR])


@dataclass(frozen=True)
class World:
    """``qpu_two``: 2 ERROR jobs, the first rebatched into ``qpu_two_copy`` (PENDING: the QPU
    is held). ``qpu_cancelled``: its copy ``cancelled_copy`` was cancelled. ``emu_deep``: on
    the emulator, rebatched into ``deep1``, rebatched into ``deep2`` (all ERROR: three deep).
    ``qpu_group`` (copy ``qpu_group_copy`` PENDING) and ``emu_group`` (never rebatched) share
    one error message on two devices."""

    since: datetime
    qpu_two: str
    qpu_two_copy: str
    qpu_cancelled: str
    cancelled_copy: str
    emu_deep: str
    deep1: str
    deep2: str
    qpu_group: str
    qpu_group_copy: str
    emu_group: str


async def build(cloud: LocalCloudProcess) -> World:
    async with connect(cloud) as client:
        qpu_two = await create(client, "FRESNEL", [NO_DURATION, NO_DURATION])
        since = (await client.get_batch(qpu_two)).created_at - timedelta(microseconds=1)
        qpu_cancelled = await create(client, "FRESNEL", [NO_DURATION])
        qpu_group = await create(client, "FRESNEL", [TOO_SHORT])
        emu_deep = await create(client, "EMU_FREE", [NO_DURATION])
        emu_group = await create(client, "EMU_FREE", [TOO_SHORT])
        await settled(client, qpu_two, qpu_cancelled, qpu_group, emu_deep, emu_group)
        await hold_qpu(client)
        first = (await errored(client, qpu_two))[0]
        qpu_two_copy = await client.rebatch(qpu_two, RebatchFilters(id=[first.id]))
        cancelled_copy = await rebatch_errors(client, qpu_cancelled)
        await client.cancel_batch(cancelled_copy.id)
        qpu_group_copy = await rebatch_errors(client, qpu_group)
        deep1 = await rebatch_errors(client, emu_deep, settle=True)
        deep2 = await rebatch_errors(client, deep1.id, settle=True)
    return World(
        since,
        qpu_two,
        qpu_two_copy.id,
        qpu_cancelled,
        cancelled_copy.id,
        emu_deep,
        deep1.id,
        deep2.id,
        qpu_group,
        qpu_group_copy.id,
        emu_group,
    )


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    process = start_lineage_cloud(tmp_path_factory.mktemp("lineage-cloud"))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def world(cloud: LocalCloudProcess) -> World:
    return asyncio.run(build(cloud))


@pytest.fixture
async def client(cloud: LocalCloudProcess) -> AsyncIterator[PasqalClient]:
    async with connect(cloud) as c:
        yield c


async def test_a_lineage_three_deep_is_read_from_either_end(
    world: World, client: PasqalClient
) -> None:
    (root,) = await errored(client, world.emu_deep)
    (middle,) = await errored(client, world.deep1)
    (leaf,) = await errored(client, world.deep2)
    assert (middle.parent_id, leaf.parent_id) == (root.id, middle.id)
    down = (await lineage.trace(client, [root])).of(root)
    up = (await lineage.trace(client, [leaf])).of(leaf)
    for line in (down, up):
        assert [j.id for j in line.attempts] == [root.id, middle.id, leaf.id]
        assert line.copies == 2 and line.latest_error() == leaf and line.missing == []
    assert down.describe() == f"retried 2\u00d7, last: ERROR in {world.deep2[:8]}"
    assert down.again_reason(root) == f"its copy in {world.deep2[:8]} was ERROR"
    assert up.again_reason(leaf) == "a copy that failed again (ERROR)"


async def test_a_job_already_resubmitted_is_skipped_and_the_plan_says_where(
    world: World, client: PasqalClient
) -> None:
    first, second = await errored(client, world.qpu_two)
    before = await batch_total(client)
    plan = await rebatch_plan(client, world.qpu_two, ERROR_ONLY)
    assert plan.jobs == 1 and plan.runs == 10 and plan.job_ids == [second.id]
    assert plan.filters == RebatchFilters(id=[second.id], status=[JobStatus.ERROR])
    assert list(plan.skipped) == [first.id]
    where = f"of batch {world.qpu_two[:8]}"
    assert plan.lines[0] == f"Resubmit 1 job (10 runs) {where} into a new batch."
    assert f"Skipped: 1 job already resubmitted in {world.qpu_two_copy[:8]} (PENDING)" in plan.lines
    everything = plan.alternative
    assert isinstance(everything, Plan) and everything.jobs == 2
    assert everything.filters == ERROR_ONLY
    assert await batch_total(client) == before  # a plan only reads


async def test_nothing_left_to_resubmit_when_every_job_was(
    world: World, client: PasqalClient
) -> None:
    plan = await rebatch_plan(client, world.qpu_group, ERROR_ONLY)
    assert plan.empty and plan.filters is None and plan.job_ids == []
    assert plan.lines[0] == (
        f"Nothing left to resubmit of batch {world.qpu_group[:8]}: 1 job already resubmitted."
    )
    assert plan.alternative is not None and plan.alternative.jobs == 1


async def test_a_job_whose_copy_was_cancelled_is_eligible_again(
    world: World, client: PasqalClient
) -> None:
    (job,) = await errored(client, world.qpu_cancelled)
    plan = await rebatch_plan(client, world.qpu_cancelled, ERROR_ONLY)
    assert plan.jobs == 1 and plan.job_ids == [job.id] and not plan.skipped
    assert plan.alternative is None
    assert f"Eligible again: 1 job (its copy in {world.cancelled_copy[:8]} was CANCELED)" in (
        plan.lines
    )


async def test_the_errors_view_counts_a_job_and_its_copies_once(
    world: World, client: PasqalClient
) -> None:
    report = await queries.recent_errors(client, 200, world.since, lineages=True)
    ours = {world.qpu_two, world.qpu_cancelled, world.emu_deep, world.deep1, world.deep2}
    assert len([j for j in report.jobs if j.batch_id in ours]) == 6  # ERROR attempts
    groups = group_errors(report.jobs, report.devices, report.family)
    (group,) = [g for g in groups if g.message == MISSING_DURATION_TEXT]
    assert group.count == 4 and group.resubmitted == 1  # 4 lineages, 1 with a PENDING copy
    assert set(group.batches) == {world.qpu_two, world.qpu_cancelled, world.deep2}
    assert group.devices == {"FRESNEL", "EMU_FREE"}
    described = sorted(line.describe(job) for job, line in group.members)
    assert described == sorted(
        [
            "",
            f"resubmitted, now PENDING in {world.qpu_two_copy[:8]}",
            f"retried 1\u00d7, last: CANCELED in {world.cancelled_copy[:8]}",
            f"retried 2\u00d7, last: ERROR in {world.deep2[:8]}",
        ]
    )


async def test_a_group_plan_spans_a_qpu_and_an_emulator_batch_and_sends_the_eligible(
    world: World, client: PasqalClient
) -> None:
    (qpu_job,) = await errored(client, world.qpu_group)
    (emu_job,) = await errored(client, world.emu_group)
    gone = str(uuid.uuid4())
    sources = {world.qpu_group: [qpu_job.id], world.emu_group: [emu_job.id], gone: [gone]}
    plan = await group_rebatch_plan(client, TOO_SHORT_TEXT, sources)
    assert plan.lines[:3] == [
        f"Error: {TOO_SHORT_TEXT}",
        "Resubmit 1 job (14 runs) from 1 source batch into 1 new batch:",
        f"  {world.emu_group[:8]} EMU_FREE: 1 job, 14 runs",
    ]
    assert f"Skipped: 1 job already resubmitted in {world.qpu_group_copy[:8]} (PENDING)" in (
        plan.lines
    )
    assert f"Source batch {gone[:8]} is gone or in another project: 1 job left out." in plan.lines
    assert [p.batch_id for p in plan.plans] == [world.emu_group] and plan.skipped == 1
    assert sorted(p.batch_id for p in plan.everything) == sorted([world.qpu_group, world.emu_group])
    before = await batch_total(client)
    gone_plan = Plan("rebatch", "", [], gone, 1, filters=RebatchFilters(id=[gone]))
    outcome = await rebatch_all(client, [gone_plan, *plan.plans])
    (made,) = outcome.made
    assert await batch_total(client) == before + 1
    assert made.parent_id == world.emu_group
    assert [j.parent_id for j in made.jobs or []] == [emu_job.id]
    assert outcome.summary().startswith(f"Rebatched 1 job of 1 batch into {made.id[:8]}; ")
    assert list(outcome.failed) == [gone]
    with pytest.raises(errors.NotFoundError):
        await rebatch_all(client, [gone_plan])
    assert await batch_total(client) == before + 1


async def test_a_family_is_in_flight_while_a_copy_can_still_change(
    world: World, client: PasqalClient
) -> None:
    """What lets the errors view follow a rebatch on its own: a PENDING copy keeps the family in
    flight; copies that ended (CANCELED, ERROR three deep) and jobs never resubmitted do not."""
    (pending_root, _), (cancelled,), (deep,), (never,) = [
        await errored(client, b)
        for b in (world.qpu_two, world.qpu_cancelled, world.emu_deep, world.emu_group)
    ]
    assert (await lineage.trace(client, [pending_root])).in_flight
    ended = await lineage.trace(client, [cancelled, deep, never])
    assert ended.lineages and not ended.in_flight
