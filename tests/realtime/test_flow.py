"""The whole team flow through a real server with real WebSocket clients."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.client import Board, RoomClient
from tests.support.server import ServerProcess

PARTICIPANTS = 30


async def fresh_view(client: RoomClient) -> dict[str, Any]:
    """What a brand-new connection with the same identity is sent: the server's truth."""
    probe = RoomClient(client.url.rsplit("/ws/", 1)[0], client.room_id, dict(client.hello))
    probe.pid, probe.token = client.pid, client.token
    await probe.connect()
    assert probe.board is not None
    await probe.close()
    return probe.board


async def test_thirty_participants_run_the_whole_team_flow(live_server: ServerProcess) -> None:
    board = Board.create(live_server, "Samenwerking in het team")
    facilitator = await board.facilitator()
    screen = await board.screen()
    phones = await board.phones(PARTICIPANTS)
    everyone = [facilitator, screen, *phones]

    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    await asyncio.gather(
        *(
            p.do("add_note", id=f"in-{i}", circle="inner", text=f"Wat al goed gaat {i}")
            for i, p in enumerate(phones)
        )
    )
    last = await phones[0].do(
        "add_note", id="in-extra", circle="inner", text="Nog iets <script>alert(1)</script>"
    )
    await screen.wait_seq(last)
    # Hidden: the screen and the other phones only know how many.
    assert screen.board is not None and screen.board["notes"] == []
    assert screen.board["counts"] == {"inner": PARTICIPANTS + 1, "outer": 0}
    assert phones[1].texts() == {"Wat al goed gaat 1"}

    seq = await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    for client in everyone:
        await client.wait_seq(seq)
    assert len(screen.texts()) == PARTICIPANTS + 1
    assert "Nog iets <script>alert(1)</script>" in phones[5].texts()

    assert screen.board is not None
    for note in screen.board["notes"][:3]:
        await facilitator.do("show_item", target=note["id"])
    await facilitator.do("change_phase", **{"from": "inner_reading", "to": "outer_writing"})
    await asyncio.gather(
        *(
            p.do("add_note", id=f"out-{i}", circle="outer", text=f"Wat we willen bereiken {i}")
            for i, p in enumerate(phones)
        )
    )
    await facilitator.do("change_phase", **{"from": "outer_writing", "to": "outer_reading"})
    await facilitator.do("change_phase", **{"from": "outer_reading", "to": "step_forward"})
    await facilitator.do("open_voting", dots=3)
    await asyncio.gather(*(p.do("cast_vote", id=f"out-{i % 3}") for i, p in enumerate(phones)))
    assert screen.board is not None and screen.board["voting"]["tally"] is None
    await facilitator.do("close_voting")
    await facilitator.do("choose_item", id="out-0")
    await facilitator.do(
        "add_plan", id="plan-1", note="out-0", what="Agenda vooraf delen", who="Sam", when="vrijdag"
    )
    await facilitator.do("change_phase", **{"from": "step_forward", "to": "closing"})
    await asyncio.gather(
        *(p.do("submit_reflection", useful="yes", what="De volgorde", improve="") for p in phones)
    )
    final = await facilitator.do("set_agreements", text="Over een maand weer")

    for client in everyone:
        await client.wait_seq(final)
    assert screen.board is not None
    assert screen.board["voting"]["tally"] == {"out-0": 10, "out-1": 10, "out-2": 10}
    assert screen.board["chosen"] == "out-0"
    assert screen.board["reflections"]["summary"]["yes"] == PARTICIPANTS
    # Every client holds exactly what the server would send a new connection of the same identity.
    for client in [facilitator, screen, *phones[:5]]:
        assert client.board == await fresh_view(client)
    for client in everyone:
        assert client.seen_seqs == sorted(set(client.seen_seqs)), "a sequence number came twice"
        await client.close()
