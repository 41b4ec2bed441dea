"""Start of a headless command to the first byte of its output, against importing the official
SDK (`python -c "import pasqal_cloud"`, which prints nothing and does nothing yet), in one run.

`--help` needs no server; `batches --json --limit 1` signs in to a local cloud (already
running, started here) and prints one batch. Neither path imports Textual (a unit test checks).

    .venv/bin/python benchmarks/bench_headless_start.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pasqal_tui.localcloud.process import LocalCloudProcess


def first_byte(command: list[str], env: dict[str, str]) -> float:
    """Seconds from the process start to its first byte on stdout (or its exit, if silent)."""
    start = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        env=env,
    ) as process:  # fmt: skip
        assert process.stdout is not None
        process.stdout.read(1)
        elapsed = time.perf_counter() - start
        process.stdout.read()
        if process.wait() != 0:
            raise SystemExit(f"{' '.join(command)} failed")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-headless-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PASQAL_TUI_", "XDG_"))}
        for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
            env[var] = str(Path(tmp) / var.lower())
        cloud = LocalCloudProcess(Path(tmp) / "cloud", ["--demo", "--seed", "1", "--workers", "1"])
        cloud.start()
        try:
            cases = {
                'python -c "import pasqal_cloud"': [py, "-c", "import pasqal_cloud"],
                "pasqal-tui --help": [py, "-m", "pasqal_tui", "--help"],
                "pasqal-tui batches --json --limit 1": [
                    *(py, "-m", "pasqal_tui", "--local-url", cloud.base_url),
                    *("batches", "--json", "--limit", "1"),
                ],
            }
            for command in cases.values():  # warm the file cache once
                first_byte(command, env)
            samples: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(repeat):  # interleaved, so a busy moment hits every case alike
                for name, command in cases.items():
                    samples[name].append(first_byte(command, env))
        finally:
            cloud.stop()
    reference = statistics.median(samples['python -c "import pasqal_cloud"'])
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"{name:<40} median {median * 1000:6.0f} ms  "
            f"({median / reference:4.2f}x the SDK import, n={len(values)})"
        )


if __name__ == "__main__":
    main()
