"""Scenarios of the 0.12-series `pasqal-cloud` SDK against a local cloud.

Run by `test_sdk012.py` with the interpreter of `.venv-sdk012` (its own dependencies). Reads
`{core_url, token_domain, project_id, rabi, bell}` as JSON on stdin and prints a JSON report;
any failed check raises, so the exit code is not 0.
"""

import json
import math
import sys

import pasqal_cloud
import pasqal_cloud.batch
from auth0.v3.authentication import GetToken
from pasqal_cloud import SDK, Endpoints
from pasqal_cloud.authentication import Auth0TokenProvider
from pasqal_cloud.device import EmulatorType, EmuTNConfig
from pasqal_cloud.endpoints import Auth0Conf
from pasqal_cloud.utils.filters import JobFilters, RebatchFilters

PI_PULSE = {"omega": math.pi, "duration": 1000}


class LoopbackAuth0TokenProvider(Auth0TokenProvider):
    """0.12's own Auth0 login (auth0-python, JSON password-realm grant) over plain http:
    the local cloud has no TLS, and `GetToken` defaults to https."""

    def _query_token(self):
        return GetToken(self.auth0.domain, protocol="http").login(
            client_id=self.auth0.public_client_id,
            client_secret="",
            username=self.username,
            password=self.password,
            audience=self.auth0.audience,
            scope="openid profile email",
            realm=self.auth0.realm,
            grant_type="http://auth0.com/oauth/grant-type/password-realm",
        )


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    cfg = json.load(sys.stdin)
    pasqal_cloud.RESULT_POLLING_INTERVAL = 0.1  # shorter waits, same calls
    pasqal_cloud.batch.RESULT_POLLING_INTERVAL = 0.1
    provider = LoopbackAuth0TokenProvider(
        "demo", "demo", Auth0Conf(domain=cfg["token_domain"], public_client_id="local")
    )
    sdk = SDK(
        token_provider=provider,
        endpoints=Endpoints(core=cfg["core_url"]),
        project_id=cfg["project_id"],
    )
    report = {"version": pasqal_cloud.__version__ if hasattr(pasqal_cloud, "__version__") else ""}

    # Closed batch, wait=True, results (the README's first example).
    batch = sdk.create_batch(
        cfg["rabi"],
        jobs=[{"runs": 30, "variables": PI_PULSE}, {"runs": 20, "variables": PI_PULSE}],
        emulator=EmulatorType.EMU_FREE,
        wait=True,
    )
    # 0.12's wait loop reads the batch (op 2) before its jobs (op 11b), so the batch it holds
    # can predate the last job's end: one refresh shows what the server says now.
    batch.refresh()
    check(batch.status == "DONE", f"batch status {batch.status}")
    counts = [sum(j.result.values()) for j in batch.ordered_jobs]
    check(counts == [30, 20], f"result counts {counts}")
    report["closed"] = batch.id

    # Open batch: add_jobs, retry, declare complete.
    open_batch = sdk.create_batch(
        cfg["rabi"], jobs=[{"runs": 10, "variables": PI_PULSE}], emulator="EMU_FREE", open=True
    )
    open_batch.add_jobs([{"runs": 10, "variables": {"omega": 2.0, "duration": 300}}], wait=True)
    open_batch.retry(open_batch.ordered_jobs[0], wait=True)
    open_batch.close(wait=True)
    open_batch.refresh()
    statuses = [j.status for j in open_batch.ordered_jobs]
    check(open_batch.status == "DONE" and statuses == ["DONE"] * 3, f"open batch {statuses}")

    # EMU_TN with its configuration.
    tn = sdk.create_batch(
        cfg["rabi"],
        jobs=[{"runs": 10, "variables": PI_PULSE}],
        emulator=EmulatorType.EMU_TN,
        configuration=EmuTNConfig(dt=10.0, precision="normal"),
        wait=True,
    )
    check(sdk.get_batch(tn.id).status == "DONE", "EMU_TN batch not done")

    # get_jobs with filters and pagination.
    page = sdk.get_jobs(filters=JobFilters(batch_id=batch.id))
    check(page.total == 2 and len(page.results) == 2, f"get_jobs total {page.total}")
    errored = sdk.get_jobs(filters=JobFilters(errors=True)).results
    check(errored and all(j.errors for j in errored), "errors=True filter")

    # Rebatch with filters, then cancel.
    child = sdk.rebatch(batch.id, filters=RebatchFilters(min_runs=25))
    check(child.parent_id == batch.id and len(child.ordered_jobs) == 1, "rebatch")
    doomed = sdk.create_batch(
        cfg["rabi"], jobs=[{"runs": 5, "variables": PI_PULSE}], emulator="EMU_FREE", open=True
    )
    canceled = sdk.cancel_batch(doomed.id)
    check(canceled.status == "CANCELED", f"cancel status {canceled.status}")

    # Workloads and device specs.
    workload = sdk.create_workload(
        "pulser_emulation", "EMU_FREE", {"sequence": cfg["bell"], "runs": 30}, wait=True
    )
    check(
        workload.status == "DONE" and sum(workload.result["counter"].values()) == 30,
        f"workload {workload.status} {workload.errors}",
    )
    specs = sdk.get_device_specs_dict()
    check("FRESNEL" in specs and json.loads(specs["FRESNEL"])["name"] == "FRESNEL", "specs")
    report["specs"] = sorted(specs)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
