"""A reference client of docs/protocol.md: it mirrors the board from snapshots and event ops.

Tests use it to act as phones, screens and facilitators over real WebSockets, and to check that
every client ends with the state the server has.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from app.realtime.protocol import PROTOCOL_VERSION
from app.room.limits import MESSAGES_PER_SECOND

Message = dict[str, Any]
WAIT_SECONDS = 10.0
RATE_LIMIT_RETRIES = 50
_counter = itertools.count()


def create_board(base_url: str, topic: str = "Onze overdracht", **extra: Any) -> dict[str, Any]:
    response = httpx.post(f"{base_url}/api/boards", json={"topic": topic, **extra})
    response.raise_for_status()
    board: dict[str, Any] = response.json()
    return board


def messages_of(frame: str | bytes) -> list[Message]:
    """A frame holds one message, or several as a JSON array (the server batches when behind)."""
    value = orjson.loads(frame)
    return value if isinstance(value, list) else [value]


def with_person(people: list[Message], person: Message) -> list[Message]:
    """A `participant` operation applied to a participant list: the entry with the same id is
    replaced where it stands, a newcomer goes at the end (the list is in joining order)."""
    ids = [entry["id"] for entry in people]
    if person["id"] in ids:
        return [person if entry["id"] == person["id"] else entry for entry in people]
    return [*people, person]


def with_reflection(reflections: Message, op: Message) -> Message:
    """A `reflection` operation applied to the facilitator's reflections: the new summary, and
    the item under the op's key replaced, added or (item null) removed, in key order."""
    items = [item for item in reflections["items"] if item["key"] != op["key"]]
    if op["item"] is not None:
        items.append(op["item"])
    return {"summary": op["summary"], "items": sorted(items, key=lambda item: item["key"])}


class GapError(AssertionError):
    pass


