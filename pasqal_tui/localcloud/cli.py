"""`pasqal-tui local-cloud ...` subcommands. Only the stdlib is imported here: this module is
loaded whenever `pasqal-tui --help` builds its parser; the server is imported when it runs."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from pasqal_tui.core.arguments import number
from pasqal_tui.core.hosts import is_loopback

_N = TypeVar("_N", int, float)


def _port(text: str) -> int:
    return number(
        text,
        int,
        "port must be an integer",
        lambda v: 0 <= v <= 65535,
        "port must be between 0 and 65535",
    )


def _fraction(text: str) -> float:
    return number(
        text,
        float,
        "expected a number",
        lambda v: 0.0 <= v <= 1.0,
        "fail rate must be between 0 and 1",
    )


def _positive(text: str) -> float:
    return number(text, float, "expected a number", lambda v: v > 0, "expected a positive number")


def _workers(text: str) -> int:
    return number(
        text, int, "workers must be an integer", lambda v: v >= 1, "workers must be at least 1"
    )


def _processes(text: str) -> int:
    from pasqal_tui.localcloud.processes import MAX_PROCESSES

    return number(
        text,
        int,
        "processes must be an integer",
        lambda v: 1 <= v <= MAX_PROCESSES,
        f"processes must be from 1 to {MAX_PROCESSES}",
    )


_UNITS = {"": 1, "b": 1, "k": 1024, "kib": 1024, "m": 1024**2, "mib": 1024**2}
_UNITS.update(g=1024**3, gib=1024**3)


def _login_failures(text: str) -> int:
    return number(
        text, int, "expected an integer", lambda v: v >= 1, "login failures must be at least 1"
    )


def _size(text: str) -> int:
    """A byte count: `16777216`, `16MiB`, `512k` (binary units, case-insensitive)."""
    digits = text.strip().rstrip("bBiIkKmMgG")
    unit = text.strip()[len(digits) :].lower()
    try:
        value = int(digits) * _UNITS[unit]
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(
            f"size must be bytes like 16777216 or 16MiB, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"size must be at least 1 byte, got {text!r}")
    return value


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"clock origin must be ISO-8601 like 2025-01-01T12:00:00+00:00, got {text!r}"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


EMULATORS_NOTE = (
    "Every emulator (EMU_FREE, EMU_TN, EMU_MPS, EMU_SV, EMU_FRESNEL) runs on pulser-simulation "
    "(QuTiP): EMU_MPS and EMU_SV are computed exactly as state vectors, which is what they "
    "converge to on the small registers the local cloud allows (12 atoms); their own options "
    "(bond dimension, GPUs, ...) are ignored. A batch's backend_configuration (a Pulser "
    "EmulationConfig) sets the shots and observables of EMU_FREE, EMU_MPS and EMU_SV jobs; "
    "see docs/LOCAL_CLOUD.md."
)


def add_subcommands(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the local Pasqal Cloud server",
        description="Run the local Pasqal Cloud server. " + EMULATORS_NOTE,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    serve.add_argument("--port", type=_port, default=8765, help="port; 0 picks a free one")
    serve.add_argument("--data-dir", type=Path, default=None, help="where the SQLite DB lives")
    serve.add_argument("--demo", action="store_true", help="seed a demo history on first start")
    serve.add_argument("--seed", type=int, default=None, help="seed for demo data and sampling")
    serve.add_argument(
        "--clock-origin", type=_instant, default=None, help="fixed 'now' for demo timestamps"
    )
    serve.add_argument(
        "--fail-rate", type=_fraction, default=0.0, help="chance of a hardware-like job failure"
    )
    serve.add_argument(
        "--time-scale", type=_positive, default=1.0, help="stretch factor for QPU job time"
    )
    serve.add_argument(
        "--token-ttl", type=_positive, default=3600.0, help="bearer token lifetime (s)"
    )
    serve.add_argument(
        "--open-batch-timeout", type=_positive, default=600.0, help="idle open batch timeout (s)"
    )
    serve.add_argument("--workers", type=_workers, default=None, help="emulation processes")
    serve.add_argument(
        "--processes",
        type=_processes,
        default=1,
        help="server processes answering on the port (default 1; the first runs the queue)",
    )
    serve.add_argument(
        "--max-body-size",
        type=_size,
        default=16 * 1024**2,
        help="largest request body, on the wire and once decompressed (default 16MiB)",
    )
    serve.add_argument(
        "--login-failures",
        type=_login_failures,
        default=5,
        help="failed sign-ins per user name within --login-window before 429 (default 5)",
    )
    serve.add_argument(
        "--login-window", type=_positive, default=60.0, help="sign-in throttle window (s)"
    )
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address, and calling non-loopback webhooks",
    )
    serve.add_argument(
        "--exit-with-parent", action="store_true", help="stop when the parent process dies"
    )
    serve.set_defaults(handler=run_serve)

    add_user = sub.add_parser("add-user", help="add a user (and project) to the local cloud")
    add_user.add_argument("name", help="user name (the login)")
    add_user.add_argument("--project", required=True, help="project name (created if new)")
    _add_password_options(add_user)
    add_user.set_defaults(handler=run_add_user)

    set_pw = sub.add_parser("set-password", help="change a user's password (e.g. demo's)")
    set_pw.add_argument("name", help="user name")
    _add_password_options(set_pw)
    set_pw.set_defaults(handler=run_set_password)


def _add_password_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password on stdin"
    )
    parser.add_argument("--data-dir", type=Path, default=None)


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir is not None:
        return Path(args.data_dir)
    from pasqal_tui.core.paths import local_cloud_dir

    return local_cloud_dir()


def run_serve(args: argparse.Namespace) -> int:
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"Refusing to bind {args.host}: the local cloud listens on loopback only. "
            "Pass --allow-remote (after changing the demo password) to expose it.",
            file=sys.stderr,
        )
        return 2
    from pasqal_tui.localcloud.server import serve
    from pasqal_tui.localcloud.settings import Settings

    settings = Settings(
        data_dir=_data_dir(args),
        host=args.host,
        port=args.port,
        demo=args.demo,
        seed=args.seed,
        clock_origin=args.clock_origin,
        fail_rate=args.fail_rate,
        time_scale=args.time_scale,
        token_ttl=args.token_ttl,
        open_batch_timeout=args.open_batch_timeout,
        workers=args.workers,
        max_body_bytes=args.max_body_size,
        login_failures=args.login_failures,
        login_window=args.login_window,
        allow_remote=args.allow_remote,
        processes=args.processes,
    )
    return serve(settings, exit_with_parent=args.exit_with_parent)


def _password_from_stdin() -> str | None:
    """The first line on stdin; None (and why, on stderr) where there is none."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("No password on stdin: pipe it in, e.g. `echo secret | ...`.", file=sys.stderr)
        return None
    return password


def run_add_user(args: argparse.Namespace) -> int:
    password = _password_from_stdin()
    if password is None:
        return 2
    if not args.name.strip() or not args.project.strip():
        print("User and project names must not be empty.", file=sys.stderr)
        return 2
    from pasqal_tui.localcloud.users import UserExists, add_user

    try:
        add_user(_data_dir(args), args.name, password, args.project)
    except UserExists as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Added user {args.name} to project {args.project}.")
    return 0


def run_set_password(args: argparse.Namespace) -> int:
    password = _password_from_stdin()
    if password is None:
        return 2
    from pasqal_tui.localcloud.users import UnknownUser, set_password

    try:
        set_password(_data_dir(args), args.name, password)
    except UnknownUser as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Password changed for {args.name}.")
    return 0
