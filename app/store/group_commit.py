"""Group commit: many appends, one transaction, one fsync.

Theory of operation
-------------------
A durable commit waits for the disk: one fsync of SQLite's write-ahead log (with
``synchronous=FULL``) or one WAL flush on PostgreSQL. That takes milliseconds, and tens of
milliseconds on a cheap virtual disk. With one transaction per note, the disk, not the CPU,
would cap the server at a few hundred notes per second.

So one writer task does all the writing. Requests wait in a bounded queue; the writer takes
every request that is waiting, writes them all in one transaction and commits once. While it
commits, new requests gather and form the next batch. The batch grows with the load, and the
fsync is shared by everyone who arrived during the previous one: throughput rises with load,
while one request waits about one commit plus its share of the batch's work.

Each request runs inside its own SAVEPOINT (``append`` opens one per request), so a request
that fails (SeqConflict, DuplicateOperation or anything else) is rolled back alone and fails
only its own caller; the others are committed.

Nobody hears "stored" before the commit: the futures are resolved only after COMMIT returned,
so whatever the caller acknowledges is on disk. If the commit fails, nothing of the batch was
stored and every request that had been written gets the commit's error; a request that had
already failed on its own keeps its own error, which stays true.

On SQLite the writer runs each batch as one call in a thread of its own, with the standard
sqlite3 driver on the same database file. aiosqlite hands every statement over to its thread
and back, which costs more than the statement itself; a request takes a few statements, so
one hand-over per batch instead of several per request is what makes group commit pay off
there. That thread keeps one connection from batch to batch and runs each batch as a plain
transaction on it, with no ORM session: a session per batch, with the pool's checkout, reset
and return, took about 40% of the writer's time for a batch of one note. The transaction is
begun and committed on the sqlite3 cursor, not through SQLAlchemy (``app.store.direct``): for a
note alone that was another 130-200 µs of the writer's time. After a batch that
failed the connection is closed, and the next batch opens a new one. A single writer also
means the process never competes with itself for the write lock.
On PostgreSQL the batch runs on the event loop, through the async session. With several
processes on PostgreSQL, each has its own committer; when two of them race for the same
room's sequence number, only the request concerned fails, with SeqConflict.

A caller that stops waiting (it is cancelled) does not withdraw its request: once queued, it is
written. The client's operation id makes the retry that follows harmless.

When MAX_PENDING_APPENDS requests are waiting, ``submit()`` waits for room in the queue: a
burst slows the rooms down instead of growing memory without bound.

On SQLite the writer's connection never checkpoints the write-ahead log itself. By default the
commit that fills the log past 1,000 pages copies it into the database file and syncs that
file, which stalls that commit, and every acknowledgement waiting on it, for milliseconds
(tens of them on a busy disk). Instead a thread of its own runs a PASSIVE checkpoint at most
every CHECKPOINT_EVERY_SECONDS, once CHECKPOINT_AFTER_APPENDS appends were committed since the
last one; it never blocks the writer, which keeps appending to the log meanwhile, and it
runs at the lowest CPU priority. SQLite itself checkpoints whatever is left when the last
connection closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, Self

from sqlalchemy import Connection, Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from app.store.database import (
    CURSOR_TRANSACTION_OPTION,
    SQLITE_BUSY_TIMEOUT_MS,
    is_sqlite_file,
    sqlite_sync_engine,
)
from app.store.direct import DirectConnection
from app.store.event_log import AppendRequest, append_sync, touch_boards

logger = logging.getLogger(__name__)

MAX_PENDING_APPENDS: Final = 1000
"""Requests that may wait for the writer; one batch is at most this many."""

CHECKPOINT_EVERY_SECONDS: Final = 1.0
"""On SQLite, how often at most the log is checkpointed into the database file, off the
writer's path."""

CHECKPOINT_AFTER_APPENDS: Final = 200
"""...and only once this many appends were committed since the last checkpoint: about 1,000
pages of log at most (SQLite's own default), so a quiet room's notes do not each come near a
checkpoint and the fsync of the database file that ends it."""


