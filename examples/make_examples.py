"""Regenerate the sample files in this folder: `python examples/make_examples.py`.

The files are checked in so users need no Pulser to read them; a test checks that they still
equal a fresh generation.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import yaml

from pasqal_tui.localcloud.sequences import rabi_oscillation

HERE = Path(__file__).resolve().parent
RABI_OMEGA = 2 * math.pi  # rad/µs: one full Rabi period every 1000 ns
RABI_DURATIONS = tuple(range(100, 1001, 100))  # ns
RABI_RUNS = 100


def rabi_jobs() -> list[dict[str, object]]:
    """One job per pulse duration: together they trace one Rabi oscillation."""
    return [
        {"runs": RABI_RUNS, "variables": {"omega": round(RABI_OMEGA, 6), "duration": duration}}
        for duration in RABI_DURATIONS
    ]


def generate() -> dict[str, str]:
    """File name -> content of every generated example."""
    jobs_yaml = yaml.safe_dump(rabi_jobs(), sort_keys=False, allow_unicode=True)
    header = "# Jobs for rabi.json: omega in rad/µs, duration in ns. Made by make_examples.py.\n"
    return {
        "rabi.json": json.dumps(json.loads(rabi_oscillation(n_atoms=2)), indent=2) + "\n",
        "rabi-jobs.yaml": header + jobs_yaml,
    }


def main() -> int:
    for name, content in generate().items():
        (HERE / name).write_text(content, encoding="utf-8")
        print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
