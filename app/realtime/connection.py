"""One WebSocket as a Viewer: a bounded outbox drained by its own sender task.

The hub never awaits a client: deliver() only queues. When the queue is full the policy is
DISCONNECT_SLOW: the socket is closed with 1013 and the client resumes from its last sequence
number, so one stuck phone costs the room nothing and its memory is capped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Final, Literal

from starlette.websockets import WebSocket, WebSocketState

from app.realtime.protocol import CloseCode
from app.room.limits import MESSAGE_BURST, MESSAGES_PER_SECOND, SEND_QUEUE_LIMIT

log = logging.getLogger("cirkelbord.realtime")

FullQueuePolicy = Literal["disconnect_slow"]
FULL_QUEUE_POLICY: Final[FullQueuePolicy] = "disconnect_slow"
_CLOSE: Final = object()


class TokenBucket:
    """MESSAGES_PER_SECOND on average, bursts up to MESSAGE_BURST."""

    def __init__(self, rate: float = MESSAGES_PER_SECOND, burst: int = MESSAGE_BURST) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Connection:
    def __init__(self, websocket: WebSocket, *, queue_limit: int = SEND_QUEUE_LIMIT) -> None:
        self.websocket = websocket
        self._pid: str | None = None
        self.queue: asyncio.Queue[str | object] = asyncio.Queue(maxsize=queue_limit)
        self.closing: tuple[int, str] | None = None
        self.on_close: Callable[[], object] | None = None
        self._sender: asyncio.Task[None] | None = None

    @property
    def pid(self) -> str | None:
        return self._pid

    def identify(self, pid: str | None) -> None:
        self._pid = pid

    def start(self) -> None:
        self._sender = asyncio.create_task(self._send_loop())

    def deliver(self, message: str) -> None:
        if self.closing is not None:
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            log.info("slow client disconnected", extra={"pid": self._pid})
            self.close(CloseCode.TRY_AGAIN_LATER, "fell behind; resume")

    def send_now(self, message: str) -> None:
        """For direct answers (ack, error, pong): same queue, so order is kept."""
        self.deliver(message)

    def close(self, code: int, reason: str = "") -> None:
        """Close after what is queued; idempotent; never blocks."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        # Drop what a slow client has not read: it resumes by sequence number anyway.
        if code == CloseCode.TRY_AGAIN_LATER or self.queue.full():
            while not self.queue.empty():
                self.queue.get_nowait()
        self.queue.put_nowait(_CLOSE)
        # Leave the room at once: a client that stopped reading may not answer for a long time.
        if self.on_close is not None:
            self.on_close()

    async def _send_loop(self) -> None:
        ws = self.websocket
        try:
            while True:
                item = await self.queue.get()
                if item is _CLOSE:
                    break
                assert isinstance(item, str)
                await ws.send_text(item)
        except Exception:  # the peer went away; the read loop notices too
            pass
        finally:
            code, reason = self.closing or (CloseCode.GOING_AWAY, "")
            if ws.application_state is WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await ws.close(code, reason)

    async def stop(self) -> None:
        if self._sender is not None:
            if self.closing is None:
                self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._sender
