"""`serve`: first-start setup (demo user, demo history), then uvicorn on a bound socket, so
that `--port 0` can report the real port in the ready line.

With `uvicorn[standard]` installed (the `local` extra), requests are parsed by httptools and
the event loop is uvloop's; `PASQAL_TUI_SERVER_STACK=plain` keeps h11 and asyncio's own loop
(to compare, or to rule them out).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

from pasqal_tui.localcloud.settings import Settings

READY = "Local Pasqal Cloud ready at http://{host}:{port}"
PARENT_POLL_S = 0.5
STACK_ENV = "PASQAL_TUI_SERVER_STACK"
_STOPS = (signal.SIGINT, signal.SIGTERM)


def _plain_stack() -> bool:
    return os.environ.get(STACK_ENV, "").strip().lower() == "plain"


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when it is installed (and not turned off), else None: asyncio's."""
    if _plain_stack():
        return None
    try:
        import uvloop  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def _run(main: Coroutine[Any, Any, None]) -> None:
    factory = _loop_factory()
    if factory is None or sys.version_info < (3, 11):
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main)


def bind(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A listening socket; with `reuse_port`, one of several on the port that the kernel
    spreads new connections over (`processes.py`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Accepted connections inherit this: without it, a keep-alive response written in two
    # parts waits for the client's delayed ACK (~40 ms per request).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def prepare(settings: Settings) -> bool:
    """Create the demo user (and the demo history when asked); True if the user is new."""
    from pasqal_tui.core.hosts import is_loopback
    from pasqal_tui.localcloud.demo import DemoIds, seed_demo
    from pasqal_tui.localcloud.store import Store
    from pasqal_tui.localcloud.users import demo_password_unchanged, ensure_demo_user

    store = Store(settings.db_path)
    try:
        ids = DemoIds(settings.seed)
        created = ensure_demo_user(store, ids.user_id, ids.project_id)
        if not is_loopback(settings.host) and demo_password_unchanged(store):
            raise SystemExit(
                f"Refusing to bind {settings.host}: the demo user still has the password "
                "'demo'. Change it first: `pasqal-tui local-cloud set-password demo "
                "--password-stdin`."
            )
        if settings.demo:
            seed_demo(store, settings)
    finally:
        store.close()
    return created


async def _watch_parent(server: object, parent: int) -> None:
    """Stop when this process's parent is no longer ``parent`` (read when the process began:
    a parent that died while the server was starting is noticed too)."""
    while True:
        await asyncio.sleep(PARENT_POLL_S)
        if os.getppid() != parent:
            server.should_exit = True  # type: ignore[attr-defined]
            return


async def _announce(server: object, host: str, port: int, demo_created: bool) -> None:
    while not getattr(server, "started", False):
        await asyncio.sleep(0.02)
    print(READY.format(host=host, port=port), flush=True)
    if demo_created:
        print("Demo login: demo / demo", flush=True)


def serve(settings: Settings, *, exit_with_parent: bool = False) -> int:
    parent = os.getppid() if exit_with_parent else None
    from pasqal_tui.localcloud.processes import spread, start_others, stop_others

    try:
        sock = bind(settings.host, settings.port, reuse_port=spread(settings))
    except OSError as exc:
        print(f"Cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    started = time.monotonic()
    try:
        demo_created = prepare(settings)
    except SystemExit as exc:
        sock.close()
        print(str(exc), file=sys.stderr)
        return 2
    setup_s = time.monotonic() - started
    if setup_s > 1.0:
        print(f"(first-start setup took {setup_s:.1f} s)", file=sys.stderr, flush=True)

    # uvicorn ends by raising the signal that stopped it again, with the handler it found:
    # this one (also there before uvicorn's and after) ends the serving, so that the other
    # processes are stopped before this one goes the way the signal says.
    previous = {sig: signal.signal(sig, _stop) for sig in _STOPS}
    others = start_others(settings, sock)
    stopped: int | None = None
    try:
        serve_on(settings, sock, parent=parent, demo_created=demo_created)
    except _Stopped as exc:
        stopped = exc.signum
    finally:
        stop_others(others)
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stopped is not None:
        signal.raise_signal(stopped)
    return 0


class _Stopped(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


def serve_on(
    settings: Settings,
    sock: socket.socket,
    *,
    parent: int | None = None,
    demo_created: bool = False,
) -> None:
    """uvicorn on a socket already bound, until a signal (or until its parent is no longer
    ``parent``); the primary process (the first) says when ready."""
    import uvicorn

    from pasqal_tui.localcloud.app import create_app

    app = create_app(settings)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        # Nobody's reverse proxy: an X-Forwarded-For header from loopback is no address (the
        # sign-in throttle counts the connection's).
        proxy_headers=False,
        http="h11" if _plain_stack() else "auto",  # auto: httptools when installed
    )
    server = uvicorn.Server(config)
    port = sock.getsockname()[1]
    host = f"[{settings.host}]" if ":" in settings.host else settings.host

    async def main() -> None:
        helpers = []
        if settings.primary:
            helpers.append(asyncio.create_task(_announce(server, host, port, demo_created)))
        if parent is not None:
            helpers.append(asyncio.create_task(_watch_parent(server, parent)))
        try:
            await server.serve(sockets=[sock])
        finally:
            for task in helpers:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    _run(main())
