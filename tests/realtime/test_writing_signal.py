"""A phone saying "writing" through a real server: counted for the room, never stored."""

from __future__ import annotations

from tests.support.client import Board
from tests.support.server import ServerProcess

WRITING = '{"type": "writing"}'


async def test_the_room_sees_how_many_are_typing_until_they_add_their_note(
    live_server: ServerProcess,
) -> None:
    board = Board.create(live_server)
    facilitator = await board.facilitator()
    screen = await board.screen()
    ann = await board.join("Ann")
    bram = await board.join("Bram")
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    seq = facilitator.seq

    await ann.send_raw(WRITING)
    await bram.send_raw(WRITING)
    await facilitator.send_raw(WRITING)  # only participants write notes
    await screen.wait_for(lambda c: c.writing == 2)
    await ann.do("add_note", id="n1", circle="inner", text="Klaar")
    await screen.wait_for(lambda c: c.writing == 1)
    assert ann.seq == seq + 1  # the signals themselves stored nothing
    assert not ann.errors and not facilitator.errors


async def test_a_writing_signal_with_more_in_it_is_refused(live_server: ServerProcess) -> None:
    ann = await Board.create(live_server).join("Ann")
    await ann.send_raw('{"type": "writing", "circle": "inner"}')
    await ann.wait_for(lambda c: bool(c.errors))
    assert [e["code"] for e in ann.errors.values()] == ["bad_message"]
