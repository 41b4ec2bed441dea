"""Cold start to the first frame that shows batches, against a bare Textual app.

Starts a demo local cloud once, then alternates runs of `pasqal-tui --local-url URL` and of a
bare Header + DataTable + Footer app in a 160x45 pty, timing each from exec to the first frame
holding the marker (the pager line, drawn with the rows; the bare app's one row). Prints the
medians and their ratio (target <= 1.5), and, for scale, the same bare app that also imports
pydantic and httpx (one model, one client): the floor of any start drawn with the client's
models. ``--rtt MS`` puts the cloud that many milliseconds away (a delaying proxy, half each
way), as Pasqal's servers are from a laptop or an SSH box.

    .venv/bin/python benchmarks/bench_tui_start.py [--runs 5] [--rtt 0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit

from _latency_proxy import LatencyProxy
from _tui_pty import PtyApp

from pasqal_tui.localcloud.process import LocalCloudProcess

HERE = Path(__file__).resolve().parent


def one(argv: list[str], marker: bytes, env: dict[str, str]) -> float:
    app = PtyApp(argv, 160, 45, env)
    try:
        return app.wait_for(marker, timeout=60)
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rtt", type=float, default=0.0, help="milliseconds to the cloud")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalCloudProcess(Path(tmp) / "cloud", ["--demo", "--seed", "1"]) as cloud,
        LatencyProxy(urlsplit(cloud.base_url).port or 80, args.rtt)
        if args.rtt
        else nullcontext() as proxy,
    ):
        url = proxy.base_url if proxy else cloud.base_url
        env = {f"XDG_{k}_HOME": f"{tmp}/{k.lower()}" for k in ("CONFIG", "STATE", "DATA")}
        # Both apps run from bytecode, as an installed package does, even where the shell sets
        # PYTHONDONTWRITEBYTECODE (compiling our sources on every run cost ~60 ms): the warm-up
        # runs write it under the temporary folder, never into the source tree.
        env |= {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": f"{tmp}/pycache"}
        ours_argv = [sys.executable, "-m", "pasqal_tui", "--local-url", url]
        bare_argv = [sys.executable, str(HERE / "_bare_app.py")]
        stack_argv = [sys.executable, str(HERE / "_bare_app_with_stack.py")]
        one(ours_argv, b" of 3", env)  # warm the OS file cache for all three
        one(bare_argv, b"READY-MARK", env)
        one(stack_argv, b"READY-MARK", env)
        ours, bare, stack = [], [], []
        for _ in range(args.runs):
            ours.append(one(ours_argv, b" of 3", env))
            bare.append(one(bare_argv, b"READY-MARK", env))
            stack.append(one(stack_argv, b"READY-MARK", env))
        m_ours, m_bare = statistics.median(ours), statistics.median(bare)
        m_stack = statistics.median(stack)
        if args.rtt:
            print(f"the cloud is {args.rtt:.0f} ms away (round trip)")
        print(f"pasqal-tui first frame with batches: median {m_ours:.3f} s  runs {ours_fmt(ours)}")
        print(f"bare Header+DataTable+Footer app:    median {m_bare:.3f} s  runs {ours_fmt(bare)}")
        print(f"bare app + pydantic + httpx:  median {m_stack:.3f} s  runs {ours_fmt(stack)}")
        print(
            f"ratio: {m_ours / m_bare:.2f}x (target <= 1.5x); the stack alone: "
            f"{m_stack / m_bare:.2f}x"
        )


def ours_fmt(values: list[float]) -> str:
    return " ".join(f"{v:.3f}" for v in values)


if __name__ == "__main__":
    main()