class CommitterClosed(RuntimeError):
    """submit() was called before start() or after stop()."""


@dataclass(frozen=True, slots=True)
class _Pending:
    request: AppendRequest
    future: asyncio.Future[int]


class GroupCommitter:
    """Appends from any number of tasks, written by one task in shared transactions.

    Use ``async with GroupCommitter(sessionmaker) as committer:`` or start() and stop().
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        max_pending: int = MAX_PENDING_APPENDS,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue(max_pending)
        self._waiting: set[asyncio.Future[int]] = set()
        self._writer: asyncio.Task[None] | None = None
        self._closed = False
        self._thread: ThreadPoolExecutor | None = None
        self._sync_engine: Engine | None = None
        self._writer_db: WriterConnection | None = None  # used in the writer's thread only
        self._memory = WriterMemory()  # only the writer uses it
        self._checkpoints: ThreadPoolExecutor | None = None
        self._checkpointing: asyncio.Future[None] | None = None
        self._checkpointed_at = float("-inf")
        self._appended = 0  # appends committed since the last checkpoint started
        self._checkpointer: sqlite3.Connection | None = None  # used in the checkpoint thread

    async def start(self) -> None:
        if self._writer is not None or self._closed:
            raise RuntimeError("a GroupCommitter starts once")
        bind = self._sessionmaker.kw.get("bind")
        if isinstance(bind, AsyncEngine) and is_sqlite_file(bind):
            self._sync_engine = sqlite_sync_engine(bind)
            self._writer_db = WriterConnection(self._sync_engine)
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="group-commit")
            event.listen(self._sync_engine, "connect", _no_autocheckpoint)
            self._checkpoints = ThreadPoolExecutor(1, thread_name_prefix="wal-checkpoint")
        self._writer = asyncio.create_task(self._run(), name="group-committer")

    async def stop(self) -> None:
        """Refuse new requests, write every request already submitted, then end the writer."""
        self._closed = True
        while self._waiting:
            await asyncio.wait(list(self._waiting))
        writer, self._writer = self._writer, None
        if writer is not None:
            if not writer.done():
                # Requests whose callers stopped waiting are written too.
                await self._queue.join()
                writer.cancel()
            await asyncio.wait([writer])
        checkpoints, self._checkpoints = self._checkpoints, None
        if checkpoints is not None:
            if self._checkpointing is not None:
                await asyncio.wait([self._checkpointing])
            await asyncio.get_running_loop().run_in_executor(checkpoints, self._close_checkpointer)
            checkpoints.shutdown(wait=False)
        thread, self._thread = self._thread, None
        if thread is not None:
            if self._writer_db is not None:
                # sqlite3 connections are closed by the thread that opened them.
                await asyncio.get_running_loop().run_in_executor(thread, self._writer_db.close)
            thread.shutdown(wait=False)

    async def submit(self, request: AppendRequest) -> int:
        """Store `request`; return the seq of its last event once it is committed.

        Raises what `append` raises for this request (SeqConflict, DuplicateOperation, ...),
        or the commit's error if the batch could not be committed.
        """
        if self._closed or self._writer is None:
            raise CommitterClosed("the group committer is not running")
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.add(future)
        future.add_done_callback(self._waiting.discard)
        try:
            await self._queue.put(_Pending(request, future))
        except BaseException:
            future.cancel()
            raise
        return await future

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write(self, batch: list[_Pending]) -> None:
        requests = [item.request for item in batch]
        if self._thread is not None and self._writer_db is not None:
            await self._write_in_thread(batch, requests, self._thread, self._writer_db)
            return
        try:
            outcomes, failure = await self._write_batch_async(requests)
        except Exception as error:  # pragma: no cover - the writer catches its errors
            outcomes, failure = [], error
        except BaseException:
            # Cancelled mid-batch: the outcome is unknown, so nobody is told it was stored.
            for item in batch:
                item.future.cancel()
            raise
        _answer(batch, outcomes, failure)

    async def _write_in_thread(
        self,
        batch: list[_Pending],
        requests: list[AppendRequest],
        thread: ThreadPoolExecutor,
        writer_db: WriterConnection,
    ) -> None:
        """The batch in the writer's thread. The callers are answered by the callback that the
        thread leaves on the event loop once the batch is committed, in the turn the loop
        wakes up to it: a turn earlier than through this task, and without the executor's
        futures in between."""
        loop = asyncio.get_running_loop()
        written: asyncio.Future[None] = loop.create_future()

        def finished(outcomes: _Outcomes) -> None:
            if outcomes[1] is None:
                self._appended += len(requests)
                self._checkpoint_soon()
            _answer(batch, *outcomes)
            if not written.done():
                written.set_result(None)

        def write() -> None:
            try:
                outcomes = _write_batch(writer_db, requests, self._memory)
            except BaseException as error:  # pragma: no cover - _write_batch catches its errors
                outcomes = [], RuntimeError(f"the writer failed: {error!r}")
            loop.call_soon_threadsafe(finished, outcomes)

        try:
            thread.submit(write)
        except Exception as error:  # its executor was shut down
            _answer(batch, [], error)
            return
        try:
            await written
        except BaseException:
            # Cancelled mid-batch: the outcome is unknown, so nobody is told it was stored.
            for item in batch:
                item.future.cancel()
            raise

    def _checkpoint_soon(self) -> None:
        """Start a checkpoint in its own thread, unless one ran or runs within the interval, or
        too little was appended since the last one."""
        if self._checkpoints is None or self._appended < CHECKPOINT_AFTER_APPENDS:
            return
        if self._checkpointing is not None and not self._checkpointing.done():
            return
        loop = asyncio.get_running_loop()
        if loop.time() - self._checkpointed_at < CHECKPOINT_EVERY_SECONDS:
            return
        self._checkpointed_at = loop.time()
        self._appended = 0
        self._checkpointing = loop.run_in_executor(self._checkpoints, self._checkpoint)

    def _checkpoint(self) -> None:
        """In the checkpoint thread, on a connection of its own."""
        try:
            if self._checkpointer is None:
                _run_last()
                assert self._sync_engine is not None
                path = self._sync_engine.url.database
                assert path is not None
                self._checkpointer = sqlite3.connect(path, isolation_level=None)
                self._checkpointer.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS:d}")
            self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # housekeeping: the log stays valid, the next one tries again
            logger.warning("checkpointing the SQLite log failed", exc_info=True)

    def _close_checkpointer(self) -> None:
        checkpointer, self._checkpointer = self._checkpointer, None
        if checkpointer is not None:
            checkpointer.close()

    async def _write_batch_async(self, requests: list[AppendRequest]) -> _Outcomes:
        outcomes: list[int | Exception] = []
        session = self._sessionmaker()
        try:
            async with session.begin():
                await session.run_sync(_append_all, requests, outcomes, self._memory)
        except Exception as error:
            self._memory.after(requests, error)
            return outcomes, error
        finally:
            try:
                await session.close()
            except Exception:
                logger.exception("closing the group commit session failed")
        self._memory.after(requests, None)
        return outcomes, None


_Outcomes = tuple[list[int | Exception], Exception | None]
"""Per request its last seq or its own error; and the commit's error, if the commit failed."""


