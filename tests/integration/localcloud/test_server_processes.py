"""`local-cloud serve --processes N`: more than one process answers on the port, work sent to
any of them is run by the first one's scheduler, failed sign-ins are budgeted across them,
and stopping the server stops them all.

Which process holds a connection is read from Linux's /proc (the server end's socket inode),
so these tests run on Linux only."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.localcloud import get_token, wait_until

from pasqal_tui.localcloud import sequences
from pasqal_tui.localcloud.process import LocalCloudProcess
from pasqal_tui.localcloud.processes import DatabaseWatch

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads socket owners from /proc"
)

LOGIN_FAILURES = 4  # split between 2 processes: 2 each


def _server_sockets(port: int) -> dict[str, tuple[str, int]]:
    """Socket inode -> (TCP state, client port) of the server's end of each socket on `port`
    (client port 0 for the listening ones)."""
    found: dict[str, tuple[str, int]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == port:
                found[inode] = (state, int(remote.rsplit(":", 1)[1], 16))
    return found


def _inodes_of(pid: int) -> set[str]:
    inodes = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for fd in fds:
        try:
            link = os.readlink(fd)
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    return inodes


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def listeners(cloud: LocalCloudProcess) -> set[int]:
    """The server's processes that listen on its port."""
    port = int(cloud.base_url.rsplit(":", 1)[1])
    listening = {i for i, (state, _) in _server_sockets(port).items() if state == "0A"}
    return {p for p in [cloud.pid, *_children(cloud.pid)] if _inodes_of(p) & listening}


def owner(cloud: LocalCloudProcess, conn: http.client.HTTPConnection) -> int | None:
    """The server process holding the other end of `conn`."""
    port = int(cloud.base_url.rsplit(":", 1)[1])
    client_port = conn.sock.getsockname()[1]
    ends = {i for i, (state, c) in _server_sockets(port).items() if c == client_port}
    for pid in [cloud.pid, *_children(cloud.pid)]:
        if _inodes_of(pid) & ends:
            return pid
    return None


def call(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    payload = json.dumps(body) if body is not None and not isinstance(body, str) else body
    sent = {"Content-Type": "application/json", **(headers or {})}
    conn.request(method, path, body=payload, headers=sent)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def connection_to(cloud: LocalCloudProcess, pid: int) -> http.client.HTTPConnection:
    """A keep-alive connection that the kernel gave to process `pid` (new ones are spread
    over the processes by the connection's addresses: a few tries find one)."""
    host, port = cloud.base_url.removeprefix("http://").rsplit(":", 1)
    for _ in range(200):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.connect()
        if wait_until(lambda c=conn: owner(cloud, c) or None, timeout=10) == pid:  # type: ignore[misc]
            return conn
        conn.close()
    raise AssertionError(f"no connection reached process {pid} in 200 tries")


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudProcess]:
    args = ["--processes", "2", "--workers", "1", "--login-failures", str(LOGIN_FAILURES)]
    with LocalCloudProcess(tmp_path_factory.mktemp("processes"), args) as process:
        wait_until(lambda: len(listeners(process)) == 2, timeout=120)
        yield process


def other(cloud: LocalCloudProcess) -> int:
    return next(iter(listeners(cloud) - {cloud.pid}))


def test_two_processes_listen_and_each_answers(cloud: LocalCloudProcess) -> None:
    token = get_token(cloud)
    auth = {"Authorization": f"Bearer {token}"}
    seen = {}
    for pid in sorted(listeners(cloud)):
        conn = connection_to(cloud, pid)
        status, body = call(conn, "GET", "/account/api/v1/projects", headers=auth)
        assert status == 200, body
        assert owner(cloud, conn) == pid  # the same connection, kept alive
        seen[pid] = body["data"]
        conn.close()
    assert len(seen) == 2 and len({json.dumps(v) for v in seen.values()}) == 1


