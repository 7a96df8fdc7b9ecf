"""facilitator_checklists: the facilitator's kit answers, kept per facilitator link

Revision ID: 3c8e51a0b7d2
Revises: 79f6da8d1161
Create Date: 2026-11-23 09:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c8e51a0b7d2"
down_revision: str | Sequence[str] | None = "79f6da8d1161"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facilitator_checklists",
        sa.Column("facilitator_token_hash", sa.String(), nullable=False),
        sa.Column("checklist", sa.String(), nullable=False),
        sa.Column("item", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("already_do", sa.Boolean(), nullable=False),
        sa.Column("want_more", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "facilitator_token_hash",
            "checklist",
            "item",
            name=op.f("pk_facilitator_checklists"),
        ),
    )


def downgrade() -> None:
    op.drop_table("facilitator_checklists")
