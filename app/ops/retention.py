"""Deleting boards: by their facilitator now, or by the server once the retention period ran out.

A board is kept `retention_days` after its last activity (every stored change counts; the
store moves `last_activity_at` in the transaction that stores it, at most once a minute per
board: `app.store.group_commit.ACTIVITY_TOUCH_SECONDS`). A background task started
in the app's lifespan (`RetentionSweeper.run`) looks for expired boards every
`retention_check_minutes` and deletes each one with everything in it (ON DELETE CASCADE).

Deleting a board that is open in this process first closes it: every connected client gets
close code 4404 ("unknown room (deleted or expired)"), and commands still waiting for the
room are refused with `unknown_room`. Then the row goes, and anything that reopened the room
in between is closed again. Other processes close their clients when the hub's poke reaches
them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from app.hub.hub import RoomHub
from app.ops import metrics
from app.realtime.protocol import CloseCode
from app.store import boards
from app.store.room_store import SqlRoomStore

log = logging.getLogger("cirkelbord.ops")

Reason = Literal["deleted", "expired"]
CLOSE_REASON: Final[dict[Reason, str]] = {
    "deleted": "board deleted",
    "expired": "board expired",
}
"""The close reason clients read next to code 4404."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def deletes_at(last_activity_at: datetime, retention_days: int) -> datetime:
    """When a board with this last activity expires (the sweep after it deletes the board)."""
    return last_activity_at + timedelta(days=retention_days)


async def delete_board(hub: RoomHub, store: SqlRoomStore, room_id: str, reason: Reason) -> bool:
    """Delete a board with everything in it and disconnect its clients; False if it was gone."""
    closing = CLOSE_REASON[reason]
    clients = await hub.close_room(room_id, CloseCode.UNKNOWN_ROOM, closing)
    deleted = await store.delete_board(room_id)
    # Someone may have opened the room between the close and the delete: close it again.
    clients += await hub.close_room(room_id, CloseCode.UNKNOWN_ROOM, closing)
    if deleted:
        metrics.BOARDS_DELETED.labels(reason).inc()
        log.info(closing, extra={"room": room_id, "reason": reason, "clients": clients})
    return deleted


class RetentionSweeper:
    """Deletes the boards whose last activity is more than `days` ago, every `every_seconds`."""

    def __init__(
        self,
        hub: RoomHub,
        store: SqlRoomStore,
        *,
        days: int,
        every_seconds: float,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.hub = hub
        self.store = store
        self.days = days
        self.every_seconds = every_seconds
        self.clock = clock

    def cutoff(self) -> datetime:
        """Boards without activity since this moment are expired."""
        return self.clock() - timedelta(days=self.days)

    async def sweep(self) -> list[str]:
        """Delete every expired board now; return their room ids."""
        cutoff = self.cutoff()
        async with self.store.reads() as session:
            expired = await boards.list_expired(session, cutoff)
        gone: list[str] = []
        for room_id in expired:
            # Checked again just before: the board may have come back to life since the list.
            board = await self.store.board(room_id)
            if board is None or board.last_activity_at >= cutoff:
                continue
            if await delete_board(self.hub, self.store, room_id, "expired"):
                gone.append(room_id)
        return gone

    async def run(self) -> None:
        """Sweep now and then every `every_seconds`, until cancelled."""
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("retention sweep failed")
            await asyncio.sleep(self.every_seconds)
