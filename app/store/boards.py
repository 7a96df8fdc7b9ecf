"""Boards: the row that owns a room (join code, facilitator credential, epoch) and its queries.

A board row is written before the room's first event (`BoardCreated`), because every event row
refers to it. Deleting the board deletes the room's whole log and projections (ON DELETE
CASCADE).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, RowMapping, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.room.apply import fold
from app.room.state import Language, Phase, RoomState, Variant
from app.store import checklists
from app.store.event_log import Reader, load, utc_now
from app.store.models import BOARDS


class JoinCodeTaken(Exception):
    """Another board already uses this join code; pick another one."""


@dataclass(frozen=True, slots=True)
class BoardRecord:
    """One row of `boards`. The fields after `last_activity_at` follow the room's events."""

    room_id: str
    join_code: str
    facilitator_token_hash: str
    epoch: str
    created_at: datetime
    last_activity_at: datetime
    topic: str = ""
    language: Language = Language.NL
    variant: Variant = Variant.TEAM
    anonymous: bool = False
    phase: Phase = Phase.TOPIC
    chosen_nid: str | None = None
    agreements: str = ""


def _to_record(row: RowMapping) -> BoardRecord:
    return BoardRecord(
        room_id=row["room_id"],
        join_code=row["join_code"],
        facilitator_token_hash=row["facilitator_token_hash"],
        epoch=row["epoch"],
        created_at=row["created_at"],
        last_activity_at=row["last_activity_at"],
        topic=row["topic"],
        language=Language(row["language"]),
        variant=Variant(row["variant"]),
        anonymous=row["anonymous"],
        phase=Phase(row["phase"]),
        chosen_nid=row["chosen_nid"],
        agreements=row["agreements"],
    )


async def insert_board(session: AsyncSession, record: BoardRecord) -> None:
    """Add a board in the caller's transaction; JoinCodeTaken if its code is in use."""
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    for name in ("language", "variant", "phase"):
        values[name] = values[name].value
    try:
        async with session.begin_nested():
            await session.execute(BOARDS.insert().values(**values))
    except IntegrityError as error:
        if await get_board_by_code(session, record.join_code) is not None:
            raise JoinCodeTaken(record.join_code) from error
        raise


async def get_board(session: AsyncSession, room_id: str) -> BoardRecord | None:
    return await _one(session, BOARDS.c.room_id == room_id)


async def get_board_by_code(session: AsyncSession, join_code: str) -> BoardRecord | None:
    return await _one(session, BOARDS.c.join_code == join_code)


async def _one(session: AsyncSession, condition: ColumnElement[bool]) -> BoardRecord | None:
    result = await session.execute(select(BOARDS).where(condition))
    row = result.mappings().one_or_none()
    return None if row is None else _to_record(row)


async def touch(session: AsyncSession, room_id: str, at: datetime | None = None) -> None:
    """Record activity on a board (appending events does this by itself)."""
    await session.execute(
        update(BOARDS)
        .where(BOARDS.c.room_id == room_id)
        .values(last_activity_at=at if at is not None else utc_now())
    )


async def delete_board(session: AsyncSession, room_id: str) -> bool:
    """Delete a board with everything in it; False if there was no such board.

    The facilitator's checklist answers are kept per token hash: they go too when this was
    the last board with its facilitator token hash.
    """
    token_hash = await session.scalar(
        select(BOARDS.c.facilitator_token_hash).where(BOARDS.c.room_id == room_id)
    )
    result = await session.execute(delete(BOARDS).where(BOARDS.c.room_id == room_id))
    if token_hash is not None:
        await checklists.delete_orphaned(session, token_hash)
    return cast("CursorResult[Any]", result).rowcount > 0


async def list_expired(session: AsyncSession, before: datetime) -> list[str]:
    """The rooms without activity since `before`, oldest first."""
    result = await session.scalars(
        select(BOARDS.c.room_id)
        .where(BOARDS.c.last_activity_at < before)
        .order_by(BOARDS.c.last_activity_at, BOARDS.c.room_id)
    )
    return list(result)


async def read_room(source: Reader, room_id: str) -> RoomState:
    """The room's state: the fold of its whole log."""
    return fold(event for _, event in await load(source, room_id))
