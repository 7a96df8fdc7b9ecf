"""redis.asyncio engine: pub/sub between the processes that serve one deployment.

Theory of operation
-------------------
Each engine (one per process) holds two Redis clients: a small pool that sends PUBLISH, and
one pub/sub connection that is read by a single reader task. Local subscriptions are counted
per channel: the first local subscriber of a channel sends ``SUBSCRIBE``, later ones only
join the local set, and the last one to leave sends ``UNSUBSCRIBE``. So Redis sees one
subscription per channel per process, however many sockets watch a room.

The reader takes each message off the connection and hands it to every local subscription of
its channel with ``Subscription.deliver()``, which never waits (the queues are bounded; see
``base.py``). One slow room cannot hold up the others.

``SUBSCRIBE`` answers arrive on the same connection as messages, so the reader also matches
them, in order, to the subscribers waiting for them: ``subscribe()`` returns only after Redis
has confirmed, so a message published after that point is received.

When the connection drops (Redis restarts, a network blip, or no answer to a liveness PING),
the reader closes it and opens a new one with exponential backoff and jitter, subscribes to
every channel that still has local subscribers, and, once Redis confirms, marks those
subscriptions lagged: anything published while we were away is lost (pub/sub keeps nothing),
so consumers re-read the database. Redis-py's own silent reconnect is switched off on the
pub/sub connection so that no outage goes unnoticed.

Only the reader task opens and replaces the pub/sub connection; ``_lock`` orders that with
``SUBSCRIBE``/``UNSUBSCRIBE`` from subscribers so the reference counts and Redis agree.

``publish_nowait()`` (the hub's pokes) goes through a third connection, the pipe, kept open by a
task of its own: the command is written to the socket at once, in the caller's turn of the event
loop, not once a task has run, and the task counts Redis's answers as they come. A message stays
in the backlog until Redis has answered it; when the pipe drops, the next one sends the
unanswered ones again (a subscriber may see a poke twice: pokes are idempotent). Messages
published while Redis is away wait in the backlog, up to ``PUBLISH_BACKLOG_BYTES``; beyond that
new ones are dropped and counted (``publishes_dropped``): subscribers catch up from the database.
redis-py's own send is a coroutine, so the pipe writes to the connection's stream itself
(``_writer_of``); the connection, its handshake and the parsing of answers stay redis-py's.

Time limits are ours (``asyncio.timeout``), not redis-py's ``socket_timeout``: on Python 3.11
redis-py applies ``socket_timeout`` to writes with ``asyncio.wait_for``, which can swallow a
cancellation that arrives just as the write completes. A reader that ignores ``cancel()``
would hang ``disconnect()``, so both clients run without ``socket_timeout``, and the reader
also stops on the ``_closing`` flag.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.connection import AbstractConnection
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.broadcast.base import (
    SUBSCRIBER_QUEUE_LIMIT,
    BroadcastUnavailable,
    Subscription,
    check_message,
)

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT: Final = 1.0
"""Seconds to open a TCP connection to Redis."""
OPEN_TIMEOUT: Final = 3.0
"""Seconds to open the pub/sub connection, handshake and SUBSCRIBE included."""
PUBLISH_TIMEOUT: Final = 2.0
"""Seconds one ``publish()`` may take, retries included (the hub publishes after commit)."""
PUBLISH_RETRIES: Final = 1
"""Extra attempts, on a fresh connection, after a PUBLISH fails on a dropped connection."""
DISCONNECT_TIMEOUT: Final = 2.0
"""Seconds ``disconnect()`` waits for the reader task to finish."""
SUBSCRIBE_CONFIRM_TIMEOUT: Final = 5.0
"""Longest wait for Redis to confirm a SUBSCRIBE before ``subscribe()`` returns anyway."""
LIVENESS_INTERVAL: Final = 10.0
"""Seconds of silence after which the reader PINGs; a second silent interval means dead."""
PUBLISH_BACKLOG_BYTES: Final = 8 * 1024 * 1024
"""Most bytes of ``publish_nowait()`` messages that may wait for Redis to answer them (or for the
pipe to be back); beyond this, new messages are dropped and counted."""
RECONNECT_DELAY_MIN: Final = 0.05
RECONNECT_DELAY_MAX: Final = 5.0
"""Reconnect backoff: doubles from the minimum up to the maximum, each delay with jitter."""

_CONNECTION_ERRORS: Final = (RedisConnectionError, RedisTimeoutError, OSError)
"""What a lost or unreachable server raises (the built-in TimeoutError is an OSError)."""


@dataclass(frozen=True, slots=True)
class _PendingSubscribe:
    """A SUBSCRIBE sent and not yet confirmed; ``resync`` marks the channel lagged on confirm."""

    confirmed: asyncio.Future[None]
    resync: bool


class RedisBroadcast:
    """Pub/sub over Redis: one pub/sub connection and one SUBSCRIBE per channel per process."""

    def __init__(self, url: str, *, queue_limit: int = SUBSCRIBER_QUEUE_LIMIT) -> None:
        self._url = url
        self._queue_limit = queue_limit
        self._publisher: Redis | None = None
        self._listener: Redis | None = None
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._closing = False
        self._subscribers: dict[str, set[Subscription]] = {}
        self._pending: dict[str, deque[_PendingSubscribe]] = {}
        self.reconnects = 0
        """How many times the pub/sub connection was lost and opened again."""
        self._pipe: asyncio.Task[None] | None = None
        self._pipe_writer: asyncio.StreamWriter | None = None
        self._backlog: deque[bytes] = deque()
        self._backlog_bytes = 0
        self._backlog_empty = asyncio.Event()
        self._backlog_empty.set()
        self.publishes_dropped = 0
        """How many ``publish_nowait()`` messages were dropped because too much was waiting."""

    # Lifecycle

    async def connect(self) -> None:
        if self._reader is not None:
            return
        self._closing = False
        publisher = Redis.from_url(
            self._url,
            socket_connect_timeout=CONNECT_TIMEOUT,
            socket_timeout=None,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), PUBLISH_RETRIES),
        )
        # No retries on the pub/sub connection: the reader handles every drop itself.
        listener = Redis.from_url(
            self._url,
            socket_connect_timeout=CONNECT_TIMEOUT,
            socket_timeout=None,
            socket_keepalive=True,
            retry=Retry(NoBackoff(), 0),
        )
        self._publisher, self._listener = publisher, listener
        try:
            async with asyncio.timeout(OPEN_TIMEOUT):
                await publisher.ping()
            await self._open_pubsub(resync=False)
        except BaseException as error:
            self._publisher = self._listener = None
            await publisher.aclose()
            await listener.aclose()
            if isinstance(error, _CONNECTION_ERRORS):
                url = _redact(self._url)
                raise BroadcastUnavailable(f"cannot reach Redis at {url}: {error}") from error
            raise
        self._reader = asyncio.create_task(self._read_forever(), name="broadcast-redis-reader")
        self._pipe = asyncio.create_task(self._pipe_forever(publisher), name="broadcast-redis-pipe")

    async def disconnect(self) -> None:
        if self._pipe is not None and self._backlog:
            # What was handed over before the end still goes out, if Redis answers in time.
            with suppress(TimeoutError):
                async with asyncio.timeout(PUBLISH_TIMEOUT):
                    await self._backlog_empty.wait()
        self._closing = True
        reader, self._reader = self._reader, None
        pipe, self._pipe = self._pipe, None
        pubsub, self._pubsub = self._pubsub, None
        try:
            if pubsub is not None:
                await _close_quietly(pubsub)  # a read in progress fails at once
            for task in (reader, pipe):
                if task is None:
                    continue
                task.cancel()
                # wait() neither raises the task's CancelledError nor hides our own.
                await asyncio.wait({task}, timeout=DISCONNECT_TIMEOUT)
                if not task.done():
                    logger.error("Redis broadcast: %s did not stop; leaving it", task.get_name())
        finally:
            self._confirm_all_pending()
            for subscriptions in self._subscribers.values():
                for subscription in subscriptions:
                    subscription.close()
            publisher, listener = self._publisher, self._listener
            self._publisher = self._listener = None
            for client in (publisher, listener):
                if client is not None:
                    with suppress(*_CONNECTION_ERRORS):
                        await client.aclose()

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

    # Publishing

    async def publish(self, channel: str, message: bytes) -> None:
        check_message(message)
        publisher = self._publisher
        if publisher is None:
            raise BroadcastUnavailable("the Redis broadcast is not connected")
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT):
                await publisher.publish(channel, message)
        except _CONNECTION_ERRORS as error:
            raise BroadcastUnavailable(f"cannot publish to Redis: {error}") from error

    @property
    def waiting(self) -> int:
        """``publish_nowait()`` messages that Redis has not answered yet."""
        return len(self._backlog)

    def publish_nowait(self, channel: str, message: bytes) -> None:
        check_message(message)
        if self._pipe is None:
            raise BroadcastUnavailable("the Redis broadcast is not connected")
        command = _publish_command(channel, message)
        if self._backlog_bytes + len(command) > PUBLISH_BACKLOG_BYTES:
            self.publishes_dropped += 1
            if self.publishes_dropped % 1000 == 1:
                logger.warning(
                    "Redis broadcast: %d messages dropped, Redis is not taking them",
                    self.publishes_dropped,
                )
            return
        self._backlog.append(command)
        self._backlog_bytes += len(command)
        self._backlog_empty.clear()
        if self._pipe_writer is not None:
            self._pipe_writer.write(command)

    async def _pipe_forever(self, publisher: Redis) -> None:
        """Keep the pipe open: send what waits in the backlog, then count Redis's answers."""
        loop = asyncio.get_running_loop()
        backoff = _Backoff()
        pool = publisher.connection_pool
        while not self._closing:
            connection: AbstractConnection = pool.make_connection()  # type: ignore[no-untyped-call]
            opened_at = loop.time()
            try:
                async with asyncio.timeout(OPEN_TIMEOUT):
                    await connection.connect()  # type: ignore[no-untyped-call]
                writer = _writer_of(connection)
                for command in self._backlog:  # not answered on the last pipe: again
                    writer.write(command)
                self._pipe_writer = writer
                await self._count_answers(connection)
            except _CONNECTION_ERRORS as error:
                if not self._closing:
                    logger.warning("Redis broadcast: the publishing pipe is down (%s)", error)
            except Exception:
                logger.exception("Redis broadcast: unexpected error on the publishing pipe")
            finally:
                self._pipe_writer = None
                with suppress(Exception):
                    await connection.disconnect()
            if self._closing:
                return
            backoff.lasted(loop.time() - opened_at)
            await backoff.wait()

    async def _count_answers(self, connection: AbstractConnection) -> None:
        """Take one backlog entry off per answer, in order; two silent liveness intervals with
        something unanswered mean the connection is dead."""
        silent = 0
        while True:
            try:
                answer = await connection.read_response(timeout=LIVENESS_INTERVAL)
            except ResponseError as refusal:  # answered all the same (say, an ACL refusal)
                logger.warning("Redis broadcast: PUBLISH refused (%s)", refusal)
                answer = refusal
            if answer is None:  # nothing came for a whole interval
                silent = silent + 1 if self._backlog else 0
                if silent >= 2:
                    raise RedisTimeoutError("no answer to PUBLISH on the publishing pipe")
                continue
            silent = 0
            if self._backlog:
                self._backlog_bytes -= len(self._backlog.popleft())
            if not self._backlog:
                self._backlog_empty.set()

    # Subscribing

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        if self._listener is None:
            raise RuntimeError("connect() the broadcast before subscribing")
        subscription = Subscription(channel, self._queue_limit)
        try:
            confirmed = await self._join(subscription)
            if confirmed is not None:
                # asyncio.wait() leaves the future alone on timeout or cancellation.
                await asyncio.wait({confirmed}, timeout=SUBSCRIBE_CONFIRM_TIMEOUT)
            yield subscription
        finally:
            subscription.close()
            await self._leave(subscription)

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))

    async def _join(self, subscription: Subscription) -> asyncio.Future[None] | None:
        """Add a local subscriber; the first one of a channel subscribes in Redis."""
        channel = subscription.channel
        async with self._lock:
            local = self._subscribers.setdefault(channel, set())
            local.add(subscription)
            if len(local) > 1:
                pending = self._pending.get(channel)
                return pending[-1].confirmed if pending else None
            pubsub = self._pubsub
            if pubsub is None:
                return None  # down: the reader subscribes on reconnect and marks us lagged
            try:
                [confirmed] = await self._send_subscribe(pubsub, [channel], resync=False)
            except _CONNECTION_ERRORS:
                await self._drop(pubsub)
                return None
            return confirmed

    async def _leave(self, subscription: Subscription) -> None:
        """Remove a local subscriber; the last one of a channel unsubscribes in Redis."""
        channel = subscription.channel
        local = self._subscribers.get(channel)
        if local is None or subscription not in local:
            return
        local.discard(subscription)
        if local:
            return
        del self._subscribers[channel]
        async with self._lock:
            if channel in self._subscribers:
                return  # someone joined meanwhile; Redis is still subscribed for them
            pubsub = self._pubsub
            if pubsub is None:
                return  # down: the reconnect subscribes only to channels still in use
            try:
                await pubsub.unsubscribe(channel)
            except _CONNECTION_ERRORS:
                await self._drop(pubsub)

    async def _send_subscribe(
        self, pubsub: PubSub, channels: Iterable[str], *, resync: bool
    ) -> list[asyncio.Future[None]]:
        """Send one SUBSCRIBE; the reader resolves the returned futures as Redis confirms.

        The futures are registered before sending, because the answer may be read by the
        reader task before the send returns. Called with ``_lock`` held.
        """
        loop = asyncio.get_running_loop()
        channels = list(channels)
        entries = [_PendingSubscribe(loop.create_future(), resync) for _ in channels]
        for channel, entry in zip(channels, entries, strict=True):
            self._pending.setdefault(channel, deque()).append(entry)
        try:
            await pubsub.subscribe(*channels)
        except BaseException:
            # Not sent, or the connection is about to be replaced: no answer will come.
            for channel, entry in zip(channels, entries, strict=True):
                self._forget_pending(channel, entry)
            raise
        return [entry.confirmed for entry in entries]

    # The reader

    async def _read_forever(self) -> None:
        loop = asyncio.get_running_loop()
        backoff = _Backoff()
        while not self._closing:
            pubsub = self._pubsub
            if pubsub is None:
                try:
                    await self._open_pubsub(resync=True)
                except Exception as error:
                    logger.warning("Redis broadcast: reconnect failed (%s)", error)
                    await backoff.wait()
                    continue
                self.reconnects += 1
                logger.info("Redis broadcast: reconnected; local subscribers marked lagged")
                continue
            opened_at = loop.time()
            try:
                await self._read(pubsub)
            except _CONNECTION_ERRORS as error:
                logger.warning("Redis broadcast: connection lost (%s)", error)
            except Exception:
                logger.exception("Redis broadcast: unexpected error while reading")
            await self._drop(pubsub)
            if self._closing:
                return
            backoff.lasted(loop.time() - opened_at)
            await backoff.wait()

    async def _read(self, pubsub: PubSub) -> None:
        """Dispatch messages until the connection fails; PING when it has been quiet."""
        awaiting_pong = False
        while True:
            message: dict[str, Any] | None = await pubsub.get_message(timeout=LIVENESS_INTERVAL)
            if message is None:
                if awaiting_pong:
                    raise RedisTimeoutError("no answer to PING on the pub/sub connection")
                await pubsub.ping()
                awaiting_pong = True
                continue
            awaiting_pong = False
            self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind not in ("message", "subscribe"):
            return  # "unsubscribe" answers and "pong"
        channel = _text(message["channel"])
        if kind == "message":
            data = message["data"]
            for subscription in self._subscribers.get(channel, ()):
                subscription.deliver(data)
            return
        pending = self._pending.get(channel)
        if not pending:
            return
        entry = pending.popleft()
        if not pending:
            del self._pending[channel]
        if entry.resync:
            for subscription in self._subscribers.get(channel, ()):
                subscription.mark_lagged()
        if not entry.confirmed.done():
            entry.confirmed.set_result(None)

    async def _open_pubsub(self, *, resync: bool) -> None:
        """Open a pub/sub connection and subscribe to every channel in local use."""
        listener = self._listener
        if listener is None:
            raise RuntimeError("the Redis broadcast is not connected")
        async with self._lock:
            pubsub = listener.pubsub()
            try:
                async with asyncio.timeout(OPEN_TIMEOUT):
                    await pubsub.connect()  # type: ignore[no-untyped-call]
                    channels = sorted(self._subscribers)
                    if channels:
                        await self._send_subscribe(pubsub, channels, resync=resync)
            except BaseException:
                await _close_quietly(pubsub)
                raise
            if self._closing:
                await _close_quietly(pubsub)
                return
            self._pubsub = pubsub

    async def _drop(self, pubsub: PubSub) -> None:
        """Forget a failed pub/sub connection; the reader opens a new one. Idempotent."""
        if self._pubsub is pubsub:
            self._pubsub = None
            # No answer will come on this connection: let waiting subscribers go on. They are
            # subscribed again, and marked lagged, when the reader reconnects.
            self._confirm_all_pending()
        await _close_quietly(pubsub)

    def _confirm_all_pending(self) -> None:
        for pending in self._pending.values():
            for entry in pending:
                if not entry.confirmed.done():
                    entry.confirmed.set_result(None)
        self._pending.clear()

    def _forget_pending(self, channel: str, entry: _PendingSubscribe) -> None:
        pending = self._pending.get(channel)
        if pending is not None and entry in pending:
            pending.remove(entry)
            if not pending:
                del self._pending[channel]
        if not entry.confirmed.done():
            entry.confirmed.set_result(None)


