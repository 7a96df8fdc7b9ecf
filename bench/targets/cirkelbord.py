"""Adapter for the Cirkelbord server, written from docs/protocol.md (version 3).

What is measured as "a note fanned out to the room": a participant edits its own
note after the inner circle was revealed (``edit_note``), which the server
commits and then sends to every viewer as one ``event`` with a ``note`` op
carrying the new text. That is the full path of a note change (validate,
decide, commit, render once per audience, fan out). A note that is *added*
during a writing phase reaches the others only as a ``counts`` op without its
text, and a participant may add at most ``MAX_NOTES_PER_PARTICIPANT`` notes, so
edits are what can be measured for minutes at a steady rate.

The token travels in the note text; the command id ``cid`` is derived from it,
so every edit is a new operation.

Room preparation (orchestrator side): ``POST /api/boards``; the facilitator
moves the board to ``inner_writing``; each posting client joins as a new
participant and adds one note; the facilitator moves the board to
``inner_reading``, which reveals those notes. The room reference handed to the
load generator is a small JSON object with the room id, its join code and the
posting clients' ``pid``/``token``/note id, so they come back as the same
participants. Listening clients join as new participants with the join code.

Sending: one socket may send ``MESSAGES_PER_SECOND`` = 20 messages a second
(burst 40); the harness keeps each posting client at or under 10 a second.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import itertools
import os
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from bench.targets.base import (
    Client,
    JoinResult,
    NextFrame,
    ServerSpec,
    Target,
    TargetUnavailable,
    http_json,
)
from bench.wsclient import WSConnection, connect, frame_reader

REPO_ROOT = Path(__file__).resolve().parent.parent.parent

PROTOCOL_VERSION = 3
_PREP_TAG = os.urandom(4).hex()
_PREP_IDS = itertools.count(1)
NOTES_PER_WRITER = 20  # under MESSAGE_BURST (40) together with the hello
TOPIC = "What went well in our last sprint, and what small step comes next?"


def origin_of(base: str) -> str:
    parts = urlsplit(base)
    return f"http://{parts.hostname}:{parts.port}"


@functools.lru_cache(maxsize=4096)
def parse_room(ref: str) -> dict[str, Any]:
    room: dict[str, Any] = orjson.loads(ref)
    return room


def messages_of(frame: bytes) -> list[dict[str, Any]]:
    """A frame holds one message, or several as a JSON array (see docs/protocol.md)."""
    value = orjson.loads(frame)
    return value if isinstance(value, list) else [value]


SNAPSHOT_KEY = b'"type":"snapshot"'
WELCOME_KEY = b'"type":"welcome"'


def note_text(i: int) -> str:
    return (
        f"Note {i}: we now finish every stand-up within fifteen minutes "
        f"and write down one concrete follow-up."
    )


class Protocol(Exception):
    """The server answered something the protocol does not allow here."""


class PrepClient:
    """An orchestrator-side client for room preparation: send JSON, wait for replies."""

    def __init__(self, conn: WSConnection, queue: asyncio.Queue[bytes]) -> None:
        self.conn = conn
        self.next_frame = frame_reader(conn, queue)
        self.welcome: dict[str, Any] = {}
        self.unread: deque[dict[str, Any]] = deque()  # messages of a batched frame not yet read
        self.snapshot: dict[str, Any] = {}

    @classmethod
    async def open(cls, base_ws: str, room_id: str, hello: dict[str, Any]) -> PrepClient:
        queue: asyncio.Queue[bytes] = asyncio.Queue()

        def collect(conn: WSConnection, opcode: int, payload: bytes) -> None:
            queue.put_nowait(payload)

        conn = await connect(
            f"{base_ws}/ws/{room_id}",
            collect,
            clock=time.perf_counter_ns,
            headers={"Origin": origin_of(base_ws)},
        )
        client = cls(conn, queue)
        conn.send_text(orjson.dumps({"type": "hello", "v": PROTOCOL_VERSION, **hello}))
        client.welcome = await client.expect("welcome")
        client.snapshot = await client.expect("snapshot")
        return client

    async def expect(self, kind: str, cid: str | None = None, wait: float = 15.0) -> dict[str, Any]:
        while True:
            if not self.unread:
                self.unread.extend(messages_of(await self.next_frame(wait)))
            message = self.unread.popleft()
            if message.get("type") == "error" and (cid is None or message.get("cid") == cid):
                raise Protocol(f"{message.get('code')}: {message.get('detail')}")
            if message.get("type") == kind and (cid is None or message.get("cid") == cid):
                return message

    async def command(self, kind: str, **fields: Any) -> dict[str, Any]:
        cid = f"prep-{_PREP_TAG}-{next(_PREP_IDS)}"
        self.conn.send_text(orjson.dumps({"type": kind, "cid": cid, **fields}))
        return await self.expect("ack", cid)

    async def close(self) -> None:
        self.conn.close()
        await asyncio.wait({self.conn.closed}, timeout=5.0)


def _ws_base(base_url: str) -> str:
    return "ws://" + base_url.split("://", 1)[1]


class Cirkelbord(Target):
    key = "cirkelbord"
    label = "Cirkelbord"
    has_snapshot = True
    max_rate_per_sender = 10.0  # MESSAGES_PER_SECOND is 20
    max_burst_per_sender = 30  # MESSAGE_BURST is 40

    def unavailable_reason(self) -> str | None:
        if importlib.util.find_spec("app") is None:
            return "the app package is not importable"
        if importlib.util.find_spec("app.cli") is None:
            return "app.cli (the `serve` command) does not exist yet"
        return None

    def server_spec(self, host: str, port: int, workdir: Path) -> ServerSpec:
        argv = [sys.executable, "-m", "app", "serve", "--host", host, "--port", str(port)]
        origin = f"http://{host}:{port}"
        env = {
            "CIRKELBORD_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}",
            "CIRKELBORD_BROADCAST_URL": "memory://",
            "CIRKELBORD_HOST": host,
            "CIRKELBORD_PORT": str(port),
            "CIRKELBORD_PUBLIC_URL": origin,
            "CIRKELBORD_ALLOWED_ORIGINS": origin,
            "CIRKELBORD_MIGRATE_ON_START": "true",
            "CIRKELBORD_LOG_LEVEL": "warning",
        }
        return ServerSpec(argv, cwd=REPO_ROOT, env=env, ready_path="/readyz", ready_timeout=60.0)

    # -- orchestrator side ----------------------------------------------------------------
    def _create_board(self, base_url: str) -> dict[str, Any]:
        body = {"topic": TOPIC, "language": "en", "anonymous": False, "variant": "team"}
        board = http_json(
            "POST", f"{base_url}/api/boards", body, headers={"Origin": origin_of(base_url)}
        )
        if not isinstance(board, dict) or "room_id" not in board:
            raise TargetUnavailable(f"POST /api/boards answered {board!r}")
        return board

    async def _facilitator(self, base_ws: str, board: dict[str, Any]) -> PrepClient:
        return await PrepClient.open(
            base_ws,
            board["room_id"],
            {"role": "facilitator", "token": board["facilitator_token"]},
        )

    async def _participant(self, base_ws: str, board: dict[str, Any], name: str) -> PrepClient:
        return await PrepClient.open(
            base_ws,
            board["room_id"],
            {"role": "participant", "code": board["join_code"], "name": name},
        )

    async def _prepare_room(
        self, base_ws: str, board: dict[str, Any], senders: int, run_id: str, index: int
    ) -> str:
        creds: list[list[str]] = []
        if senders == 0:  # listeners only: any phase will do
            return orjson.dumps({"room": board["room_id"], "code": board["join_code"]}).decode()
        host = await self._facilitator(base_ws, board)
        try:
            await host.command("change_phase", **{"from": "topic", "to": "inner_writing"})
            for k in range(senders):
                writer = await self._participant(base_ws, board, f"Poster {k}")
                try:
                    note_id = f"n-{run_id}-{index}-{k}"
                    await writer.command("add_note", id=note_id, circle="inner", text=note_text(k))
                    creds.append([writer.welcome["pid"], writer.welcome["token"], note_id])
                finally:
                    await writer.close()
            await host.command("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
        finally:
            await host.close()
        ref = {"room": board["room_id"], "code": board["join_code"], "senders": creds}
        return orjson.dumps(ref).decode()

    def prepare_rooms(
        self, base_url: str, count: int, senders_per_room: int, run_id: str
    ) -> list[str]:
        boards = [self._create_board(base_url) for _ in range(count)]
        base_ws = _ws_base(base_url)

        async def prepare_all() -> list[str]:
            sem = asyncio.Semaphore(8)

            async def one(i: int, board: dict[str, Any]) -> str:
                async with sem:
                    return await self._prepare_room(base_ws, board, senders_per_room, run_id, i)

            return list(await asyncio.gather(*(one(i, b) for i, b in enumerate(boards))))

        return asyncio.run(prepare_all())

    def prepare_join_room(self, base_url: str, notes: int, run_id: str) -> str:
        board = self._create_board(base_url)
        base_ws = _ws_base(base_url)

        async def fill() -> None:
            host = await self._facilitator(base_ws, board)
            try:
                await host.command("change_phase", **{"from": "topic", "to": "inner_writing"})
                writers = (notes + NOTES_PER_WRITER - 1) // NOTES_PER_WRITER

                async def write(w: int) -> None:
                    writer = await self._participant(base_ws, board, f"Writer {w}")
                    try:
                        first = w * NOTES_PER_WRITER
                        for i in range(first, min(notes, first + NOTES_PER_WRITER)):
                            await writer.command(
                                "add_note", id=f"j-{run_id}-{i}", circle="inner", text=note_text(i)
                            )
                    finally:
                        await writer.close()

                sem = asyncio.Semaphore(8)

                async def bounded(w: int) -> None:
                    async with sem:
                        await write(w)

                await asyncio.gather(*(bounded(w) for w in range(writers)))
                await host.command(
                    "change_phase", **{"from": "inner_writing", "to": "inner_reading"}
                )
            finally:
                await host.close()

        asyncio.run(fill())
        return orjson.dumps({"room": board["room_id"], "code": board["join_code"]}).decode()

    # -- load-generator side --------------------------------------------------------------
    def ws_url(self, base_ws: str, client: Client) -> str:
        return f"{base_ws}/ws/{parse_room(client.room)['room']}"

    def ws_headers(self, base_ws: str) -> dict[str, str]:
        return {"Origin": origin_of(base_ws)}

    async def join(self, conn: WSConnection, client: Client, next_frame: NextFrame) -> JoinResult:
        room = parse_room(client.room)
        hello: dict[str, Any] = {"type": "hello", "v": PROTOCOL_VERSION, "role": "participant"}
        if client.sender is None:
            hello.update(code=room["code"], name=f"Guest {client.number}")
        else:
            pid, token, _ = room["senders"][client.sender]
            hello.update(pid=pid, token=token)
        conn.send_text(orjson.dumps(hello))
        welcomed = False
        while True:
            frame = await next_frame(15.0)
            # Found without parsing (a key's quotes are never escaped; a text's always are):
            # the snapshot is parsed in render(), its arrival time is the one to keep.
            snapshot_at = frame.find(SNAPSHOT_KEY)
            if snapshot_at >= 0:
                welcome_at = frame.find(WELCOME_KEY)
                if not welcomed and not 0 <= welcome_at < snapshot_at:
                    raise Protocol("snapshot before welcome")
                return JoinResult(snapshot_bytes=len(frame), state=frame)
            for message in messages_of(frame):
                kind = message.get("type")
                if kind == "welcome":
                    welcomed = True
                elif kind == "error":
                    raise Protocol(f"join refused: {message.get('code')}: {message.get('detail')}")

    def render(self, result: JoinResult) -> JoinResult:
        if result.state is None:
            return result
        for message in messages_of(result.state):
            if message.get("type") == "snapshot":
                # Rendered-ready: parsed, and the notes indexed by id as a view would need.
                notes = {note["id"]: note for note in message["board"].get("notes", [])}
                return JoinResult(snapshot_bytes=result.snapshot_bytes, notes=len(notes))
        raise Protocol("the frame held no snapshot")

    def note_frame(self, client: Client, seq: int, token: str) -> bytes:
        if client.sender is None:
            raise ValueError("only posting clients send notes")
        note_id: str = parse_room(client.room)["senders"][client.sender][2]
        return (
            b'{"type":"edit_note","cid":"e'
            + token.encode()
            + b'","id":"'
            + note_id.encode()
            + b'","text":"Progress we made this week: '
            + token.encode()
            + b'"}'
        )
