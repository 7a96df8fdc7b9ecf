"""A duo board through a real server: two duos fill in both sheets, swapping roles; partners
see each other's sheet live, the screen and the facilitator only each duo's progress, until a
sheet is shared."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from tests.support.client import Board, RoomClient
from tests.support.server import ServerProcess


def sheet(client: RoomClient, owner: str | None) -> dict[str, Any] | None:
    assert client.board is not None
    return next((s for s in client.board["sheets"] if s["owner"] == owner), None)


def steps(client: RoomClient) -> dict[str, list[str]]:
    """The overview as the screen has it: each duo's sheets' steps."""
    assert client.board is not None
    return {d["pair"]: [s["step"] for s in d["sheets"]] for d in client.board["duos"]}


def wire(client: RoomClient) -> bytes:
    """Everything this client was sent."""
    return orjson.dumps(client.messages)


async def interview(writer: RoomClient, interviewee: RoomClient, prefix: str) -> None:
    """The writer takes the interviewee's sheet through the four steps."""
    sheet = interviewee.pid
    await writer.do("set_activity", sheet=sheet, text=f"{prefix} activiteit")
    await writer.do("set_sheet_step", sheet=sheet, **{"from": "activity", "to": "inner"})
    await writer.do(
        "add_sheet_note", sheet=sheet, id=f"{prefix}-in", circle="inner", text=f"{prefix} al goed"
    )
    await writer.do("set_sheet_step", sheet=sheet, **{"from": "inner", "to": "outer"})
    await writer.do(
        "add_sheet_note", sheet=sheet, id=f"{prefix}-out", circle="outer", text=f"{prefix} wens"
    )
    await writer.do("set_sheet_step", sheet=sheet, **{"from": "outer", "to": "step_forward"})
    await writer.do("choose_sheet_item", sheet=sheet, id=f"{prefix}-out")
    await writer.do("set_small_step", sheet=sheet, text=f"{prefix} kleine stap")


async def test_two_duos_fill_both_sheets_and_the_screen_sees_only_progress(
    live_server: ServerProcess,
) -> None:
    board = Board.create(live_server, "Teamdag", variant="duo")
    facilitator = await board.facilitator()
    screen = await board.screen()
    ann, bram, cato, dirk = [await board.join(name) for name in ("Ann", "Bram", "Cato", "Dirk")]
    assert screen.board is not None and screen.board["phase"] == "pairing"

    await facilitator.do("pair_up", first=ann.pid, second=bram.pid, code="AB1")
    await cato.do("start_pair", code="cd1")
    await dirk.do("join_pair", code="CD1")
    seq = await facilitator.do("change_phase", **{"from": "pairing", "to": "duos"})
    for client in (ann, bram, cato, dirk, screen):
        await client.wait_seq(seq)
    assert steps(screen) == {"AB1": ["activity", "activity"], "CD1": ["activity", "activity"]}

    # First round: Bram interviews Ann, Dirk interviews Cato, at the same time.
    await asyncio.gather(interview(bram, ann, "ann"), interview(dirk, cato, "cato"))
    await ann.wait_for(lambda c: (sheet(c, c.pid) or {}).get("small_step") == "ann kleine stap")
    mine = sheet(ann, ann.pid)
    assert mine is not None and mine["activity"] == "ann activiteit"
    assert [n["text"] for n in mine["notes"]] == ["ann al goed", "ann wens"]
    assert mine["chosen"] == "ann-out" and mine["step"] == "step_forward"

    # Swap roles: the interviewee becomes the interviewer; the other sheet opens.
    await ann.do("swap_roles", interviewee=bram.pid)
    await cato.do("swap_roles", interviewee=dirk.pid)
    await asyncio.gather(interview(ann, bram, "bram"), interview(cato, dirk, "dirk"))
    last = await cato.do("set_small_step", sheet=dirk.pid, text="dirk kleine stap, aangepast")
    await dirk.wait_for(
        lambda c: (sheet(c, c.pid) or {}).get("small_step") == "dirk kleine stap, aangepast"
    )
    for client in (screen, facilitator, ann, bram):
        await client.wait_seq(last)

    # Partners hold both of their duo's sheets, and nothing of the other duo.
    assert {s["owner"] for s in bram.board["sheets"]} == {ann.pid, bram.pid}  # type: ignore[index]
    assert b"cato" not in wire(ann) and b"dirk" not in wire(bram)
    # The screen and the facilitator: each duo at step 4 twice, whose turn, no words at all.
    for viewer in (screen, facilitator):
        assert steps(viewer) == {"AB1": ["step_forward"] * 2, "CD1": ["step_forward"] * 2}
        assert viewer.board is not None and viewer.board["sheets"] == []
        duos = {d["pair"]: d for d in viewer.board["duos"]}
        assert duos["AB1"]["turn"] == bram.pid and duos["CD1"]["turn"] == dirk.pid
        for secret in (b"al goed", b"wens", b"activiteit", b"kleine stap"):
            assert secret not in wire(viewer), secret

    # Ann shares her sheet: it appears on the screen as her circles; Cato's stays private.
    shared = await ann.do("share_sheet", shared=True)
    for client in (screen, dirk):
        await client.wait_seq(shared)
    on_screen = sheet(screen, ann.pid)
    assert on_screen is not None and on_screen["activity"] == "ann activiteit"
    assert {n["circle"]: n["text"] for n in on_screen["notes"]} == {
        "inner": "ann al goed",
        "outer": "ann wens",
    }
    assert sheet(dirk, ann.pid) is not None  # a shared sheet is the room's
    assert b"cato al goed" not in wire(screen)

    # Taking it back removes it from every screen.
    taken_back = await ann.do("share_sheet", shared=False)
    await screen.wait_seq(taken_back)
    assert sheet(screen, ann.pid) is None

    # A fresh screen connection agrees with the one that followed along.
    late = await board.screen()
    assert late.board is not None and screen.board is not None
    assert late.board["duos"] == screen.board["duos"] and late.board["sheets"] == []
