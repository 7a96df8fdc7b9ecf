"""One WebSocket as a Viewer: a bounded outbox, written out once per turn of the event loop.

The hub never awaits a client: deliver() only appends to the outbox. Once per turn of the
event loop, one flush writes every outbox that received something: one message goes out as
it is, several as one frame holding a JSON array (see docs/protocol.md). So a fan-out to a
room costs one frame and one system call per client, and events that reach a client in the
same turn (a busy room, a client that is behind) share one frame.

Under uvicorn's sans-I/O protocol the flush writes pre-built frames to the transport itself
(see `app.realtime.wire`), with no task per connection and the same frame bytes for every
client that gets the same messages. A connection whose transport is paused (its buffer is
over the high-water mark because the client reads slowly), that is closing, or that runs
under another ASGI server gets a sender task, which awaits the transport and sends the same
way; once the outbox is empty again the fast road takes over.

When the outbox holds SEND_QUEUE_LIMIT messages the policy is DISCONNECT_SLOW: the socket is
closed with 1013 and the client resumes from its last sequence number, so one stuck phone
costs the room nothing and its memory is capped (the outbox, plus the transport's buffer up to
its high-water mark, plus what the kernel holds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Final, Literal

from starlette.websockets import WebSocket, WebSocketState

from app.realtime.codec import Message
from app.realtime.protocol import CloseCode
from app.realtime.wire import Frame, Wire, text_frame_parts, wire_of
from app.room.limits import MESSAGE_BURST, MESSAGES_PER_SECOND, SEND_QUEUE_LIMIT

log = logging.getLogger("cirkelbord.realtime")

FullQueuePolicy = Literal["disconnect_slow"]
FULL_QUEUE_POLICY: Final[FullQueuePolicy] = "disconnect_slow"
MAX_BATCH: Final = 64
"""At most this many messages share one frame."""


class TokenBucket:
    """MESSAGES_PER_SECOND on average, bursts up to MESSAGE_BURST."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

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


def batch_pieces(messages: Sequence[Message]) -> list[bytes]:
    """Several encoded messages as the pieces of one JSON array, the messages not copied."""
    if len(messages) == 1:
        [message] = messages
        return [message] if isinstance(message, bytes) else list(message)
    if not messages:
        return [b"[]"]
    pieces = [b"["]
    for message in messages:
        if isinstance(message, bytes):
            pieces.append(message)
        else:
            pieces += message
        pieces.append(b",")
    pieces[-1] = b"]"
    return pieces


def batch_frame(messages: Sequence[Message]) -> bytes:
    """Several encoded messages as one JSON array, without decoding them again (one copy)."""
    return b"".join(batch_pieces(messages))


Frames = dict[Message | tuple[Message, ...], Frame]
"""Frames built during one flush, by the message (or messages) they carry."""


def take_batch(outbox: list[Message]) -> list[Message]:
    batch = outbox[:MAX_BATCH]
    del outbox[:MAX_BATCH]  # an emptied list frees its storage (a deque keeps a 64-slot block)
    return batch


def frame_for(batch: Sequence[Message], frames: Frames) -> Frame:
    """The frame carrying `batch`, built once per flush for all clients that get the same."""
    key: Message | tuple[Message, ...] = batch[0] if len(batch) == 1 else tuple(batch)
    frame = frames.get(key)
    if frame is None:
        frame = frames[key] = text_frame_parts(batch_pieces(batch))
    return frame


