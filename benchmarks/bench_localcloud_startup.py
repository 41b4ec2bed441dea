"""Local cloud start-up time: first start with `--demo` (seeding runs real emulations) and a
second start on the same data dir, each measured to the ready line.

    .venv/bin/python benchmarks/bench_localcloud_startup.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pasqal_tui.localcloud.process import LocalCloudProcess


def timed_start(data_dir: Path, args: list[str]) -> float:
    start = time.perf_counter()
    cloud = LocalCloudProcess(data_dir, args).start()
    elapsed = time.perf_counter() - start
    cloud.stop()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    first, again, plain = [], [], []
    for i in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
            demo = ["--demo", "--seed", str(i), "--workers", "1"]
            first.append(timed_start(Path(tmp) / "demo", demo))
            again.append(timed_start(Path(tmp) / "demo", demo))
            plain.append(timed_start(Path(tmp) / "plain", ["--workers", "1"]))
    for name, samples in (
        ("first start with --demo (seeding)", first),
        ("second start, demo already seeded", again),
        ("first start without --demo", plain),
    ):
        print(f"{name:<36} median {statistics.median(samples):5.2f} s  (n={len(samples)})")


if __name__ == "__main__":
    main()
