from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.support.client import RoomClient


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    RoomClient.opened.clear()
    yield
    for client in RoomClient.opened:
        await client.close()
    RoomClient.opened.clear()


@pytest.fixture
def restored_gc() -> Iterator[None]:
    """For tests that run `cirkelbord serve` in this process: its collector settings end there."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
