"""`make screenshots` works: the script renders every main screen, and twice the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "login", "batches", "jobs-error", "job-detail", "help", "workloads", "devices",
    "device-comparison", "theme-pasqal-light", "theme-high-contrast", "theme-ansi-16",
}  # fmt: skip


def render(out: Path, *only: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshots.py"), "--out", str(out), *only],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.mark.slow
def test_screenshots_cover_every_screen_and_are_stable(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    render(first)
    assert {p.stem for p in first.glob("*.svg")} == EXPECTED
    for svg in first.glob("*.svg"):
        assert svg.read_text(encoding="utf-8").startswith("<svg"), svg.name
    render(second, "batches", "workloads", "devices")
    for name in ("batches", "workloads", "devices"):
        same = (first / f"{name}.svg").read_bytes() == (second / f"{name}.svg").read_bytes()
        assert same, f"{name}.svg differs between two runs"
