"""What the hub needs from storage and from each connected client: two small interfaces."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.realtime.codec import Message
from app.room.events import Event


@dataclass(frozen=True, slots=True)
class BoardInfo:
    """The parts of a board the hub and the API need besides its events."""

    room_id: str
    join_code: str
    facilitator_token_hash: str
    epoch: str
    created_at: datetime
    last_activity_at: datetime


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """One event as stored, with the operation that produced it (cid only on the last one)."""

    seq: int
    event: Event
    cid: str | None
    actor: str | None


class Conflict(Exception):
    """Another process stored an event at this sequence number first."""


class DuplicateOperation(Exception):
    """This operation id is stored already (possibly by another process)."""

    def __init__(self, seq: int, actor: str | None) -> None:
        super().__init__(f"operation stored at seq {seq}")
        self.seq = seq
        self.actor = actor


class RoomStore(Protocol):
    async def create_board(self, board: BoardInfo, events: Sequence[Event]) -> None: ...

    async def board(self, room_id: str) -> BoardInfo | None: ...

    async def board_by_code(self, join_code: str) -> BoardInfo | None: ...

    async def append(
        self,
        room_id: str,
        expected_seq: int,
        events: Sequence[Event],
        cid: str | None,
        actor: str | None,
    ) -> int:
        """Store events at expected_seq+1.. in one transaction; return the last seq.

        Returns only after the commit. Raises Conflict or DuplicateOperation.
        """
        ...

    async def load(self, room_id: str, since_seq: int = 0) -> list[LoggedEvent]: ...


class Viewer(Protocol):
    """One connected client as the hub sees it: who it is, and a way to hand it a message.

    deliver() never blocks: it queues, and a client whose queue is full is disconnected by
    its transport (it resumes from its last sequence number).
    """

    @property
    def pid(self) -> str | None: ...

    def deliver(self, message: Message) -> None:
        """`message`: one server message, UTF-8 JSON (`app.realtime.codec.encode`), as bytes or
        in pieces (`app.realtime.codec.Message`)."""
