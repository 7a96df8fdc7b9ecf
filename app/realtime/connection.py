"""One WebSocket as a Viewer: a bounded outbox drained by its own sender task.

The hub never awaits a client: deliver() only appends to the outbox and, when the sender is
idle, wakes it. The sender takes everything queued at once: one message goes out as it is,
several go out as one frame holding a JSON array (see docs/protocol.md), so a client that is
behind costs one frame and one system call per batch, not per message.

When the outbox holds SEND_QUEUE_LIMIT messages the policy is DISCONNECT_SLOW: the socket is
closed with 1013 and the client resumes from its last sequence number, so one stuck phone
costs the room nothing and its memory is capped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Final, Literal

from starlette.websockets import WebSocket, WebSocketState

from app.realtime.protocol import CloseCode
from app.room.limits import MESSAGE_BURST, MESSAGES_PER_SECOND, SEND_QUEUE_LIMIT

log = logging.getLogger("cirkelbord.realtime")

FullQueuePolicy = Literal["disconnect_slow"]
FULL_QUEUE_POLICY: Final[FullQueuePolicy] = "disconnect_slow"
MAX_BATCH: Final = 64
"""At most this many messages share one frame."""


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


def batch_frame(messages: list[str]) -> str:
    """Several encoded messages as one JSON array, without decoding them again."""
    return messages[0] if len(messages) == 1 else "[" + ",".join(messages) + "]"


class Connection:
    def __init__(self, websocket: WebSocket, *, queue_limit: int = SEND_QUEUE_LIMIT) -> None:
        self.websocket = websocket
        self._pid: str | None = None
        self.queue_limit = queue_limit
        self.outbox: deque[str] = deque()
        self.closing: tuple[int, str] | None = None
        self.on_close: Callable[[], object] | None = None
        self._wakeup: asyncio.Future[None] | None = None
        self._sender: asyncio.Task[None] | None = None

    @property
    def pid(self) -> str | None:
        return self._pid

    def identify(self, pid: str | None) -> None:
        self._pid = pid

    def start(self) -> None:
        self._sender = asyncio.create_task(self._send_loop())

    def pending(self) -> int:
        return len(self.outbox)

    def deliver(self, message: str) -> None:
        """Queue a message: room events and direct answers (ack, error, pong) share the outbox,
        so a client sees them in the order they happened."""
        if self.closing is not None:
            return
        if len(self.outbox) >= self.queue_limit:
            log.info("slow client disconnected", extra={"pid": self._pid})
            self.close(CloseCode.TRY_AGAIN_LATER, "fell behind; resume")
            return
        self.outbox.append(message)
        self._wake()

    def close(self, code: int, reason: str = "") -> None:
        """Close after what is queued; idempotent; never blocks."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        # Drop what a slow client has not read: it resumes by sequence number anyway.
        if code == CloseCode.TRY_AGAIN_LATER:
            self.outbox.clear()
        self._wake()
        # Leave the room at once: a client that stopped reading may not answer for a long time.
        if self.on_close is not None:
            self.on_close()

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    async def _send_loop(self) -> None:
        ws = self.websocket
        outbox = self.outbox
        try:
            while True:
                if not outbox:
                    if self.closing is not None:
                        break
                    self._wakeup = asyncio.get_running_loop().create_future()
                    await self._wakeup
                    self._wakeup = None
                    continue
                count = min(len(outbox), MAX_BATCH)
                batch = [outbox.popleft() for _ in range(count)]
                await ws.send_text(batch_frame(batch))
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
