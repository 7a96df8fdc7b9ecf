"""Checklist answers are kept per facilitator token hash and go with the last such board."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.store import checklists, delete_board, insert_board
from app.store.models import FACILITATOR_CHECKLISTS
from tests.store import board_record

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def kept(sessionmaker: async_sessionmaker[AsyncSession], token_hash: str) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).where(
                FACILITATOR_CHECKLISTS.c.facilitator_token_hash == token_hash
            )
        )
    return int(count or 0)


async def test_answers_go_with_the_last_board_of_their_link(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first = board_record("r1")
    second = dataclasses.replace(
        board_record("r2"), facilitator_token_hash=first.facilitator_token_hash
    )
    async with sessionmaker.begin() as session:
        await insert_board(session, first)
        await insert_board(session, second)
        await checklists.save(
            session,
            first.facilitator_token_hash,
            "preparation",
            2,
            already_do=True,
            want_more=False,
            at=AT,
        )
        await checklists.save(
            session,
            first.facilitator_token_hash,
            "preparation",
            2,
            already_do=True,
            want_more=True,
            at=AT,
        )
    async with sessionmaker() as session:
        answers = await checklists.answers(session, first.facilitator_token_hash)
    assert [(a.checklist, a.item) for a in answers if a.updated_at] == [("preparation", 2)]
    assert answers[1].already_do and answers[1].want_more

    async with sessionmaker.begin() as session:
        assert await delete_board(session, "r1")
    assert await kept(sessionmaker, first.facilitator_token_hash) == 1
    async with sessionmaker.begin() as session:
        assert await delete_board(session, "r2")
    assert await kept(sessionmaker, first.facilitator_token_hash) == 0
