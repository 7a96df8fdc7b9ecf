"""The facilitator's kit through a real server: checklist answers kept per facilitator link."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.client import create_board
from tests.support.server import ServerProcess

COUNTS = {"preparation": 9, "execution": 11, "reflection": 4}


def auth(board: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {board['facilitator_token']}"}


def kit_url(server: ServerProcess, board: dict[str, Any], suffix: str = "") -> str:
    return f"{server.url}/api/boards/{board['room_id']}/kit{suffix}"


def test_the_kit_needs_the_facilitator_token(live_server: ServerProcess) -> None:
    board = create_board(live_server.url)
    body = {"already_do": True, "want_more": False}
    assert httpx.get(kit_url(live_server, board)).status_code == 404
    wrong = {"Authorization": "Bearer nope"}
    assert httpx.get(kit_url(live_server, board), headers=wrong).status_code == 404
    put = httpx.put(kit_url(live_server, board, "/preparation/1"), json=body, headers=wrong)
    assert put.status_code == 404
    assert httpx.put(kit_url(live_server, board, "/preparation/1"), json=body).status_code == 404


def test_answers_start_empty_and_round_trip(live_server: ServerProcess) -> None:
    board = create_board(live_server.url)
    fresh = httpx.get(kit_url(live_server, board), headers=auth(board))
    assert fresh.status_code == 200
    lists = fresh.json()["checklists"]
    assert {name: len(items) for name, items in lists.items()} == COUNTS
    assert [item["item"] for item in lists["execution"]] == list(range(1, 12))
    assert not any(i["already_do"] or i["want_more"] for items in lists.values() for i in items)

    saved = httpx.put(
        kit_url(live_server, board, "/preparation/3"),
        json={"already_do": True, "want_more": False},
        headers=auth(board),
    )
    assert saved.status_code == 200
    assert saved.json()["checklist"] == "preparation" and saved.json()["item"] == 3
    httpx.put(
        kit_url(live_server, board, "/reflection/4"),
        json={"already_do": False, "want_more": True},
        headers=auth(board),
    ).raise_for_status()
    # Changing an answer replaces it.
    httpx.put(
        kit_url(live_server, board, "/preparation/3"),
        json={"already_do": True, "want_more": True},
        headers=auth(board),
    ).raise_for_status()

    # Coming back later with the same link (a reload): the answers are there.
    again = httpx.get(kit_url(live_server, board), headers=auth(board)).json()["checklists"]
    third = again["preparation"][2]
    assert third["item"] == 3 and third["already_do"] and third["want_more"]
    assert third["updated_at"] is not None
    assert again["reflection"][3]["want_more"] and not again["reflection"][3]["already_do"]
    ticked = [(n, i["item"]) for n, items in again.items() for i in items if i["updated_at"]]
    assert sorted(ticked) == [("preparation", 3), ("reflection", 4)]


def test_each_link_keeps_its_own_answers(live_server: ServerProcess) -> None:
    first = create_board(live_server.url)
    second = create_board(live_server.url)
    httpx.put(
        kit_url(live_server, first, "/execution/5"),
        json={"already_do": True, "want_more": False},
        headers=auth(first),
    ).raise_for_status()
    other = httpx.get(kit_url(live_server, second), headers=auth(second)).json()["checklists"]
    assert not other["execution"][4]["already_do"]
    # One board's token does not open another board's kit.
    assert httpx.get(kit_url(live_server, second), headers=auth(first)).status_code == 404


def test_unknown_items_and_bad_bodies_are_refused(live_server: ServerProcess) -> None:
    board = create_board(live_server.url)
    body = {"already_do": True, "want_more": False}
    for suffix in ("/preparation/0", "/preparation/10", "/execution/12", "/reflection/5"):
        put = httpx.put(kit_url(live_server, board, suffix), json=body, headers=auth(board))
        assert put.status_code == 404, suffix
    put = httpx.put(kit_url(live_server, board, "/closing/1"), json=body, headers=auth(board))
    assert put.status_code == 404
    put = httpx.put(kit_url(live_server, board, "/preparation/one"), json=body, headers=auth(board))
    assert put.status_code == 422
    for bad in (
        {"already_do": True},
        {"already_do": "yes", "want_more": False},
        {"already_do": 1, "want_more": 0},
        {"already_do": True, "want_more": False, "extra": 1},
    ):
        put = httpx.put(
            kit_url(live_server, board, "/preparation/1"), json=bad, headers=auth(board)
        )
        assert put.status_code == 422, bad


def test_saving_from_a_foreign_page_is_refused(live_server: ServerProcess) -> None:
    board = create_board(live_server.url)
    foreign = httpx.put(
        kit_url(live_server, board, "/preparation/1"),
        json={"already_do": True, "want_more": False},
        headers={**auth(board), "Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    kept = httpx.get(kit_url(live_server, board), headers=auth(board)).json()["checklists"]
    assert not kept["preparation"][0]["already_do"]


def test_deleting_the_board_with_answers_works(live_server: ServerProcess) -> None:
    board = create_board(live_server.url)
    httpx.put(
        kit_url(live_server, board, "/preparation/1"),
        json={"already_do": True, "want_more": True},
        headers=auth(board),
    ).raise_for_status()
    deleted = httpx.delete(f"{live_server.url}/api/boards/{board['room_id']}", headers=auth(board))
    assert deleted.status_code == 204
    assert httpx.get(kit_url(live_server, board), headers=auth(board)).status_code == 404
