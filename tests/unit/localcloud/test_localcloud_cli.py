"""`local-cloud` argument parsing: stdlib-only import, defaults, and clear refusals."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from pasqal_tui.cli import build_parser
from pasqal_tui.core.hosts import is_loopback


def test_help_path_imports_no_server_dependency() -> None:
    probe = (
        "import sys; from pasqal_tui.cli import build_parser; build_parser(); "
        "heavy = {'fastapi', 'uvicorn', 'pulser', 'pydantic', 'starlette', 'numpy'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_serve_help_says_how_emulators_run() -> None:
    command = [sys.executable, "-m", "pasqal_tui", "local-cloud", "serve", "--help"]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    text = " ".join(out.stdout.split())
    assert "EMU_MPS and EMU_SV are computed exactly as state vectors" in text
    assert "backend_configuration" in text


def test_serve_defaults_and_parsed_values() -> None:
    args = build_parser().parse_args(["local-cloud", "serve"])
    assert (args.host, args.port, args.demo, args.fail_rate, args.time_scale) == (
        "127.0.0.1", 8765, False, 0.0, 1.0,
    )  # fmt: skip
    assert args.open_batch_timeout == 600.0 and callable(args.handler)
    assert args.processes == 1
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
        (["--processes", "0"], "processes must be from 1 to 16"),
        (["--processes", "17"], "processes must be from 1 to 16"),
        (["--processes", "two"], "processes must be an integer"),
        (["--clock-origin", "yesterday"], "ISO-8601"),
        (["--max-body-size", "lots"], "16MiB"),
        (["--max-body-size", "0"], "at least 1 byte"),
        (["--login-failures", "0"], "at least 1"),
        (["--login-window", "-1"], "positive"),
    ],
)
def test_bad_values_are_named(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["local-cloud", "serve", *argv])
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "size"),
    [("16777216", 16 * 1024**2), ("16MiB", 16 * 1024**2), ("4KiB", 4096), ("512k", 512 * 1024),
     ("1g", 1024**3), ("100B", 100)],
)  # fmt: skip
def test_body_size_option(text: str, size: int) -> None:
    args = build_parser().parse_args(["local-cloud", "serve", "--max-body-size", text])
    assert args.max_body_size == size


def test_hygiene_defaults() -> None:
    args = build_parser().parse_args(["local-cloud", "serve"])
    assert (args.max_body_size, args.login_failures, args.login_window) == (16 * 1024**2, 5, 60.0)


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.com")
