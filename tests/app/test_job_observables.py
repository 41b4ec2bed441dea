"""Job detail lists the observables of a job run from a Pulser `EmulationConfig` (decoded from
the results' `serialised_results` by Pulser), through the real client and a real local cloud."""

from __future__ import annotations

import math
from typing import Any

from pulser.backend import BitStrings, CorrelationMatrix, EmulationConfig, Energy, Occupation
from rich.text import Text
from support.actions import open_jobs, rabi, settled
from support.app import make_app, on_screen, wait_for
from support.localcloud import wait_until
from textual.widgets import Static

from pasqal_tui.cloud import environments
from pasqal_tui.cloud.client import PasqalClient
from pasqal_tui.cloud.payloads import CreateBatchRequest, JobInput
from pasqal_tui.cloud.transport.auth import PasswordAuth
from pasqal_tui.tui.screens.job import JobScreen


async def _configured_batch(base_url: str) -> str:
    config = EmulationConfig(
        observables=[
            BitStrings(num_shots=40),
            Occupation(evaluation_times=[0.5, 1.0]),
            Energy(),
            CorrelationMatrix(),
        ]
    )
    env = environments.local(base_url)
    async with PasqalClient(env, PasswordAuth(env, "demo", "demo")) as client:
        client.project_id = (await client.list_projects())[0].id
        batch = await client.create_batch(
            CreateBatchRequest(
                sequence_builder=rabi(),
                jobs=[JobInput(runs=None, variables={"omega": math.pi, "duration": 1000})],
                device_type="EMU_SV",
                backend_configuration=config.to_abstract_repr(),
            )
        )
        return batch.id


def _text(screen: JobScreen, selector: str) -> str:
    content = screen.query_one(selector, Static).content
    return content.plain if isinstance(content, Text) else str(content)


async def test_job_detail_lists_the_observables(local_cloud: Any) -> None:
    batch_id = await _configured_batch(local_cloud.base_url)
    wait_until(lambda: settled(local_cloud, batch_id), timeout=60)
    app = make_app(local_cloud.base_url)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_jobs(pilot, batch_id)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: on_screen(app, JobScreen) and app.screen.results_loaded,
            what="the job's results",
        )
        screen = app.screen
        assert isinstance(screen, JobScreen)
        assert screen.query_one("#job-observables").display
        text = _text(screen, "#job-observables")
        lines = text.splitlines()
        assert lines[0] == "atoms q0 q1  duration 1000 ns"
        assert "bitstrings  1 time" in lines
        assert any(line.startswith("  t=1     40 shots: 11:") for line in lines), text
        occupation = lines.index(next(li for li in lines if li.startswith("occupation ⟨n_i⟩")))
        assert lines[occupation].startswith("occupation ⟨n_i⟩  2 times  Σ ▁█")  # excitations
        half, full = lines[occupation + 1], lines[occupation + 2]
        assert half.startswith("  t=0.5   q0 0.") and full.startswith("  t=1     q0 0.9")
        assert "energy ⟨H⟩  1 time" in lines
        assert any(li.startswith("correlations ⟨n_i n_j⟩") for li in lines)
        # The histogram is still there, from the results' counter.
        assert "40" in _text(screen, "#job-results") or "11" in _text(screen, "#job-results")
