"""Deleting now: the facilitator deletes a board, a participant deletes their own note."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from app.realtime.protocol import PROTOCOL_VERSION, CloseCode
from tests.conftest import sqlite_url
from tests.ops.rows import rows_of
from tests.support.client import Board, RoomClient
from tests.support.server import ServerProcess

SCREEN_UPDATE_SECONDS = 1.0
""""At once": a deleted note is off the shared screen within this time."""


async def test_the_facilitator_deletes_a_board_and_everyone_is_told(tmp_path: Path) -> None:
    database = tmp_path / "cirkelbord.sqlite3"
    server = ServerProcess(sqlite_url(database), log_path=tmp_path / "server.log").start()
    try:
        board, other = Board.create(server), Board.create(server)
        room, code = board.room, board.code
        facilitator = await board.facilitator()
        screen = await board.screen()
        phone = await board.join("Ann")
        await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
        await phone.do("add_note", id="n1", circle="inner", text="Geheim")
        url = f"{server.url}/api/boards/{room}"
        assert rows_of(database, room)["notes"] == 1

        async with httpx.AsyncClient() as http:
            # Only the facilitator, and only from the board's own origin.
            assert (await http.delete(url)).status_code == 404
            wrong = {"Authorization": "Bearer nope"}
            assert (await http.delete(url, headers=wrong)).status_code == 404
            assert (await http.delete(url, headers=other.auth)).status_code == 404
            foreign = {**board.auth, "Origin": "https://evil.example"}
            assert (await http.delete(url, headers=foreign)).status_code == 403
            assert rows_of(database, room)["boards"] == 1 and phone.closed is None

            assert (await http.delete(url, headers=board.auth)).status_code == 204
            for client in (facilitator, screen, phone):
                await client.wait_for(lambda c: c.closed is not None)
                assert client.closed == (CloseCode.UNKNOWN_ROOM, "board deleted")
            assert set(rows_of(database, room).values()) == {0}
            assert rows_of(database, other.room)["boards"] == 1
            assert (await http.get(url, headers=board.auth)).status_code == 404
            assert (await http.delete(url, headers=board.auth)).status_code == 404
            assert (await http.get(f"{server.url}/api/join/{code}")).status_code == 404

        # Coming back finds no room.
        again = RoomClient(
            board.ws_url,
            room,
            {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen", "code": code},
        )
        await again.connect(wait=False)
        await again.wait_for(lambda c: c.closed is not None)
        assert again.closed is not None and again.closed[0] == CloseCode.UNKNOWN_ROOM
    finally:
        server.stop()


async def test_a_participant_deletes_a_revealed_note_and_the_screen_drops_it_at_once(
    live_server: ServerProcess,
) -> None:
    board = Board.create(live_server)
    facilitator = await board.facilitator()
    screen = await board.screen()
    ann = await board.join("Ann")
    bob = await board.join("Bob")
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    await ann.do("add_note", id="a1", circle="inner", text="Spijt van deze")
    await ann.do("add_note", id="a2", circle="inner", text="Deze mag blijven")
    seq = await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    await screen.wait_seq(seq)
    assert screen.texts() == {"Spijt van deze", "Deze mag blijven"}

    assert await bob.refused("delete_note", id="a1") == "not_your_note"
    assert await facilitator.refused("delete_note", id="a1") in ("forbidden", "not_your_note")

    started = time.monotonic()
    seq = await ann.do("delete_note", id="a1")
    for viewer in (screen, bob, facilitator):
        await viewer.wait_seq(seq)
    elapsed = time.monotonic() - started
    print(f"deleted note gone from the screen after {elapsed * 1000:.1f} ms")
    assert elapsed < SCREEN_UPDATE_SECONDS
    for viewer in (screen, bob, facilitator, ann):
        assert viewer.texts() == {"Deze mag blijven"}
        assert viewer.board is not None and viewer.board["counts"]["inner"] == 1

    # A screen that connects later never sees it either.
    late = await board.screen()
    assert late.texts() == {"Deze mag blijven"}
