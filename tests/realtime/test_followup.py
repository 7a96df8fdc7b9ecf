"""A follow-up meeting on the same board, through a real server with real WebSocket clients."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.realtime.test_flow import fresh_view
from tests.support.client import Board, RoomClient
from tests.support.server import ServerProcess


def note(client: RoomClient, nid: str) -> dict[str, Any]:
    assert client.board is not None
    return next(n for n in client.board["notes"] if n["id"] == nid)


def without_seq(board: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in board.items() if k != "seq"}


def plan(client: RoomClient, plan_id: str) -> dict[str, Any]:
    assert client.board is not None
    return next(p for p in client.board["plans"] if p["id"] == plan_id)


async def test_a_follow_up_meeting_moves_an_item_inward_and_the_history_shows_it(
    live_server: ServerProcess,
) -> None:
    board = Board.create(live_server, "Samenwerking in het team")
    facilitator = await board.facilitator()
    screen = await board.screen()
    ann = await board.join("Ann")
    bram = await board.join("Bram")
    everyone = [facilitator, screen, ann, bram]

    # Meeting 1: both circles, a plan for the chosen outer item, then the closing.
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    await ann.do("add_note", id="in-1", circle="inner", text="We helpen elkaar")
    await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    await facilitator.do("change_phase", **{"from": "inner_reading", "to": "outer_writing"})
    await ann.do("add_note", id="out-1", circle="outer", text="Kortere vergaderingen")
    await bram.do("add_note", id="out-2", circle="outer", text="Vaker feedback")
    await facilitator.do("change_phase", **{"from": "outer_writing", "to": "outer_reading"})
    await facilitator.do("change_phase", **{"from": "outer_reading", "to": "step_forward"})
    await facilitator.do("choose_item", id="out-1")
    await facilitator.do(
        "add_plan", id="plan-1", note="out-1", what="Agenda vooraf", who="Ann", when="vrijdag"
    )
    await facilitator.do("change_phase", **{"from": "step_forward", "to": "closing"})

    # Weeks later: the follow-up meeting. A second tap (or a second screen) opens nothing.
    before = int(time.time() * 1000)
    seq = await facilitator.do("open_follow_up", meeting=2)
    assert await facilitator.refused("open_follow_up", meeting=2) == "phase_conflict"
    assert await ann.refused("move_inward", id="out-1") == "forbidden"
    for client in everyone:
        await client.wait_seq(seq)
        assert client.board is not None
        assert (client.board["meeting"], client.board["phase"]) == (2, "topic")
        assert client.board["chosen"] is None
        assert note(client, "out-1")["meeting"] == 1  # the earlier notes stay, revealed
    opened = screen.board["follow_ups"][0] if screen.board else 0
    assert before <= opened <= int(time.time() * 1000)

    seq = await facilitator.do("set_plan_status", id="plan-1", status="done")
    for client in everyone:
        await client.wait_seq(seq)
        assert plan(client, "plan-1")["status"] == "done"
        assert plan(client, "plan-1")["done_ms"] >= opened

    seq = await facilitator.do("move_inward", id="out-1")
    for client in everyone:
        await client.wait_seq(seq)
        moved = note(client, "out-1")
        assert moved["circle"] == "inner"
        assert moved["inward"]["meeting"] == 2 and moved["inward"]["at_ms"] >= opened
        # The circles hold the first meeting's notes; nothing is written in this one yet.
        assert client.board is not None and client.board["counts"] == {"inner": 0, "outer": 0}
    for client in everyone:  # what the live clients hold is what the server has
        assert client.board is not None
        truth = await fresh_view(client)
        assert without_seq(client.board) == without_seq(truth)

    # New notes of the follow-up are hidden until their reveal, as always.
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    last = await bram.do("add_note", id="in-2", circle="inner", text="Korter en op tijd klaar")
    await screen.wait_seq(last)
    assert "Korter en op tijd klaar" not in screen.texts()
    assert "Korter en op tijd klaar" not in ann.texts()

    # The history: two meetings, the moved item with its date; for the facilitator and by code.
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.get(f"/api/boards/{board.room}/history", headers=board.auth)
        assert response.status_code == 200
        history = response.json()
        assert [m["meeting"] for m in history["meetings"]] == [1, 2]
        first, second = history["meetings"]
        assert first["started_ms"] <= opened == second["started_ms"]
        assert [i["id"] for i in first["outer"]] == ["out-1", "out-2"]
        assert [i["id"] for i in second["inner"]] == ["in-1", "out-1"]
        (item,) = second["moved_inward"]
        assert item["id"] == "out-1" and item["text"] == "Kortere vergaderingen"
        assert item["inward"]["meeting"] == 2 and item["inward"]["at_ms"] >= opened
        assert first["plans"][0]["status"] == "done"
        assert "Korter en op tijd klaar" not in response.text  # hidden until its reveal

        shared = await http.get(f"/api/join/{board.code}/history")
        assert shared.status_code == 200 and shared.json() == history
        wrong = await http.get(
            f"/api/boards/{board.room}/history", headers={"Authorization": "Bearer x"}
        )
        assert wrong.status_code == 404
        assert (await http.get("/api/join/NOPE/history")).status_code == 404
        page = await http.get(f"/s/{board.code}/history")
        assert page.status_code == 200 and "history.js" in page.text
