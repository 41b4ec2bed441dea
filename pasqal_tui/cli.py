"""Command line: the app by default, `local-cloud ...` for the embedded server.

Heavy modules (textual, fastapi, pulser) are imported only inside the branch that needs them,
so `--help` and the start path stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pasqal_tui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pasqal-tui",
        description="Keyboard-driven terminal dashboard for Pasqal Cloud Services. "
        "With no configuration it starts an embedded local cloud with demo data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    lc = sub.add_parser("local-cloud", help="run or administer the embedded local Pasqal Cloud")
    lc_sub = lc.add_subparsers(dest="local_command", metavar="ACTION", required=True)
    try:
        from pasqal_tui.localcloud.cli import add_subcommands
    except ImportError:  # pragma: no cover - the `local` extra is not installed

        def add_subcommands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
            return None

    add_subcommands(lc_sub)
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
    parser.print_help()
    return 0
