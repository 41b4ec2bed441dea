"""pulser-pasqal's emulator backends (EmuMPSBackend, EmuSVBackend, EmuFreeBackendV2), unmodified,
against a local cloud.

Run by `test_pulser_pasqal.py` with the interpreter of `.venv-pulser-pasqal` (pulser-pasqal pins
its own pasqal-cloud). Reads `{core_url, account_url, token_url, project_id}` as JSON on stdin,
prints one JSON report line per backend; any failed check raises, so the exit code is not 0.
"""

import json
import math
import sys
import warnings

import pasqal_cloud
import pasqal_cloud.batch
import pulser_pasqal
from pasqal_cloud.endpoints import AUTH0_TOKEN_PROVIDER_GRANT_TYPE, Endpoints, TokenProviderConf
from pulser import Pulse, Register, Sequence
from pulser.backend import (
    BitStrings,
    CorrelationMatrix,
    EmulationConfig,
    Energy,
    Occupation,
    Results,
)

warnings.simplefilter("ignore")

SHOTS = 40
BACKENDS = {
    "EmuFreeBackendV2": "EMU_FREE",
    "EmuMPSBackend": "EMU_MPS",
    "EmuSVBackend": "EMU_SV",
}


def connect(config):
    connection = pulser_pasqal.PasqalCloud(
        username="demo",
        password="demo",
        project_id=config["project_id"],
        endpoints=Endpoints(core=config["core_url"], account=config["account_url"]),
        auth_config=TokenProviderConf(
            token_endpoint=config["token_url"],
            public_client_id="local-test",
            audience=f"{config['account_url']}/api/v1",
            realm="pcs-users",
            grant_type=AUTH0_TOKEN_PROVIDER_GRANT_TYPE,
        ),
    )
    # The SDK polls every 2 s; tests shorten the wait, not the protocol.
    pasqal_cloud.RESULT_POLLING_INTERVAL = 0.1
    pasqal_cloud.batch.RESULT_POLLING_INTERVAL = 0.1
    return connection


def pi_pulse(device):
    register = Register({"q0": (0, 0), "q1": (0, 30)})
    sequence = Sequence(register, device)
    sequence.declare_channel("rydberg", "rydberg_global")
    sequence.add(Pulse.ConstantPulse(1000, math.pi, 0.0, 0.0), "rydberg")
    return sequence


def run(connection, name, device_type):
    device = connection.fetch_available_devices()[device_type]
    config = EmulationConfig(
        observables=[BitStrings(num_shots=SHOTS), Occupation(), Energy(), CorrelationMatrix()]
    )
    backend = getattr(pulser_pasqal, name)(pi_pulse(device), connection, config=config)
    remote = backend.run(wait=True)
    (result,) = remote.results
    assert isinstance(result, Results), type(result)
    counts = dict(result.final_bitstrings)
    assert sum(counts.values()) == SHOTS, counts
    batch = connection._sdk_connection.get_batch(remote.batch_id)
    (job,) = batch.ordered_jobs
    serialised = job.full_result["serialised_results"]
    again = Results.from_abstract_repr(serialised)
    assert dict(again.final_bitstrings) == counts
    return {
        "backend": name,
        "device_type": batch.device_type,
        "shots": sum(counts.values()),
        "counter_shots": sum(job.result.values()),
        "tags": sorted(result.get_result_tags()),
        "final_occupation": [float(x) for x in result.occupation[-1]],
        "runs_sent": job.runs,
    }


def main():
    config = json.loads(sys.stdin.read())
    connection = connect(config)
    reports = [run(connection, name, device) for name, device in BACKENDS.items()]
    version = __import__("importlib.metadata").metadata.version("pulser-pasqal")
    print(json.dumps({"pulser_pasqal": version, "runs": reports}))


if __name__ == "__main__":
    main()
