"""`cirkelbord backup PATH`: a consistent copy of the SQLite database while the server runs.

SQLite's online backup API (`sqlite3.Connection.backup`) copies the database as one read
transaction: the copy holds exactly what was committed when the backup began, and in WAL mode
the server keeps writing meanwhile. The copy is written next to PATH under a temporary name,
checked (`PRAGMA integrity_check`), flushed to disk and only then renamed to PATH, so PATH is
never a half-written file.

Every board in the copy gets a new epoch. A restored board's history ends where the backup
was taken; a phone that saw later changes on the old server must take a fresh snapshot rather
than resume from a sequence number that the restored board will reuse for other changes.

PostgreSQL has its own tools for this: `pg_dump` (see the README).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy.engine import make_url

from app.store.database import SQLITE_BUSY_TIMEOUT_MS

PARTIAL_SUFFIX: Final = ".partial"
"""The copy is written to PATH + this suffix, then renamed to PATH."""

NEW_EPOCHS: Final = "UPDATE boards SET epoch = lower(hex(randomblob(8)))"
"""A fresh random epoch per board, in the format of `credentials.new_epoch()`."""


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    boards: int
    events: int
    bytes: int


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL; BackupError for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"{url.get_backend_name()} is not SQLite: back up PostgreSQL with pg_dump "
            "(see README, Backups)"
        )
    if url.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def backup(database_url: str, target: Path) -> BackupResult:
    """Copy the database at `database_url` to `target` (replaced if it exists)."""
    source_path = sqlite_path(database_url)
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}")
    target = target.resolve()
    if target == source_path.resolve():
        raise BackupError("the backup must not replace the database itself")
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    partial.unlink(missing_ok=True)
    try:
        _copy(source_path, partial)
        boards, events = _prepare(partial)
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, boards, events, target.stat().st_size)


def _copy(source_path: Path, partial: Path) -> None:
    source = sqlite3.connect(source_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        copy = sqlite3.connect(partial)
        try:
            # pages=-1: everything in one step, so one read transaction sees one moment.
            source.backup(copy, pages=-1)
        finally:
            copy.close()
    finally:
        source.close()


def _prepare(partial: Path) -> tuple[int, int]:
    """New epochs, a self-contained file (no -wal beside it), checked; returns the counts."""
    copy = sqlite3.connect(partial, isolation_level=None)
    try:
        copy.execute("PRAGMA journal_mode=DELETE")
        copy.execute("BEGIN IMMEDIATE")
        copy.execute(NEW_EPOCHS)
        copy.execute("COMMIT")
        (check,) = copy.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise BackupError(f"the copy failed its integrity check: {check}")
        (boards,) = copy.execute("SELECT count(*) FROM boards").fetchone()
        (events,) = copy.execute("SELECT count(*) FROM room_events").fetchone()
    except sqlite3.DatabaseError as failure:
        raise BackupError(f"the copy is not a Cirkelbord database: {failure}") from failure
    finally:
        copy.close()
    return int(boards), int(events)


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    descriptor = os.open(path, flags)
    try:
        with contextlib.suppress(OSError):  # some file systems cannot fsync a directory
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
