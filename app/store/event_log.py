"""The event log: each room's events numbered 1, 2, 3, ... without holes.

`append` writes the events of one operation at the numbers after `expected_seq`, inside the
caller's transaction, together with their projections and the board's activity time. Two
unique keys make concurrent and repeated writes safe:

- ``(room_id, seq)``: a writer that read an older state and tries to take a number that is
  already taken fails with SeqConflict; it should load what it missed and decide again.
- ``(room_id, cid)``: the client's operation id, stored on the last event of the operation. A
  resent operation fails with DuplicateOperation, which carries the sequence number and actor
  of the stored one, so the sender gets the same acknowledgement as the first time.

The writes run inside a SAVEPOINT, so after either failure the caller's transaction is still
usable (PostgreSQL aborts the whole transaction on an error outside a savepoint).

Exceptions::

    Exception
    ├── SeqConflict            the numbers after expected_seq are not free (or expected_seq
    │                          is past the end of the log)
    └── DuplicateOperation     this room already stored an operation with this cid
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Executable, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.room.events import Event
from app.store.database import read_only
from app.store.event_codec import decode_event, encode_event
from app.store.models import BOARDS, ROOM_EVENTS, RoomEventRow
from app.store.projection import project

Reader = AsyncSession | AsyncConnection | AsyncEngine
"""Where reads run: a session or connection (inside its transaction) or an engine (a new
read-only transaction)."""


class SeqConflict(Exception):
    """Another writer took the sequence number after `expected_seq`."""

    def __init__(self, room_id: str, expected_seq: int, last_seq: int) -> None:
        super().__init__(f"room {room_id!r} is at seq {last_seq}, not {expected_seq}")
        self.room_id = room_id
        self.expected_seq = expected_seq
        self.last_seq = last_seq


class DuplicateOperation(Exception):
    """The operation was stored before: `seq` is its last event, `actor` who sent it."""

    def __init__(self, seq: int, actor: str | None) -> None:
        super().__init__(f"operation already stored at seq {seq} (actor {actor!r})")
        self.seq = seq
        self.actor = actor


@dataclass(frozen=True, slots=True)
class AppendRequest:
    """The events of one operation, to be stored after `expected_seq` in one room's log."""

    room_id: str
    expected_seq: int
    events: Sequence[Event]
    cid: str | None = None
    actor: str | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


async def append(session: AsyncSession, request: AppendRequest) -> int:
    """Store `request` in the caller's transaction; return the seq of its last event.

    An empty operation stores nothing (not even its cid) and returns `expected_seq`.
    """
    if not request.events:
        return request.expected_seq
    room_id = request.room_id
    first = request.expected_seq + 1
    last = request.expected_seq + len(request.events)
    now = utc_now()
    rows: list[dict[str, Any]] = []
    for seq, event in enumerate(request.events, start=first):
        type_name, payload = encode_event(event)
        rows.append(
            {
                "room_id": room_id,
                "seq": seq,
                "type": type_name,
                "payload": payload,
                "cid": request.cid if seq == last else None,
                "actor": request.actor,
                "created_at": now,
            }
        )
    try:
        async with session.begin_nested():
            current = await last_seq(session, room_id)
            if current != request.expected_seq:
                raise SeqConflict(room_id, request.expected_seq, current)
            await session.execute(ROOM_EVENTS.insert(), rows)
            for seq, event in enumerate(request.events, start=first):
                await project(session, room_id, seq, event)
            await session.execute(
                update(BOARDS).where(BOARDS.c.room_id == room_id).values(last_activity_at=now)
            )
    except (IntegrityError, SeqConflict) as error:
        # The savepoint is rolled back; find out which key was in the way.
        if request.cid is not None:
            stored = await find_operation(session, room_id, request.cid)
            if stored is not None:
                raise DuplicateOperation(*stored) from error
        if isinstance(error, SeqConflict):
            raise
        current = await last_seq(session, room_id)
        if current != request.expected_seq:
            raise SeqConflict(room_id, request.expected_seq, current) from error
        raise
    return last


async def load(source: Reader, room_id: str, since_seq: int = 0) -> list[tuple[int, Event]]:
    """The events of `room_id` after `since_seq`, in order, with their sequence numbers."""
    statement = (
        select(RoomEventRow.seq, RoomEventRow.type, RoomEventRow.payload)
        .where(RoomEventRow.room_id == room_id, RoomEventRow.seq > since_seq)
        .order_by(RoomEventRow.seq)
    )
    rows = await _fetch(source, statement)
    return [(seq, decode_event(type_name, payload)) for seq, type_name, payload in rows]


async def find_operation(source: Reader, room_id: str, cid: str) -> tuple[int, str | None] | None:
    """The seq of the last event and the actor of the operation `cid`, if it was stored."""
    statement = select(RoomEventRow.seq, RoomEventRow.actor).where(
        RoomEventRow.room_id == room_id, RoomEventRow.cid == cid
    )
    rows = await _fetch(source, statement)
    if not rows:
        return None
    seq, actor = rows[0]
    return seq, actor


async def last_seq(source: Reader, room_id: str) -> int:
    """The sequence number of the room's newest event; 0 for an empty log."""
    statement = (
        select(RoomEventRow.seq)
        .where(RoomEventRow.room_id == room_id)
        .order_by(RoomEventRow.seq.desc())
        .limit(1)
    )
    rows = await _fetch(source, statement)
    return rows[0][0] if rows else 0


async def _fetch(source: Reader, statement: Executable) -> Sequence[Any]:
    if isinstance(source, AsyncEngine):
        async with read_only(source).connect() as connection:
            return (await connection.execute(statement)).all()
    return (await source.execute(statement)).all()


__all__ = [
    "AppendRequest",
    "DuplicateOperation",
    "Reader",
    "SeqConflict",
    "append",
    "find_operation",
    "last_seq",
    "load",
]
