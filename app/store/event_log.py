"""The event log: each room's events numbered 1, 2, 3, ... without holes.

`append` writes the events of one operation at the numbers after `expected_seq`, inside the
caller's transaction, together with their projections and the board's activity time. Two
unique keys make concurrent and repeated writes safe:

- ``(room_id, seq)``: a writer that read an older state and tries to take a number that is
  already taken fails with SeqConflict; it should load what it missed and decide again.
- ``(room_id, cid)``: the client's operation id, stored on the last event of the operation. A
  resent operation fails with DuplicateOperation, which carries the sequence number and actor
  of the stored one, so the sender gets the same acknowledgement as the first time.

Of two writers racing for the same number, the second waits for the first and then fails: on
SQLite at BEGIN IMMEDIATE (it then reads the new last number), on PostgreSQL at its INSERT
(the unique key waits for the first transaction to end).

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
from typing import Any, Final

from sqlalchemy import Connection, Executable, Row, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from app.room.events import Event
from app.store.database import read_only
from app.store.direct import Executes, direct
from app.store.event_codec import decode_event, encode_event
from app.store.models import BOARDS, ROOM_EVENTS
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
    return await session.run_sync(append_sync, request)


def append_sync(
    session: Session | Connection,
    request: AppendRequest,
    *,
    known_last: int | None = None,
    touch: bool = True,
) -> int:
    """`append` in a synchronous session, or on a connection inside its transaction (the group
    committer's writer uses it directly).

    `known_last`: the room's last seq as the caller last committed it. When it equals
    `expected_seq` the log is not read first: a writer that took the number since fails on
    the ``(room_id, seq)`` key instead, and is told SeqConflict all the same. `touch=False`
    leaves moving the board's activity time to the caller (`touch_boards`), in the same
    transaction.
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
    # Plain writes go straight to the sqlite3 cursor in the committer's thread (app.store.direct).
    connection = direct(_connection_of(session))
    try:
        # A savepoint of the connection, not of the session: the session tracks no objects
        # here, and its own savepoint bookkeeping would cost more than the statements.
        with connection.begin_nested():
            if known_last != request.expected_seq:
                current = _last_seq(connection, room_id)
                if current != request.expected_seq:
                    raise SeqConflict(room_id, request.expected_seq, current)
            connection.execute(_INSERT_EVENT, rows)
            for seq, event in enumerate(request.events, start=first):
                project(connection, room_id, seq, event)
            if touch:
                connection.execute(_TOUCH_BOARD, {"key_room_id": room_id, "new_time": now})
    except (IntegrityError, SeqConflict) as error:
        # The savepoint is rolled back; find out which key was in the way.
        if request.cid is not None:
            stored = _find_operation(connection, room_id, request.cid)
            if stored is not None:
                raise DuplicateOperation(*stored) from error
        if isinstance(error, SeqConflict):
            raise
        current = _last_seq(connection, room_id)
        if current != request.expected_seq:
            raise SeqConflict(room_id, request.expected_seq, current) from error
        raise
    return last


def touch_boards(session: Session | Connection, room_ids: set[str]) -> None:
    """Move the activity time of these boards to now (one statement for all)."""
    if room_ids:
        now = utc_now()
        direct(_connection_of(session)).execute(
            _TOUCH_BOARD, [{"key_room_id": room_id, "new_time": now} for room_id in room_ids]
        )


def _connection_of(source: Session | Connection) -> Connection:
    return source if isinstance(source, Connection) else source.connection()


_INSERT_EVENT: Final = ROOM_EVENTS.insert()
_TOUCH_BOARD: Final = (
    update(BOARDS)
    .where(BOARDS.c.room_id == bindparam("key_room_id"))
    .values(last_activity_at=bindparam("new_time"))
)
_LAST_SEQ: Final = (
    select(ROOM_EVENTS.c.seq)
    .where(ROOM_EVENTS.c.room_id == bindparam("room_id"))
    .order_by(ROOM_EVENTS.c.seq.desc())
    .limit(1)
)
_OPERATION: Final = select(ROOM_EVENTS.c.seq, ROOM_EVENTS.c.actor).where(
    ROOM_EVENTS.c.room_id == bindparam("room_id"), ROOM_EVENTS.c.cid == bindparam("cid")
)
_EVENTS_SINCE: Final = (
    select(ROOM_EVENTS.c.seq, ROOM_EVENTS.c.type, ROOM_EVENTS.c.payload)
    .where(ROOM_EVENTS.c.room_id == bindparam("room_id"), ROOM_EVENTS.c.seq > bindparam("since"))
    .order_by(ROOM_EVENTS.c.seq)
)


def _last_seq(connection: Executes, room_id: str) -> int:
    seq = connection.execute(_LAST_SEQ, {"room_id": room_id}).scalar()
    return 0 if seq is None else int(seq)


def _find_operation(connection: Executes, room_id: str, cid: str) -> tuple[int, str | None] | None:
    row = connection.execute(_OPERATION, {"room_id": room_id, "cid": cid}).first()
    return None if row is None else (row.seq, row.actor)


async def load(source: Reader, room_id: str, since_seq: int = 0) -> list[tuple[int, Event]]:
    """The events of `room_id` after `since_seq`, in order, with their sequence numbers."""
    rows = await _fetch(source, _EVENTS_SINCE, {"room_id": room_id, "since": since_seq})
    return [(row.seq, decode_event(row.type, row.payload)) for row in rows]


async def find_operation(source: Reader, room_id: str, cid: str) -> tuple[int, str | None] | None:
    """The seq of the last event and the actor of the operation `cid`, if it was stored."""
    rows = await _fetch(source, _OPERATION, {"room_id": room_id, "cid": cid})
    return (rows[0].seq, rows[0].actor) if rows else None


async def last_seq(source: Reader, room_id: str) -> int:
    """The sequence number of the room's newest event; 0 for an empty log."""
    rows = await _fetch(source, _LAST_SEQ, {"room_id": room_id})
    return int(rows[0].seq) if rows else 0


async def _fetch(
    source: Reader, statement: Executable, parameters: dict[str, Any]
) -> Sequence[Row[Any]]:
    if isinstance(source, AsyncEngine):
        async with read_only(source).connect() as connection:
            return (await connection.execute(statement, parameters)).all()
    return (await source.execute(statement, parameters)).all()


__all__ = [
    "AppendRequest",
    "DuplicateOperation",
    "Reader",
    "SeqConflict",
    "append",
    "append_sync",
    "find_operation",
    "last_seq",
    "load",
    "touch_boards",
]
