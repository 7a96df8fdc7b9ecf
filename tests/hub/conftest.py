"""The hub's tests run on a real SQLite store, with the in-process broadcast."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.broadcast.memory import MemoryBroadcast
from app.hub.hub import RoomHub
from app.store.database import migrate
from app.store.room_store import SqlRoomStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlRoomStore]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    await migrate(url)
    async with SqlRoomStore(url) as s:
        yield s


@pytest.fixture
async def hub(store: SqlRoomStore) -> AsyncIterator[RoomHub]:
    async with MemoryBroadcast() as broadcast:
        h = RoomHub(store, broadcast)
        yield h
        await h.close()
