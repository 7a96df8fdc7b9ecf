"""The facilitator's kit: checklist answers kept per facilitator link (see app.store.checklists).

The answers belong to the facilitator token, not to the room: every board's link has its own
token, and whoever keeps a link finds its answers again.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, StrictBool

from app.api.boards import facilitated_board
from app.api.deps import HubDep, SettingsDep, StoreDep
from app.api.origin import origin_allowed
from app.ops.retention import utc_now
from app.store import checklists

router = APIRouter(prefix="/api")


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    already_do: StrictBool
    want_more: StrictBool


def _answer(answer: checklists.Answer) -> dict[str, Any]:
    return {
        "item": answer.item,
        "already_do": answer.already_do,
        "want_more": answer.want_more,
        "updated_at": (
            None if answer.updated_at is None else answer.updated_at.isoformat(timespec="seconds")
        ),
    }


@router.get("/boards/{room_id}/kit")
async def read_kit(
    room_id: str,
    hub: HubDep,
    store: StoreDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """The facilitator's checklist answers: every item of `preparation`, `execution` and
    `reflection`, with `already_do` and `want_more` (False until answered)."""
    board = await facilitated_board(hub, room_id, authorization)
    async with store.reads() as session:
        answers = await checklists.answers(session, board.facilitator_token_hash)
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in checklists.CHECKLISTS}
    for answer in answers:
        lists[answer.checklist].append(_answer(answer))
    return {"checklists": lists}


@router.put("/boards/{room_id}/kit/{checklist}/{item}")
async def save_kit_item(
    room_id: str,
    checklist: str,
    item: int,
    body: AnswerIn,
    request: Request,
    hub: HubDep,
    store: StoreDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Store one checklist item's two answers; `404` for an unknown checklist or item."""
    if not origin_allowed(request.headers, settings):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "origin not allowed")
    board = await facilitated_board(hub, room_id, authorization)
    if not checklists.is_item(checklist, item):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such checklist item")
    async with store.sessions.begin() as session:
        answer = await checklists.save(
            session,
            board.facilitator_token_hash,
            checklist,
            item,
            already_do=body.already_do,
            want_more=body.want_more,
            at=utc_now(),
        )
    return {"checklist": checklist, **_answer(answer)}
