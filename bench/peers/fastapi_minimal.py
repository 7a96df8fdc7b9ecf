"""Minimal FastAPI room broadcast server, as a Python team would write it.

A client joins room R by connecting to ``/ws/R``; every text frame it sends is
relayed verbatim to the other clients of R (the ConnectionManager pattern from
the FastAPI documentation, one set of sockets per room). Per-message
compression is off.

Usage: ``python -m bench.peers.fastapi_minimal --host 127.0.0.1 --port 8000``
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()
rooms: dict[str, set[WebSocket]] = {}


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.websocket("/ws/{room}")
async def room_socket(websocket: WebSocket, room: str) -> None:
    await websocket.accept()
    members = rooms.setdefault(room, set())
    members.add(websocket)
    try:
        while True:
            text = await websocket.receive_text()
            for peer in list(members):
                if peer is not websocket:
                    try:
                        await peer.send_text(text)
                    except (WebSocketDisconnect, RuntimeError):
                        members.discard(peer)
    except WebSocketDisconnect:
        pass
    finally:
        members.discard(websocket)
        if not members:
            rooms.pop(room, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        ws_per_message_deflate=False,
    )


if __name__ == "__main__":
    main()
