"""What the database file holds of a room, read with plain sqlite3 (the server may be running)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.store import models

ROOM_TABLES = tuple(t.name for t in models.Base.metadata.sorted_tables if "room_id" in t.c)
"""Every table that holds something of a room."""


def rows_of(database: Path, room_id: str) -> dict[str, int]:
    """How many rows each table holds for `room_id`."""
    with sqlite3.connect(database) as connection:
        return {
            table: connection.execute(
                f"SELECT count(*) FROM {table} WHERE room_id = ?", (room_id,)
            ).fetchone()[0]
            for table in ROOM_TABLES
        }


def set_last_activity(database: Path, room_id: str, at: datetime) -> None:
    """Pretend the board's last change was at `at` (UTC; stored without offset on SQLite)."""
    stamp = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's format
    with sqlite3.connect(database, timeout=10) as connection:
        connection.execute(
            "UPDATE boards SET last_activity_at = ? WHERE room_id = ?", (stamp, room_id)
        )
