"""The projection tables, kept in step with the log: one function per event type.

`project()` runs in the transaction that appends the event, so the tables never disagree with
the log. Each function does in SQL what `app.room.apply` does in memory, and nothing more:
no rule is checked here (decide() already did). The tables serve queries that should not need
a fold (exports, reports, housekeeping); the live state is always the fold of the log.

Some events change only meeting-flow state that lives in the log alone (timer, "now reading"
marker, scale question, voting status, plan mode); they are listed in NOT_PROJECTED.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sqlalchemy import delete, exists, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.room import events as ev
from app.room.events import Event
from app.store.models import BOARDS, NEXT_STEPS, NOTES, PARTICIPANTS, REFLECTIONS, VOTES


@dataclass(frozen=True, slots=True)
class At:
    """Where an event lands: the transaction, its room and its sequence number."""

    session: AsyncSession
    room_id: str
    seq: int


E = TypeVar("E")
Projector = Callable[[At, Any], Awaitable[None]]

_PROJECTORS: dict[type[Event], Projector] = {}


async def project(session: AsyncSession, room_id: str, seq: int, event: Event) -> None:
    """Bring the projection tables up to date with `event`, stored at `seq`."""
    await _PROJECTORS[type(event)](At(session, room_id, seq), event)


def projects(
    event_type: type[E],
) -> Callable[[Callable[[At, E], Awaitable[None]]], Callable[[At, E], Awaitable[None]]]:
    def register(
        function: Callable[[At, E], Awaitable[None]],
    ) -> Callable[[At, E], Awaitable[None]]:
        _PROJECTORS[event_type] = function  # type: ignore[index]
        return function

    return register


async def _board(at: At, **values: object) -> None:
    await at.session.execute(update(BOARDS).where(BOARDS.c.room_id == at.room_id).values(**values))


async def _note(at: At, nid: str, **values: object) -> None:
    await at.session.execute(
        update(NOTES).where(NOTES.c.room_id == at.room_id, NOTES.c.nid == nid).values(**values)
    )


async def _participant(at: At, pid: str, **values: object) -> None:
    await at.session.execute(
        update(PARTICIPANTS)
        .where(PARTICIPANTS.c.room_id == at.room_id, PARTICIPANTS.c.pid == pid)
        .values(**values)
    )


# Board settings and flow


@projects(ev.BoardCreated)
async def _board_created(at: At, e: ev.BoardCreated) -> None:
    await _board(
        at,
        topic=e.topic,
        variant=e.variant.value,
        language=e.language.value,
        anonymous=e.anonymous,
    )


@projects(ev.TopicChanged)
async def _topic_changed(at: At, e: ev.TopicChanged) -> None:
    await _board(at, topic=e.topic)


@projects(ev.PhaseChanged)
async def _phase_changed(at: At, e: ev.PhaseChanged) -> None:
    await _board(at, phase=e.to.value)


@projects(ev.ItemChosen)
async def _item_chosen(at: At, e: ev.ItemChosen) -> None:
    await _board(at, chosen_nid=e.nid)


@projects(ev.AgreementsChanged)
async def _agreements_changed(at: At, e: ev.AgreementsChanged) -> None:
    await _board(at, agreements=e.text)


# People


@projects(ev.ParticipantJoined)
async def _participant_joined(at: At, e: ev.ParticipantJoined) -> None:
    # Joining again under the same pid starts afresh, as in apply(): the pair is cleared.
    await at.session.execute(
        delete(PARTICIPANTS).where(
            PARTICIPANTS.c.room_id == at.room_id, PARTICIPANTS.c.pid == e.pid
        )
    )
    await at.session.execute(
        PARTICIPANTS.insert().values(
            room_id=at.room_id,
            pid=e.pid,
            display_name=e.display_name,
            token_hash=e.token_hash,
            pair=None,
        )
    )


@projects(ev.ParticipantRenamed)
async def _participant_renamed(at: At, e: ev.ParticipantRenamed) -> None:
    await _participant(at, e.pid, display_name=e.display_name)


@projects(ev.PairChanged)
async def _pair_changed(at: At, e: ev.PairChanged) -> None:
    await _participant(at, e.pid, pair=e.code)


# Notes


@projects(ev.NoteAdded)
async def _note_added(at: At, e: ev.NoteAdded) -> None:
    await at.session.execute(
        NOTES.insert().values(
            room_id=at.room_id,
            nid=e.nid,
            author=e.author,
            circle=e.circle.value,
            text=e.text,
            position=at.seq,
            revealed=False,
            hidden=False,
            merged_into=None,
            deleted=False,
        )
    )


@projects(ev.NoteEdited)
async def _note_edited(at: At, e: ev.NoteEdited) -> None:
    await _note(at, e.nid, text=e.text)


@projects(ev.NotesRevealed)
async def _notes_revealed(at: At, e: ev.NotesRevealed) -> None:
    if e.nids:
        await at.session.execute(
            update(NOTES)
            .where(NOTES.c.room_id == at.room_id, NOTES.c.nid.in_(e.nids))
            .values(revealed=True)
        )


@projects(ev.NoteDeleted)
async def _note_deleted(at: At, e: ev.NoteDeleted) -> None:
    # A tombstone without its text; its dots go, and it can no longer be the chosen item.
    await _note(at, e.nid, deleted=True, text="")
    await at.session.execute(
        delete(VOTES).where(VOTES.c.room_id == at.room_id, VOTES.c.nid == e.nid)
    )
    await at.session.execute(
        update(BOARDS)
        .where(BOARDS.c.room_id == at.room_id, BOARDS.c.chosen_nid == e.nid)
        .values(chosen_nid=None)
    )


@projects(ev.NoteHidden)
async def _note_hidden(at: At, e: ev.NoteHidden) -> None:
    await _note(at, e.nid, hidden=e.hidden)


@projects(ev.NoteMerged)
async def _note_merged(at: At, e: ev.NoteMerged) -> None:
    await _note(at, e.nid, merged_into=e.into)


@projects(ev.NoteMoved)
async def _note_moved(at: At, e: ev.NoteMoved) -> None:
    await _note(at, e.nid, circle=e.circle.value)


# Votes: set membership


@projects(ev.VotingOpened)
async def _voting_opened(at: At, e: ev.VotingOpened) -> None:
    await at.session.execute(delete(VOTES).where(VOTES.c.room_id == at.room_id))


@projects(ev.VoteCast)
async def _vote_cast(at: At, e: ev.VoteCast) -> None:
    # Insert unless present: a dot is a member of a set, so casting it twice changes nothing.
    present = exists().where(
        VOTES.c.room_id == at.room_id, VOTES.c.pid == e.pid, VOTES.c.nid == e.nid
    )
    row = select(
        literal(at.room_id, VOTES.c.room_id.type),
        literal(e.pid, VOTES.c.pid.type),
        literal(e.nid, VOTES.c.nid.type),
    ).where(~present)
    await at.session.execute(VOTES.insert().from_select(["room_id", "pid", "nid"], row))


@projects(ev.VoteRetracted)
async def _vote_retracted(at: At, e: ev.VoteRetracted) -> None:
    await at.session.execute(
        delete(VOTES).where(
            VOTES.c.room_id == at.room_id, VOTES.c.pid == e.pid, VOTES.c.nid == e.nid
        )
    )


# Next steps


@projects(ev.PlanAdded)
async def _plan_added(at: At, e: ev.PlanAdded) -> None:
    await at.session.execute(
        NEXT_STEPS.insert().values(
            room_id=at.room_id,
            plan_id=e.plan_id,
            nid=e.nid,
            what=e.what,
            who=e.who,
            when_text=e.when,
            author=e.author,
            position=at.seq,
        )
    )


@projects(ev.PlanEdited)
async def _plan_edited(at: At, e: ev.PlanEdited) -> None:
    await at.session.execute(
        update(NEXT_STEPS)
        .where(NEXT_STEPS.c.room_id == at.room_id, NEXT_STEPS.c.plan_id == e.plan_id)
        .values(what=e.what, who=e.who, when_text=e.when)
    )


@projects(ev.PlanRemoved)
async def _plan_removed(at: At, e: ev.PlanRemoved) -> None:
    await at.session.execute(
        delete(NEXT_STEPS).where(
            NEXT_STEPS.c.room_id == at.room_id, NEXT_STEPS.c.plan_id == e.plan_id
        )
    )


# Closing


@projects(ev.ReflectionSubmitted)
async def _reflection_submitted(at: At, e: ev.ReflectionSubmitted) -> None:
    # A new answer replaces the previous one.
    await at.session.execute(
        delete(REFLECTIONS).where(REFLECTIONS.c.room_id == at.room_id, REFLECTIONS.c.pid == e.pid)
    )
    await at.session.execute(
        REFLECTIONS.insert().values(
            room_id=at.room_id,
            pid=e.pid,
            useful=e.useful.value,
            what=e.what,
            improve=e.improve,
        )
    )


# Log-only state


NOT_PROJECTED: Final[tuple[type[Event], ...]] = (
    ev.ReadingMoved,
    ev.VotingClosed,
    ev.PlanModeChanged,
    ev.TimerStarted,
    ev.TimerPaused,
    ev.TimerResumed,
    ev.TimerExtended,
    ev.TimerCleared,
    ev.ScaleOpened,
    ev.ScaleAnswered,
    ev.ScaleClosed,
)


async def _log_only(at: At, e: Event) -> None:
    return None


for _event_type in NOT_PROJECTED:
    _PROJECTORS[_event_type] = _log_only

HANDLED: Final[frozenset[type[Event]]] = frozenset(_PROJECTORS)
"""The event types project() knows (all of EVENT_TYPES, which a test checks)."""