class RoomClient:
    opened: ClassVar[list[RoomClient]] = []  # every client a test made, for the fixture to close

    def __init__(self, ws_base: str, room_id: str, hello: Message) -> None:
        RoomClient.opened.append(self)
        self.url = f"{ws_base}/ws/{room_id}"
        self.room_id = room_id
        self.hello = hello
        self.ws: ClientConnection | None = None
        self.messages: list[Message] = []
        self.board: Message | None = None
        self.seq = 0
        self.epoch: str | None = None
        self.pid: str | None = hello.get("pid")
        self.token: str | None = hello.get("token") if hello.get("role") == "participant" else None
        self.acks: dict[str, int] = {}
        self.errors: dict[str, Message] = {}
        self.seen_seqs: list[int] = []
        self.presence = 0
        self.writing = 0  # how many are typing a note, as the server last said
        self.closed: tuple[int, str] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    # -- connection -----------------------------------------------------------------------------

    @classmethod
    async def join(cls, ws_base: str, room_id: str, code: str, name: str = "") -> RoomClient:
        client = cls(
            ws_base,
            room_id,
            {
                "type": "hello",
                "v": PROTOCOL_VERSION,
                "role": "participant",
                "code": code,
                "name": name,
            },
        )
        await client.connect()
        return client

    @classmethod
    async def facilitator(cls, ws_base: str, room_id: str, token: str) -> RoomClient:
        client = cls(
            ws_base,
            room_id,
            {"type": "hello", "v": PROTOCOL_VERSION, "role": "facilitator", "token": token},
        )
        await client.connect()
        return client

    @classmethod
    async def screen(cls, ws_base: str, room_id: str, code: str) -> RoomClient:
        client = cls(
            ws_base,
            room_id,
            {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen", "code": code},
        )
        await client.connect()
        return client

    async def connect(self, *, wait: bool = True) -> None:
        hello = dict(self.hello)
        if self.pid is not None and self.token is not None:
            hello.update(pid=self.pid, token=self.token)
            hello.pop("code", None)
            hello.pop("name", None)
        if self.board is not None:
            hello.update(last_seq=self.seq, epoch=self.epoch)
        self.closed = None
        self.ws = await connect(
            self.url, compression=None, max_size=2**22, open_timeout=WAIT_SECONDS
        )
        await self.ws.send(orjson.dumps(hello).decode())
        self._reader = asyncio.create_task(self._read())
        if wait:
            target = self.seq
            await self.wait_for(lambda c: c.board is not None and c.welcomed and c.seq >= target)

    welcomed = False

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _read(self) -> None:
        assert self.ws is not None
        self.welcomed = False
        try:
            async for raw in self.ws:
                for message in messages_of(raw):
                    self.messages.append(message)
                    self.handle(message)
                self._changed.set()
        except Exception:
            pass
        finally:
            if self.ws.close_code is not None:
                self.closed = (self.ws.close_code, self.ws.close_reason or "")
            else:
                self.closed = (1006, "")
            self._changed.set()

    # -- mirroring ------------------------------------------------------------------------------

    def handle(self, message: Message) -> None:
        kind = message["type"]
        if kind == "welcome":
            self.welcomed = True
            self.epoch = message["epoch"]
            if message.get("pid"):
                self.pid = message["pid"]
            if message.get("token"):
                self.token = message["token"]
        elif kind == "snapshot":
            self.board = copy.deepcopy(message["board"])
            self.seq = message["seq"]
            self.epoch = message["epoch"]
            self.seen_seqs.append(message["seq"])
        elif kind == "event":
            seq = message["seq"]
            self.seen_seqs.append(seq)
            if seq <= self.seq:
                raise AssertionError(f"duplicate seq {seq} (have {self.seq})")
            if seq != self.seq + 1:
                raise GapError(f"gap: had {self.seq}, got {seq}")
            self.seq = seq
            for op in message["ops"]:
                self.apply_op(op)
        elif kind == "ack":
            self.acks[message["cid"]] = message["seq"]
        elif kind == "error":
            if "cid" in message:
                self.errors[message["cid"]] = message
            else:
                self.errors[f"_{len(self.errors)}"] = message
        elif kind == "presence":
            self.presence = message["online"]
            self.writing = message["writing"]
        elif kind == "pong":
            pass
        else:
            raise AssertionError(f"unknown message type {kind}")

    def apply_op(self, op: Message) -> None:
        board = self.board
        assert board is not None
        kind = op["op"]
        if kind == "snapshot":
            return  # a snapshot message follows
        if kind == "board":
            board.update({k: v for k, v in op.items() if k != "op"})
        elif kind == "note":
            notes = [n for n in board["notes"] if n["id"] != op["note"]["id"]]
            notes.append(op["note"])
            board["notes"] = sorted(notes, key=lambda n: n["order"])
        elif kind == "note_removed":
            board["notes"] = [n for n in board["notes"] if n["id"] != op["id"]]
        elif kind == "counts":
            board["counts"], board["writers"] = op["counts"], op["writers"]
        elif kind == "participant":
            board["participants"] = with_person(board["participants"], op["person"])
        elif kind == "voting":
            board["voting"] = op["voting"]
        elif kind == "plan":
            plans = [p for p in board["plans"] if p["id"] != op["plan"]["id"]]
            plans.append(op["plan"])
            board["plans"] = sorted(plans, key=lambda p: p["order"])
        elif kind == "plan_removed":
            board["plans"] = [p for p in board["plans"] if p["id"] != op["id"]]
        elif kind == "reflections":
            board["reflections"] = op["reflections"]
        elif kind == "reflection":
            board["reflections"] = with_reflection(board["reflections"], op)
        elif kind == "scale":
            board["scale"] = op["scale"]
        elif kind == "me":
            board["me"] = op["me"]
        elif kind == "sheets":
            board["sheets"] = op["sheets"]
        elif kind == "duo":
            duos = [d for d in board["duos"] if d["pair"] != op["duo"]["pair"]]
            board["duos"] = sorted([*duos, op["duo"]], key=lambda d: d["number"])
        elif kind == "duo_removed":
            board["duos"] = [d for d in board["duos"] if d["pair"] != op["pair"]]
        elif kind == "sheet":
            sheets = [s for s in board["sheets"] if s["owner"] != op["sheet"]["owner"]]
            board["sheets"] = sorted([*sheets, op["sheet"]], key=lambda s: s["owner"])
        elif kind == "sheet_removed":
            board["sheets"] = [s for s in board["sheets"] if s["owner"] != op["owner"]]
        else:
            raise AssertionError(f"unknown op {kind}")

    # -- acting ---------------------------------------------------------------------------------

    async def send_raw(self, raw: str | bytes) -> None:
        assert self.ws is not None
        await self.ws.send(raw)

    async def send(self, kind: str, cid: str | None = None, **fields: Any) -> str:
        cid = cid or f"c{next(_counter)}"
        await self.send_raw(orjson.dumps({"type": kind, "cid": cid, **fields}).decode())
        return cid

    async def do(self, kind: str, **fields: Any) -> int:
        """Send a command and wait for its ack; fail on an error.

        Like the web client, it waits and resends (same cid) when the server says to slow down.
        """
        cid = await self.send(kind, **fields)
        for _ in range(RATE_LIMIT_RETRIES):
            await self.wait_for(lambda c: cid in c.acks or cid in c.errors)
            if self.errors.get(cid, {}).get("code") != "rate_limited":
                break
            del self.errors[cid]
            await asyncio.sleep(2 / MESSAGES_PER_SECOND)
            await self.send(kind, cid=cid, **fields)
        if cid in self.errors:
            raise AssertionError(f"{kind} refused: {self.errors[cid]}")
        return self.acks[cid]

    async def refused(self, kind: str, **fields: Any) -> str:
        """Send a command that must be refused; return its error code."""
        cid = await self.send(kind, **fields)
        await self.wait_for(lambda c: cid in c.acks or cid in c.errors)
        assert cid in self.errors, f"{kind} was accepted"
        code: str = self.errors[cid]["code"]
        return code

    async def wait_for(
        self, check: Callable[[RoomClient], bool], seconds: float = WAIT_SECONDS
    ) -> None:
        async with asyncio.timeout(seconds):
            while not check(self):
                self._changed.clear()
                if check(self):
                    return
                await self._changed.wait()

    async def wait_seq(self, seq: int) -> None:
        await self.wait_for(lambda c: c.seq >= seq)

    def texts(self) -> set[str]:
        assert self.board is not None
        return {n["text"] for n in self.board["notes"]}


class Server(Protocol):
    """Where a board is made (its HTTP address) and entered (its WebSocket address)."""

    @property
    def url(self) -> str: ...

    @property
    def ws_url(self) -> str: ...


@dataclass(frozen=True)
class Board:
    """A board made through a live server's HTTP API, and the ways into its room as clients."""

    created: dict[str, Any]  # the API's answer: room_id, join_code, facilitator_token, links
    ws_url: str

    @classmethod
    def create(cls, server: Server, topic: str = "Onze overdracht", **extra: Any) -> Board:
        return cls(create_board(server.url, topic, **extra), server.ws_url)

    @property
    def room(self) -> str:
        room: str = self.created["room_id"]
        return room

    @property
    def code(self) -> str:
        code: str = self.created["join_code"]
        return code

    @property
    def token(self) -> str:
        token: str = self.created["facilitator_token"]
        return token

    @property
    def auth(self) -> dict[str, str]:
        """The facilitator's header for the board's HTTP API."""
        return {"Authorization": f"Bearer {self.token}"}

    def via(self, server: Server) -> Board:
        """The same board, entered through another server process."""
        return replace(self, ws_url=server.ws_url)

    async def facilitator(self) -> RoomClient:
        return await RoomClient.facilitator(self.ws_url, self.room, self.token)

    async def screen(self) -> RoomClient:
        return await RoomClient.screen(self.ws_url, self.room, self.code)

    async def join(self, name: str = "") -> RoomClient:
        return await RoomClient.join(self.ws_url, self.room, self.code, name)

    async def phones(self, count: int, name: str = "Lid {}") -> list[RoomClient]:
        """`count` participants joining at once, named after their number."""
        return list(await asyncio.gather(*(self.join(name.format(i)) for i in range(count))))
