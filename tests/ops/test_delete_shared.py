"""Two processes on PostgreSQL and Redis: deleting a board on one closes its clients on both."""

from __future__ import annotations

import httpx
import pytest

from app.realtime.protocol import PROTOCOL_VERSION, CloseCode
from tests.support.client import Board, RoomClient
from tests.support.server import ServerProcess

pytestmark = pytest.mark.services


async def test_deleting_on_one_process_disconnects_the_clients_of_the_other(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two_servers
    board, other = Board.create(a), Board.create(a)
    on_a = await board.join("A")
    on_b = [await board.via(b).screen(), await board.via(b).join("B")]
    bystander = await other.via(b).screen()
    async with httpx.AsyncClient() as http:
        deleted = await http.delete(f"{a.url}/api/boards/{board.room}", headers=board.auth)
    assert deleted.status_code == 204
    for client in (on_a, *on_b):
        await client.wait_for(lambda c: c.closed is not None)
        assert client.closed == (CloseCode.UNKNOWN_ROOM, "board deleted")
    assert bystander.closed is None
    again = RoomClient(
        b.ws_url,
        board.room,
        {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen", "code": board.code},
    )
    await again.connect(wait=False)
    await again.wait_for(lambda c: c.closed is not None)
    assert again.closed is not None and again.closed[0] == CloseCode.UNKNOWN_ROOM
