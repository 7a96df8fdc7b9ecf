"""Minimal python-socketio room broadcast server, as a Python team would write it.

A client joins room R by connecting with ``?room=R`` in the Socket.IO URL; every
``note`` event it emits is re-emitted to the other clients of R. Served by
uvicorn through ``socketio.ASGIApp``.

Usage: ``python -m bench.peers.socketio_server --host 127.0.0.1 --port 8000``
"""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import parse_qs

import socketio
import uvicorn

sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=[])
app = socketio.ASGIApp(sio)


async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
    query = parse_qs(environ.get("QUERY_STRING", ""))
    room = query.get("room", ["lobby"])[0]
    await sio.enter_room(sid, room)
    await sio.save_session(sid, {"room": room})
    return True


async def note(sid: str, data: Any) -> None:
    session = await sio.get_session(sid)
    await sio.emit("note", data, room=session["room"], skip_sid=sid)


sio.on("connect", connect)
sio.on("note", note)


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
