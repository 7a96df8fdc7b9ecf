"""The projection tables, kept in step with the log: one function per event type.

`project()` runs in the transaction that appends the event, so the tables never disagree with
the log. Each function does in SQL what `app.room.apply` does in memory, and nothing more:
no rule is checked here (decide() already did). The tables serve queries that should not need
a fold (exports, reports, housekeeping); the live state is always the fold of the log.

Some events change only meeting-flow state that lives in the log alone (timer, "now reading"
marker, scale question, voting status, plan mode, agenda); they are listed in NOT_PROJECTED.

This code is synchronous on purpose: the group committer runs a whole batch in one call (see
`app.store.group_commit`). The statements are built once and reused with new parameters, which
saves most of the per-statement cost on the hot path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, TypeVar

import orjson
from sqlalchemy import (
    ColumnElement,
    Delete,
    Executable,
    Insert,
    Table,
    Update,
    bindparam,
    delete,
    exists,
    select,
    update,
)

from app.room import events as ev
from app.room.events import Event
from app.store.database import metadata
from app.store.direct import Executes
from app.store.event_codec import decode_event, encode_event


@dataclass(frozen=True, slots=True)
class At:
    """Where an event lands: the transaction's connection, its room and its sequence number."""

    connection: Executes
    room_id: str
    seq: int

    def insert(self, table: str, **values: Any) -> None:
        self.connection.execute(_insert(table), {"room_id": self.room_id, **values})

    def update(self, table: str, keys: dict[str, Any], **values: Any) -> None:
        statement = _update(table, tuple(keys), tuple(values))
        self.run(statement, **keys, **{f"new_{column}": value for column, value in values.items()})

    def delete(self, table: str, **keys: Any) -> None:
        self.run(_delete(table, tuple(keys)), **keys)

    def run(self, statement: Executable, **keys: Any) -> None:
        """Run a statement whose row-selecting parameters are named key_<column>."""
        parameters = {"key_room_id": self.room_id}
        for name, value in keys.items():
            parameters[name if name.startswith("new_") else f"key_{name}"] = value
        self.connection.execute(statement, parameters)


E = TypeVar("E")
Projector = Callable[[At, Any], None]

_PROJECTORS: dict[type[Event], Projector] = {}


def project(connection: Executes, room_id: str, seq: int, event: Event) -> None:
    """Bring the projection tables up to date with `event`, stored at `seq`."""
    _PROJECTORS[type(event)](At(connection, room_id, seq), event)


def projects(event_type: type[E]) -> Callable[[Callable[[At, E], None]], Callable[[At, E], None]]:
    def register(function: Callable[[At, E], None]) -> Callable[[At, E], None]:
        _PROJECTORS[event_type] = function  # type: ignore[index]
        return function

    return register


# Statements, built once per shape and reused. Rows are selected by "key_<column>" parameters
# and written from "new_<column>" ones: a parameter may not share its name with a column that
# an INSERT or UPDATE sets.


def _key(table: Table, column: str) -> ColumnElement[bool]:
    return table.c[column] == bindparam(f"key_{column}")


@cache
def _insert(table: str) -> Insert:
    return metadata.tables[table].insert()


@cache
def _update(table: str, keys: tuple[str, ...], columns: tuple[str, ...]) -> Update:
    t = metadata.tables[table]
    return (
        update(t)
        .where(*(_key(t, key) for key in ("room_id", *keys)))
        .values({column: bindparam(f"new_{column}") for column in columns})
    )


@cache
def _delete(table: str, keys: tuple[str, ...]) -> Delete:
    t = metadata.tables[table]
    return delete(t).where(*(_key(t, key) for key in ("room_id", *keys)))


def _board(at: At, **values: Any) -> None:
    at.update("boards", {}, **values)


# Board settings and flow


@projects(ev.BoardCreated)
def _board_created(at: At, e: ev.BoardCreated) -> None:
    _board(
        at,
        topic=e.topic,
        variant=e.variant.value,
        language=e.language.value,
        anonymous=e.anonymous,
    )


@projects(ev.TopicChanged)
def _topic_changed(at: At, e: ev.TopicChanged) -> None:
    _board(at, topic=e.topic)


@projects(ev.PhaseChanged)
def _phase_changed(at: At, e: ev.PhaseChanged) -> None:
    _board(at, phase=e.to.value)


@projects(ev.RoundStarted)
def _round_started(at: At, e: ev.RoundStarted) -> None:
    # As agenda.new_round(): the circles start again from the topic, with no dots and no
    # chosen item; the earlier round's notes and plans stay in their tables.
    _board(at, topic="", phase="topic", chosen_nid=None)
    at.delete("votes")


