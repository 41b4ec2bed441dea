"""The headless commands against a real local cloud: stdout parsed (JSON, CSV), exit codes,
and the server's state read back over the API; nothing is sent without `--yes` or a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.actions import (
    api,
    audit_lines,
    batch,
    batch_count,
    children_of,
    jobs_of,
    make_batch,
)

from pasqal_tui.localcloud.process import LocalCloudProcess

GOOD = {"runs": 10, "variables": {"omega": 3.14, "duration": 100}}
BAD = {"runs": 10, "variables": {"omega": 3.14}}  # no duration: the emulation fails (ERROR)


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    process = LocalCloudProcess(tmp_path_factory.mktemp("headless-cloud"), ["--workers", "1"])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASQAL_TUI_", "XDG_"))}
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        env[var] = str(tmp_path / var.lower())
    return env


def cli(
    cloud: LocalCloudProcess, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pasqal_tui", "--local-url", cloud.base_url, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )


async def errored_batch(cloud: LocalCloudProcess, env: dict[str, str], tag: str) -> str:
    bid = await make_batch(cloud.base_url, "EMU_FREE", [GOOD, BAD], tags=[tag])
    done = cli(cloud, env, "wait", bid, "--timeout", "120", "--interval", "0.5")
    assert done.returncode == 1, done.stderr  # a job ERROR: exit 1
    assert f"{bid}  DONE  2 jobs: 1 done, 1 error" in done.stdout
    return bid


async def test_batches_as_json_and_csv_and_the_formats_exclude_each_other(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    tag = f"t-{uuid.uuid4().hex[:8]}"
    ids = {await make_batch(cloud.base_url, "EMU_FREE", [GOOD], tags=[tag]) for _ in range(2)}
    listed = cli(cloud, home, "batches", "--tag", tag, "--json")
    assert listed.returncode == 0, listed.stderr
    documents = json.loads(listed.stdout)
    assert {d["id"] for d in documents} == ids
    assert all(d["device_type"] == "EMU_FREE" and tag in d["tags"] for d in documents)
    as_csv = cli(cloud, home, "batches", "--tag", tag, "--csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {r["id"] for r in rows} == ids and "\x1b" not in as_csv.stdout
    both = cli(cloud, home, "batches", "--json", "--csv")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


async def test_jobs_by_prefix_filtered_and_bad_ids_named(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    bid = await errored_batch(cloud, home, f"t-{uuid.uuid4().hex[:8]}")
    listed = cli(cloud, home, "jobs", bid[:8], "--status", "error", "--json")
    assert listed.returncode == 0, listed.stderr
    (job,) = json.loads(listed.stdout)
    assert job["status"] == "ERROR" and job["variables"] == {"omega": 3.14}
    one = cli(cloud, home, "job", job["id"], "--json")
    assert json.loads(one.stdout)["errors"] and one.returncode == 0
    unknown = cli(cloud, home, "jobs", "ffff0000")
    assert unknown.returncode == 2 and "no batch id starts with 'ffff0000'" in unknown.stderr
    short = cli(cloud, home, "jobs", "ab")
    assert short.returncode == 2 and "first 4+ characters" in short.stderr
    assert "Traceback" not in unknown.stderr + short.stderr


async def test_jobs_by_full_id_without_a_lookup_still_names_an_unknown_batch(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    bid = await make_batch(cloud.base_url, "EMU_FREE", [GOOD])
    assert cli(cloud, home, "wait", bid, "--interval", "0.5", "--timeout", "120").returncode == 0
    listed = cli(cloud, home, "jobs", bid.upper(), "--json")  # as pasted, upper case
    assert listed.returncode == 0, listed.stderr
    assert [j["batch_id"] for j in json.loads(listed.stdout)] == [bid]
    none = cli(cloud, home, "jobs", bid, "--status", "error", "--json")
    assert none.returncode == 0 and json.loads(none.stdout) == [], none.stderr
    missing = str(uuid.uuid4())
    unknown = cli(cloud, home, "jobs", missing)
    assert unknown.returncode == 2 and missing in unknown.stderr, unknown.stderr
    assert "not found" in unknown.stderr.lower()
    bad = cli(cloud, home, "jobs", "z" * 36)
    assert bad.returncode == 2 and "batch id" in bad.stderr, bad.stderr
    assert "Traceback" not in unknown.stderr + bad.stderr + none.stderr


async def test_wait_exit_codes_and_cancel_needs_yes(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    done = await make_batch(cloud.base_url, "EMU_FREE", [GOOD])
    assert cli(cloud, home, "wait", done, "--interval", "0.5", "--timeout", "120").returncode == 0
    held = await make_batch(cloud.base_url, "EMU_FREE", [GOOD], open_=True)  # never ends alone
    timed = cli(cloud, home, "wait", held, "--timeout", "1.5", "--interval", "0.5")
    assert timed.returncode == 3 and "timed out" in timed.stderr
    asked = cli(cloud, home, "cancel", held)  # no terminal, no --yes: refused, nothing sent
    assert asked.returncode == 2 and "pass --yes" in asked.stderr
    assert batch(cloud, held)["status"] not in ("CANCELED",)
    sent = cli(cloud, home, "cancel", held, "--yes")
    assert sent.returncode == 0, sent.stderr
    assert batch(cloud, held)["status"] == "CANCELED"
    after = cli(cloud, home, "wait", held, "--interval", "0.5", "--timeout", "60")
    assert after.returncode == 2  # canceled


async def test_rebatch_dry_run_refusals_and_the_one_batch_sent(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    bid = await errored_batch(cloud, home, f"t-{uuid.uuid4().hex[:8]}")
    before = batch_count(cloud)
    dry = cli(cloud, home, "rebatch", bid, "--status", "ERROR", "--dry-run")
    assert dry.returncode == 0 and "Resubmit 1 job " in dry.stdout and "nothing sent" in dry.stdout
    refused = cli(cloud, home, "rebatch", bid, "--status", "ERROR")
    assert refused.returncode == 2
    read_only = subprocess.run(
        [sys.executable, "-m", "pasqal_tui", "--local-url", cloud.base_url, "--read-only",
         "rebatch", bid, "--status", "ERROR", "--yes"],
        env=home, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert read_only.returncode == 2 and "read-only" in read_only.stderr
    assert batch_count(cloud) == before
    sent = cli(cloud, home, "rebatch", bid, "--status", "ERROR", "--yes")
    assert sent.returncode == 0, sent.stderr
    new_id = sent.stdout.strip().splitlines()[-1]
    assert batch_count(cloud) == before + 1
    assert [c["id"] for c in children_of(cloud, bid)] == [new_id]
    lines = audit_lines(Path(home["XDG_STATE_HOME"]))
    assert [(e["action"], e["outcome"]) for e in lines] == [("rebatch", "ok")]
    # The dashboard's lineage rule: the copy failed too (same missing variable), so the plan
    # names it as eligible again rather than silently resubmitting a job twice.
    wait = cli(cloud, home, "wait", new_id, "--interval", "0.5", "--timeout", "120")
    assert wait.returncode == 1
    again = cli(cloud, home, "rebatch", bid, "--status", "ERROR", "--dry-run")
    assert f"Eligible again: 1 job (its copy in {new_id[:8]} was ERROR)" in again.stdout


async def test_close_an_open_batch(cloud: LocalCloudProcess, home: dict[str, str]) -> None:
    bid = await make_batch(cloud.base_url, "EMU_FREE", [GOOD], open_=True)
    closed = cli(cloud, home, "close", bid, "--yes")
    assert closed.returncode == 0, closed.stderr
    assert batch(cloud, bid)["open"] is False
    again = cli(cloud, home, "close", bid, "--yes")
    assert again.returncode == 0 and "already closed" in again.stdout


def test_typed_arguments_are_checked_before_connecting(home: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pasqal_tui", "batches", "--since", "yesterday-ish"],
        env=home, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "30m, 12h, 2d, 1w" in result.stderr
    for command in ("digest", "errors"):
        bad = subprocess.run(
            [sys.executable, "-m", "pasqal_tui", command, "--since", "soon"],
            env=home, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert bad.returncode == 2 and "'soon' is not a time: use 30m, 12h, 2d" in bad.stderr
        assert "Traceback" not in bad.stderr
    # Arguments that exclude each other are refused before anything connects.
    for args, said in (
        (("rebatch", "ffff0000", "--group", "did not"), "--group takes no BATCH_ID"),
        (("rebatch",), 'give a BATCH_ID or --group "ERROR TEXT"; nothing sent'),
        (("cancel",), "give a BATCH_ID or --jobs JOB_ID...; nothing sent"),
        (("cancel", "ffff0000", "--jobs", "ffff0000"), "not both"),
    ):
        refused = subprocess.run(
            [sys.executable, "-m", "pasqal_tui", "--local-url", "http://127.0.0.1:9", *args],
            env=home, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr


async def test_digest_since_a_time_and_since_the_last_look(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    bid = await errored_batch(cloud, home, f"t-{uuid.uuid4().hex[:8]}")
    held = await make_batch(cloud.base_url, "EMU_FREE", [GOOD], open_=True)  # still running
    told = cli(cloud, home, "digest", "--since", "30m", "--json")
    assert told.returncode == 0, told.stderr
    digest = json.loads(told.stdout)
    assert bid in [b["id"] for b in digest["with_errors"]]
    assert held in [b["id"] for b in digest["running"]]
    assert bid not in [b["id"] for b in digest["done"] + digest["running"]]
    (group,) = [g for g in digest["error_groups"] if bid in g["batch_ids"]]
    errored = [j["id"] for j in jobs_of(cloud, bid) if j["status"] == "ERROR"]
    assert "Did not receive values" in group["message"] and set(errored) <= set(group["job_ids"])
    # That run was a look: the next digest without --since starts after it, so the batch that
    # ended before is no news, and the table says so in words.
    again = cli(cloud, home, "digest")
    assert again.returncode == 0, again.stderr
    assert bid not in again.stdout and held in again.stdout
    assert again.stdout.startswith("Since ") and "still running" in again.stdout
    with api(cloud) as http:
        http.patch(f"/core-fast/api/v2/batches/{held}/complete").raise_for_status()


async def test_rebatch_an_error_group_by_its_text(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    bid = await errored_batch(cloud, home, f"t-{uuid.uuid4().hex[:8]}")
    before = batch_count(cloud)
    group = ("rebatch", "--group", "did not receive values", "--last", "1")
    dry = cli(cloud, home, *group, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Resubmit 1 job (10 runs) from 1 source batch" in dry.stdout
    assert "nothing sent" in dry.stdout
    unknown = cli(cloud, home, "rebatch", "--group", "flux capacitor", "--last", "1", "--yes")
    assert unknown.returncode == 2 and "no error group" in unknown.stderr
    assert "Did not receive values" in unknown.stderr  # the groups there are named
    assert batch_count(cloud) == before
    sent = cli(cloud, home, *group, "--yes")
    assert sent.returncode == 0, sent.stderr
    new_id = sent.stdout.strip().splitlines()[-1]
    assert [c["id"] for c in children_of(cloud, bid)] == [new_id]
    assert batch_count(cloud) == before + 1
    (copy,) = jobs_of(cloud, new_id)
    assert copy["variables"] == BAD["variables"]
    lines = audit_lines(Path(home["XDG_STATE_HOME"]))
    assert [(e["action"], e["outcome"], e["ids"]) for e in lines] == [("rebatch", "ok", [bid])]


async def test_cancel_jobs_by_id_only_those(cloud: LocalCloudProcess, home: dict[str, str]) -> None:
    holder = await make_batch(cloud.base_url, "FRESNEL", [GOOD], open_=True)  # holds the QPU
    bid = await make_batch(cloud.base_url, "FRESNEL", [GOOD, GOOD, GOOD])
    first, second, third = (j["id"] for j in jobs_of(cloud, bid))
    try:
        missing = cli(cloud, home, "cancel", "--jobs", first, str(uuid.uuid4()), "--yes")
        assert missing.returncode == 2 and "no job" in missing.stderr
        read_only = subprocess.run(
            [sys.executable, "-m", "pasqal_tui", "--local-url", cloud.base_url, "--read-only",
             "cancel", "--jobs", first, "--yes"],
            env=home, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert read_only.returncode == 2 and "read-only" in read_only.stderr
        assert {j["status"] for j in jobs_of(cloud, bid)} == {"PENDING"}
        sent = cli(cloud, home, "cancel", "--jobs", first, second, "--yes")
        assert sent.returncode == 0, sent.stderr
        assert "Cancel 2 marked jobs" in sent.stdout and f"{bid}: 2 jobs canceled" in sent.stdout
        statuses = {j["id"]: j["status"] for j in jobs_of(cloud, bid)}
        assert statuses == {first: "CANCELED", second: "CANCELED", third: "PENDING"}
    finally:
        with api(cloud) as http:  # the QPU is free again for the other tests
            for ended in (bid, holder):
                http.patch(f"/core-fast/api/v2/batches/{ended}/cancel").raise_for_status()


def test_a_command_imports_no_user_interface(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    """Start-up stays that of a small script: the command path never imports Textual (nor the
    server's FastAPI or Pulser); checked on a real `batches --json` run."""
    code = (
        "import sys\nfrom pasqal_tui.cli import main\n"
        f"code = main(['--local-url', {cloud.base_url!r}, 'batches', '--json', '--limit', '1'])\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & {'textual', 'fastapi', 'pulser'}\n"
        "print('HEAVY', sorted(heavy), file=sys.stderr)\nsys.exit(code)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code], env=home, stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert isinstance(json.loads(ran.stdout), list)
    assert "HEAVY []" in ran.stderr


def test_job_shows_the_observables_of_an_emulation_config_run(
    cloud: LocalCloudProcess, home: dict[str, str]
) -> None:
    from pulser.backend import BitStrings, EmulationConfig, Occupation
    from support.actions import rabi, settled
    from support.localcloud import api_client, data, wait_until

    config = EmulationConfig(observables=[BitStrings(num_shots=30), Occupation()])
    with api_client(cloud) as api:
        project_id = data(api.get("/account/api/v1/projects"))[0]["id"]
        created = data(
            api.post(
                "/core-fast/api/v1/batches",
                json={
                    "project_id": project_id,
                    "sequence_builder": rabi(),
                    "device_type": "EMU_SV",
                    "jobs": [{"runs": None, "variables": {"omega": 3.14, "duration": 1000}}],
                    "backend_configuration": config.to_abstract_repr(),
                },
            )
        )
    wait_until(lambda: settled(cloud, created["id"]), timeout=60)
    (job,) = jobs_of(cloud, created["id"])
    shown = cli(cloud, home, "job", job["id"], "--json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert sum(document["counter"].values()) == 30
    by_tag = {o["tag"]: o for o in document["observables"]}
    assert set(by_tag) == {"bitstrings", "occupation"}
    assert by_tag["occupation"]["times"] == [1.0] and by_tag["occupation"]["values"][0][0] > 0.9
    text = cli(cloud, home, "job", job["id"])
    assert "observable occupation at t=1" in text.stdout and text.returncode == 0
