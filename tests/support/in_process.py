"""The app under the server configuration `cirkelbord serve` uses, in the test's own process.

For tests that look inside the running server (its connections, its hub) or change one of its
module constants for a moment; the other tests use a server process (tests/support/server.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import websockets
from fastapi import FastAPI
from websockets.typing import Origin

from app.cli import server_config
from app.config import Settings
from app.main import create_app
from tests.support.services import free_port


@contextlib.asynccontextmanager
async def serving(
    tmp_path: Path, *, compression: bool = False
) -> AsyncIterator[tuple[uvicorn.Server, FastAPI, str, Any]]:
    """The app under `server_config()` in this process (with per-message compression offered
    if `compression`); yields server, app, origin and a board."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'direct.sqlite3'}",
        port=port,
        public_url=origin,
        allowed_origins=[origin],
        log_level="warning",
    )
    app = create_app(settings)
    config = server_config(app, settings)
    config.ws_per_message_deflate = compression
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(30):
            while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for it
                await asyncio.sleep(0.05)
        async with httpx.AsyncClient(base_url=origin, headers={"Origin": origin}) as http:
            board = (await http.post("/api/boards", json={"topic": "Samen"})).json()
        yield server, app, origin, board
    finally:
        server.should_exit = True
        await serving


def screen_socket(origin: str, board: Any, compression: str | None = None) -> Any:
    """A WebSocket to the board's room, from the board's own origin (no hello sent yet)."""
    port = origin.rsplit(":", 1)[1]
    return websockets.connect(
        f"ws://127.0.0.1:{port}/ws/{board['room_id']}",
        origin=Origin(origin),
        compression=compression,
    )
