"""pasqal-cloud 0.24's own Pulser backends (`PasqalCloudConnection` + RemoteEmuFreeBackend,
RemoteMPSBackend, RemoteSVBackend), unmodified, against the local cloud: an `EmulationConfig`
decides the shots and the observables, and the results come back as Pulser `Results`."""

from __future__ import annotations

import json
import math

import pytest
from pulser import Pulse, Register, Sequence
from pulser.backend import (
    BitStrings,
    CorrelationMatrix,
    EmulationConfig,
    Energy,
    Occupation,
    Results,
)
from support.localcloud import api_client, data
from support.sdk import fast_polling, make_sdk

from pasqal_tui.localcloud.process import LocalCloudProcess

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


def _connection(local_cloud: LocalCloudProcess, monkeypatch: pytest.MonkeyPatch) -> object:
    from pasqal_cloud import PasqalCloudConnection

    fast_polling(monkeypatch)
    sdk = make_sdk(local_cloud)
    return PasqalCloudConnection(
        username="demo",
        password="demo",
        project_id=sdk.project_id,
        endpoints=sdk._client.endpoints,
        auth_config=sdk._client.authenticator.token_provider.config,  # type: ignore[union-attr]
    )


def _pi_pulse(device: object) -> Sequence:
    """Two far-apart atoms and a pi pulse: both end up excited in almost every shot."""
    register = Register({"q0": (0, 0), "q1": (0, 30)})
    sequence = Sequence(register, device)
    sequence.declare_channel("rydberg", "rydberg_global")
    sequence.add(Pulse.ConstantPulse(1000, math.pi, 0.0, 0.0), "rydberg")
    return sequence


@pytest.mark.parametrize(
    ("backend_name", "device_type"),
    [
        ("RemoteEmuFreeBackend", "EMU_FREE"),
        ("RemoteMPSBackend", "EMU_MPS"),
        ("RemoteSVBackend", "EMU_SV"),
    ],
)
def test_remote_backend_runs_the_emulation_config(
    local_cloud: LocalCloudProcess,
    monkeypatch: pytest.MonkeyPatch,
    backend_name: str,
    device_type: str,
) -> None:
    import pasqal_cloud

    connection = _connection(local_cloud, monkeypatch)
    device = connection.fetch_available_devices()[device_type]  # type: ignore[attr-defined]
    config = EmulationConfig(
        observables=[
            BitStrings(num_shots=40),
            Occupation(evaluation_times=[0.5, 1.0]),
            Energy(),
            CorrelationMatrix(),
        ]
    )
    backend = getattr(pasqal_cloud, backend_name)(
        _pi_pulse(device), connection=connection, config=config
    )
    remote = backend.run(wait=True)
    (result,) = remote.results
    assert isinstance(result, Results)
    assert sum(result.final_bitstrings.values()) == 40
    assert result.final_bitstrings.get("11", 0) >= 30
    tags = {"bitstrings", "occupation", "energy", "correlation_matrix"}
    assert set(result.get_result_tags()) == tags
    assert result.get_result_times("occupation") == [0.5, 1.0]
    half, full = result.occupation
    assert 0.3 < half[0] < 0.7 and full[0] > 0.9  # half a pi pulse, then all of it
    assert len(result.correlation_matrix[-1]) == 2

    with api_client(local_cloud) as api:
        batch = data(api.get(f"/core-fast/api/v2/batches/{remote.batch_id}"))
        assert batch["device_type"] == device_type
        job_id = batch["job_ids"][0]
        link = data(api.get(f"/core-fast/api/v1/jobs/{job_id}/results_link"))["results_link"]
        document = api.get(link).json()
    assert sum(document["counter"].values()) == 40 and len(document["raw"]) == 40
    again = Results.from_abstract_repr(document["serialised_results"])
    assert again.final_bitstrings == document["counter"]


def test_an_invalid_emulation_config_is_refused_naming_it(local_cloud: LocalCloudProcess) -> None:
    from pasqal_tui.localcloud import sequences

    with api_client(local_cloud) as api:
        project_id = data(api.get("/account/api/v1/projects"))[0]["id"]
        before = api.get("/core-fast/api/v1/batches", params={"limit": 1}).json()["pagination"]
        for garbage, named in [
            ("not a config", "not JSON"),
            (json.dumps({"observables": 3}), "not of type 'array'"),
            (json.dumps({"callbacks": []}), "'observables' is a required property"),
        ]:
            body = {
                "project_id": project_id,
                "sequence_builder": sequences.rabi_oscillation(2),
                "device_type": "EMU_MPS",
                "jobs": [{"runs": None, "variables": {"omega": 1.0, "duration": 100}}],
                "backend_configuration": garbage,
            }
            response = api.post("/core-fast/api/v1/batches", json=body)
            assert response.status_code == 400, response.text
            message = response.json()["message"]
            assert "backend_configuration" in message and named in message
            assert "\n" not in message
        after = api.get("/core-fast/api/v1/batches", params={"limit": 1}).json()["pagination"]
    assert after["total"] == before["total"]  # nothing was created
