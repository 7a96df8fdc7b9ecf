"""Create a board; read a board's summary (facilitator)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import HubDep, SettingsDep
from app.api.origin import origin_allowed
from app.hub import credentials
from app.hub.hub import RoomHub
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
    base = base_url(request, settings.public_url)
    return BoardOut(
        room_id=board.room_id,
        join_code=board.join_code,
        facilitator_token=board.facilitator_token,
        facilitator_url=f"{base}/f/{board.room_id}#t={board.facilitator_token}",
        join_url=f"{base}/j/{board.join_code}",
        screen_url=f"{base}/s/{board.join_code}",
    )


async def facilitated_state(hub: RoomHub, room_id: str, authorization: str | None) -> RoomState:
    """The room's state, for the holder of its facilitator token only."""
    board = await hub.store.board(room_id)
    token = (authorization or "").removeprefix("Bearer ").strip()
    if (
        board is None
        or not token
        or not credentials.token_matches(token, board.facilitator_token_hash)
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such board, or not yours")
    room = await hub.room(room_id)
    return room.state


@router.get("/boards/{room_id}")
async def board_summary(
    room_id: str, hub: HubDep, authorization: Annotated[str | None, Header()] = None
) -> dict[str, Any]:
    """What the board holds now, as the shared screen sees it."""
    state = await facilitated_state(hub, room_id, authorization)
    board = await hub.store.board(room_id)
    assert board is not None
    return {**snapshot_for(state, None), "join_code": board.join_code}
