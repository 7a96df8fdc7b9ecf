"""Group commit: one transaction per batch, failures stay with their request, ack after commit."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from app.room import events as ev
from app.room.events import Event
from app.room.state import Circle, Language, Variant
from app.store import (
    AppendRequest,
    BoardRecord,
    CommitterClosed,
    DuplicateOperation,
    GroupCommitter,
    SeqConflict,
    create_engine,
    create_sessionmaker,
    find_operation,
    get_board,
    group_commit,
    insert_board,
    last_seq,
    load,
    metadata,
    migrate,
)
from tests.store import NOW, board_record

AddBoard = Callable[[str], Awaitable[BoardRecord]]
Sessions = async_sessionmaker[AsyncSession]


class DiskFull(Exception):
    pass


class Commits:
    """Counts the committer's commits, runs a check at each, and can make them fail.

    On PostgreSQL (and an in-memory SQLite database) the committer writes through the async
    session, whose commits the session events see; on a SQLite file it writes on a connection
    of its own engine, whose commits the engine's "commit" event sees (before each commit).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        class CountedSession(Session):
            pass

        self.count = 0
        self.fail_with: Exception | None = None
        self.on_commit: Callable[[], None] = lambda: None
        self._committers: list[GroupCommitter] = []
        event.listen(CountedSession, "before_commit", self._before_commit)
        event.listen(CountedSession, "after_commit", self._after_commit)
        event.listen(Engine, "commit", self._engine_commit)
        self.sessionmaker = async_sessionmaker(
            engine, expire_on_commit=False, sync_session_class=CountedSession
        )

    def committer(self, **options: Any) -> GroupCommitter:
        made = GroupCommitter(self.sessionmaker, **options)
        self._committers.append(made)
        return made

    def close(self) -> None:
        event.remove(Engine, "commit", self._engine_commit)

    # The session events fire for savepoints too; only the outermost commit counts.

    def _before_commit(self, session: Session) -> None:
        if self.fail_with is not None and not session.in_nested_transaction():
            raise self.fail_with

    def _after_commit(self, session: Session) -> None:
        if not session.in_nested_transaction():
            self.count += 1
            self.on_commit()

    def _engine_commit(self, connection: Connection) -> None:
        if not any(connection.engine is c._sync_engine for c in self._committers):
            return
        if self.fail_with is not None:
            raise self.fail_with
        self.count += 1
        self.on_commit()


@pytest.fixture
def commits(engine: AsyncEngine) -> Iterator[Commits]:
    made = Commits(engine)
    yield made
    made.close()


SqliteFile = tuple[Path, AsyncEngine]


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> AsyncIterator[SqliteFile]:
    """A migrated SQLite file holding board "a": there the committer writes in a thread."""
    path = tmp_path / "writer.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await migrate(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            await insert_board(session, board_record("a"))
        yield path, engine
    finally:
        await engine.dispose()


def created(room_id: str) -> ev.BoardCreated:
    return ev.BoardCreated(room_id, "Topic", Variant.TEAM, Language.NL, anonymous=False)


def note(nid: str) -> ev.NoteAdded:
    return ev.NoteAdded(nid=nid, author="p1", circle=Circle.INNER, text=f"note {nid}")


def request(room_id: str, seq: int, cid: str | None = None, actor: str = "p1") -> AppendRequest:
    events: list[Event] = [created(room_id)] if seq == 0 else [note(f"{room_id}-{seq}")]
    return AppendRequest(room_id, seq, events, cid=cid or f"{room_id}-c{seq}", actor=actor)


def outcomes(results: Iterable[object]) -> Iterator[str]:
    for result in results:
        yield type(result).__name__ if isinstance(result, BaseException) else str(result)


