"""Engine set-up: SQLite's durability pragmas, BEGIN IMMEDIATE, and database URLs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.store import create_engine, read_only
from app.store.database import (
    SQLITE_BUSY_TIMEOUT_MS,
    async_url,
    is_sqlite_file,
    sqlite_sync_engine,
)
from tests.store import another_writer_can_begin


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "pragmas.sqlite3"


@pytest.fixture
async def sqlite_engine(sqlite_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{sqlite_path}")
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_sqlite_connections_are_durable_and_strict(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.connect() as connection:
        pragmas = {
            name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL: survives a crash of the process (see database.py)
        "foreign_keys": 1,
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
    }


def test_the_synchronous_sqlite_engine_is_set_up_alike(
    sqlite_engine: AsyncEngine, sqlite_path: Path
) -> None:
    engine = sqlite_sync_engine(sqlite_engine)
    try:
        with engine.connect() as connection:
            synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar_one()
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
            assert (synchronous, foreign_keys) == (1, 1)
            connection.execute(text("SELECT 1"))
            assert not another_writer_can_begin(sqlite_path)
    finally:
        engine.dispose()


async def test_full_synchronous_is_a_setting_and_reaches_both_engines(sqlite_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{sqlite_path}", sqlite_synchronous="full")
    sync_engine = sqlite_sync_engine(engine)
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA synchronous")).scalar_one() == 2
        with sync_engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2
    finally:
        sync_engine.dispose()
        await engine.dispose()


def test_only_a_sqlite_file_gets_a_synchronous_engine() -> None:
    for url in ("sqlite+aiosqlite://", "postgresql+asyncpg://u@db/c"):
        engine = create_engine(url)
        assert not is_sqlite_file(engine)
        with pytest.raises(ValueError, match="SQLite file"):
            sqlite_sync_engine(engine)


async def test_sqlite_transactions_take_the_write_lock_at_begin(
    sqlite_engine: AsyncEngine, sqlite_path: Path
) -> None:
    async with sqlite_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # reads only, yet holds the lock
        assert connection.in_transaction()
        assert not another_writer_can_begin(sqlite_path)
        await connection.commit()
        assert another_writer_can_begin(sqlite_path)


async def test_read_only_transactions_leave_the_lock_free(
    sqlite_engine: AsyncEngine, sqlite_path: Path
) -> None:
    async with read_only(sqlite_engine).connect() as connection:
        await connection.execute(text("SELECT 1"))
        assert connection.in_transaction()
        assert another_writer_can_begin(sqlite_path)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///./x.sqlite3", "sqlite+aiosqlite:///./x.sqlite3"),
        ("sqlite+aiosqlite:////tmp/x.sqlite3", "sqlite+aiosqlite:////tmp/x.sqlite3"),
        ("postgresql://u:secret@db/cirkelbord", "postgresql+asyncpg://u:secret@db/cirkelbord"),
        ("postgresql+asyncpg://u@db:5433/c", "postgresql+asyncpg://u@db:5433/c"),
    ],
)
def test_urls_get_their_async_driver(given: str, used: str) -> None:
    assert async_url(given) == used


@pytest.mark.parametrize(
    "url", ["mysql://db/cirkelbord", "postgresql+psycopg2://db/c", "sqlite+pysqlite:///x"]
)
def test_other_databases_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        async_url(url)
