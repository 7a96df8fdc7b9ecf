"""The facilitator's kit: checklist answers kept per facilitator link (its token's hash).

Three checklists from the work package of Centrum Progressiegericht Werken, each item with two
answers: "I already do this" and "I want to do this more". The rows are keyed by the board's
`facilitator_token_hash`, not by the room, so a facilitator who keeps their link finds their
answers again. They stay until the last board with that token hash is deleted (by its
facilitator or by the retention sweep); `delete_orphaned` then removes them in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.store.models import BOARDS, FACILITATOR_CHECKLISTS

CHECKLISTS: Final[dict[str, int]] = {"preparation": 9, "execution": 11, "reflection": 4}
"""Each checklist's name and how many items it has (numbered from 1)."""


@dataclass(frozen=True, slots=True)
class Answer:
    checklist: str
    item: int
    already_do: bool
    want_more: bool
    updated_at: datetime | None


def is_item(checklist: str, item: int) -> bool:
    """Whether `checklist` is a known checklist with an item numbered `item`."""
    return 1 <= item <= CHECKLISTS.get(checklist, 0)


async def answers(session: AsyncSession, token_hash: str) -> list[Answer]:
    """Every item of every checklist, in order; items never answered are both False."""
    result = await session.execute(
        select(FACILITATOR_CHECKLISTS).where(
            FACILITATOR_CHECKLISTS.c.facilitator_token_hash == token_hash
        )
    )
    stored = {(row["checklist"], row["item"]): row for row in result.mappings()}
    out: list[Answer] = []
    for checklist, count in CHECKLISTS.items():
        for item in range(1, count + 1):
            row = stored.get((checklist, item))
            out.append(
                Answer(checklist, item, False, False, None)
                if row is None
                else Answer(checklist, item, row["already_do"], row["want_more"], row["updated_at"])
            )
    return out


async def save(
    session: AsyncSession,
    token_hash: str,
    checklist: str,
    item: int,
    *,
    already_do: bool,
    want_more: bool,
    at: datetime,
) -> Answer:
    """Store one item's answers (insert or replace) in the caller's transaction."""
    if not is_item(checklist, item):
        raise ValueError(f"no item {item} on checklist {checklist!r}")
    values = {
        "facilitator_token_hash": token_hash,
        "checklist": checklist,
        "item": item,
        "already_do": already_do,
        "want_more": want_more,
        "updated_at": at,
    }
    changes = {"already_do": already_do, "want_more": want_more, "updated_at": at}
    keys = ["facilitator_token_hash", "checklist", "item"]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Imported here: the PostgreSQL dialect costs about 2 MiB in a server that runs on SQLite.
        from sqlalchemy.dialects import postgresql

        pg = postgresql.insert(FACILITATOR_CHECKLISTS).values(**values)
        await session.execute(pg.on_conflict_do_update(index_elements=keys, set_=changes))
    else:
        lite = sqlite.insert(FACILITATOR_CHECKLISTS).values(**values)
        await session.execute(lite.on_conflict_do_update(index_elements=keys, set_=changes))
    return Answer(checklist, item, already_do, want_more, at)


async def delete_orphaned(session: AsyncSession, token_hash: str) -> None:
    """Delete the answers kept for `token_hash` unless a board still has that token hash."""
    in_use = exists().where(BOARDS.c.facilitator_token_hash == token_hash)
    await session.execute(
        delete(FACILITATOR_CHECKLISTS).where(
            FACILITATOR_CHECKLISTS.c.facilitator_token_hash == token_hash, ~in_use
        )
    )
