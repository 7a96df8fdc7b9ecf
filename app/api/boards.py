"""Create a board; read a board's summary and delete the board (facilitator)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import HubDep, SettingsDep, StoreDep
from app.api.origin import origin_allowed
from app.hub import credentials
from app.hub.hub import RoomHub
from app.hub.ports import BoardInfo
from app.ops import metrics, retention
from app.room import RoomState, limits
from app.room.state import Language, Variant
from app.room.views import snapshot_for

router = APIRouter(prefix="/api")


class BoardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: Annotated[str, Field(max_length=limits.MAX_TOPIC_LENGTH)] = ""
    language: Language = Language.NL
    anonymous: bool = False
    variant: Variant = Variant.TEAM


class BoardOut(BaseModel):
    room_id: str
    join_code: str
    facilitator_token: str
    facilitator_url: str
    join_url: str
    screen_url: str


def base_url(request: Request, public_url: str) -> str:
    return (public_url or str(request.base_url)).rstrip("/")


@router.post("/boards", status_code=status.HTTP_201_CREATED, response_model=BoardOut)
async def create_board(
    body: BoardIn, request: Request, hub: HubDep, settings: SettingsDep
) -> BoardOut:
    """Open a new board. Keep `facilitator_token` safe: it is shown only once."""
    if not origin_allowed(request.headers, settings):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "origin not allowed")
    board = await hub.create_board(body.topic, body.language, body.anonymous, body.variant)
    metrics.BOARDS_CREATED.inc()
    base = base_url(request, settings.public_url)
    return BoardOut(
        room_id=board.room_id,
        join_code=board.join_code,
        facilitator_token=board.facilitator_token,
        facilitator_url=f"{base}/f/{board.room_id}#t={board.facilitator_token}",
        join_url=f"{base}/j/{board.join_code}",
        screen_url=f"{base}/s/{board.join_code}",
    )


async def facilitated_board(hub: RoomHub, room_id: str, authorization: str | None) -> BoardInfo:
    """The board, for the holder of its facilitator token only."""
    board = await hub.store.board(room_id)
    token = (authorization or "").removeprefix("Bearer ").strip()
    if (
        board is None
        or not token
        or not credentials.token_matches(token, board.facilitator_token_hash)
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such board, or not yours")
    return board


async def facilitated_state(hub: RoomHub, room_id: str, authorization: str | None) -> RoomState:
    """The room's state, for the holder of its facilitator token only."""
    await facilitated_board(hub, room_id, authorization)
    room = await hub.room(room_id)
    return room.state


@router.get("/boards/{room_id}")
async def board_summary(
    room_id: str,
    hub: HubDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """What the board holds now, as the facilitator sees it, and when it will be deleted.

    `deletes_at` (ISO 8601, UTC): the retention period after the board's last activity; any
    change on the board moves it on.
    """
    board = await facilitated_board(hub, room_id, authorization)
    room = await hub.room(room_id)
    expiry = retention.deletes_at(board.last_activity_at, settings.retention_days)
    return {
        **snapshot_for(room.state, None),
        "join_code": board.join_code,
        "deletes_at": expiry.isoformat(timespec="seconds"),
    }


@router.delete("/boards/{room_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_board(
    room_id: str,
    request: Request,
    hub: HubDep,
    store: StoreDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    """Delete the board now with everything in it; its connected clients are closed (4404)."""
    if not origin_allowed(request.headers, settings):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "origin not allowed")
    await facilitated_board(hub, room_id, authorization)
    await retention.delete_board(hub, store, room_id, "deleted")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
