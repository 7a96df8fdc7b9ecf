"""initial: boards, their event log and its projections

Revision ID: 79f6da8d1161
Revises:
Create Date: 2026-11-23 07:36:39.781317
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "79f6da8d1161"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _room_id() -> sa.Column[str]:
    return sa.Column("room_id", sa.String(), nullable=False)


def _board_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["room_id"],
        ["boards.room_id"],
        name=op.f(f"fk_{table}_room_id_boards"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("room_id", sa.String(), nullable=False),
        sa.Column("join_code", sa.String(), nullable=False),
        sa.Column("facilitator_token_hash", sa.String(), nullable=False),
        sa.Column("epoch", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("variant", sa.String(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("phase", sa.String(), nullable=False),
        sa.Column("chosen_nid", sa.String(), nullable=True),
        sa.Column("agreements", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_boards")),
        sa.UniqueConstraint("join_code", name=op.f("uq_boards_join_code")),
    )
    op.create_index(
        op.f("ix_boards_last_activity_at"), "boards", ["last_activity_at"], unique=False
    )
    op.create_table(
        "participants",
        _room_id(),
        sa.Column("pid", sa.String(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("pair", sa.String(), nullable=True),
        _board_fk("participants"),
        sa.PrimaryKeyConstraint("room_id", "pid", name=op.f("pk_participants")),
    )
    op.create_table(
        "notes",
        _room_id(),
        sa.Column("nid", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("circle", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("merged_into", sa.String(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        _board_fk("notes"),
        sa.PrimaryKeyConstraint("room_id", "nid", name=op.f("pk_notes")),
    )
    op.create_table(
        "votes",
        _room_id(),
        sa.Column("pid", sa.String(), nullable=False),
        sa.Column("nid", sa.String(), nullable=False),
        _board_fk("votes"),
        sa.PrimaryKeyConstraint("room_id", "pid", "nid", name=op.f("pk_votes")),
    )
    op.create_table(
        "next_steps",
        _room_id(),
        sa.Column("plan_id", sa.String(), nullable=False),
        sa.Column("nid", sa.String(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("when_text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _board_fk("next_steps"),
        sa.PrimaryKeyConstraint("room_id", "plan_id", name=op.f("pk_next_steps")),
    )
    op.create_table(
        "reflections",
        _room_id(),
        sa.Column("pid", sa.String(), nullable=False),
        sa.Column("useful", sa.String(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("improve", sa.Text(), nullable=False),
        _board_fk("reflections"),
        sa.PrimaryKeyConstraint("room_id", "pid", name=op.f("pk_reflections")),
    )
    op.create_table(
        "room_events",
        _room_id(),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("cid", sa.String(), nullable=True),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _board_fk("room_events"),
        sa.PrimaryKeyConstraint("room_id", "seq", name=op.f("pk_room_events")),
        sa.UniqueConstraint("room_id", "cid", name=op.f("uq_room_events_room_id_cid")),
    )


def downgrade() -> None:
    op.drop_table("room_events")
    op.drop_table("reflections")
    op.drop_table("next_steps")
    op.drop_table("votes")
    op.drop_table("notes")
    op.drop_table("participants")
    op.drop_index(op.f("ix_boards_last_activity_at"), table_name="boards")
    op.drop_table("boards")
