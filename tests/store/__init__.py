"""Tests of app.store; the helpers below are shared by its test modules and fixtures."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.store import BoardRecord

NOW = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)
"""A fixed moment in the past, so that appending (which stamps the real time) is later."""


def board_record(room_id: str, *, last_activity_at: datetime = NOW) -> BoardRecord:
    return BoardRecord(
        room_id=room_id,
        join_code=f"code-{room_id}",
        facilitator_token_hash=f"hash-{room_id}",
        epoch="epoch-1",
        created_at=NOW,
        last_activity_at=last_activity_at,
    )


def another_writer_can_begin(path: Path) -> bool:
    """Whether a second connection gets the write lock right now (without waiting)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    else:
        other.execute("ROLLBACK")
        return True
    finally:
        other.close()
