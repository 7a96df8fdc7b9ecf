"""Deleting a note erases its text from the event log, not only from the notes table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.room import events as ev
from app.room.apply import fold
from app.room.state import Circle, Language, Variant
from app.store import AppendRequest, append, load, read_room
from app.store.models import ROOM_EVENTS
from tests.store.conftest import AddBoard

SECRET = 'geheim "_%\\ niet meer'
KEPT = "dit blijft staan"


async def test_a_deleted_note_leaves_no_text_behind(
    add_board: AddBoard, sessionmaker: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    await add_board("r1")
    log: list[ev.Event] = [
        ev.BoardCreated("r1", "Onderwerp", Variant.TEAM, Language.NL, False),
        ev.ParticipantJoined("p1", "Ann", "h"),
        ev.NoteAdded('n_%"1', "p1", Circle.INNER, SECRET),
        ev.NoteAdded("n2", "p1", Circle.INNER, KEPT),
        ev.NoteEdited('n_%"1', SECRET + " bewerkt"),
        ev.NoteDeleted('n_%"1'),
    ]
    async with sessionmaker.begin() as session:
        await append(session, AppendRequest("r1", 0, log))
    async with engine.connect() as connection:
        payloads = (await connection.execute(select(ROOM_EVENTS.c.payload))).scalars().all()
    assert not [p for p in payloads if "geheim" in p], "the deleted text is still in the log"
    assert any(KEPT in p for p in payloads), "another note's text was erased too"
    stored = [event for _, event in await load(engine, "r1")]
    assert fold(stored) == fold(log), "folding the erased log must give the same state"
    state = await read_room(engine, "r1")
    assert state.notes["n2"].text == KEPT and state.notes['n_%"1'].deleted