class Flusher:
    """Writes the outboxes that received messages, once per turn of the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: list[Connection] = []

    def add(self, connection: Connection) -> None:
        if not self.pending:
            self.loop.call_soon(self.flush)
        self.pending.append(connection)

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        frames: Frames = {}
        for connection in pending:
            connection.flush(frames)


_FLUSHERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Flusher] = (
    weakref.WeakKeyDictionary()
)


def flusher() -> Flusher:
    loop = asyncio.get_running_loop()
    found = _FLUSHERS.get(loop)
    if found is None:
        found = _FLUSHERS[loop] = Flusher(loop)
    return found


class Connection:
    __slots__ = (
        "_flush_due",
        "_flusher",
        "_pid",
        "_sender",
        "_wakeup",
        "_wire",
        "closing",
        "on_close",
        "outbox",
        "queue_limit",
        "websocket",
    )

    def __init__(self, websocket: WebSocket, *, queue_limit: int = SEND_QUEUE_LIMIT) -> None:
        self.websocket = websocket
        self._pid: str | None = None
        self.queue_limit = queue_limit
        self.outbox: list[Message] = []
        self.closing: tuple[int, str] | None = None
        self.on_close: Callable[[], object] | None = None
        self._wire: Wire | None = wire_of(websocket.scope)
        self._flusher: Flusher | None = None
        self._flush_due = False
        self._wakeup: asyncio.Future[None] | None = None
        self._sender: asyncio.Task[None] | None = None

    @property
    def pid(self) -> str | None:
        return self._pid

    @property
    def direct(self) -> bool:
        """Frames go straight to the transport (uvicorn's sans-I/O protocol)."""
        return self._wire is not None

    def identify(self, pid: str | None) -> None:
        self._pid = pid

    def start(self) -> None:
        """Call once the socket is accepted."""
        if self._wire is not None and self._wire.usable():
            self._wire.forget_handshake()
            self._flusher = flusher()
            if self.outbox:
                self._wake()
        else:
            self._wire = None
            self._sender = asyncio.create_task(self._send_loop())

    def pending(self) -> int:
        return len(self.outbox)

    def deliver(self, message: Message) -> None:
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
        if self._sender is not None:
            wakeup = self._wakeup
            if wakeup is not None and not wakeup.done():
                wakeup.set_result(None)
        elif not self._flush_due and self._flusher is not None:
            self._flush_due = True
            self._flusher.add(self)

    def flush(self, frames: Frames) -> None:
        """Write what is queued straight to the transport (the flusher calls this)."""
        self._flush_due = False
        wire = self._wire
        if self._sender is not None or wire is None:
            return
        outbox = self.outbox
        while outbox:
            if not wire.open():  # the client is gone; the read loop hears of it
                outbox.clear()
                return
            if not wire.writable():
                break
            wire.write(frame_for(take_batch(outbox), frames))
        if outbox or self.closing is not None:
            # Paused by flow control, or closing (which is awaited): the sender task takes over.
            self._sender = asyncio.create_task(self._send_loop())

    async def _send_loop(self) -> None:
        handed_back = False
        try:
            handed_back = await self._drain()
        except Exception:  # the peer went away; the read loop notices too
            pass
        finally:
            if not handed_back:
                code, reason = self.closing or (CloseCode.GOING_AWAY, "")
                ws = self.websocket
                if ws.application_state is WebSocketState.CONNECTED:
                    with contextlib.suppress(Exception):
                        await ws.close(code, reason)

    async def _drain(self) -> bool:
        """Send until closing (False), or on the direct road until caught up (True)."""
        wire = self._wire
        outbox = self.outbox
        while True:
            if not outbox:
                if self.closing is not None:
                    return False
                if wire is not None:  # caught up: the flusher takes over again
                    self._sender = None
                    return True
                self._wakeup = asyncio.get_running_loop().create_future()
                await self._wakeup
                self._wakeup = None
                continue
            if wire is None:
                await self.websocket.send_text(batch_frame(take_batch(outbox)).decode())
                continue
            await wire.wait_writable()
            if not wire.open():
                outbox.clear()
                return False
            if outbox:  # a close meanwhile may have dropped what was queued
                wire.write(frame_for(take_batch(outbox), {}))

    async def stop(self) -> None:
        """Send the close (after what is queued, if a close was asked for) and wait for it."""
        abandoned = self.closing is None
        if abandoned:
            self.closing = (CloseCode.GOING_AWAY, "")
            self.outbox.clear()
        sender = self._sender
        if sender is None:
            sender = self._sender = asyncio.create_task(self._send_loop())
        elif abandoned:
            sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
        # A cancelled sender's traceback holds this connection: let go of the task, and of
        # the close callback (which holds it too), so that no cycle outlives the connection.
        self._sender = None
        self.on_close = None