@projects(ev.ItemChosen)
def _item_chosen(at: At, e: ev.ItemChosen) -> None:
    _board(at, chosen_nid=e.nid)


@projects(ev.AgreementsChanged)
def _agreements_changed(at: At, e: ev.AgreementsChanged) -> None:
    _board(at, agreements=e.text)


# People


@projects(ev.ParticipantJoined)
def _participant_joined(at: At, e: ev.ParticipantJoined) -> None:
    # Joining again under the same pid starts afresh, as in apply(): the pair is cleared.
    at.delete("participants", pid=e.pid)
    at.insert(
        "participants",
        pid=e.pid,
        display_name=e.display_name,
        token_hash=e.token_hash,
        pair=None,
    )


@projects(ev.ParticipantRenamed)
def _participant_renamed(at: At, e: ev.ParticipantRenamed) -> None:
    at.update("participants", {"pid": e.pid}, display_name=e.display_name)


@projects(ev.PairChanged)
def _pair_changed(at: At, e: ev.PairChanged) -> None:
    at.update("participants", {"pid": e.pid}, pair=e.code)


# Notes


def _insert_note(at: At, nid: str, author: str, circle: str, text: str) -> None:
    at.insert(
        "notes",
        nid=nid,
        author=author,
        circle=circle,
        text=text,
        position=at.seq,
        revealed=False,
        hidden=False,
        merged_into=None,
        deleted=False,
        inward_meeting=None,
    )


@projects(ev.NoteAdded)
def _note_added(at: At, e: ev.NoteAdded) -> None:
    _insert_note(at, e.nid, e.author, e.circle.value, e.text)


@projects(ev.SheetNoteAdded)
def _sheet_note_added(at: At, e: ev.SheetNoteAdded) -> None:
    # A duo sheet's note is a note of the room too: edits, deletes and erasure find it here.
    _insert_note(at, e.nid, e.author, e.circle.value, e.text)


@projects(ev.NoteEdited)
def _note_edited(at: At, e: ev.NoteEdited) -> None:
    at.update("notes", {"nid": e.nid}, text=e.text)


@cache
def _reveal() -> Update:
    notes = metadata.tables["notes"]
    return (
        update(notes)
        .where(
            _key(notes, "room_id"),
            notes.c.nid.in_(bindparam("key_nids", expanding=True)),
        )
        .values(revealed=True)
    )


@projects(ev.NotesRevealed)
def _notes_revealed(at: At, e: ev.NotesRevealed) -> None:
    if e.nids:
        at.run(_reveal(), nids=list(e.nids))


@projects(ev.NoteDeleted)
def _note_deleted(at: At, e: ev.NoteDeleted) -> None:
    # A tombstone without its text; its dots go, and it can no longer be the chosen item.
    at.update("notes", {"nid": e.nid}, deleted=True, text="")
    at.delete("votes", nid=e.nid)
    at.update("boards", {"chosen_nid": e.nid}, chosen_nid=None)
    _erase_text_from_log(at, e.nid)


_WRITTEN_TYPES: Final = (ev.NoteAdded.name, ev.SheetNoteAdded.name, ev.NoteEdited.name)


def _erase_text_from_log(at: At, nid: str) -> None:
    """A deleted note's text leaves the log too: its earlier events keep only an empty text.

    Folding the log still gives the same state (a deleted note's text is empty there as well);
    only the note's past wording is gone, as its author asked.
    """
    events = metadata.tables["room_events"]
    needle = '"nid":' + orjson.dumps(nid).decode()
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = at.connection.execute(
        select(events.c.seq, events.c.type, events.c.payload).where(
            events.c.room_id == at.room_id,
            events.c.type.in_(_WRITTEN_TYPES),
            events.c.payload.like(pattern, escape="\\"),
        )
    ).all()
    for seq, kind, payload in rows:
        event = decode_event(kind, payload)
        written = ev.NoteAdded | ev.SheetNoteAdded | ev.NoteEdited
        if not isinstance(event, written) or event.nid != nid:
            continue
        _, erased = encode_event(dataclasses.replace(event, text=""))
        at.connection.execute(
            update(events)
            .where(events.c.room_id == at.room_id, events.c.seq == seq)
            .values(payload=erased)
        )


@projects(ev.NoteHidden)
def _note_hidden(at: At, e: ev.NoteHidden) -> None:
    at.update("notes", {"nid": e.nid}, hidden=e.hidden)


