"""Migrations: `alembic upgrade head` builds exactly the schema that the models describe."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from app.store import create_engine, metadata, migrate

PROJECT = Path(__file__).resolve().parents[2]

TABLES = {
    "alembic_version",
    "boards",
    "participants",
    "notes",
    "votes",
    "next_steps",
    "reflections",
    "room_events",
    "facilitator_checklists",
}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def schema_of(url: str) -> tuple[set[str], list[Any]]:
    """The tables in the database at `url`, and how they differ from the models."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(_tables)
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    return tables, differences


async def alembic(url: str, *arguments: str) -> str:
    """Run the `alembic` command line in the project, as an operator would."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "alembic",
        *arguments,
        cwd=PROJECT,
        env={**os.environ, "CIRKELBORD_DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode()
    assert process.returncode == 0, text
    return text


async def test_migrate_builds_the_schema_of_the_models(empty_url: str) -> None:
    await migrate(empty_url)
    tables, differences = await schema_of(empty_url)
    assert tables == TABLES
    assert differences == []


async def test_migrating_twice_changes_nothing(empty_url: str) -> None:
    await migrate(empty_url)
    await migrate(empty_url)
    assert await schema_of(empty_url) == (TABLES, [])


async def test_servers_starting_together_migrate_one_after_the_other(empty_url: str) -> None:
    await asyncio.gather(*(migrate(empty_url) for _ in range(3)))
    assert await schema_of(empty_url) == (TABLES, [])


async def test_new_sqlite_databases_migrated_by_servers_starting_together(tmp_path: Path) -> None:
    # Meeting in the switch to WAL on a new file made one of three fail now and then ("database
    # is locked" at connect): twenty new databases make that near certain.
    for n in range(20):
        url = f"sqlite+aiosqlite:///{tmp_path / f'new-{n}.sqlite3'}"
        outcomes = await asyncio.gather(*(migrate(url) for _ in range(3)), return_exceptions=True)
        assert [o for o in outcomes if o is not None] == [], f"database {n}"
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
        finally:
            await engine.dispose()
        assert mode == "wal"


async def test_the_alembic_command_line_upgrades_and_downgrades(empty_url: str) -> None:
    output = await alembic(empty_url, "upgrade", "head")
    assert "Running upgrade" in output
    assert await schema_of(empty_url) == (TABLES, [])

    await alembic(empty_url, "downgrade", "base")
    tables, _ = await schema_of(empty_url)
    assert tables == {"alembic_version"}

    await alembic(empty_url, "upgrade", "head")
    assert await schema_of(empty_url) == (TABLES, [])


async def test_boards_from_before_follow_ups_are_in_their_first_meeting(empty_url: str) -> None:
    await alembic(empty_url, "upgrade", "3c8e51a0b7d2")  # the schema before follow-up meetings
    engine = create_engine(empty_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO boards (room_id, join_code, facilitator_token_hash, epoch,"
                    " created_at, last_activity_at, topic, language, variant, anonymous, phase,"
                    " chosen_nid, agreements) VALUES ('r1', 'CODE', 'h', 'e', :now, :now, 't',"
                    " 'nl', 'team', false, 'closing', NULL, '')"
                ),
                {"now": datetime(2026, 11, 1, tzinfo=UTC)},
            )
            await connection.execute(
                text(
                    "INSERT INTO notes (room_id, nid, author, circle, text, position, revealed,"
                    " hidden, merged_into, deleted) VALUES ('r1', 'o1', 'p1', 'outer', 'x', 3,"
                    " true, false, NULL, false)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO next_steps (room_id, plan_id, nid, what, who, when_text, author,"
                    " position) VALUES ('r1', 's1', 'o1', 'w', '', '', NULL, 4)"
                )
            )
        await alembic(empty_url, "upgrade", "head")
        async with engine.connect() as connection:
            board = (await connection.execute(text("SELECT meeting FROM boards"))).one()
            note = (await connection.execute(text("SELECT inward_meeting FROM notes"))).one()
            step = (await connection.execute(text("SELECT status FROM next_steps"))).one()
    finally:
        await engine.dispose()
    assert (board.meeting, note.inward_meeting, step.status) == (1, None, "open")
    assert await schema_of(empty_url) == (TABLES, [])
