"""The pub/sub backplane: what every engine offers, and the bounded subscription they share.

The backplane is a poke, not the record. A message says "room R reached seq S"; the database
holds the events. Redis pub/sub delivers at most once and drops messages for a subscriber that
is disconnected, so every consumer already re-reads the database when it sees a gap, after a
reconnect and on a slow timer. That is what makes the full-queue policy below safe:

* Every subscription has a queue of at most ``SUBSCRIBER_QUEUE_LIMIT`` messages.
* ``FULL_QUEUE_POLICY = "drop_oldest"``: when a message arrives for a full queue, the oldest
  queued message is discarded, ``dropped`` is incremented and ``lagged`` is set. The newest
  poke is kept, because it carries the highest seq and so the most useful hint.
* An engine that lost its connection and got it back marks every local subscription
  ``lagged`` and wakes its reader with ``LAGGED_WAKEUP`` (an empty message; publishing an
  empty message is refused, so it never means anything else).

A consumer therefore looks like this::

    async with broadcast.subscribe(f"room:{room_id}") as subscription:
        async for message in subscription:
            if subscription.take_lagged():
                await catch_up_from_database()
            if message != LAGGED_WAKEUP:
                handle(message)

Hierarchy::

    Exception
    └── BroadcastError
        └── BroadcastUnavailable     the backplane cannot be reached (publish, connect)
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Final, Literal, Protocol, Self

SUBSCRIBER_QUEUE_LIMIT: Final = 1024
FULL_QUEUE_POLICY: Final[Literal["drop_oldest"]] = "drop_oldest"
LAGGED_WAKEUP: Final = b""


class BroadcastError(Exception):
    """Something went wrong in the pub/sub backplane."""


class BroadcastUnavailable(BroadcastError):
    """The backplane cannot be reached right now; nothing was published."""


class Subscription:
    """One local subscriber to one channel: a bounded queue, read with ``async for``.

    Engines call ``deliver()``, ``mark_lagged()`` and ``close()``; consumers iterate, read
    ``lagged`` (or ``take_lagged()``) and may look at ``pending`` and ``dropped`` for metrics.
    Iteration ends when the engine disconnects or the subscription is closed.
    """

    def __init__(self, channel: str, queue_limit: int = SUBSCRIBER_QUEUE_LIMIT) -> None:
        if queue_limit < 1:
            raise ValueError("queue_limit must be at least 1")
        self.channel: Final = channel
        self.lagged = False
        self.dropped = 0
        self._queue_limit = queue_limit
        self._messages: deque[bytes] = deque()
        self._wakeup_pending = False
        self._closed = False
        self._ready = asyncio.Event()

    @property
    def pending(self) -> int:
        """How many messages are queued and not read yet."""
        return len(self._messages)

    @property
    def closed(self) -> bool:
        return self._closed

    def take_lagged(self) -> bool:
        """Return whether messages may have been missed since the last call, and reset it."""
        lagged, self.lagged = self.lagged, False
        return lagged

    def deliver(self, message: bytes) -> None:
        """Queue a message without waiting; a full queue drops its oldest message."""
        if self._closed:
            return
        if len(self._messages) >= self._queue_limit:
            self._messages.popleft()
            self.dropped += 1
            self.lagged = True
        self._messages.append(message)
        self._ready.set()

    def mark_lagged(self) -> None:
        """Say that messages may have been missed, and wake a waiting reader."""
        if self._closed:
            return
        self.lagged = True
        self._wakeup_pending = True
        self._ready.set()

    def close(self) -> None:
        """End iteration once the queued messages have been read."""
        self._closed = True
        self._ready.set()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> bytes:
        while True:
            if self._messages:
                return self._messages.popleft()
            if self._wakeup_pending:
                self._wakeup_pending = False
                return LAGGED_WAKEUP
            if self._closed:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()


class Broadcast(Protocol):
    """A pub/sub engine. ``from_url()`` builds one; the memory engine is the default and the
    test double, the Redis engine connects processes.

    Use it as an async context manager (``connect()`` on enter, ``disconnect()`` on exit), or
    call those two from a lifespan.
    """

    async def connect(self) -> None:
        """Open connections; raises ``BroadcastUnavailable`` when the backplane is down."""
        ...

    async def disconnect(self) -> None:
        """Close connections and end the iteration of every local subscription."""
        ...

    async def publish(self, channel: str, message: bytes) -> None:
        """Send a non-empty message to every subscriber of ``channel``, in every process."""
        ...

    def publish_nowait(self, channel: str, message: bytes) -> None:
        """Like ``publish()``, without waiting: the message leaves at once when it can, else
        as soon as the backplane is back; an engine may drop it when too much is waiting
        (counted), or deliver it twice after a reconnect. For hints such as pokes."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """Receive what is published on ``channel`` from now on, until the block exits."""
        ...

    def subscriber_count(self, channel: str) -> int:
        """How many subscriptions to ``channel`` this process holds."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def check_message(message: bytes) -> None:
    """Refuse what can never be a real message (shared by every engine's ``publish``)."""
    if not isinstance(message, bytes):
        raise TypeError(f"a message is bytes, not {type(message).__name__}")
    if message == LAGGED_WAKEUP:
        raise ValueError("an empty message is reserved for the lagged wake-up")
