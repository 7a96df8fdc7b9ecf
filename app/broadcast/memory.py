"""In-process engine: the default for a single process, and the test double for the others.

``publish()`` hands the message to every local subscription at once; it never waits for a
reader, because each subscription queue is bounded (see ``base.py`` for the full-queue policy).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self

from app.broadcast.base import SUBSCRIBER_QUEUE_LIMIT, Subscription, check_message


class MemoryBroadcast:
    """Pub/sub inside one process."""

    def __init__(self, *, queue_limit: int = SUBSCRIBER_QUEUE_LIMIT) -> None:
        self._queue_limit = queue_limit
        self._subscribers: dict[str, set[Subscription]] = {}

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        for subscriptions in self._subscribers.values():
            for subscription in subscriptions:
                subscription.close()

    async def publish(self, channel: str, message: bytes) -> None:
        self.publish_nowait(channel, message)

    def publish_nowait(self, channel: str, message: bytes) -> None:
        check_message(message)
        for subscription in self._subscribers.get(channel, ()):
            subscription.deliver(message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription = Subscription(channel, self._queue_limit)
        self._subscribers.setdefault(channel, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscription.close()
            subscriptions = self._subscribers.get(channel)
            if subscriptions is not None:
                subscriptions.discard(subscription)
                if not subscriptions:
                    del self._subscribers[channel]

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.disconnect()
