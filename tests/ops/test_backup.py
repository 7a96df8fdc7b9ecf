"""`cirkelbord backup PATH` while the server writes: the copy serves, with all that was acked."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.ops import backup
from tests.conftest import sqlite_url
from tests.support.client import Board, create_board
from tests.support.server import ROOT, ServerProcess
from tests.support.writer import Writer, acknowledged, all_acked, unacknowledged

WRITERS = 4
ACKED_BEFORE_BACKUP = 40
ACKED_AFTER_BACKUP = 20


def run_backup(database: Path, target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "backup", str(target)],
        cwd=ROOT,
        env={**os.environ, "CIRKELBORD_DATABASE_URL": sqlite_url(database)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_a_backup_taken_while_writing_serves_everything_acked_before_it(
    tmp_path: Path,
) -> None:
    database = tmp_path / "live" / "cirkelbord.sqlite3"
    database.parent.mkdir()
    copy = tmp_path / "backups" / "cirkelbord-copy.sqlite3"
    copy.parent.mkdir()
    server = ServerProcess(sqlite_url(database), log_path=tmp_path / "live.log").start()
    board = Board.create(server)
    facilitator = await board.facilitator()
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    screen = await board.screen()
    writers = [Writer(await board.join(f"W{i}"), i) for i in range(WRITERS)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.write(stop)) for w in writers]
    await screen.wait_for(
        lambda c: c.board is not None and c.board["counts"]["inner"] >= ACKED_BEFORE_BACKUP
    )

    for w in writers:
        w.settle()
    acked_before = acknowledged(writers)
    done = await asyncio.to_thread(run_backup, database, copy)  # the writers go on meanwhile
    assert done.returncode == 0, done.stderr
    assert f"to {copy}" in done.stdout and "backed up 1 boards" in done.stdout

    await screen.wait_for(
        lambda c: (
            c.board is not None
            and c.board["counts"]["inner"] >= len(acked_before) + ACKED_AFTER_BACKUP
        )
    )
    stop.set()
    await asyncio.gather(*tasks)
    for w in writers:
        await w.client.wait_for(all_acked(w.sent))
        w.settle()
    everything = acknowledged(writers) | unacknowledged(writers)
    old_epoch = screen.epoch
    server.stop()
    assert not copy.with_name(copy.name + backup.PARTIAL_SUFFIX).exists()
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restored = ServerProcess(sqlite_url(copy), log_path=tmp_path / "restored.log").start()
    try:
        # The screen of the old server comes back to the restored one: a new epoch, so it
        # gets a fresh snapshot instead of a resume into a history that went another way.
        screen.url = f"{restored.ws_url}/ws/{board.room}"
        seen = len(screen.messages)
        await screen.connect(wait=False)
        await screen.wait_for(lambda c: any(m["type"] == "snapshot" for m in c.messages[seen:]))
        welcome, snapshot = (m for m in screen.messages[seen:] if m["type"] != "presence")
        assert welcome["type"] == "welcome" and snapshot["type"] == "snapshot"
        assert welcome["epoch"] == snapshot["epoch"] == screen.epoch != old_epoch
        fac = await board.via(restored).facilitator()
        seq = await fac.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
        await fac.wait_seq(seq)
        assert fac.board is not None
        ids = {n["id"] for n in fac.board["notes"]}
        print(
            f"\nacknowledged before the backup: {len(acked_before)}; in the copy: {len(ids)}; "
            f"acknowledged by the end: {len(acknowledged(writers))}"
        )
        assert acked_before <= ids, f"lost: {sorted(acked_before - ids)}"
        assert ids <= everything
        assert len(ids) < len(everything), "the copy holds the moment of the backup, not later"
    finally:
        restored.stop()


def test_a_backup_replaces_an_older_one_and_never_the_database(tmp_path: Path) -> None:
    database = tmp_path / "cirkelbord.sqlite3"
    server = ServerProcess(sqlite_url(database)).start()
    try:
        create_board(server.url)
    finally:
        server.stop()
    target = tmp_path / "copy.sqlite3"
    target.write_text("an older backup")
    result = backup.backup(sqlite_url(database), target)
    assert (result.boards, result.path, result.bytes) == (1, target, target.stat().st_size)
    with sqlite3.connect(target) as check:
        assert check.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    with pytest.raises(backup.BackupError, match="must not replace"):
        backup.backup(sqlite_url(database), database)
    with pytest.raises(backup.BackupError, match="no database"):
        backup.backup(sqlite_url(tmp_path / "missing.sqlite3"), target)


def test_postgresql_is_backed_up_with_pg_dump(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "backup", str(tmp_path / "x")],
        cwd=ROOT,
        env={**os.environ, "CIRKELBORD_DATABASE_URL": "postgresql+asyncpg://u:p@localhost/db"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "pg_dump" in done.stderr
    assert not (tmp_path / "x").exists()
