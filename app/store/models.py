"""The tables. `room_events` is the record; the others are projections of it, plus the board row.

Every room table hangs off `boards` with ON DELETE CASCADE, so deleting a board deletes its
events, people, notes, votes, plans and reflections in one statement. The one exception is
`facilitator_checklists`, kept per facilitator link (token hash) rather than per room.

The projection tables (`participants`, `notes`, `votes`, `next_steps`, `reflections` and the
projected columns of `boards`) are written by `app.store.projection` in the same transaction as
the events they come from, so they always agree with the log. Enum values are stored as their
strings (no database enum types to migrate).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.store.database import metadata


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every engine.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so the value is stored in UTC
    without an offset and marked UTC again when read. Naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: use a timezone-aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = metadata


def _board_fk() -> ForeignKey:
    return ForeignKey("boards.room_id", ondelete="CASCADE")


class BoardRow(Base):
    """One board: its credentials and the projected room settings."""

    __tablename__ = "boards"

    room_id: Mapped[str] = mapped_column(String, primary_key=True)
    join_code: Mapped[str] = mapped_column(String, unique=True)
    facilitator_token_hash: Mapped[str] = mapped_column(String)
    epoch: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    topic: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String)
    variant: Mapped[str] = mapped_column(String)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    phase: Mapped[str] = mapped_column(String)
    chosen_nid: Mapped[str | None] = mapped_column(String)
    agreements: Mapped[str] = mapped_column(Text)
    meeting: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """The board's latest meeting: 1, then 2, 3, ... for each follow-up."""


class ParticipantRow(Base):
    __tablename__ = "participants"
    __table_args__ = (PrimaryKeyConstraint("room_id", "pid"),)

    room_id: Mapped[str] = mapped_column(String, _board_fk())
    pid: Mapped[str] = mapped_column(String)
    display_name: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(String)
    pair: Mapped[str | None] = mapped_column(String)


class NoteRow(Base):
    """A note; deleted notes stay as tombstones with their text cleared."""

    __tablename__ = "notes"
    __table_args__ = (PrimaryKeyConstraint("room_id", "nid"),)

    room_id: Mapped[str] = mapped_column(String, _board_fk())
    nid: Mapped[str] = mapped_column(String)
    author: Mapped[str] = mapped_column(String)
    circle: Mapped[str] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    """The sequence number of the event that added the note: the reading order."""
    revealed: Mapped[bool] = mapped_column(Boolean)
    hidden: Mapped[bool] = mapped_column(Boolean)
    merged_into: Mapped[str | None] = mapped_column(String)
    deleted: Mapped[bool] = mapped_column(Boolean)
    inward_meeting: Mapped[int | None] = mapped_column(Integer)
    """The follow-up meeting in which this outer item moved into the inner circle."""


class VoteRow(Base):
    """One dot: a participant voted for a note (set membership, never a counter)."""

    __tablename__ = "votes"
    __table_args__ = (PrimaryKeyConstraint("room_id", "pid", "nid"),)

    room_id: Mapped[str] = mapped_column(String, _board_fk())
    pid: Mapped[str] = mapped_column(String)
    nid: Mapped[str] = mapped_column(String)


class NextStepRow(Base):
    """A small step forward (a plan) for an outer item."""

    __tablename__ = "next_steps"
    __table_args__ = (PrimaryKeyConstraint("room_id", "plan_id"),)

    room_id: Mapped[str] = mapped_column(String, _board_fk())
    plan_id: Mapped[str] = mapped_column(String)
    nid: Mapped[str] = mapped_column(String)
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(Text)
    when_text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String)
    position: Mapped[int] = mapped_column(Integer)
    """The sequence number of the event that added the plan."""
    status: Mapped[str] = mapped_column(String, default="open", server_default="open")
    """`open` or `done`, updated at a follow-up meeting."""


class ReflectionRow(Base):
    __tablename__ = "reflections"
    __table_args__ = (PrimaryKeyConstraint("room_id", "pid"),)

    room_id: Mapped[str] = mapped_column(String, _board_fk())
    pid: Mapped[str] = mapped_column(String)
    useful: Mapped[str] = mapped_column(String)
    what: Mapped[str] = mapped_column(Text)
    improve: Mapped[str] = mapped_column(Text)


class RoomEventRow(Base):
    """One event of a room's log, numbered 1, 2, 3, ... per room.

    `cid` is the client's operation id, stored on the last event of its operation only; it is
    unique per room (NULLs do not collide), which is what makes a resent operation detectable.
    """

    __tablename__ = "room_events"
    __table_args__ = (
        PrimaryKeyConstraint("room_id", "seq"),
        UniqueConstraint("room_id", "cid"),
    )

    room_id: Mapped[str] = mapped_column(String, _board_fk())
    seq: Mapped[int] = mapped_column(Integer, autoincrement=False)
    type: Mapped[str] = mapped_column(String)
    payload: Mapped[str] = mapped_column(Text)
    cid: Mapped[str | None] = mapped_column(String)
    actor: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FacilitatorChecklistRow(Base):
    """One answer on a facilitator's checklist: kept per facilitator link, not per room.

    Keyed by the facilitator token's hash (the board's `facilitator_token_hash`), so the
    answers stay with whoever keeps the link. No foreign key: deleting a board deletes these
    rows only when no other board has the same token hash (see `app.store.checklists`).
    """

    __tablename__ = "facilitator_checklists"
    __table_args__ = (PrimaryKeyConstraint("facilitator_token_hash", "checklist", "item"),)

    facilitator_token_hash: Mapped[str] = mapped_column(String)
    checklist: Mapped[str] = mapped_column(String)
    item: Mapped[int] = mapped_column(Integer, autoincrement=False)
    already_do: Mapped[bool] = mapped_column(Boolean)
    want_more: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


def _table(row: type[Base]) -> Table:
    table = row.__table__
    assert isinstance(table, Table)
    return table


# The same tables for Core statements (no identity map, no unit of work): the store writes and
# reads rows with plain INSERT, UPDATE, DELETE and SELECT.
BOARDS: Final = _table(BoardRow)
PARTICIPANTS: Final = _table(ParticipantRow)
NOTES: Final = _table(NoteRow)
VOTES: Final = _table(VoteRow)
NEXT_STEPS: Final = _table(NextStepRow)
REFLECTIONS: Final = _table(ReflectionRow)
ROOM_EVENTS: Final = _table(RoomEventRow)
FACILITATOR_CHECKLISTS: Final = _table(FacilitatorChecklistRow)