def _publish_command(channel: str, message: bytes) -> bytes:
    """``PUBLISH channel message`` as Redis reads it: an array of three bulk strings."""
    name = channel.encode()
    return b"*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%b\r\n$%d\r\n%b\r\n" % (
        len(name),
        name,
        len(message),
        message,
    )


def _writer_of(connection: AbstractConnection) -> asyncio.StreamWriter:
    """The stream a connected redis-py connection writes its commands to (tests check that it
    is still there: redis-py keeps it in a private attribute)."""
    writer = getattr(connection, "_writer", None)
    if not isinstance(writer, asyncio.StreamWriter):
        raise RuntimeError("redis-py no longer keeps a connection's stream in `_writer`")
    return writer


class _Backoff:
    """Delays between reconnects: doubling from the minimum to the maximum, each with jitter,
    and back to the minimum after a connection that lasted (one that dies at once must not
    turn into a tight reconnect loop)."""

    def __init__(self) -> None:
        self.delay = RECONNECT_DELAY_MIN

    def lasted(self, seconds: float) -> None:
        if seconds > RECONNECT_DELAY_MAX:
            self.delay = RECONNECT_DELAY_MIN

    async def wait(self) -> None:
        await asyncio.sleep(random.uniform(self.delay / 2, self.delay))
        self.delay = min(self.delay * 2, RECONNECT_DELAY_MAX)


async def _close_quietly(pubsub: PubSub) -> None:
    with suppress(Exception):
        await pubsub.aclose()  # type: ignore[no-untyped-call]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _redact(url: str) -> str:
    """The URL without its password, for error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
