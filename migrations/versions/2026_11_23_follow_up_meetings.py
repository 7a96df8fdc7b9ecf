"""follow_up_meetings: the board's meeting, items moved inward, next-step status

Revision ID: 5b2f9c4e1a7d
Revises: 3c8e51a0b7d2
Create Date: 2026-11-23 11:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b2f9c4e1a7d"
down_revision: str | Sequence[str] | None = "3c8e51a0b7d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing boards are in their first meeting, their notes where they are, every step open.
    with op.batch_alter_table("boards") as batch:
        batch.add_column(sa.Column("meeting", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("inward_meeting", sa.Integer(), nullable=True))
    with op.batch_alter_table("next_steps") as batch:
        batch.add_column(sa.Column("status", sa.String(), server_default="open", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("next_steps") as batch:
        batch.drop_column("status")
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("inward_meeting")
    with op.batch_alter_table("boards") as batch:
        batch.drop_column("meeting")
