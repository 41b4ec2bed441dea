"""Start paid in round trips: the first frame with batches, near and far from the cloud.

A demo local cloud, a saved profile whose password is in the keyring (as a returning user
has), and the dashboard started in a 160x45 pty until the first frame holding the batches'
pager line. Interleaved, `--runs` times each:

- near: the profile points at the cloud directly (no latency), token kept from the last run;
- far, token kept: the profile points at a proxy `--rtt` ms away (half each way, the TCP
  handshake included), the access token in the keyring from the last run;
- far, no token: the same, the kept token deleted first (a cold start: one sign-in more).

Prints the medians, the far - near difference in round trips (target: the kept-token start
<= near + 2 round trips) and the requests and connections each far start sent through the
proxy. The keyring is `_bench_keyring.TempFileKeyring` (the run's temporary folder).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_tui_start_rtt.py [--runs 5] [--rtt 100]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from _latency_proxy import LatencyProxy
from _tui_pty import PtyApp

from pasqal_tui.core.config import Config, Profile, save_config
from pasqal_tui.core.secrets import SERVICE, TOKEN_SUFFIX
from pasqal_tui.localcloud.process import LocalCloudProcess

HERE = Path(__file__).resolve().parent
MARKER = b" of 3"


def profile(name: str, base_url: str) -> Profile:
    return Profile(
        name=name,
        environment="custom",
        core_url=f"{base_url}/core-fast",
        account_url=f"{base_url}/account",
        token_url=f"{base_url}/oauth/token",
        username="demo",
    )


def one(name: str, env: dict[str, str]) -> float:
    app = PtyApp([sys.executable, "-m", "pasqal_tui", "--profile", name], 160, 45, env)
    try:
        return app.wait_for(MARKER, timeout=60)
    finally:
        app.close()


def forget_token(keyring_file: Path, name: str) -> None:
    data = json.loads(keyring_file.read_text())
    data.pop(f"{SERVICE}/{name}{TOKEN_SUFFIX}", None)
    keyring_file.write_text(json.dumps(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rtt", type=float, default=100.0, help="milliseconds to the cloud")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalCloudProcess(Path(tmp) / "cloud", ["--demo", "--seed", "1"]) as cloud,
        LatencyProxy(urlsplit(cloud.base_url).port or 80, args.rtt) as proxy,
    ):
        env = {f"XDG_{k}_HOME": f"{tmp}/{k.lower()}" for k in ("CONFIG", "STATE", "DATA")}
        env |= {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": f"{tmp}/pycache"}
        keyring_file = Path(tmp) / "keyring.json"
        env |= {
            "PYTHON_KEYRING_BACKEND": "_bench_keyring.TempFileKeyring",
            "BENCH_KEYRING_FILE": str(keyring_file),
            "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        }
        os.environ.update({k: v for k, v in env.items() if k.startswith("XDG_")})
        save_config(
            Config(profiles=[profile("near", cloud.base_url), profile("far", proxy.base_url)])
        )
        keyring_file.write_text(json.dumps({f"{SERVICE}/near": "demo", f"{SERVICE}/far": "demo"}))
        one("near", env)  # warm the OS file cache; keeps each profile's token
        one("far", env)
        near: list[float] = []
        warm: list[float] = []
        cold: list[float] = []
        counts: dict[str, tuple[int, int]] = {}
        for _ in range(args.runs):
            near.append(one("near", env))
            proxy.requests = proxy.connections = 0
            warm.append(one("far", env))
            counts["kept token"] = (proxy.requests, proxy.connections)
            forget_token(keyring_file, "far")
            proxy.requests = proxy.connections = 0
            cold.append(one("far", env))
            counts["no token"] = (proxy.requests, proxy.connections)
        m_near, m_warm, m_cold = (statistics.median(v) for v in (near, warm, cold))
        rtt = args.rtt / 1000
        print(f"the far cloud is {args.rtt:.0f} ms away (round trip)")
        print(f"near, token kept:     median {m_near:.3f} s  runs {fmt(near)}")
        print(f"far, token kept:      median {m_warm:.3f} s  runs {fmt(warm)}")
        print(f"far, no token (cold): median {m_cold:.3f} s  runs {fmt(cold)}")
        for what, (requests, connections) in counts.items():
            print(f"far, {what}: {requests} requests over {connections} connections")
        extra = (m_warm - m_near) / rtt
        verdict = "OK" if extra <= 2 else "OVER TARGET (2)"
        print(f"far - near, token kept: {extra:.1f} round trips  {verdict}")
        print(f"far - near, no token:   {(m_cold - m_near) / rtt:.1f} round trips")


def fmt(values: list[float]) -> str:
    return " ".join(f"{v:.3f}" for v in values)


if __name__ == "__main__":
    main()
