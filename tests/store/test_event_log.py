"""The event log: append and load in order, sequence conflicts and duplicate operations."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.room import events as ev
from app.room.events import Event
from app.room.state import Circle, Language, Variant
from app.store import (
    AppendRequest,
    BoardRecord,
    DuplicateOperation,
    SeqConflict,
    append,
    find_operation,
    get_board,
    last_seq,
    load,
)

AddBoard = Callable[[str], Awaitable[BoardRecord]]
Sessions = async_sessionmaker[AsyncSession]

ROOM = "room-1"


def created(room_id: str = ROOM) -> ev.BoardCreated:
    return ev.BoardCreated(
        room_id=room_id,
        topic="Onboarding",
        variant=Variant.TEAM,
        language=Language.NL,
        anonymous=False,
    )


def note(nid: str, text: str = "we help each other", author: str = "p1") -> ev.NoteAdded:
    return ev.NoteAdded(nid=nid, author=author, circle=Circle.INNER, text=text)


async def write(sessionmaker: Sessions, request: AppendRequest) -> int:
    async with sessionmaker.begin() as session:
        return await append(session, request)


@pytest.fixture
async def room(add_board: AddBoard) -> str:
    await add_board(ROOM)
    return ROOM


async def test_appended_events_load_in_order(
    room: str, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    first: list[Event] = [created(), ev.ParticipantJoined("p1", "Anna", "t1")]
    assert (
        await write(sessionmaker, AppendRequest(room, 0, first, cid="c1", actor="facilitator")) == 2
    )
    assert (
        await write(sessionmaker, AppendRequest(room, 2, [note("n1")], cid="c2", actor="p1")) == 3
    )

    expected = [(1, first[0]), (2, first[1]), (3, note("n1"))]
    assert await load(engine, room) == expected
    assert await load(engine, room, since_seq=2) == expected[2:]
    assert await load(engine, room, since_seq=3) == []
    async with sessionmaker() as session:
        assert await load(session, room) == expected
    async with engine.connect() as connection:
        assert await load(connection, room, since_seq=1) == expected[1:]
    assert await last_seq(engine, room) == 3
    assert await load(engine, "another-room") == []
    assert await last_seq(engine, "another-room") == 0


async def test_the_cid_marks_the_last_event_of_its_operation(
    room: str, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    await write(sessionmaker, AppendRequest(room, 0, [created()]))
    events: list[Event] = [note("n1"), note("n2"), note("n3")]
    assert await write(sessionmaker, AppendRequest(room, 1, events, cid="op", actor="p1")) == 4
    assert await find_operation(engine, room, "op") == (4, "p1")
    assert await find_operation(engine, room, "unknown") is None


async def test_an_empty_operation_stores_nothing(
    room: str, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    assert await write(sessionmaker, AppendRequest(room, 0, [], cid="nothing")) == 0
    assert await last_seq(engine, room) == 0
    assert await find_operation(engine, room, "nothing") is None


async def test_a_taken_seq_is_a_conflict(
    room: str, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    await write(sessionmaker, AppendRequest(room, 0, [created(), note("n1")]))
    with pytest.raises(SeqConflict) as caught:
        await write(sessionmaker, AppendRequest(room, 1, [note("n2")], cid="late"))
    assert (caught.value.expected_seq, caught.value.last_seq) == (1, 2)
    assert [seq for seq, _ in await load(engine, room)] == [1, 2]
    assert await find_operation(engine, room, "late") is None


async def test_a_seq_past_the_end_is_a_conflict_not_a_hole(
    room: str, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    await write(sessionmaker, AppendRequest(room, 0, [created()]))
    with pytest.raises(SeqConflict):
        await write(sessionmaker, AppendRequest(room, 5, [note("n1")]))
    assert await last_seq(engine, room) == 1


async def test_a_repeated_cid_is_a_duplicate_with_the_original_seq_and_actor(
    room: str, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    await write(sessionmaker, AppendRequest(room, 0, [created()], cid="c0", actor="facilitator"))
    events: list[Event] = [note("n1"), note("n2")]
    assert await write(sessionmaker, AppendRequest(room, 1, events, cid="c1", actor="p1")) == 3

    # The retry comes with the current seq, or with the seq it was first sent with.
    for expected_seq in (3, 1):
        with pytest.raises(DuplicateOperation) as caught:
            await write(
                sessionmaker, AppendRequest(room, expected_seq, [note("n9")], cid="c1", actor="p2")
            )
        assert (caught.value.seq, caught.value.actor) == (3, "p1")
    assert await last_seq(engine, room) == 3


async def test_cids_are_per_room(add_board: AddBoard, sessionmaker: Sessions) -> None:
    for room_id in ("a", "b"):
        await add_board(room_id)
        assert (
            await write(sessionmaker, AppendRequest(room_id, 0, [created(room_id)], cid="same"))
            == 1
        )


async def test_the_transaction_stays_usable_after_a_conflict(
    room: str, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    async with sessionmaker.begin() as session:
        await append(session, AppendRequest(room, 0, [created()], cid="c1", actor="a"))
        with pytest.raises(SeqConflict):
            await append(session, AppendRequest(room, 0, [note("n1")]))
        with pytest.raises(DuplicateOperation):
            await append(session, AppendRequest(room, 1, [note("n1")], cid="c1", actor="a"))
        assert await append(session, AppendRequest(room, 1, [note("n1")], cid="c2")) == 2
    assert [seq for seq, _ in await load(engine, room)] == [1, 2]


async def test_of_two_racing_writers_one_wins_and_the_other_conflicts(
    room: str, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    await write(sessionmaker, AppendRequest(room, 0, [created()]))
    first = sessionmaker()
    try:
        await first.begin()
        await append(first, AppendRequest(room, 1, [note("first")]))
        # The second writer read the same state; it must wait for the first, then lose.
        second = asyncio.create_task(write(sessionmaker, AppendRequest(room, 1, [note("second")])))
        await asyncio.sleep(0.2)
        assert not second.done()
        await first.commit()
    finally:
        await first.close()
    with pytest.raises(SeqConflict):
        await second
    assert await load(engine, room) == [(1, created()), (2, note("first"))]


async def test_appending_updates_the_boards_activity_time(
    room: str, sessionmaker: Sessions
) -> None:
    async with sessionmaker() as session:
        board = await get_board(session, room)
    assert board is not None
    await write(sessionmaker, AppendRequest(room, 0, [created()]))
    async with sessionmaker() as session:
        after = await get_board(session, room)
    assert after is not None
    assert after.last_activity_at > board.last_activity_at


async def test_a_room_without_a_board_cannot_log(
    sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    with pytest.raises(IntegrityError):
        await write(sessionmaker, AppendRequest("nowhere", 0, [created("nowhere")]))
    assert await last_seq(engine, "nowhere") == 0