@projects(ev.NoteMerged)
def _note_merged(at: At, e: ev.NoteMerged) -> None:
    at.update("notes", {"nid": e.nid}, merged_into=e.into)


@projects(ev.NoteMoved)
def _note_moved(at: At, e: ev.NoteMoved) -> None:
    at.update("notes", {"nid": e.nid}, circle=e.circle.value, inward_meeting=None)


@projects(ev.NoteMovedInward)
def _note_moved_inward(at: At, e: ev.NoteMovedInward) -> None:
    # Now an inner item: its dots go, and it can no longer be the chosen item.
    at.update("notes", {"nid": e.nid}, circle="inner", inward_meeting=e.meeting)
    at.delete("votes", nid=e.nid)
    at.update("boards", {"chosen_nid": e.nid}, chosen_nid=None)


# Votes: set membership


@projects(ev.VotingOpened)
def _voting_opened(at: At, e: ev.VotingOpened) -> None:
    at.delete("votes")


@cache
def _cast_vote() -> Insert:
    # Insert unless present: a dot is a member of a set, so casting it twice changes nothing.
    votes = metadata.tables["votes"]
    keys = ("room_id", "pid", "nid")
    present = exists().where(*(_key(votes, key) for key in keys))
    row = select(*(bindparam(f"key_{key}", type_=votes.c[key].type) for key in keys)).where(
        ~present
    )
    return votes.insert().from_select(keys, row)


@projects(ev.VoteCast)
def _vote_cast(at: At, e: ev.VoteCast) -> None:
    at.run(_cast_vote(), pid=e.pid, nid=e.nid)


@projects(ev.VoteRetracted)
def _vote_retracted(at: At, e: ev.VoteRetracted) -> None:
    at.delete("votes", pid=e.pid, nid=e.nid)


# Next steps


@projects(ev.PlanAdded)
def _plan_added(at: At, e: ev.PlanAdded) -> None:
    at.insert(
        "next_steps",
        plan_id=e.plan_id,
        nid=e.nid,
        what=e.what,
        who=e.who,
        when_text=e.when,
        author=e.author,
        position=at.seq,
        status="open",
    )


@projects(ev.PlanEdited)
def _plan_edited(at: At, e: ev.PlanEdited) -> None:
    at.update("next_steps", {"plan_id": e.plan_id}, what=e.what, who=e.who, when_text=e.when)


@projects(ev.PlanStatusChanged)
def _plan_status_changed(at: At, e: ev.PlanStatusChanged) -> None:
    at.update("next_steps", {"plan_id": e.plan_id}, status=e.status.value)


@projects(ev.PlanRemoved)
def _plan_removed(at: At, e: ev.PlanRemoved) -> None:
    at.delete("next_steps", plan_id=e.plan_id)


# Follow-up meetings


@projects(ev.FollowUpOpened)
def _follow_up_opened(at: At, e: ev.FollowUpOpened) -> None:
    # As in apply(): the new meeting starts at the topic, with no votes and nothing chosen.
    _board(at, meeting=e.meeting, phase="topic", chosen_nid=None)
    at.delete("votes")


# Closing


@projects(ev.ReflectionSubmitted)
def _reflection_submitted(at: At, e: ev.ReflectionSubmitted) -> None:
    # A new answer replaces the previous one.
    at.delete("reflections", pid=e.pid)
    at.insert(
        "reflections",
        pid=e.pid,
        useful=e.useful.value,
        what=e.what,
        improve=e.improve,
    )


# Log-only state


NOT_PROJECTED: Final[tuple[type[Event], ...]] = (
    ev.PartEntered,
    ev.RoundTwoChanged,
    ev.PartMinutesChanged,
    ev.ReadingMoved,
    ev.VotingClosed,
    ev.PlanModeChanged,
    ev.TimerStarted,
    ev.TimerPaused,
    ev.TimerResumed,
    ev.TimerExtended,
    ev.TimerLockChanged,
    ev.TimerCleared,
    ev.ScaleOpened,
    ev.ScaleAnswered,
    ev.ScaleClosed,
    # Duo sheets live in the log only (the board's state is its fold)
    ev.ActivityChanged,
    ev.SheetStepChanged,
    ev.SheetItemChosen,
    ev.SmallStepChanged,
    ev.TurnChanged,
    ev.SheetShared,
)


def _log_only(at: At, e: Event) -> None:
    return None


for _event_type in NOT_PROJECTED:
    _PROJECTORS[_event_type] = _log_only

HANDLED: Final[frozenset[type[Event]]] = frozenset(_PROJECTORS)
"""The event types project() knows (all of EVENT_TYPES, which a test checks)."""