async def test_many_concurrent_appends_all_land_in_few_commits(
    add_board: AddBoard, commits: Commits, engine: AsyncEngine
) -> None:
    rooms = [f"room-{n}" for n in range(20)]
    for room_id in rooms:
        await add_board(room_id)
    requests = [request(room_id, seq) for seq in range(10) for room_id in rooms]

    async with commits.committer() as committer:
        results = await asyncio.gather(*(committer.submit(r) for r in requests))

    assert results == [r.expected_seq + 1 for r in requests]
    assert 1 <= commits.count < len(requests)
    for room_id in rooms:
        stored = await load(engine, room_id)
        assert [seq for seq, _ in stored] == list(range(1, 11))
        assert stored[0][1] == created(room_id)
        assert await find_operation(engine, room_id, f"{room_id}-c9") == (10, "p1")


async def test_a_failing_request_fails_alone(
    add_board: AddBoard, commits: Commits, engine: AsyncEngine
) -> None:
    for room_id in ("a", "b", "c"):
        await add_board(room_id)
    async with commits.committer() as committer:
        await committer.submit(request("c", 0, cid="first", actor="anna"))
        commits.count = 0
        batch = [
            request("a", 0),
            request("a", 0, cid="stale"),  # read the same state as the one before it
            request("b", 0),
            request("c", 1, cid="first", actor="bram"),  # a resent operation
            request("b", 1),
            AppendRequest("nowhere", 0, [created("nowhere")]),  # no such board
            request("a", 1),
        ]
        results = await asyncio.gather(
            *(committer.submit(r) for r in batch), return_exceptions=True
        )

    assert list(outcomes(results)) == [
        "1",
        "SeqConflict",
        "1",
        "DuplicateOperation",
        "2",
        "IntegrityError",
        "2",
    ]
    assert isinstance(results[1], SeqConflict)
    duplicate = results[3]
    assert isinstance(duplicate, DuplicateOperation)
    assert (duplicate.seq, duplicate.actor) == (1, "anna")
    assert commits.count == 1
    assert [seq for seq, _ in await load(engine, "a")] == [1, 2]
    assert [seq for seq, _ in await load(engine, "b")] == [1, 2]
    assert await last_seq(engine, "c") == 1
    assert await find_operation(engine, "a", "stale") is None


