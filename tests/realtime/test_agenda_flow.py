"""A whole meeting along its agenda through a real server: warm-up, round I, the pause, round
II on a new topic, and the closing."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise
from typing import Any

import httpx

from tests.support.client import Board, RoomClient
from tests.support.server import ServerProcess

PHONES = 4
PAUSE_MS = 5 * 60_000


async def move(facilitator: RoomClient, start: str | None, to: str) -> int:
    return await facilitator.do("move_part", **{"from": start, "to": to})


async def phases(facilitator: RoomClient, *steps: str) -> int:
    seq = 0
    for start, to in pairwise(steps):
        seq = await facilitator.do("change_phase", **{"from": start, "to": to})
    return seq


async def all_at(clients: list[RoomClient], seq: int) -> None:
    await asyncio.gather(*(c.wait_seq(seq) for c in clients))


def agenda_of(client: RoomClient) -> dict[str, Any]:
    assert client.board is not None
    value: dict[str, Any] = client.board["agenda"]
    return value


async def test_a_meeting_along_its_agenda(live_server: ServerProcess) -> None:
    board = Board.create(live_server, "Samenwerking in het team")
    facilitator = await board.facilitator()
    screen = await board.screen()
    phones = await board.phones(PHONES)
    everyone = [facilitator, screen, *phones]
    assert agenda_of(screen)["part"] is None

    # Warm-up: everyone sees the part and its countdown.
    seq = await move(facilitator, None, "warm_up")
    await all_at(everyone, seq)
    for client in everyone:
        assert agenda_of(client)["part"] == "warm_up"
        assert agenda_of(client)["clock"]["running"] is True
    assert await facilitator.refused("move_part", **{"from": None, "to": "warm_up"}) == (
        "phase_conflict"
    )
    assert await phones[0].refused("move_part", **{"from": "warm_up", "to": "round_1"}) == (
        "forbidden"
    )

    # Round I: a few notes in both circles, a vote, a chosen item and a plan.
    await move(facilitator, "warm_up", "round_1")
    await phases(facilitator, "topic", "inner_writing")
    for i, phone in enumerate(phones):
        await phone.do("add_note", id=f"r1-in-{i}", circle="inner", text=f"Ronde een binnen {i}")
    await phases(facilitator, "inner_writing", "inner_reading", "outer_writing")
    for i, phone in enumerate(phones[:2]):
        await phone.do("add_note", id=f"r1-out-{i}", circle="outer", text=f"Ronde een buiten {i}")
    await phases(facilitator, "outer_writing", "outer_reading", "step_forward")
    await facilitator.do("open_voting", dots=1)
    await phones[0].do("cast_vote", id="r1-out-1")
    await facilitator.do("close_voting")
    await facilitator.do("choose_item", id="r1-out-1")
    seq = await facilitator.do(
        "add_plan", id="plan-r1", note="r1-out-1", what="Elke week terugblikken"
    )
    await all_at(everyone, seq)
    assert len(screen.texts()) == PHONES + 2

    # The pause: its five-minute deadline reaches the phones and the screen.
    before = int(time.time() * 1000)
    seq = await move(facilitator, "round_1", "pause")
    await all_at(everyone, seq)
    deadline = agenda_of(facilitator)["clock"]["deadline_ms"]
    assert before + PAUSE_MS - 5_000 <= deadline <= int(time.time() * 1000) + PAUSE_MS
    for client in [screen, *phones]:
        assert agenda_of(client)["part"] == "pause"
        assert agenda_of(client)["clock"]["deadline_ms"] == deadline
    assert screen.board is not None and screen.board["timer"] is None
    # The facilitator lengthens the pause by two minutes: the deadline moves for everyone.
    seq = await facilitator.do("set_part_minutes", part="pause", minutes=7)
    await all_at(everyone, seq)
    assert agenda_of(phones[2])["clock"]["deadline_ms"] == deadline + 2 * 60_000
    assert await facilitator.refused("set_part_minutes", part="pause", minutes=0) == "bad_value"

    # Round II: a new topic, empty circles; round I stays in the export.
    seq = await move(facilitator, "pause", "round_2")
    await all_at(everyone, seq)
    for client in everyone:
        assert client.board is not None
        assert client.board["round"] == 2
        assert client.board["phase"] == "topic" and client.board["topic"] == ""
        assert client.board["notes"] == [] and client.board["plans"] == []
        assert client.board["counts"] == {"inner": 0, "outer": 0}
        assert client.board["chosen"] is None
    assert await phones[0].refused("edit_note", id="r1-in-0", text="later") == "unknown_note"
    assert await facilitator.refused("set_round_two", included=False) == "wrong_phase"
    await facilitator.do("set_topic", topic="De overdracht")
    await phases(facilitator, "topic", "inner_writing")
    await phones[1].do("add_note", id="r2-in-1", circle="inner", text="Ronde twee binnen")
    seq = await phases(facilitator, "inner_writing", "inner_reading")
    await all_at(everyone, seq)
    assert screen.texts() == {"Ronde twee binnen"}
    assert phones[0].board is not None and phones[0].board["me"]["notes"] == []

    # The closing: the phones answer, the facilitator writes the agreements.
    seq = await move(facilitator, "round_2", "closing")
    await all_at(everyone, seq)
    assert screen.board is not None and screen.board["phase"] == "closing"
    await asyncio.gather(
        *(p.do("submit_reflection", useful="yes", what="De pauze", improve="") for p in phones)
    )
    final = await facilitator.do("set_agreements", text="Over een maand weer")
    await all_at(everyone, final)
    assert screen.board is not None
    assert screen.board["reflections"]["summary"]["yes"] == PHONES
    assert screen.board["agreements"] == "Over een maand weer"

    async with httpx.AsyncClient(headers=board.auth) as http:
        base = f"{live_server.url}/api/boards/{board.room}"
        data = (await http.get(f"{base}/export.json")).json()
        markdown = (await http.get(f"{base}/export.md")).text
    first, second = data["rounds"]
    assert (first["round"], first["topic"]) == (1, "Samenwerking in het team")
    assert {n["id"] for n in first["inner"]} == {f"r1-in-{i}" for i in range(PHONES)}
    assert first["chosen"] == "r1-out-1" and first["plans"][0]["what"] == "Elke week terugblikken"
    assert [n["dots"] for n in first["outer"]] == [0, 1]
    assert (second["topic"], [n["id"] for n in second["inner"]]) == ("De overdracht", ["r2-in-1"])
    assert "## Ronde I: Samenwerking in het team" in markdown
    assert markdown.index("Ronde een binnen 0") < markdown.index("Ronde twee binnen")

    for client in everyone:
        assert client.seen_seqs == sorted(set(client.seen_seqs)), "a sequence number came twice"
