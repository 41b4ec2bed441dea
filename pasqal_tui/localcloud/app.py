"""The FastAPI application: routers, JSend error handling, and the lifespan that owns the
store, the emulation pool and the scheduler (in the first of `--processes N` only)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from pasqal_tui.localcloud.context import Cloud
from pasqal_tui.localcloud.errors import ApiError
from pasqal_tui.localcloud.routes.answers import drop_undeclared_422
from pasqal_tui.localcloud.schemas import JSendResponse, fail
from pasqal_tui.localcloud.security import LinkSigner, load_or_create_key
from pasqal_tui.localcloud.settings import Settings
from pasqal_tui.localcloud.store import Store
from pasqal_tui.localcloud.throttle import SignInThrottle
from pasqal_tui.localcloud.timeutil import Clock

log = logging.getLogger("pasqal_tui.localcloud")

T = TypeVar("T")


def in_background(load: Callable[[], T], name: str) -> Future[T]:
    """Run `load` in a daemon thread; its result (or exception) comes through the future."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(load())
        except BaseException as exc:  # handed to whoever waits for the result
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSendResponse:
        body = fail(exc.status_code, exc.message, exc.data)
        return JSendResponse(body, exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSendResponse:
        details = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))}
            for e in exc.errors()
        ]
        return JSendResponse(fail(422, "Unprocessable Entity", {"description": details}), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSendResponse:
        message = str(exc.detail) if exc.detail else "HTTP error"
        return JSendResponse(
            fail(exc.status_code, message, None), exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSendResponse:
        log.exception("unexpected error")
        return JSendResponse(fail(500, f"Internal server error: {type(exc).__name__}", None), 500)


def create_app(settings: Settings) -> FastAPI:
    from pasqal_tui.localcloud.devices import device_specs
    from pasqal_tui.localcloud.executor import EmulationPool
    from pasqal_tui.localcloud.processes import DatabaseWatch, share_of
    from pasqal_tui.localcloud.routes import all_routers
    from pasqal_tui.localcloud.scheduler import Scheduler
    from pasqal_tui.localcloud.webhooks import Webhooks

    store = Store(settings.db_path)
    key = load_or_create_key(settings.data_dir / "link.key")
    cloud = Cloud(
        settings=settings,
        store=store,
        signer=LinkSigner(key, settings.results_link_ttl),
        clock=Clock(settings.clock_origin),
        throttle=SignInThrottle(
            share_of(settings.login_failures, settings.processes),
            share_of(settings.login_address_failures, settings.processes),
            settings.login_window,
        ),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Building the specs imports Pulser (seconds): the server is ready without them, and
        # a specs request waits for them.
        cloud.device_specs = in_background(device_specs, "device-specs")
        if not settings.primary:  # serves requests; the first process runs the queue
            yield
            store.close()
            return
        with EmulationPool(max_workers=settings.workers) as pool:
            scheduler = Scheduler(cloud, pool)
            cloud.scheduler = scheduler
            await scheduler.start()
            webhooks = Webhooks(cloud, allow_remote=settings.allow_remote)
            await webhooks.start()
            watch = DatabaseWatch(settings.db_path, cloud.wake)
            if settings.processes > 1:
                await watch.start()
            try:
                yield
            finally:
                await watch.stop()
                await webhooks.stop()
                await scheduler.stop()
                cloud.scheduler = None
        store.close()

    app = FastAPI(
        title="Local Pasqal Cloud",
        description="A local stand-in for Pasqal Cloud Services (core and account APIs).",
        lifespan=lifespan,
    )
    app.state.cloud = cloud
    _install_error_handlers(app)
    for router in all_routers():
        app.include_router(router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = drop_undeclared_422(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
