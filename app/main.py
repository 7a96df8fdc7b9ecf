"""create_app(settings): the FastAPI app with its store, broadcast and hub, pages and routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI, Request, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from app import __version__
from app.api import boards, exports, health, history, join, kit, web
from app.api.join import CodeGuard
from app.broadcast import from_url
from app.config import Settings
from app.hub.hub import SAFETY_POLL_SECONDS, RoomHub
from app.ops import metrics
from app.ops.retention import RetentionSweeper, utc_now
from app.realtime import endpoint
from app.store.database import migrate
from app.store.room_store import SqlRoomStore

log = logging.getLogger("cirkelbord")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class CirkelbordApp(FastAPI):
    """The FastAPI app, serving `/ws/{room_id}` below its router and middleware.

    A WebSocket lives for the whole meeting, and everything FastAPI and Starlette put around
    a route (the middleware stack, the router, the exit stacks and the dependency solving)
    stays in memory as long as the connection's coroutine: about a fifth of the memory of an
    idle connection, and a good part of the CPU of opening one. The endpoint reads the hub and
    the settings from the app's state itself and checks the Origin as it did behind the
    router; every other WebSocket path and every HTTP request goes through FastAPI.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root) :]
            room_id = endpoint.room_of(path)
            if room_id is not None:
                scope["app"] = self
                scope["path_params"] = {"room_id": room_id}
                state = self.state
                await endpoint.serve(
                    WebSocket(scope, receive, send), room_id, state.hub, state.settings
                )
                return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now
) -> FastAPI:
    """The app; `clock` is the wall clock the retention sweep reads (tests move it)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await migrate(settings.database_url)
        broadcast = from_url(settings.broadcast_url)
        store = SqlRoomStore(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        async with store, broadcast:
            poll = None if settings.broadcast_url.startswith("memory") else SAFETY_POLL_SECONDS
            hub = RoomHub(store, broadcast, poll_seconds=poll)
            app.state.store = store
            app.state.hub = hub
            sweeper = RetentionSweeper(
                hub,
                store,
                days=settings.retention_days,
                every_seconds=settings.retention_check_minutes * 60,
                clock=clock,
            )
            app.state.retention = sweeper
            sweeping = asyncio.create_task(sweeper.run(), name="retention")
            log.info("server started", extra={"url": f"http://{settings.host}:{settings.port}"})
            try:
                yield
            finally:
                sweeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeping
                await hub.close()
                log.info("server stopped")

    app = CirkelbordApp(
        title="Cirkelbord",
        version=__version__,
        description="A real-time board for the progress-focused circle technique.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.code_guard = CodeGuard()
    app.state.metrics = metrics.build_registry(lambda: getattr(app.state, "hub", None))

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    for router in (
        boards.router,
        join.router,
        exports.router,
        history.router,
        kit.router,
        health.router,
        endpoint.router,
        metrics.router,
    ):
        app.include_router(router)

    web.mount(app, settings.web_dir, settings.retention_days)
    return app