MAX_KNOWN_ROOMS: Final = 10_000
"""Rooms the writer remembers (`WriterMemory`; forgotten all at once past this)."""

ACTIVITY_TOUCH_SECONDS: Final = 60.0
"""The writer moves a board's activity time (``boards.last_activity_at``) at most this often:
it counts for retention, in days, and dates the summary, so a minute's lag changes nothing,
while one more row per commit made a lone note's commit about a tenth slower."""


@dataclass(slots=True)
class WriterMemory:
    """What the writer remembers from batch to batch, per room."""

    last_seq: dict[str, int] = field(default_factory=dict)
    """The last seq as this writer committed it: an append that continues from there needs no
    read of the log first (see `append_sync`)."""
    touched_at: dict[str, float] = field(default_factory=dict)
    """When (`time.monotonic()`) this writer last moved the board's activity time."""

    def after(self, requests: list[AppendRequest], failure: Exception | None) -> None:
        """After the transaction: a failed commit stored nothing, so its rooms are forgotten."""
        if failure is not None:
            for request in requests:
                self.last_seq.pop(request.room_id, None)
                self.touched_at.pop(request.room_id, None)
        if len(self.last_seq) > MAX_KNOWN_ROOMS or len(self.touched_at) > MAX_KNOWN_ROOMS:
            self.last_seq.clear()
            self.touched_at.clear()


