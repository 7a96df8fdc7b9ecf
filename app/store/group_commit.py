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

Each request runs inside its own SAVEPOINT (``append`` opens it with ``begin_nested()``), so a
request that fails (SeqConflict, DuplicateOperation or anything else) is rolled back alone and
fails only its own caller; the others are committed.

Nobody hears "stored" before the commit: the futures are resolved only after COMMIT returned,
so whatever the caller acknowledges is on disk. If the commit fails, nothing of the batch was
stored and every request that had been written gets the commit's error; a request that had
already failed on its own keeps its own error, which stays true.

On SQLite, a single writer also means the process never competes with itself for the write
lock. With several processes on PostgreSQL, each has its own committer; when two of them race
for the same room's sequence number, only the request concerned fails, with SeqConflict.

A caller that stops waiting (it is cancelled) does not withdraw its request: once queued, it is
written. The client's operation id makes the retry that follows harmless.

When MAX_PENDING_APPENDS requests are waiting, ``submit()`` waits for room in the queue: a
burst slows the rooms down instead of growing memory without bound.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.store.event_log import AppendRequest, append

logger = logging.getLogger(__name__)

MAX_PENDING_APPENDS: Final = 1000
"""Requests that may wait for the writer; one batch is at most this many."""


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

    async def start(self) -> None:
        if self._writer is not None or self._closed:
            raise RuntimeError("a GroupCommitter starts once")
        self._writer = asyncio.create_task(self._run(), name="group-committer")

    async def stop(self) -> None:
        """Refuse new requests, write every request already submitted, then end the writer."""
        self._closed = True
        while self._waiting:
            await asyncio.wait(list(self._waiting))
        writer, self._writer = self._writer, None
        if writer is None:
            return
        if not writer.done():
            # Requests whose callers stopped waiting are written too.
            await self._queue.join()
            writer.cancel()
        await asyncio.wait([writer])

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
        outcomes: list[int | Exception] = []
        session = self._sessionmaker()
        try:
            async with session.begin():
                for item in batch:
                    try:
                        outcomes.append(await append(session, item.request))
                    except Exception as error:
                        outcomes.append(error)
            # Leaving session.begin() committed the batch; only now may anyone hear of it.
        except Exception as error:
            for index, item in enumerate(batch):
                own = outcomes[index] if index < len(outcomes) else error
                _fail(item.future, own if isinstance(own, Exception) else error)
        except BaseException:
            # Cancelled mid-batch: the outcome is unknown, so nobody is told it was stored.
            for item in batch:
                item.future.cancel()
            raise
        else:
            for item, outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, Exception):
                    _fail(item.future, outcome)
                elif not item.future.done():
                    item.future.set_result(outcome)
        finally:
            await _close(session)


async def _close(session: AsyncSession) -> None:
    try:
        await session.close()
    except Exception:
        # The batch's outcome is already decided; a connection that fails to go back to
        # the pool is the pool's problem, not the callers'.
        logger.exception("closing the group commit session failed")


def _fail(future: asyncio.Future[int], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)
