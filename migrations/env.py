"""Alembic environment for Cirkelbord (async engines).

Two ways in:

- ``alembic upgrade head`` on the command line: the URL comes from CIRKELBORD_DATABASE_URL
  (default ``sqlite+aiosqlite:///./cirkelbord.sqlite3``) and an engine is made for it with
  ``app.store.database.create_engine``, so SQLite gets the same pragmas as the server.
- ``app.store.database.migrate(url)``: the caller hands in a connection through
  ``config.attributes["connection"]`` and the migration runs inside the caller's transaction.

SQLite cannot alter most constraints in place, so migrations are rendered in batch mode there.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, text

from app.store.database import (
    DEFAULT_DATABASE_URL,
    MIGRATION_LOCK_KEY,
    async_url,
    create_engine,
)
from app.store.models import Base

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    return os.environ.get("CIRKELBORD_DATABASE_URL", DEFAULT_DATABASE_URL)


def run_migrations_offline() -> None:
    """Write the SQL instead of running it (``alembic upgrade head --sql``)."""
    url = async_url(_database_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        # Our SQLite connections emit their own BEGIN (see app.store.database), so DDL is
        # transactional there too: a failed migration leaves nothing half done.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Held until this transaction ends: a second server starting at the same time
            # waits here, then finds the schema up to date.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
