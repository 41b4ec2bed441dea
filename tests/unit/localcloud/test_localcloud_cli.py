"""`local-cloud` argument parsing: stdlib-only import, defaults, and clear refusals."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from pasqal_tui.cli import build_parser
from pasqal_tui.localcloud.cli import is_loopback


def test_help_path_imports_no_server_dependency() -> None:
    probe = (
        "import sys; from pasqal_tui.cli import build_parser; build_parser(); "
        "heavy = {'fastapi', 'uvicorn', 'pulser', 'pydantic', 'starlette', 'numpy'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_serve_defaults_and_parsed_values() -> None:
    args = build_parser().parse_args(["local-cloud", "serve"])
    assert (args.host, args.port, args.demo, args.fail_rate, args.time_scale) == (
        "127.0.0.1", 8765, False, 0.0, 1.0,
    )  # fmt: skip
    assert args.open_batch_timeout == 600.0 and callable(args.handler)
    args = build_parser().parse_args(
        ["local-cloud", "serve", "--port", "0", "--clock-origin", "2025-06-01T12:00:00"]
    )
    assert args.port == 0
    assert args.clock_origin == datetime(2025, 6, 1, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "70000"], "between 0 and 65535"),
        (["--fail-rate", "1.5"], "between 0 and 1"),
        (["--time-scale", "0"], "positive"),
        (["--workers", "0"], "at least 1"),
        (["--clock-origin", "yesterday"], "ISO-8601"),
    ],
)
def test_bad_values_are_named(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["local-cloud", "serve", *argv])
    assert message in capsys.readouterr().err


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.com")
