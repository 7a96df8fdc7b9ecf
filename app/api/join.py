"""Find a board by its join code, and its QR code. Failed guesses are rate-limited per address."""

from __future__ import annotations

import io
import time
from collections import defaultdict, deque

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel

from app.api.boards import base_url
from app.api.deps import HubDep, SettingsDep
from app.hub import credentials
from app.hub.hub import RoomHub
from app.hub.ports import BoardInfo
from app.room.limits import CODE_GUESSES_PER_MINUTE

router = APIRouter(prefix="/api")


class CodeGuard:
    """At most CODE_GUESSES_PER_MINUTE wrong codes per client address per minute."""

    def __init__(self, per_minute: int = CODE_GUESSES_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self.misses: defaultdict[str, deque[float]] = defaultdict(deque)

    def blocked(self, address: str) -> bool:
        misses = self.misses[address]
        cutoff = time.monotonic() - 60
        while misses and misses[0] < cutoff:
            misses.popleft()
        if not misses:
            del self.misses[address]
            return False
        return len(misses) >= self.per_minute

    def miss(self, address: str) -> None:
        self.misses[address].append(time.monotonic())


async def board_by_code(code: str, request: Request, hub: RoomHub) -> BoardInfo:
    """The board behind a join code, counting wrong codes per address (429 past the limit)."""
    guard: CodeGuard = request.app.state.code_guard
    address = request.client.host if request.client else "?"
    if guard.blocked(address):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, "too many wrong codes; wait a minute"
        )
    board = await hub.store.board_by_code(credentials.normalise_code(code))
    if board is None:
        guard.miss(address)
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no board with that code")
    return board


class JoinOut(BaseModel):
    room_id: str
    join_code: str
    topic: str
    language: str
    anonymous: bool


@router.get("/join/{code}", response_model=JoinOut)
async def find_board(code: str, request: Request, hub: HubDep) -> JoinOut:
    """The board behind a join code (any case; dashes and spaces are ignored)."""
    board = await board_by_code(code, request, hub)
    state = (await hub.room(board.room_id)).state
    return JoinOut(
        room_id=board.room_id,
        join_code=board.join_code,
        topic=state.topic,
        language=state.language.value,
        anonymous=state.anonymous,
    )


@router.get("/join/{code}/qr.svg", response_class=Response)
async def join_qr(code: str, request: Request, settings: SettingsDep) -> Response:
    """The join link as a QR code; it only encodes the link, so it needs no lookup."""
    import segno  # loaded on first use: with the XML writer it is about 3 MiB of memory

    link = f"{base_url(request, settings.public_url)}/j/{credentials.normalise_code(code)}"
    buffer = io.BytesIO()
    segno.make(link, error="m").save(
        buffer, kind="svg", scale=8, border=2, dark="#111", light="#fff"
    )
    return Response(
        buffer.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "max-age=3600"}
    )