async def test_a_writer_that_took_the_number_meanwhile_is_still_a_conflict(
    add_board: AddBoard, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    """The committer skips reading the log when it wrote the room's last event itself; a
    number taken by another writer since then is caught by the (room_id, seq) key."""
    await add_board("x")
    async with GroupCommitter(sessionmaker) as ours, GroupCommitter(sessionmaker) as theirs:
        assert await ours.submit(request("x", 0)) == 1
        assert await theirs.submit(request("x", 1)) == 2
        with pytest.raises(SeqConflict):
            await ours.submit(request("x", 1, cid="late"))
        assert await ours.submit(request("x", 2)) == 3
        with pytest.raises(SeqConflict):  # past the end of the log
            await ours.submit(request("x", 5))
    assert [seq for seq, _ in await load(engine, "x")] == [1, 2, 3]
    assert await find_operation(engine, "x", "late") is None


async def test_a_failing_commit_fails_the_whole_batch(
    add_board: AddBoard, commits: Commits, engine: AsyncEngine
) -> None:
    for room_id in ("a", "b"):
        await add_board(room_id)
    commits.fail_with = DiskFull("no space left on device")
    async with commits.committer() as committer:
        results = await asyncio.gather(
            committer.submit(request("a", 0)),
            committer.submit(request("a", 5)),  # fails on its own first
            committer.submit(request("b", 0)),
            return_exceptions=True,
        )
        assert list(outcomes(results)) == ["DiskFull", "SeqConflict", "DiskFull"]
        assert await last_seq(engine, "a") == 0
        assert await last_seq(engine, "b") == 0

        # The committer carries on with the next batch.
        commits.fail_with = None
        assert await committer.submit(request("a", 0)) == 1


async def activity_of(sessionmaker: Sessions, room_id: str) -> datetime:
    async with sessionmaker() as session:
        board = await get_board(session, room_id)
    assert board is not None
    return board.last_activity_at


async def test_a_boards_activity_time_moves_at_most_once_a_minute(
    add_board: AddBoard, sessionmaker: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_board("a")
    async with GroupCommitter(sessionmaker) as committer:
        await committer.submit(request("a", 0))
        first = await activity_of(sessionmaker, "a")
        assert first > NOW  # the board's first change in this process moves it
        await committer.submit(request("a", 1))
        assert await activity_of(sessionmaker, "a") == first  # within the minute: not again
        monkeypatch.setattr(group_commit, "ACTIVITY_TOUCH_SECONDS", 0.0)  # a minute later
        await committer.submit(request("a", 2))
        assert await activity_of(sessionmaker, "a") > first


async def test_a_failed_commit_moved_no_activity_time(
    add_board: AddBoard, commits: Commits
) -> None:
    await add_board("a")
    async with commits.committer() as committer:
        commits.fail_with = DiskFull("no space left on device")
        with pytest.raises(DiskFull):
            await committer.submit(request("a", 0))
        commits.fail_with = None
        await committer.submit(request("a", 0))  # so this one moves it
    assert await activity_of(commits.sessionmaker, "a") > NOW


async def test_nobody_hears_of_a_request_before_its_commit(
    add_board: AddBoard, commits: Commits, engine: AsyncEngine
) -> None:
    await add_board("a")
    done_at_commit: list[list[bool]] = []
    tasks: list[asyncio.Task[int]] = []
    commits.on_commit = lambda: done_at_commit.append([t.done() for t in tasks])

    async def submit_and_check(committer: GroupCommitter, seq: int) -> int:
        stored = await committer.submit(request("a", seq))
        # Acknowledged means committed: a fresh connection sees it already.
        assert await last_seq(engine, "a") >= stored
        return stored

    async with commits.committer() as committer:
        tasks.extend(asyncio.create_task(submit_and_check(committer, seq)) for seq in range(5))
        assert await asyncio.gather(*tasks) == [1, 2, 3, 4, 5]

    assert done_at_commit
    assert not any(any(done) for done in done_at_commit)


async def test_stop_writes_everything_already_submitted(
    add_board: AddBoard, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    await add_board("a")
    committer = GroupCommitter(sessionmaker)
    await committer.start()
    tasks = [asyncio.create_task(committer.submit(request("a", seq))) for seq in range(30)]
    await asyncio.sleep(0)
    await committer.stop()
    assert all(t.done() for t in tasks)
    assert [t.result() for t in tasks] == list(range(1, 31))
    assert await last_seq(engine, "a") == 30
    with pytest.raises(CommitterClosed):
        await committer.submit(request("a", 30))


async def test_a_caller_that_stops_waiting_does_not_withdraw_its_request(
    add_board: AddBoard, sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    await add_board("a")
    async with GroupCommitter(sessionmaker) as committer:
        impatient = asyncio.create_task(committer.submit(request("a", 0, cid="retry-me")))
        await asyncio.sleep(0)
        impatient.cancel()
        with pytest.raises(asyncio.CancelledError):
            await impatient
    assert await find_operation(engine, "a", "retry-me") == (1, "p1")


async def test_a_full_queue_makes_submitters_wait(
    add_board: AddBoard, commits: Commits, engine: AsyncEngine
) -> None:
    await add_board("a")
    async with commits.committer(max_pending=1) as committer:
        results = await asyncio.gather(*(committer.submit(request("a", s)) for s in range(20)))
    assert results == list(range(1, 21))
    assert await last_seq(engine, "a") == 20


async def test_submit_needs_a_running_committer(sessionmaker: Sessions) -> None:
    committer = GroupCommitter(sessionmaker)
    with pytest.raises(CommitterClosed):
        await committer.submit(request("a", 0))
    await committer.start()
    with pytest.raises(RuntimeError):
        await committer.start()
    await committer.stop()
    with pytest.raises(RuntimeError):
        await committer.start()


async def test_a_writer_thread_that_takes_no_more_work_fails_the_batch_not_the_writer(
    sqlite_file: SqliteFile,
) -> None:
    _, engine = sqlite_file
    async with GroupCommitter(create_sessionmaker(engine)) as committer:
        assert await committer.submit(request("a", 0)) == 1
        thread = committer._thread
        assert thread is not None
        thread.shutdown()
        with pytest.raises(RuntimeError, match="shutdown"):
            async with asyncio.timeout(5):  # answered, not left waiting
                await committer.submit(request("a", 1))
        assert committer._writer is not None and not committer._writer.done()
        committer._thread = ThreadPoolExecutor(1)  # stop() closes the connection there
    assert await last_seq(engine, "a") == 1


async def test_an_in_memory_sqlite_database_is_written_on_the_event_loop() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker.begin() as session:
            await insert_board(session, board_record("a"))
        async with GroupCommitter(sessionmaker) as committer:
            results = await asyncio.gather(*(committer.submit(request("a", s)) for s in range(5)))
            with pytest.raises(SeqConflict):
                await committer.submit(request("a", 2, cid="late"))
        assert results == [1, 2, 3, 4, 5]
        assert await last_seq(engine, "a") == 5
    finally:
        await engine.dispose()


async def test_on_sqlite_the_log_is_checkpointed_off_the_writers_path(
    sqlite_file: SqliteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer's commits never checkpoint (no stall on an acknowledgement); a thread of
    its own copies the log into the database file."""
    path, engine = sqlite_file
    sessionmaker = create_sessionmaker(engine)
    size = path.stat().st_size
    async with GroupCommitter(sessionmaker) as committer:
        for seq in range(0, 300, 20):
            await asyncio.gather(*(committer.submit(request("a", s)) for s in range(seq, seq + 20)))
            if seq + 20 < group_commit.CHECKPOINT_AFTER_APPENDS:
                assert committer._checkpointing is None  # too little appended yet

        def writer_setting() -> int:
            assert committer._writer_db is not None
            connection = committer._writer_db.connection()
            value = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
            connection.rollback()
            return int(value)

        loop = asyncio.get_running_loop()
        assert await loop.run_in_executor(committer._thread, writer_setting) == 0
        first = committer._checkpointing
        assert first is not None  # started once enough was appended
        await first
        monkeypatch.setattr(group_commit, "CHECKPOINT_EVERY_SECONDS", 0.0)
        committer._checkpoint_soon()
        assert committer._checkpointing is first  # 100 appends since: not yet
        monkeypatch.setattr(group_commit, "CHECKPOINT_AFTER_APPENDS", 100)
        committer._checkpoint_soon()
        assert committer._checkpointing is not first
        await committer._checkpointing

        def niceness() -> int:
            return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

        # Copying the log waits for a free CPU: it never takes one from the event loop.
        assert committer._checkpoints is not None
        checkpointer = await loop.run_in_executor(committer._checkpoints, niceness)
        assert checkpointer == group_commit.CHECKPOINT_NICENESS
        assert await loop.run_in_executor(committer._thread, niceness) == os.getpriority(
            os.PRIO_PROCESS, 0
        )  # the writer, on every acknowledgement's path, keeps the server's
    assert path.stat().st_size > size, "nothing was copied from the log"
    assert await last_seq(engine, "a") == 300


async def test_on_sqlite_the_writer_keeps_its_connection_until_a_batch_fails(
    sqlite_file: SqliteFile,
) -> None:
    _, engine = sqlite_file
    commits = Commits(engine)
    try:
        async with commits.committer() as committer:
            writer = committer._writer_db
            assert writer is not None

            async def written(seq: int) -> int:
                return await committer.submit(request("a", seq))

            await written(0)
            first = writer._connection
            await written(1)
            assert first is not None and writer._connection is first  # no new one per batch
            commits.fail_with = DiskFull("no space left on device")
            with pytest.raises(DiskFull):
                await written(2)
            assert writer._connection is None  # closed with the failed batch
            commits.fail_with = None
            assert await written(2) == 3
            assert writer._connection is not None and writer._connection is not first
        assert await last_seq(engine, "a") == 3
    finally:
        commits.close()
