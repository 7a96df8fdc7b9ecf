"""Under the server configuration `cirkelbord serve` uses, frames take the direct road.

The direct road writes frames to uvicorn's transport (app.realtime.wire); any other server or
protocol falls back to plain ASGI sends without an error, so only this test notices when an
upgrade of uvicorn or a configuration change turns the fast path off.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path
from typing import Any

import httpx
import orjson
import websockets
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from app.realtime.connection import Connection
from app.realtime.protocol import PROTOCOL_VERSION
from app.realtime.wire import Inbox
from tests.support.in_process import screen_socket, serving


async def _read_until(ws: websockets.ClientConnection, kind: str, seen: set[str]) -> None:
    """Read frames (a message or a batch of them) until one of type `kind` has arrived."""
    while kind not in seen:
        frame = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
        seen |= {m["type"] for m in (frame if isinstance(frame, list) else [frame])}


async def _hello(ws: websockets.ClientConnection, board: Any, kinds: set[str]) -> None:
    hello = {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen"}
    await ws.send(orjson.dumps({**hello, "code": board["join_code"]}).decode())
    await _read_until(ws, "snapshot", kinds)


async def test_serve_configuration_writes_frames_straight_to_the_transport(tmp_path: Path) -> None:
    async with (
        serving(tmp_path) as (server, app, origin, board),
        screen_socket(origin, board) as ws,
    ):
        kinds: set[str] = set()
        await _hello(ws, board, kinds)
        viewers = app.state.hub.rooms[board["room_id"]].viewers
        assert viewers and all(isinstance(v, Connection) and v.direct for v in viewers)
        # and the connection keeps nothing of its handshake, and a light inbox
        connections = server.server_state.connections
        [protocol] = [c for c in connections if isinstance(c, WebSocketsSansIOProtocol)]
        assert protocol.request is None and protocol.response is None
        kept = protocol.conn.parser.gi_frame.f_locals.get("request")  # the parser's own
        assert kept is None or not kept.headers
        assert protocol.scope["headers"] == []
        assert type(protocol.queue) is Inbox
        await ws.send(orjson.dumps({"type": "ping"}).decode())
        await _read_until(ws, "pong", kinds)


async def test_a_closed_connection_is_freed_without_the_garbage_collector(tmp_path: Path) -> None:
    """Phones come and go all meeting long: what a connection leaves in reference cycles waits
    for a collection, and a collection over a thousand connections' leftovers stops the
    server for tens of milliseconds. Ours leave none: not the WebSocket protocol, not the HTTP
    protocol that handed the connection over, not asyncio's transport."""
    async with serving(tmp_path) as (server, app, origin, board):

        def handed_over() -> list[HttpToolsProtocol]:
            """HTTP protocols no longer among the server's connections, yet not freed."""
            connections = server.server_state.connections
            return [
                o
                for o in gc.get_objects()
                if isinstance(o, HttpToolsProtocol) and o not in connections
            ]

        gc.collect()
        gc.disable()
        try:
            async with screen_socket(origin, board) as ws:
                await _hello(ws, board, set())
                [viewer] = app.state.hub.rooms[board["room_id"]].viewers
                [protocol] = [
                    c
                    for c in server.server_state.connections
                    if isinstance(c, WebSocketsSansIOProtocol)
                ]
                assert isinstance(viewer, Connection)
                # The connection, its wire and its inbox all hold the protocol: it outlives
                # none of them.
                held: list[weakref.ref[Any]] = [
                    weakref.ref(protocol),
                    weakref.ref(protocol.transport),
                ]
                del viewer, protocol
                assert handed_over() == []
            async with asyncio.timeout(5):
                while any(ref() is not None for ref in held):  # noqa: ASYNC110 - nothing to wait on
                    await asyncio.sleep(0.01)
            assert handed_over() == []
        finally:
            gc.enable()


async def test_a_closed_http_connection_is_freed_without_the_garbage_collector(
    tmp_path: Path,
) -> None:
    """A page's requests come and go too (files, the board's summary, exports): neither the
    HTTP protocol nor asyncio's transport is left for a collection."""
    async with serving(tmp_path) as (server, _app, origin, board):
        gc.collect()
        gc.disable()
        try:
            async with httpx.AsyncClient(base_url=origin) as http:
                response = await http.get(f"/api/join/{board['join_code']}")
                assert response.status_code == 200
                [protocol] = [  # the connection stays open for the next request
                    c for c in server.server_state.connections if isinstance(c, HttpToolsProtocol)
                ]
                held: list[weakref.ref[Any]] = [
                    weakref.ref(protocol),
                    weakref.ref(protocol.transport),
                ]
                del protocol
            async with asyncio.timeout(5):
                while any(ref() is not None for ref in held):  # noqa: ASYNC110 - nothing to wait on
                    await asyncio.sleep(0.01)
        finally:
            gc.enable()


async def test_with_compression_messages_take_the_asgi_road_and_arrive_the_same(
    tmp_path: Path,
) -> None:
    """Frames written to the transport would skip the compression the two sides agreed on: a
    connection that negotiated it sends through ASGI, in pieces or not."""
    async with (
        serving(tmp_path, compression=True) as (_server, app, origin, board),
        screen_socket(origin, board, compression="deflate") as ws,
    ):
        hello = {"type": "hello", "v": PROTOCOL_VERSION, "role": "participant", "name": "Ann"}
        await ws.send(orjson.dumps({**hello, "code": board["join_code"]}).decode())
        received: list[dict[str, Any]] = []
        while not any(m["type"] == "snapshot" for m in received):
            frame = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
            received += frame if isinstance(frame, list) else [frame]
        [viewer] = app.state.hub.rooms[board["room_id"]].viewers
        assert isinstance(viewer, Connection) and not viewer.direct
        live = app.state.hub.rooms[board["room_id"]]
        assert isinstance(live.snapshot_message(viewer.pid), tuple)  # sent in pieces
        [snapshot] = [m for m in received if m["type"] == "snapshot"]
        assert snapshot["board"]["notes"] == [] and snapshot["board"]["me"]["id"] == viewer.pid
