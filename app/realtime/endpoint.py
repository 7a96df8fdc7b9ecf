"""/ws/{room_id}: Origin check, hello, then the read loop that hands commands to the hub."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from starlette.datastructures import Headers

from app.api.deps import HubDep, SettingsDep
from app.api.origin import origin_allowed
from app.config import Settings
from app.hub.hub import RoomHub
from app.ops import metrics
from app.realtime import protocol as p
from app.realtime.codec import encode, to_command
from app.realtime.connection import Connection, TokenBucket
from app.room import ErrorCode, Rejected, limits
from app.room.state import Role
from app.room.views import ROOM_VIEWER

log = logging.getLogger("cirkelbord.realtime")
router = APIRouter()

HELLO_TIMEOUT_SECONDS = 10.0

CLOSE_FOR: dict[ErrorCode, int] = {
    ErrorCode.UNKNOWN_ROOM: p.CloseCode.UNKNOWN_ROOM,
    ErrorCode.BAD_CREDENTIALS: p.CloseCode.BAD_CREDENTIALS,
    ErrorCode.ROOM_FULL: p.CloseCode.ROOM_FULL,
    ErrorCode.SERVER_FULL: p.CloseCode.ROOM_FULL,
    ErrorCode.RATE_LIMITED: p.CloseCode.ROOM_FULL,
}

LIMITS = {
    name: getattr(limits, name)
    for name in dir(limits)
    if name.isupper() and isinstance(getattr(limits, name), int)
}


def error(code: ErrorCode, detail: str = "", cid: str | None = None) -> bytes:
    metrics.REJECTED.labels(code.value).inc()  # every error built here is sent
    message: dict[str, Any] = {"type": "error", "code": code.value, "detail": detail}
    if cid is not None:
        message["cid"] = cid
    return encode(message)


def _size_of(raw: str | bytes) -> int:
    """A message's size in bytes as it was sent: a text frame is UTF-8 on the wire."""
    if isinstance(raw, bytes) or raw.isascii():  # isascii() is a flag, not a scan
        return len(raw)
    return len(raw.encode())


def _cid_of(raw: str | bytes) -> str | None:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    cid = value.get("cid") if isinstance(value, dict) else None
    return cid if isinstance(cid, str) and len(cid) <= 64 else None


def _classify(exc: ValidationError) -> ErrorCode:
    kinds = {e["type"] for e in exc.errors()}
    return ErrorCode.BAD_JSON if "json_invalid" in kinds else ErrorCode.BAD_MESSAGE


WS_PREFIX = "/ws/"


def room_of(path: str) -> str | None:
    """The room id of a `/ws/{room_id}` path (one non-empty segment, as the route matches)."""
    if not path.startswith(WS_PREFIX):
        return None
    room_id = path[len(WS_PREFIX) :]
    return room_id if room_id and "/" not in room_id else None


@router.websocket("/ws/{room_id}")
async def room_socket(
    websocket: WebSocket, room_id: str, hub: HubDep, settings: SettingsDep
) -> None:
    """The route, for the record and for apps that serve it through FastAPI's router; the app
    itself serves `/ws/{room_id}` below the router (see `app.main.CirkelbordApp`)."""
    await serve(websocket, room_id, hub, settings)


