"""The hub's tests run on a real SQLite store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.store.database import migrate
from app.store.room_store import SqlRoomStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlRoomStore]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    await migrate(url)
    async with SqlRoomStore(url) as s:
        yield s
