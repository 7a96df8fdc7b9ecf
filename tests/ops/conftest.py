from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.client import RoomClient


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    RoomClient.opened.clear()
    yield
    for client in RoomClient.opened:
        await client.close()
    RoomClient.opened.clear()
