"""Boards: insert and find, activity and expiry, deletion of everything in a room."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.room import events as ev
from app.room.apply import fold
from app.room.events import Event
from app.room.state import Circle, Language, Phase, Usefulness, Variant
from app.store import (
    AppendRequest,
    BoardRecord,
    JoinCodeTaken,
    append,
    delete_board,
    get_board,
    get_board_by_code,
    insert_board,
    list_expired,
    load,
    read_room,
    touch,
)
from app.store.models import (
    BOARDS,
    NEXT_STEPS,
    NOTES,
    PARTICIPANTS,
    REFLECTIONS,
    ROOM_EVENTS,
    VOTES,
)
from tests.store import NOW, board_record

AddBoard = Callable[[str], Awaitable[BoardRecord]]
Sessions = async_sessionmaker[AsyncSession]

ROOM_TABLES = (BOARDS, PARTICIPANTS, NOTES, VOTES, NEXT_STEPS, REFLECTIONS, ROOM_EVENTS)


def full_room(room_id: str) -> list[Event]:
    return [
        ev.BoardCreated(room_id, "Topic", Variant.TEAM, Language.EN, anonymous=False),
        ev.ParticipantJoined("p1", "Anna", "hash"),
        ev.NoteAdded("o1", "p1", Circle.OUTER, "more feedback"),
        ev.NotesRevealed(Circle.OUTER, ("o1",)),
        ev.VotingOpened(dots=3),
        ev.VoteCast("p1", "o1"),
        ev.PlanAdded("s1", "o1", "ask", "Anna", "Friday", author="p1"),
        ev.ReflectionSubmitted("p1", Usefulness.YES, "all", "nothing"),
    ]


async def test_a_board_reads_back_as_it_was_written(sessionmaker: Sessions) -> None:
    record = replace(
        board_record("r1"),
        topic="Topic",
        language=Language.EN,
        phase=Phase.CLOSING,
        anonymous=True,
        chosen_nid="o1",
        agreements="agreed",
    )
    async with sessionmaker.begin() as session:
        await insert_board(session, record)
    async with sessionmaker() as session:
        assert await get_board(session, "r1") == record
        assert await get_board_by_code(session, record.join_code) == record
        assert await get_board(session, "missing") is None
        assert await get_board_by_code(session, "missing") is None
    stored = await _get(sessionmaker, "r1")
    assert stored.created_at.tzinfo is UTC


async def test_a_join_code_is_used_once(add_board: AddBoard, sessionmaker: Sessions) -> None:
    first = await add_board("r1")
    async with sessionmaker.begin() as session:
        with pytest.raises(JoinCodeTaken):
            await insert_board(session, replace(board_record("r2"), join_code=first.join_code))
        # The transaction goes on: the caller can pick another code.
        await insert_board(session, replace(board_record("r2"), join_code="another"))
    assert (await _get(sessionmaker, "r2")).join_code == "another"


async def test_times_are_stored_as_utc_instants(sessionmaker: Sessions) -> None:
    amsterdam = timezone(timedelta(hours=1))
    moment = datetime(2025, 3, 1, 10, 0, tzinfo=amsterdam)
    async with sessionmaker.begin() as session:
        await insert_board(session, replace(board_record("r1"), last_activity_at=moment))
    stored = await _get(sessionmaker, "r1")
    assert stored.last_activity_at == moment
    assert stored.last_activity_at.tzinfo is UTC
    assert stored.last_activity_at.hour == 9


async def test_naive_times_are_refused(sessionmaker: Sessions) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with sessionmaker.begin() as session:
            await insert_board(
                session, replace(board_record("r1"), created_at=datetime(2025, 1, 1))
            )


async def test_touch_and_list_expired(sessionmaker: Sessions) -> None:
    async with sessionmaker.begin() as session:
        for room_id, age in (("old", 30), ("older", 40), ("fresh", 1)):
            record = replace(board_record(room_id), last_activity_at=NOW - timedelta(days=age))
            await insert_board(session, record)
    cutoff = NOW - timedelta(days=7)
    async with sessionmaker.begin() as session:
        assert await list_expired(session, cutoff) == ["older", "old"]
        await touch(session, "old", NOW)
        assert await list_expired(session, cutoff) == ["older"]
        await touch(session, "older")
        assert await list_expired(session, cutoff) == []
    assert (await _get(sessionmaker, "older")).last_activity_at > NOW


async def test_a_follow_up_meeting_renews_the_retention_period(sessionmaker: Sessions) -> None:
    weeks_ago = datetime.now(UTC) - timedelta(days=60)
    async with sessionmaker.begin() as session:
        await insert_board(session, replace(board_record("r1"), last_activity_at=weeks_ago))
    follow_up = ev.FollowUpOpened(meeting=2, at_ms=int(datetime.now(UTC).timestamp() * 1000))
    async with sessionmaker.begin() as session:
        await append(session, AppendRequest("r1", 0, [follow_up]))
        assert await list_expired(session, datetime.now(UTC) - timedelta(days=30)) == []
    assert (await _get(sessionmaker, "r1")).last_activity_at > weeks_ago + timedelta(days=59)


async def test_deleting_a_board_deletes_everything_in_its_room(
    add_board: AddBoard, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    for room_id in ("doomed", "kept"):
        await add_board(room_id)
        async with sessionmaker.begin() as session:
            await append(session, AppendRequest(room_id, 0, full_room(room_id), cid="c1"))
    assert await _counts(sessionmaker, "doomed") == [1, 1, 1, 1, 1, 1, 8]

    async with sessionmaker.begin() as session:
        assert await delete_board(session, "doomed") is True
        assert await delete_board(session, "doomed") is False

    assert await _counts(sessionmaker, "doomed") == [0] * len(ROOM_TABLES)
    assert await _counts(sessionmaker, "kept") == [1, 1, 1, 1, 1, 1, 8]
    assert await load(engine, "doomed") == []


async def test_read_room_is_the_fold_of_the_log(
    add_board: AddBoard, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    await add_board("r1")
    events = full_room("r1")
    async with sessionmaker.begin() as session:
        await append(session, AppendRequest("r1", 0, events[:3], cid="a"))
        await append(session, AppendRequest("r1", 3, events[3:], cid="b"))
    state = await read_room(engine, "r1")
    assert state == fold(events)
    assert state.seq == len(events)
    assert state.created and state.room_id == "r1"
    async with sessionmaker() as session:
        assert await read_room(session, "r1") == state
    assert await read_room(engine, "missing") == fold([])


async def _get(sessionmaker: Sessions, room_id: str) -> BoardRecord:
    async with sessionmaker() as session:
        record = await get_board(session, room_id)
    assert record is not None
    return record


async def _counts(sessionmaker: Sessions, room_id: str) -> list[int]:
    async with sessionmaker() as session:
        return [
            await session.scalar(
                select(func.count()).select_from(table).where(table.c.room_id == room_id)
            )
            or 0
            for table in ROOM_TABLES
        ]