async def serve(websocket: WebSocket, room_id: str, hub: RoomHub, settings: Settings) -> None:
    """One client's connection, from the Origin check to the close."""
    # Headers read once, not cached on the WebSocket for the life of the connection.
    if not origin_allowed(Headers(scope=websocket.scope), settings):
        await websocket.close()  # before accept: the handshake is refused with HTTP 403
        return
    await websocket.accept()
    connection = Connection(websocket)
    connection.start()
    attached = False
    try:
        hello = await _read_hello(websocket, connection)
        if hello is None:
            return
        try:
            admission = await hub.admit(
                room_id,
                hello.role,
                token=hello.token,
                pid=hello.pid,
                code=hello.code,
                name=hello.name,
            )
        except Rejected as refused:
            connection.deliver(error(refused.code, refused.detail))
            connection.close(CLOSE_FOR.get(refused.code, p.CloseCode.BAD_HELLO), refused.code.value)
            return
        actor = admission.actor
        connection.identify(ROOM_VIEWER if actor.role is Role.SCREEN else actor.pid)
        room = await hub.room(room_id)
        welcome: dict[str, Any] = {
            "type": "welcome",
            "v": p.PROTOCOL_VERSION,
            "role": actor.role.value,
            "pid": actor.pid,
            "epoch": room.epoch,
            "now": hub.clock(),
            "limits": LIMITS,
        }
        if admission.token is not None:
            welcome["token"] = admission.token
        connection.deliver(encode(welcome))
        try:
            await hub.attach(room_id, connection, hello.last_seq, hello.epoch)
        except Rejected as refused:
            connection.deliver(error(refused.code, refused.detail))
            connection.close(CLOSE_FOR.get(refused.code, p.CloseCode.ROOM_FULL), refused.code.value)
            return
        attached = True
        # The connection's frame lives as long as the client: keep only what the loop needs.
        del hello, admission, room, welcome
        connection.on_close = lambda: asyncio.ensure_future(hub.detach(room_id, connection))
        log.info("client connected", extra={"room": room_id, "role": actor.role.value})
        bucket = TokenBucket()
        while connection.closing is None:
            raw = await _receive(websocket)
            if raw is None:
                break
            if _size_of(raw) > limits.MAX_MESSAGE_BYTES:
                connection.deliver(
                    error(ErrorCode.MESSAGE_TOO_LARGE, f"at most {limits.MAX_MESSAGE_BYTES} bytes")
                )
                continue
            if not bucket.take():
                connection.deliver(error(ErrorCode.RATE_LIMITED, "slow down", _cid_of(raw)))
                continue
            try:
                message = p.parse_client(raw)
            except ValidationError as invalid:
                code = _classify(invalid)
                detail = "; ".join(
                    f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
                    for e in invalid.errors()[:3]
                )
                connection.deliver(error(code, detail[:300], _cid_of(raw)))
                continue
            if isinstance(message, p.Ping):
                connection.deliver(encode({"type": "pong", "now": hub.clock()}))
                continue
            if isinstance(message, p.Writing):
                hub.writing(room_id, actor)
                continue
            if isinstance(message, p.Hello):
                connection.deliver(error(ErrorCode.BAD_MESSAGE, "hello was already sent"))
                continue
            metrics.COMMANDS.labels(message.type).inc()
            try:
                seq = await hub.submit(room_id, actor, message.cid, to_command(message))
            except Rejected as refused:
                log.info(
                    "command rejected",
                    extra={"room": room_id, "command": message.type, "code": refused.code.value},
                )
                connection.deliver(error(refused.code, refused.detail, message.cid))
                continue
            except Exception:
                log.exception("command failed", extra={"room": room_id, "command": message.type})
                connection.deliver(error(ErrorCode.INTERNAL, "not stored; resend", message.cid))
                continue
            connection.deliver(encode({"type": "ack", "cid": message.cid, "seq": seq}))
    except WebSocketDisconnect:
        pass
    finally:
        if attached:
            await hub.detach(room_id, connection)
            log.info("client disconnected", extra={"room": room_id})
        await connection.stop()


async def _receive(websocket: WebSocket) -> str | bytes | None:
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        return None
    text = message.get("text")
    if text is not None:
        return str(text)
    data = message.get("bytes")
    return bytes(data) if data is not None else b""


async def _read_hello(websocket: WebSocket, connection: Connection) -> p.Hello | None:
    try:
        async with asyncio.timeout(HELLO_TIMEOUT_SECONDS):
            raw = await _receive(websocket)
    except TimeoutError:
        connection.close(p.CloseCode.BAD_HELLO, "no hello")
        return None
    if raw is None:
        return None
    try:
        message = p.parse_client(raw)
    except ValidationError as invalid:
        connection.deliver(error(_classify(invalid), "the first message must be a valid hello"))
        connection.close(p.CloseCode.BAD_HELLO, "bad hello")
        return None
    if not isinstance(message, p.Hello):
        connection.deliver(error(ErrorCode.NOT_JOINED, "send hello first"))
        connection.close(p.CloseCode.BAD_HELLO, "no hello")
        return None
    if message.v != p.PROTOCOL_VERSION:
        connection.deliver(
            error(ErrorCode.PROTOCOL_VERSION, f"this server speaks v{p.PROTOCOL_VERSION}")
        )
        connection.close(p.CloseCode.PROTOCOL_VERSION, "protocol version")
        return None
    return message
