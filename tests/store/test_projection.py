"""The projection tables agree with the fold of the log after every single event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.room import events as ev
from app.room.events import EVENT_TYPES, Event
from app.room.state import (
    Circle,
    DuoStep,
    Language,
    Part,
    Phase,
    PlanMode,
    PlanStatus,
    RoomState,
    Usefulness,
    Variant,
)
from app.store import AppendRequest, BoardRecord, append, read_room
from app.store.models import BOARDS, NEXT_STEPS, NOTES, PARTICIPANTS, REFLECTIONS, VOTES
from app.store.projection import HANDLED

AddBoard = Callable[[str], Awaitable[BoardRecord]]
Sessions = async_sessionmaker[AsyncSession]
Snapshot = dict[str, Any]

ROOM = "room-a"
OTHER = "room-b"

ROUND_ONE: list[Event] = [
    ev.BoardCreated(ROOM, "Samenwerking", Variant.TEAM, Language.NL, anonymous=True),
    ev.ParticipantJoined("p1", "Anna", "hash-1"),
    ev.ParticipantJoined("p2", "Bram", "hash-2"),
    ev.ParticipantRenamed("p2", "Bram B."),
    ev.PairChanged("p1", "duo-1"),
    ev.PairChanged("p2", "duo-1"),
    ev.TopicChanged("Samenwerking in het team"),
    ev.PhaseChanged(from_=Phase.TOPIC, to=Phase.INNER_WRITING),
    ev.NoteAdded("n1", "p1", Circle.INNER, "we help"),
    ev.NoteAdded("n2", "p2", Circle.INNER, "clear goals"),
    ev.NoteEdited("n1", "we help each other"),
    ev.NoteAdded("n3", "p2", Circle.INNER, "a mistake"),
    ev.NoteDeleted("n3"),
    ev.NotesRevealed(Circle.INNER, ("n1", "n2")),
    ev.NoteHidden("n2", hidden=True),
    ev.NoteHidden("n2", hidden=False),
    ev.PhaseChanged(from_=Phase.INNER_READING, to=Phase.OUTER_WRITING),
    ev.NoteAdded("o1", "p1", Circle.OUTER, "shorter meetings"),
    ev.NoteAdded("o2", "p2", Circle.OUTER, "more feedback"),
    ev.NoteAdded("o3", "p1", Circle.OUTER, "feedback more often"),
    ev.NoteAdded("o4", "p1", Circle.OUTER, "we already do this"),
    ev.NoteMoved("o4", Circle.INNER),
    ev.NoteMerged("o3", "o2"),
    ev.NotesRevealed(Circle.OUTER, ("o1", "o2", "o3")),
    ev.NotesRevealed(Circle.OUTER, ()),
    ev.ReadingMoved("o1"),
    ev.VotingOpened(dots=3),
    ev.VoteCast("p1", "o1"),
    ev.VoteCast("p2", "o1"),
    ev.VoteCast("p2", "o2"),
    ev.VoteCast("p1", "o2"),
    ev.VoteRetracted("p2", "o2"),
    ev.ItemChosen("o2"),
    ev.NoteDeleted("o2"),  # its dots go, and it is no longer the chosen item
    ev.VotingClosed(),
    ev.VotingOpened(dots=2),  # a second round starts from nothing
    ev.VoteCast("p1", "o1"),
    ev.VotingClosed(),
    ev.ItemChosen("o1"),
    ev.PlanModeChanged(PlanMode.GROUPS),
    ev.PlanAdded("s1", "o1", "agenda up front", "Anna", "Friday", author="p1"),
    ev.PlanAdded("s2", "o1", "timebox", "Bram", "next week", author=None),
    ev.PlanEdited("s1", "agenda a day ahead", "Anna", "Thursday"),
    ev.PlanRemoved("s2"),
    ev.TimerStarted(duration_ms=60_000, deadline_ms=1_000_000, lock_writing=True),
    ev.TimerPaused(remaining_ms=30_000),
    ev.TimerResumed(deadline_ms=1_100_000),
    ev.TimerExtended(duration_ms=120_000, deadline_ms=1_160_000, remaining_ms=90_000),
    ev.TimerCleared(),
    ev.ScaleOpened(),
    ev.ScaleAnswered("p1", 7),
    ev.ScaleClosed(),
    ev.ReflectionSubmitted("p1", Usefulness.YES, "the circles", "more time"),
    ev.ReflectionSubmitted("p1", Usefulness.PARTLY, "the circles", "less time"),
    ev.ReflectionSubmitted("p2", Usefulness.NO, "", "a break"),
    ev.AgreementsChanged("Review in two weeks"),
    ev.ParticipantJoined("p1", "Anna", "hash-1b"),  # joining again leaves the duo
    ev.PhaseChanged(from_=Phase.STEP_FORWARD, to=Phase.CLOSING),
    ev.NoteMerged("o3", None),
    ev.NoteMerged("o3", "o2"),
    ev.TimerStarted(duration_ms=60_000, deadline_ms=2_000_000, lock_writing=False),
    ev.TimerLockChanged(lock_writing=True),
    ev.PlanStatusChanged("s1", PlanStatus.DONE, at_ms=3_000_000),
    ev.VotingOpened(dots=1),
    ev.VoteCast("p1", "o1"),
    ev.ItemChosen("o1"),
    ev.FollowUpOpened(meeting=2, at_ms=1_800_000_000_000),  # starts afresh: no votes, no choice
    ev.NoteMovedInward("o1", meeting=2, at_ms=1_800_000_100_000),
    ev.NoteMoved("o1", Circle.OUTER),  # a correction forgets the move inward
    ev.NoteMovedInward("o1", meeting=2, at_ms=1_800_000_200_000),
    ev.PlanStatusChanged("s1", PlanStatus.OPEN, at_ms=1_800_000_300_000),
]

MEETING: list[Event] = [
    *ROUND_ONE,
    ev.PartEntered(from_=None, to=Part.WARM_UP, duration_ms=600_000, deadline_ms=2_600_000),
    ev.PartMinutesChanged(Part.WARM_UP, 12, deadline_ms=2_720_000),
    ev.RoundTwoChanged(included=True),
    ev.VotingOpened(dots=2),
    ev.VoteCast("p1", "o1"),
    ev.RoundStarted(2),  # the topic, the phase, the chosen item and the dots start afresh
    ev.NoteAdded("r2", "p2", Circle.INNER, "round two"),
    ev.SheetNoteAdded("d1", "p1", "p2", Circle.INNER, "I prepare well"),
    ev.SheetNoteAdded("d2", "p1", "p2", Circle.OUTER, "speak calmly"),
    ev.NoteEdited("d2", "speak calmly and slowly"),
    ev.ActivityChanged("p2", "Presenting"),
    ev.SheetStepChanged("p2", DuoStep.ACTIVITY, DuoStep.STEP_FORWARD),
    ev.SheetItemChosen("p2", "d2"),
    ev.SmallStepChanged("p2", "practise with a colleague"),
    ev.TurnChanged("duo-1", "p1"),
    ev.SheetShared("p2", shared=True),
    ev.NoteDeleted("d1"),
]

NEIGHBOUR: list[Event] = [
    ev.BoardCreated(OTHER, "Elsewhere", Variant.TEAM, Language.EN, anonymous=False),
    ev.ParticipantJoined("p1", "Zoe", "hash-z"),
    ev.NoteAdded("o1", "p1", Circle.OUTER, "same ids, other room"),
    ev.NotesRevealed(Circle.OUTER, ("o1",)),
    ev.VoteCast("p1", "o1"),
    ev.ItemChosen("o1"),
    ev.PlanAdded("s1", "o1", "x", "y", "z", author="p1"),
    ev.ReflectionSubmitted("p1", Usefulness.YES, "a", "b"),
]


def test_every_event_type_has_a_projection() -> None:
    assert set(EVENT_TYPES) == HANDLED


def test_the_meeting_uses_every_event_type() -> None:
    assert {type(e) for e in MEETING} == set(EVENT_TYPES)


def expected(state: RoomState) -> Snapshot:
    """What the projection tables should hold for a folded state."""
    return {
        "board": (
            state.topic,
            state.language.value,
            state.variant.value,
            state.anonymous,
            state.phase.value,
            state.chosen,
            state.agreements,
            state.meeting,
        ),
        "participants": {
            (p.pid, p.name, p.token_hash, p.pair) for p in state.participants.values()
        },
        "notes": {
            (
                n.nid,
                n.author,
                n.circle.value,
                n.text,
                n.order,
                n.revealed,
                n.hidden,
                n.merged_into,
                n.deleted,
                n.inward_meeting,
            )
            for n in state.notes.values()
        },
        "votes": {(pid, nid) for pid, nids in state.votes.items() for nid in nids},
        "next_steps": {
            (p.plan_id, p.nid, p.what, p.who, p.when, p.author, p.order, p.status.value)
            for p in state.plans.values()
        },
        "reflections": {
            (pid, r.useful.value, r.what, r.improve) for pid, r in state.reflections.items()
        },
    }


async def projected(session: AsyncSession, room_id: str) -> Snapshot:
    async def rows(table: Table, *columns: str) -> set[tuple[Any, ...]]:
        statement = select(*(table.c[name] for name in columns)).where(table.c.room_id == room_id)
        return {tuple(row) for row in await session.execute(statement)}

    (board,) = await rows(
        BOARDS,
        "topic",
        "language",
        "variant",
        "anonymous",
        "phase",
        "chosen_nid",
        "agreements",
        "meeting",
    )
    return {
        "board": board,
        "participants": await rows(PARTICIPANTS, "pid", "display_name", "token_hash", "pair"),
        "notes": await rows(
            NOTES,
            "nid",
            "author",
            "circle",
            "text",
            "position",
            "revealed",
            "hidden",
            "merged_into",
            "deleted",
            "inward_meeting",
        ),
        "votes": await rows(VOTES, "pid", "nid"),
        "next_steps": await rows(
            NEXT_STEPS,
            "plan_id",
            "nid",
            "what",
            "who",
            "when_text",
            "author",
            "position",
            "status",
        ),
        "reflections": await rows(REFLECTIONS, "pid", "useful", "what", "improve"),
    }


async def test_projection_follows_the_fold_event_by_event(
    add_board: AddBoard, sessionmaker: Sessions
) -> None:
    await add_board(ROOM)
    await add_board(OTHER)
    async with sessionmaker.begin() as session:
        await append(session, AppendRequest(OTHER, 0, NEIGHBOUR))
    async with sessionmaker() as session:
        neighbour = await projected(session, OTHER)
        assert neighbour == expected(await read_room(session, OTHER))

    for seq, event in enumerate(MEETING, start=1):
        async with sessionmaker.begin() as session:
            await append(session, AppendRequest(ROOM, seq - 1, [event], cid=f"c{seq}"))
        async with sessionmaker() as session:
            state = await read_room(session, ROOM)
            assert state.seq == seq
            assert await projected(session, ROOM) == expected(state), f"after {event!r}"
            assert await projected(session, OTHER) == neighbour, f"{event!r} leaked"


async def test_projection_in_plain_words(add_board: AddBoard, sessionmaker: Sessions) -> None:
    await add_board(ROOM)
    async with sessionmaker.begin() as session:
        await append(session, AppendRequest(ROOM, 0, ROUND_ONE))
    async with sessionmaker() as session:
        snapshot = await projected(session, ROOM)

    topic, language, _, anonymous, phase, chosen, agreements, meeting = snapshot["board"]
    assert (topic, language, anonymous) == ("Samenwerking in het team", "nl", True)
    assert (phase, chosen, agreements) == ("topic", None, "Review in two weeks")
    assert meeting == 2  # a follow-up meeting, back at the topic (its review)
    assert snapshot["participants"] == {
        ("p1", "Anna", "hash-1b", None),
        ("p2", "Bram B.", "hash-2", "duo-1"),
    }
    notes = {row[0]: row for row in snapshot["notes"]}
    assert notes["n1"][3] == "we help each other"
    assert notes["n1"][5] is True  # revealed
    assert notes["n3"][3:] == ("", 12, False, False, None, True, None)  # a tombstone
    assert notes["o3"][7] == "o2"
    assert notes["o4"][2] == "inner"
    assert notes["o4"][9] is None  # a correction, not progress
    assert notes["o1"][2] == "inner"
    assert notes["o1"][9] == 2  # moved inward at the second meeting
    assert snapshot["votes"] == set()
    assert snapshot["next_steps"] == {
        ("s1", "o1", "agenda a day ahead", "Anna", "Thursday", "p1", 41, "open")
    }
    assert snapshot["reflections"] == {
        ("p1", "partly", "the circles", "less time"),
        ("p2", "no", "", "a break"),
    }


async def test_round_two_starts_the_board_afresh_and_keeps_round_one(
    add_board: AddBoard, sessionmaker: Sessions
) -> None:
    await add_board(ROOM)
    async with sessionmaker.begin() as session:
        await append(session, AppendRequest(ROOM, 0, MEETING))
    async with sessionmaker() as session:
        snapshot = await projected(session, ROOM)

    topic, _, _, _, phase, chosen, *_ = snapshot["board"]
    assert (topic, phase, chosen) == ("", "topic", None)
    assert snapshot["votes"] == set()
    assert {"n1", "o1", "r2"} <= {row[0] for row in snapshot["notes"]}
    assert {row[0] for row in snapshot["next_steps"]} == {"s1"}
