"""SIGTERM while clients write: commits in flight finish, clients hear 1012 and resume.

uvicorn's shutdown closes the listening socket, sends every WebSocket close 1012 ("service
restart") at once, lets the handlers finish the commands they were carrying out (at most
GRACEFUL_SHUTDOWN_SECONDS), runs the app's shutdown (the group committer writes what was
queued) and exits by re-raising SIGTERM. A command whose acknowledgement was lost in the
close is resent after the reconnect with the same cid and answered from the log.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
import time
from pathlib import Path

from app.room.limits import MAX_NOTES_PER_PARTICIPANT
from tests.conftest import sqlite_url
from tests.support.client import Board
from tests.support.server import ServerProcess
from tests.support.writer import Writer, acknowledged, all_acked, unacknowledged

WRITERS = 8
BURST = 5  # notes each writer sends at once just before the signal
ACKED_BEFORE_SIGNAL = 80
SERVICE_RESTART = 1012


def refuses_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


def stored_notes(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {nid for (nid,) in connection.execute("SELECT nid FROM notes")}


async def test_sigterm_finishes_commits_and_every_client_resumes(tmp_path: Path) -> None:
    database = tmp_path / "cirkelbord.sqlite3"
    server = ServerProcess(sqlite_url(database), log_path=tmp_path / "server.log").start()
    board = Board.create(server)
    facilitator = await board.facilitator()
    screen = await board.screen()
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    writers = [
        Writer(await board.join(f"W{i}"), i, limit=MAX_NOTES_PER_PARTICIPANT)
        for i in range(WRITERS)
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.write(stop)) for w in writers]
    await facilitator.wait_for(
        lambda c: c.board is not None and c.board["counts"]["inner"] >= ACKED_BEFORE_SIGNAL
    )

    # A burst from every writer and the signal right behind it; the writers go on writing
    # until their connection closes.
    for w in writers:
        for _ in range(BURST):
            await w.send_note()
    assert server.process is not None
    signalled = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    for w in writers:
        w.settle()
    at_signal = unacknowledged(writers)
    acked_before = acknowledged(writers)

    clients = [facilitator, screen, *(w.client for w in writers)]
    for client in clients:
        await client.wait_for(lambda c: c.closed is not None)
    accepting_after_close = not refuses_connections(server.port)
    stop.set()
    await asyncio.gather(*tasks)
    codes = {client.closed for client in clients}
    exit_code = await asyncio.to_thread(server.process.wait, 30)
    stopped_after = time.monotonic() - signalled
    for w in writers:
        w.settle()
    at_close = unacknowledged(writers)
    stored = stored_notes(database)
    print(
        f"\nacknowledged before SIGTERM: {len(acked_before)}; in flight at the signal: "
        f"{len(at_signal)} ({len(at_signal - at_close)} acknowledged before the close); "
        f"unacknowledged at the close: {len(at_close)}, of which committed by the stopping "
        f"server: {len(at_close & stored)}; close codes: {codes}; "
        f"exit {exit_code} after {stopped_after * 1000:.0f} ms"
    )
    assert codes == {(SERVICE_RESTART, "")}, "every client is told to come back"
    assert not accepting_after_close, "no new connections once the clients are told"
    assert exit_code == -signal.SIGTERM  # uvicorn re-raises the signal after its shutdown
    assert len(at_signal) >= BURST  # the signal did land among writes
    assert acknowledged(writers) <= stored, "an acknowledged note was lost"

    server.start()  # same database, same port
    for w in writers:
        seq_before = w.client.seq
        await w.resume()
        assert w.client.seen_seqs == sorted(set(w.client.seen_seqs)), "a seq came twice"
        assert w.client.seq >= seq_before
        await w.send_note()  # and goes on writing
        await w.client.wait_for(all_acked(w.sent))
        w.settle()
        assert not w.sent
    await screen.connect()
    await facilitator.connect()
    seq = await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    await screen.wait_seq(seq)
    assert screen.board is not None
    ids = [n["id"] for n in screen.board["notes"]]
    assert len(ids) == len(set(ids)), "a note was stored twice"
    acked = acknowledged(writers)
    assert acked_before | at_signal | at_close <= acked
    assert set(ids) == acked, f"lost: {sorted(acked - set(ids))}"
    server.stop()
