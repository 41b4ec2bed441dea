"""Command line: the app by default, headless commands (`batches`, `jobs`, `wait`, ...) for
scripts, `local-cloud ...` for the embedded server.

Heavy modules (textual, fastapi, pulser) are imported only inside the branch that needs them,
so `--help` and the start path stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from pasqal_tui import __version__
from pasqal_tui.cloud.environments import ENVIRONMENT_ALIASES, ENVIRONMENT_NAMES, canonical_name
from pasqal_tui.core.arguments import number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pasqal-tui",
        description="Keyboard-driven terminal dashboard for Pasqal Cloud Services. "
        "With no configuration it starts an embedded local cloud with demo data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_app_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    lc = sub.add_parser("local-cloud", help="run or administer the embedded local Pasqal Cloud")
    lc_sub = lc.add_subparsers(dest="local_command", metavar="ACTION", required=True)
    try:
        from pasqal_tui.localcloud.cli import add_subcommands
    except ImportError:  # pragma: no cover - the `local` extra is not installed

        def add_subcommands(sub: Any) -> None:
            return None

    add_subcommands(lc_sub)
    from pasqal_tui.headless.commands import add_commands

    add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "local-cloud":
        handler = getattr(args, "handler", None)
        if handler is None:
            print(
                "The local cloud needs the `local` extra: pip install 'pasqal-tui[local]'",
                file=sys.stderr,
            )
            return 2
        return int(handler(args))
    if getattr(args, "run", None) is not None:
        from pasqal_tui.headless.commands import run

        return run(args)
    return run_app(args)




def _refresh_seconds(text: str) -> float:
    return number(
        text,
        float,
        "expected a number of seconds",
        lambda v: v >= 2,
        "the refresh interval is at least 2 seconds",
    )


def _add_app_options(parser: argparse.ArgumentParser) -> None:
    app = parser.add_argument_group("dashboard options")
    app.add_argument(
        "--profile",
        metavar="NAME",
        help="log in with this saved profile (default: $PASQAL_TUI_PROFILE, then the config's "
        "default_profile, then the embedded 'local' cloud with demo data)",
    )
    app.add_argument(
        "--env",
        type=canonical_name,
        choices=ENVIRONMENT_NAMES,
        help="log in to this Pasqal Cloud environment (opens the login screen); the SDK's "
        f"names {', '.join(ENVIRONMENT_ALIASES)} are accepted too",
    )
    app.add_argument(
        "--read-only",
        action="store_true",
        help="refuse every action that changes something (cancel, close, rebatch...)",
    )
    app.add_argument(
        "--refresh",
        type=_refresh_seconds,
        metavar="SECONDS",
        help="live refresh interval, at least 2 (default 3, or the config's refresh_interval)",
    )
    app.add_argument(
        "--theme",
        metavar="NAME",
        help="colour theme: pasqal (default), pasqal-light, high-contrast, ansi-16 (the terminal's "
        "16 colours), or one of yours in ~/.config/pasqal-tui/themes/*.yaml; Ctrl+P > Theme "
        "switches and saves the choice",
    )
    app.add_argument(
        "--mouse",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mouse support; off by default over SSH, where every hover repaint costs bytes",
    )
    app.add_argument(
        "--local-url",
        metavar="URL",
        help="use an already running local cloud at URL for the 'local' profile",
    )


def run_app(args: argparse.Namespace) -> int:
    """Start the dashboard; textual is imported only here, so --help stays instant."""
    from pasqal_tui.core import logs
    from pasqal_tui.tui.app import AppOptions, PasqalApp

    logs.setup()
    options = AppOptions(
        profile=args.profile,
        env=args.env,
        read_only=args.read_only,
        refresh=args.refresh,
        theme=args.theme,
        mouse=args.mouse,
        local_url=args.local_url,
    )
    app = PasqalApp(options)
    try:
        app.run(mouse=app.mouse)
    finally:
        app.launcher.stop()
    return 0 if app.return_code in (None, 0) else int(app.return_code or 1)
