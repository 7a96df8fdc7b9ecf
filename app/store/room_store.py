"""The hub's RoomStore on SQLAlchemy: boards, the event log (group-committed) and reads."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.hub.ports import BoardInfo, Conflict, DuplicateOperation, LoggedEvent
from app.room.events import BoardCreated, Event
from app.store import boards, event_log
from app.store.database import (
    DEFAULT_SQLITE_SYNCHRONOUS,
    SqliteSynchronous,
    create_engine,
    create_sessionmaker,
    read_only,
)
from app.store.event_codec import decode_event
from app.store.group_commit import GroupCommitter
from app.store.models import RoomEventRow

MAX_JOIN_CODE_ATTEMPTS = 5


def _info(record: boards.BoardRecord) -> BoardInfo:
    return BoardInfo(
        room_id=record.room_id,
        join_code=record.join_code,
        facilitator_token_hash=record.facilitator_token_hash,
        epoch=record.epoch,
        created_at=record.created_at,
        last_activity_at=record.last_activity_at,
    )


class SqlRoomStore:
    def __init__(
        self, url: str, *, sqlite_synchronous: SqliteSynchronous = DEFAULT_SQLITE_SYNCHRONOUS
    ) -> None:
        self.engine: AsyncEngine = create_engine(url, sqlite_synchronous=sqlite_synchronous)
        self.sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(self.engine)
        # Reads start a deferred transaction: in WAL mode they never wait for the writer.
        self.reads: async_sessionmaker[AsyncSession] = create_sessionmaker(read_only(self.engine))
        self.committer = GroupCommitter(self.sessions)

    async def __aenter__(self) -> Self:
        await self.committer.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.committer.stop()
        finally:
            await self.engine.dispose()

    async def create_board(self, board: BoardInfo, events: Sequence[Event]) -> None:
        first = events[0]
        assert isinstance(first, BoardCreated)
        record = boards.BoardRecord(
            room_id=board.room_id,
            join_code=board.join_code,
            facilitator_token_hash=board.facilitator_token_hash,
            epoch=board.epoch,
            created_at=board.created_at,
            last_activity_at=board.last_activity_at,
            topic=first.topic,
            language=first.language,
            variant=first.variant,
            anonymous=first.anonymous,
        )
        async with self.sessions.begin() as session:
            await boards.insert_board(session, record)
            await event_log.append(
                session, event_log.AppendRequest(board.room_id, 0, events, None, "facilitator")
            )

    async def board(self, room_id: str) -> BoardInfo | None:
        async with self.reads() as session:
            record = await boards.get_board(session, room_id)
        return None if record is None else _info(record)

    async def board_by_code(self, join_code: str) -> BoardInfo | None:
        async with self.reads() as session:
            record = await boards.get_board_by_code(session, join_code)
        return None if record is None else _info(record)

    async def append(
        self,
        room_id: str,
        expected_seq: int,
        events: Sequence[Event],
        cid: str | None,
        actor: str | None,
    ) -> int:
        request = event_log.AppendRequest(room_id, expected_seq, events, cid, actor)
        try:
            return await self.committer.submit(request)
        except event_log.SeqConflict as conflict:
            raise Conflict(str(conflict)) from conflict
        except event_log.DuplicateOperation as stored:
            raise DuplicateOperation(stored.seq, stored.actor) from stored

    async def load(self, room_id: str, since_seq: int = 0) -> list[LoggedEvent]:
        statement = (
            select(
                RoomEventRow.seq,
                RoomEventRow.type,
                RoomEventRow.payload,
                RoomEventRow.cid,
                RoomEventRow.actor,
            )
            .where(RoomEventRow.room_id == room_id, RoomEventRow.seq > since_seq)
            .order_by(RoomEventRow.seq)
        )
        async with self.reads() as session:
            rows = (await session.execute(statement)).all()
        return [
            LoggedEvent(seq, decode_event(kind, payload), cid, actor)
            for seq, kind, payload, cid, actor in rows
        ]

    async def delete_board(self, room_id: str) -> bool:
        async with self.sessions.begin() as session:
            return await boards.delete_board(session, room_id)
