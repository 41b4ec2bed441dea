import subprocess
import sys

from pasqal_tui import __version__
from pasqal_tui.cli import build_parser


def test_help_names_the_local_cloud_command() -> None:
    text = build_parser().format_help()
    assert "local-cloud" in text


def test_module_entry_point_prints_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pasqal_tui", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"pasqal-tui {__version__}"
