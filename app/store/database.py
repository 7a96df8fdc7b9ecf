"""The database connection: engine, sessions, schema metadata and migrations.

Two engines are supported: SQLite through aiosqlite (the default, one file next to the server)
and PostgreSQL through asyncpg (several server processes sharing one database).

SQLite is tuned for durability first:

- ``journal_mode=WAL``: readers never block the writer, and the writer never blocks readers.
- ``synchronous``: NORMAL by default. In WAL mode a NORMAL commit survives a crash or SIGKILL of
  the server process (the log is in the operating system's hands at commit); what the machine
  had not yet written to disk when it lost power or the kernel panicked may be lost. FULL
  (``CIRKELBORD_SQLITE_SYNCHRONOUS=full``) fsyncs the log at every commit and survives that too,
  at the price of one fsync (about 3 ms on the reference machine) before every acknowledgement
  and broadcast; the group committer (``app.store.group_commit``) shares it within a batch.
- ``foreign_keys=ON``: SQLite ignores foreign keys (and so ``ON DELETE CASCADE``) without it.
- ``busy_timeout``: a connection that finds the database locked waits instead of failing at
  once.
- Every transaction starts with ``BEGIN IMMEDIATE``, which takes the write lock at the start.
  The sequence number of a room is read and written in one transaction; with a deferred BEGIN
  two transactions could both read the same last number and one of them would fail at its first
  write with "database is locked", outside the busy handler's reach. Read-only work can opt out
  with ``read_only(engine)`` and then starts a deferred transaction, which in WAL mode reads a
  consistent snapshot without waiting for the writer.
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from pathlib import Path
from typing import Any, Final, Literal

import sqlalchemy
from sqlalchemy import Connection, Engine, MetaData, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

NAMING_CONVENTION: Final[dict[str, str]] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

DEFAULT_DATABASE_URL: Final = "sqlite+aiosqlite:///./cirkelbord.sqlite3"

SQLITE_BUSY_TIMEOUT_MS: Final = 5000
"""How long a SQLite connection waits for the write lock before giving up."""

WAL_SWITCH_ATTEMPTS: Final = 10
WAL_SWITCH_PAUSE_SECONDS: Final = 0.02
"""Switching to WAL that meets another connection's switch is tried again after 0.02 s, 0.04 s,
...: about a second in all (see `_use_wal`). The pause holds up the connecting thread (the event
loop, for aiosqlite); it only happens while servers create a new database together."""

READ_ONLY_OPTION: Final = "cirkelbord_read_only"
"""Execution option: the transaction only reads, so SQLite may start it deferred."""

CURSOR_TRANSACTION_OPTION: Final = "cirkelbord_cursor_transaction"
"""Execution option: the caller begins and ends the transactions on the sqlite3 cursor itself
(the group committer's writer, see ``app.store.direct``), so the "begin" event emits nothing."""

MIGRATIONS_DIR: Final = Path(__file__).resolve().parents[2] / "migrations"
"""The Alembic scripts, in the source tree next to the package (alembic.ini points there too)."""

MIGRATION_LOCK_KEY: Final = 0x43697263_6B656C
"""PostgreSQL advisory lock taken while migrating, so that servers starting together migrate
one after the other (on SQLite, BEGIN IMMEDIATE does the same)."""

_ASYNC_DRIVERS: Final = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def async_url(url: str) -> str:
    """The URL with its async driver: ``sqlite://`` and ``postgresql://`` are accepted too."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database {parsed.drivername!r}: use sqlite+aiosqlite or "
            "postgresql+asyncpg"
        )
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


SqliteSynchronous = Literal["normal", "full"]
DEFAULT_SQLITE_SYNCHRONOUS: Final[SqliteSynchronous] = "normal"
_SYNCHRONOUS: weakref.WeakKeyDictionary[Engine, SqliteSynchronous] = weakref.WeakKeyDictionary()


def create_engine(
    url: str, *, sqlite_synchronous: SqliteSynchronous = DEFAULT_SQLITE_SYNCHRONOUS
) -> AsyncEngine:
    """An engine for `url`; SQLite connections get the pragmas and BEGIN IMMEDIATE above."""
    engine = create_async_engine(async_url(url))
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine.sync_engine, sqlite_synchronous)
    return engine


def sqlite_sync_engine(engine: AsyncEngine) -> Engine:
    """A synchronous engine (stdlib sqlite3) on the same SQLite database as `engine`.

    For work that runs as one call in a thread of its own, where aiosqlite's hand-over to its
    thread at every statement would cost more than the statement itself (the group committer).
    The connections get the same pragmas and BEGIN IMMEDIATE.
    """
    if not is_sqlite_file(engine):
        raise ValueError("only a SQLite file can be shared with a synchronous engine")
    sync_engine = sqlalchemy.create_engine(engine.url.set(drivername="sqlite+pysqlite"))
    _configure_sqlite(sync_engine, _SYNCHRONOUS.get(engine.sync_engine, DEFAULT_SQLITE_SYNCHRONOUS))
    return sync_engine


def is_sqlite_file(engine: AsyncEngine) -> bool:
    database = engine.url.database
    return engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (rows are read, never lazily loaded)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool, for transactions that only read."""
    return engine.execution_options(**{READ_ONLY_OPTION: True})


def _configure_sqlite(engine: Engine, synchronous: SqliteSynchronous) -> None:
    _SYNCHRONOUS[engine] = synchronous
    pragma = f"PRAGMA synchronous={synchronous.upper()}"

    # SQLAlchemy's documented recipe for sqlite3 and aiosqlite: the driver emits no BEGIN of
    # its own (isolation_level None), and the "begin" event emits ours.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS:d}")
            _use_wal(cursor)
            cursor.execute(pragma)
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(CURSOR_TRANSACTION_OPTION, False):
            return  # the transaction was begun on the cursor (app.store.direct)
        if options.get(READ_ONLY_OPTION, False):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _use_wal(cursor: Any) -> None:
    """Switch the database to WAL (a no-op once it is).

    Connections that open a new database together (servers starting together, each migrating)
    can meet in the switch: one holds its read lock and asks for the exclusive lock while
    another, holding the write lock, waits for that read lock to commit. SQLite answers the
    first "database is locked" at once instead of letting both wait forever; it tries again
    after a pause, by when the other has committed and the database is in WAL mode.
    """
    for attempt in range(1, WAL_SWITCH_ATTEMPTS + 1):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == WAL_SWITCH_ATTEMPTS:
                raise
        time.sleep(WAL_SWITCH_PAUSE_SECONDS * attempt)


async def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema (``alembic upgrade head``).

    Alembic runs on a connection of our own engine, so SQLite gets the same pragmas and the
    migration runs in one transaction. Safe to call from a running event loop.
    """
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Taken here as well as in env.py: Alembic keeps its context in module
                # globals, so even within one process only one migration may run at a time.
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(_upgrade_head)
    finally:
        await engine.dispose()


def _upgrade_head(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