def _append_all(
    session: Session | Connection,
    requests: list[AppendRequest],
    outcomes: list[int | Exception],
    memory: WriterMemory,
) -> None:
    """Every request in its own savepoint; then one statement moves the activity time of the
    boards that were not moved in the last ACTIVITY_TOUCH_SECONDS. What this records in
    `memory` is taken back by `WriterMemory.after()` if the transaction fails."""
    now = time.monotonic()
    touched: set[str] = set()
    for request in requests:
        room_id = request.room_id
        known = memory.last_seq.get(room_id)
        try:
            last = append_sync(session, request, known_last=known, touch=False)
        except Exception as error:
            outcomes.append(error)
            memory.last_seq.pop(room_id, None)
            continue
        outcomes.append(last)
        if request.events:  # an empty request read nothing: it proves nothing about the log
            memory.last_seq[room_id] = last
            touched_at = memory.touched_at.get(room_id)
            if touched_at is None or now - touched_at >= ACTIVITY_TOUCH_SECONDS:
                touched.add(room_id)
                memory.touched_at[room_id] = now
    touch_boards(session, touched)


class WriterConnection:
    """The writer thread's connection, kept from batch to batch (open, use and close it in
    that thread only: sqlite3 connections belong to the thread that opened them)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None

    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = self.engine.connect().execution_options(
                **{CURSOR_TRANSACTION_OPTION: True}
            )
        return self._connection

    def discard(self) -> None:
        """Close the connection (after a failed batch); the next batch opens a new one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                logger.warning("closing the writer's connection failed", exc_info=True)

    def close(self) -> None:
        self.discard()
        self.engine.dispose()


def _write_batch(
    writer: WriterConnection, requests: list[AppendRequest], memory: WriterMemory
) -> _Outcomes:
    """One batch in one transaction, in the writer's thread."""
    outcomes: list[int | Exception] = []
    try:
        connection = writer.connection()
        with DirectConnection(connection).transaction():
            _append_all(connection, requests, outcomes, memory)
    except Exception as error:
        writer.discard()
        memory.after(requests, error)
        return outcomes, error
    memory.after(requests, None)
    return outcomes, None


CHECKPOINT_NICENESS: Final = 19
"""The checkpoint thread's nice value: it runs when the event loop and the writer leave the CPU
free, so copying the log never delays a note on a busy core."""


def _run_last() -> None:
    """Give the calling thread the lowest CPU priority (Linux sets it per thread)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), CHECKPOINT_NICENESS)


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    finally:
        cursor.close()


def _fail(future: asyncio.Future[int], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)


def _answer(
    batch: list[_Pending], outcomes: list[int | Exception], failure: Exception | None
) -> None:
    """Tell each caller its outcome; only after the commit may anyone hear of it."""
    for index, item in enumerate(batch):
        own = outcomes[index] if index < len(outcomes) else None
        if isinstance(own, Exception):
            _fail(item.future, own)
        elif failure is not None or own is None:
            _fail(item.future, failure or RuntimeError("request was not written"))
        elif not item.future.done():
            item.future.set_result(own)
