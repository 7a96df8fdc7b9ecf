"""The pub/sub backplane: ``from_url("memory://")`` in one process, ``from_url("redis://...")``
across processes. See ``base.py`` for the contract and why dropping messages is safe."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.broadcast.base import (
    FULL_QUEUE_POLICY,
    LAGGED_WAKEUP,
    SUBSCRIBER_QUEUE_LIMIT,
    Broadcast,
    BroadcastError,
    BroadcastUnavailable,
    Subscription,
)
from app.broadcast.memory import MemoryBroadcast

__all__ = [
    "FULL_QUEUE_POLICY",
    "LAGGED_WAKEUP",
    "SUBSCRIBER_QUEUE_LIMIT",
    "Broadcast",
    "BroadcastError",
    "BroadcastUnavailable",
    "MemoryBroadcast",
    "Subscription",
    "from_url",
]


def from_url(url: str, *, queue_limit: int = SUBSCRIBER_QUEUE_LIMIT) -> Broadcast:
    """Build the engine a URL names: ``memory://``, ``redis://host:port/db`` or ``rediss://``."""
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        return MemoryBroadcast(queue_limit=queue_limit)
    if scheme in ("redis", "rediss"):
        from app.broadcast.redis import RedisBroadcast  # imports redis only when used

        return RedisBroadcast(url, queue_limit=queue_limit)
    raise ValueError(f"unsupported broadcast URL scheme {scheme!r}: use memory:// or redis://")
