"""Writes on the sqlite3 connection itself, compiled once, for the group committer's writer.

Theory of operation
-------------------
SQLAlchemy's execution path (execution context, events, cursor result) costs several times
what SQLite itself spends on the few statements of a note. The writer runs the same handful
of statements over and over with new values, so `DirectConnection` compiles each once with
SQLAlchemy's own compiler, dialect and bind processors (values are stored exactly as
SQLAlchemy would store them) and hands the SQL text and the processed values straight to the
sqlite3 cursor. Measured on the reference machine: 250 -> 120 µs of CPU per note in batches
of 16, 650 -> 480 µs for a note alone.

Only plain INSERT, UPDATE and DELETE statements take that road (no RETURNING, no Python-side
or server-side defaults to fetch, no expanding parameters); reads and anything unusual go
through SQLAlchemy, on the same sqlite3 connection. The savepoint around each request is the
cursor's too, since SQLAlchemy names each of its savepoints anew and so compiles every
SAVEPOINT and RELEASE again. Errors are raised as SQLAlchemy raises them (IntegrityError and
the other DBAPIError subclasses), so callers see no difference.

So is the writer's transaction (`DirectConnection.transaction()`): BEGIN IMMEDIATE and COMMIT
on the cursor. SQLAlchemy's own ``begin()`` and commit (its transaction objects, the "begin"
event that emits BEGIN IMMEDIATE through its execution path, the "commit" event) cost more
than the statements of a note: on the reference machine, with the CPU cold from waiting for
the next note, 250-310 µs for BEGIN, an INSERT and COMMIT against 130-165 µs on the cursor
(warm: 50-75 against 20-27 µs). A connection used this way is marked with
`CURSOR_TRANSACTION_OPTION`, and the engine's "begin" listener then emits nothing
(``app.store.database``): a statement that goes through SQLAlchemy inside the transaction
starts only SQLAlchemy's bookkeeping, which `transaction()` ends again afterwards. The
engine's "commit" event still fires before COMMIT, so what listens for commits sees these too.

Only the synchronous sqlite3 driver (``sqlite+pysqlite``, the committer's thread) is served;
`direct()` returns any other connection unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, Final, Protocol

from sqlalchemy import Connection, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Delete, Insert, Update

from app.store.database import CURSOR_TRANSACTION_OPTION

Row = dict[str, Any]
Plan = tuple[str, Callable[[Row], list[Any]]]

MAX_PLANS: Final = 512
"""Compiled statements kept (the writer uses a few dozen)."""


class Executes(Protocol):
    """What the log and the projections need of a connection."""

    def execute(self, statement: Executable, parameters: Any = None) -> Any: ...


class DirectConnection:
    """`execute()` like ``Connection.execute()``; plain writes skip SQLAlchemy's machinery."""

    __slots__ = ("_connection", "_cursor", "_dialect", "_error")

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        raw = connection.connection.driver_connection
        assert raw is not None
        self._cursor = raw.cursor()
        self._dialect = connection.dialect
        self._error: type[Exception] = connection.dialect.loaded_dbapi.Error

    @contextmanager
    def begin_nested(self) -> Iterator[None]:
        """A savepoint on the cursor, under one name (requests are never nested)."""
        self._raw("SAVEPOINT direct")
        try:
            yield
        except BaseException:
            # If SQLite already undid the whole transaction, there is no savepoint left: the
            # commit fails then, and with it the batch.
            with suppress(Exception):
                self._raw("ROLLBACK TO direct")
                self._raw("RELEASE direct")
            raise
        self._raw("RELEASE direct")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, begun and ended on the cursor (see the module's docstring);
        the connection must carry `CURSOR_TRANSACTION_OPTION`. Rolled back when the block
        raises or the commit fails."""
        if not self._connection.get_execution_options().get(CURSOR_TRANSACTION_OPTION, False):
            raise ValueError("the connection does not leave its transactions to the cursor")
        self._raw("BEGIN IMMEDIATE")
        try:
            yield
            self._connection.dispatch.commit(self._connection)  # listeners see it, as ever
            self._raw("COMMIT")
        except BaseException:
            if self._cursor.connection.in_transaction:
                with suppress(Exception):
                    self._raw("ROLLBACK")
            raise
        finally:
            if self._connection.in_transaction():
                # A read through SQLAlchemy began its bookkeeping only: the database's
                # transaction has ended above, so this emits nothing.
                self._connection.rollback()

    def _raw(self, sql: str) -> None:
        try:
            self._cursor.execute(sql)
        except self._error as error:
            raise DBAPIError.instance(sql, (), error, self._error, dialect=self._dialect) from error

    def execute(self, statement: Executable, parameters: Any = None) -> Any:
        many = isinstance(parameters, list)
        rows: Sequence[Row] = parameters if many else [parameters or {}]
        plan = _plan(statement, self._dialect, tuple(rows[0])) if rows else None
        if plan is None:
            return self._connection.execute(statement, parameters)
        sql, values_of = plan
        values = [values_of(row) for row in rows]
        try:
            if many:
                self._cursor.executemany(sql, values)
            else:
                self._cursor.execute(sql, values[0])
        except self._error as error:
            raise DBAPIError.instance(
                sql, values, error, self._error, dialect=self._dialect, ismulti=many
            ) from error
        return None


def direct(connection: Connection) -> Connection | DirectConnection:
    """A `DirectConnection` over `connection` on the sqlite3 driver; else `connection`."""
    if connection.dialect.name == "sqlite" and connection.dialect.driver == "pysqlite":
        return DirectConnection(connection)
    return connection


_PLANS: dict[tuple[Executable, Dialect, tuple[str, ...]], Plan | None] = {}


def _plan(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> Plan | None:
    key = (statement, dialect, keys)
    try:
        return _PLANS[key]
    except KeyError:
        pass
    plan = _compile(statement, dialect, keys)
    if len(_PLANS) >= MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = plan
    return plan


def _compile(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> Plan | None:
    if not isinstance(statement, Insert | Update | Delete):
        return None
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if not isinstance(compiled, SQLCompiler) or dialect.paramstyle != "qmark":
        return None
    if (
        compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.postfetch
        or compiled.effective_returning
        or compiled.post_compile_params
        or compiled.literal_execute_params
        or compiled.positiontup is None
    ):
        return None
    positions = list(compiled.positiontup)
    processors = compiled._bind_processors
    construct = compiled.construct_params
    steps: list[tuple[str, Callable[[Any], Any] | None]] = []
    for name in positions:
        process = processors.get(name)
        if process is not None and not callable(process):  # a tuple type: leave it to SQLAlchemy
            return None
        steps.append((name, process))

    def values_of(row: Row) -> list[Any]:
        params = construct(row)
        return [
            params[name] if process is None else process(params[name]) for name, process in steps
        ]

    return compiled.string, values_of