def test_a_batch_sent_to_the_second_process_is_run(cloud: LocalCloudProcess) -> None:
    auth = {"Authorization": f"Bearer {get_token(cloud)}"}
    conn = connection_to(cloud, other(cloud))
    _, projects = call(conn, "GET", "/account/api/v1/projects", headers=auth)
    status, created = call(
        conn,
        "POST",
        "/core-fast/api/v1/batches",
        {
            "project_id": projects["data"][0]["id"],
            "sequence_builder": sequences.rabi_oscillation(2),
            "device_type": "EMU_FREE",
            "jobs": [{"runs": 5, "variables": {"omega": 1.0, "duration": 100}}] * 2,
        },
        headers=auth,
    )
    assert status == 200, created
    assert owner(cloud, conn) == other(cloud)
    batch_id = created["data"]["id"]

    def done() -> Any:
        _, body = call(conn, "GET", f"/core-fast/api/v2/batches/{batch_id}", headers=auth)
        return body["data"] if body["data"]["status"] == "DONE" else None

    batch = wait_until(done, timeout=120)
    assert batch["jobs_count_per_status"]["DONE"] == 2
    conn.close()


def test_failed_sign_ins_are_budgeted_across_processes(cloud: LocalCloudProcess) -> None:
    name = f"nobody-{uuid.uuid4().hex[:8]}"
    form = f"grant_type=password&username={name}&password=wrong"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses = []
    for pid in (other(cloud), cloud.pid):
        conn = connection_to(cloud, pid)
        for _ in range(LOGIN_FAILURES // 2 + 1):
            statuses.append(call(conn, "POST", "/oauth/token", form, headers)[0])
        conn.close()
    # Each process allows its share (2) and refuses the next: 4 failures in all, as one
    # process with --login-failures 4 would allow.
    refused = statuses[0]
    assert 400 <= refused < 500 and refused != 429
    assert statuses == [refused, refused, 429, refused, refused, 429]


def test_stopping_the_server_stops_every_process(tmp_path: Path) -> None:
    with LocalCloudProcess(tmp_path, ["--processes", "3", "--workers", "1"]) as process:
        wait_until(lambda: len(listeners(process)) == 3, timeout=120)
        serving = listeners(process)
    assert len(serving) == 3
    for pid in serving:
        wait_until(lambda p=pid: not Path(f"/proc/{p}").exists(), timeout=30)  # type: ignore[misc]


def _serving_children(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "spawn_main" in command:  # not the resource tracker, nor an emulation worker yet
            found.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited (nobody may be left to reap it)


def test_the_other_processes_stop_when_the_first_dies(tmp_path: Path) -> None:
    """Killed at once, even while the others are still starting (their own start reads who
    the first process is, so a death before they listen is noticed too)."""
    cloud = LocalCloudProcess(tmp_path, ["--processes", "3", "--workers", "1"])
    cloud.start()
    try:
        others = _serving_children(cloud.pid)
        assert len(others) == 2
        os.kill(cloud.pid, signal.SIGKILL)  # a crash: nothing gets to clean up
        for pid in others:
            wait_until(lambda p=pid: not _alive(p), timeout=60)  # type: ignore[misc]
    finally:
        cloud.kill()


def test_the_watch_sees_commits_of_other_connections(tmp_path: Path) -> None:
    path = tmp_path / "watched.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x)")

    async def scenario() -> int:
        changed = asyncio.Event()
        watch = DatabaseWatch(path, changed.set, every_s=0.01)
        await watch.start()
        try:
            for _ in range(2):
                changed.clear()
                with sqlite3.connect(path) as writer:
                    writer.execute("INSERT INTO t VALUES (1)")
                await asyncio.wait_for(changed.wait(), 10)
        finally:
            await watch.stop()
        with sqlite3.connect(path) as reader:
            return int(reader.execute("SELECT COUNT(*) FROM t").fetchone()[0])

    assert asyncio.run(scenario()) == 2
