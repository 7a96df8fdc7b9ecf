"""A board's history over its meetings: for its facilitator, and read-only by its join code.

The derivation lives in the core (`app.room.history`); this adds only what the log does not
hold: when the first meeting took place (the board's creation).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from app.api.boards import facilitated_board
from app.api.deps import HubDep
from app.api.join import board_by_code
from app.hub.hub import RoomHub
from app.hub.ports import BoardInfo
from app.room.history import board_history

router = APIRouter(prefix="/api")


async def history_of(hub: RoomHub, board: BoardInfo) -> dict[str, Any]:
    state = (await hub.room(board.room_id)).state
    history = board_history(state)
    first = history["meetings"][0]
    if first["started_ms"] is None:
        first["started_ms"] = int(board.created_at.timestamp() * 1000)
    return history


@router.get("/boards/{room_id}/history")
async def facilitator_history(
    room_id: str, hub: HubDep, authorization: Annotated[str | None, Header()] = None
) -> dict[str, Any]:
    """Per meeting: what was in each circle, what moved inward, and the next steps."""
    board = await facilitated_board(hub, room_id, authorization)
    return await history_of(hub, board)


@router.get("/join/{code}/history")
async def shared_history(code: str, request: Request, hub: HubDep) -> dict[str, Any]:
    """The same history for whoever has the join code: only what the shared screen shows."""
    board = await board_by_code(code, request, hub)
    return await history_of(hub, board)
