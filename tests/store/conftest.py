"""Fixtures for the store: every test that asks for a database runs on SQLite and PostgreSQL.

SQLite gets a fresh file per test. PostgreSQL runs once per session (``postgres_url`` from
tests/support/fixtures.py, loaded by tests/conftest.py); each test gets a database of its own
on it, dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.store import BoardRecord, create_engine, create_sessionmaker, insert_board, migrate
from tests.store import board_record

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.services)]


@pytest.fixture(params=ENGINES)
def server_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite: the URL of a new file. PostgreSQL: the URL of the session's server."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@asynccontextmanager
async def scratch_postgres_database(server_url: str) -> AsyncIterator[str]:
    """A new, empty database on the server of `server_url`, dropped at the end."""
    server = make_url(server_url)
    name = f"store_{uuid.uuid4().hex[:16]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


@pytest.fixture
async def empty_url(server_url: str) -> AsyncIterator[str]:
    """The URL of an empty database."""
    if server_url.startswith("sqlite"):
        yield server_url
        return
    async with scratch_postgres_database(server_url) as url:
        yield url


@pytest.fixture
async def database_url(empty_url: str) -> str:
    """The URL of a database migrated to the newest schema."""
    await migrate(empty_url)
    return empty_url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


AddBoard = Callable[[str], Awaitable[BoardRecord]]


@pytest.fixture
def add_board(sessionmaker: async_sessionmaker[AsyncSession]) -> AddBoard:
    """Store a board row (committed) so that events can be appended to its room."""

    async def add(room_id: str) -> BoardRecord:
        record = board_record(room_id)
        async with sessionmaker.begin() as session:
            await insert_board(session, record)
        return record

    return add
