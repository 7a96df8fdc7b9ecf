"""One contract for every broadcast engine, run against memory:// and a real Redis server.

The Redis-only tests at the end check what the contract cannot see from inside one process:
one SUBSCRIBE per channel, and recovery when the connection or the server goes away.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from app.broadcast import (
    LAGGED_WAKEUP,
    Broadcast,
    BroadcastUnavailable,
    Subscription,
    from_url,
)
from app.broadcast import redis as redis_engine
from app.broadcast.redis import RedisBroadcast
from tests.support.services import RedisServer

TIMEOUT = 10.0
"""Seconds any single expectation may take; generous for a loaded CI machine."""


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.services)])
def broadcast_url(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        url: str = request.getfixturevalue("redis_url")
        return url
    return "memory://"


@pytest.fixture
async def broadcast(broadcast_url: str) -> AsyncIterator[Broadcast]:
    async with from_url(broadcast_url) as engine:
        yield engine


@pytest.fixture
def channel() -> str:
    return f"test:{uuid.uuid4().hex}"


async def receive(subscription: Subscription, count: int = 1) -> list[bytes]:
    """The next ``count`` real messages (lag wake-ups are skipped), or fail after TIMEOUT."""
    messages: list[bytes] = []
    async with asyncio.timeout(TIMEOUT):
        async for message in subscription:
            if message != LAGGED_WAKEUP:
                messages.append(message)
            if len(messages) == count:
                break
    return messages


async def eventually(check: Callable[[], bool | Awaitable[bool]]) -> None:
    """Poll ``check`` until it holds, or fail after TIMEOUT."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            result = check()
            if result if isinstance(result, bool) else await result:
                return
            await asyncio.sleep(0.01)


# The contract


async def test_a_published_message_reaches_a_subscriber(broadcast: Broadcast, channel: str) -> None:
    async with broadcast.subscribe(channel) as subscription:
        await broadcast.publish(channel, b"hello")
        assert await receive(subscription) == [b"hello"]
        assert not subscription.lagged


async def test_every_subscriber_of_a_channel_receives(broadcast: Broadcast, channel: str) -> None:
    async with AsyncExitStack() as stack:
        subscriptions = [
            await stack.enter_async_context(broadcast.subscribe(channel)) for _ in range(3)
        ]
        assert broadcast.subscriber_count(channel) == 3
        await broadcast.publish(channel, b"one")
        for subscription in subscriptions:
            assert await receive(subscription) == [b"one"]
    assert broadcast.subscriber_count(channel) == 0


async def test_channels_are_isolated(broadcast: Broadcast, channel: str) -> None:
    other = f"{channel}:other"
    async with broadcast.subscribe(channel) as mine, broadcast.subscribe(other) as theirs:
        await broadcast.publish(channel, b"for-mine")
        await broadcast.publish(other, b"for-theirs")
        assert await receive(theirs) == [b"for-theirs"]
        assert await receive(mine) == [b"for-mine"]
        # Published in this order: by the time the second arrived, the first was dispatched.
        assert mine.pending == 0
        assert theirs.pending == 0


async def test_publishing_to_a_channel_nobody_watches_is_fine(
    broadcast: Broadcast, channel: str
) -> None:
    await broadcast.publish(channel, b"into the void")
    assert broadcast.subscriber_count(channel) == 0


async def test_leaving_the_block_unsubscribes_even_when_the_body_raises(
    broadcast: Broadcast, channel: str
) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with broadcast.subscribe(channel) as subscription:
            assert broadcast.subscriber_count(channel) == 1
            raise RuntimeError("boom")
    assert broadcast.subscriber_count(channel) == 0
    assert subscription.closed
    await broadcast.publish(channel, b"too late")
    assert [message async for message in subscription] == []


async def test_cancelling_a_reader_unsubscribes(broadcast: Broadcast, channel: str) -> None:
    entered = asyncio.Event()

    async def read_forever() -> None:
        async with broadcast.subscribe(channel) as subscription:
            entered.set()
            async for _ in subscription:
                pass

    task = asyncio.create_task(read_forever())
    async with asyncio.timeout(TIMEOUT):
        await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert broadcast.subscriber_count(channel) == 0


async def test_a_full_queue_drops_the_oldest_and_reports_lag(
    broadcast_url: str, channel: str
) -> None:
    async with from_url(broadcast_url, queue_limit=4) as engine, engine.subscribe(channel) as sub:
        for number in range(10):
            await engine.publish(channel, b"%d" % number)
        await eventually(lambda: sub.dropped == 6)
        assert sub.lagged
        assert sub.pending == 4
        assert await receive(sub, 4) == [b"6", b"7", b"8", b"9"]
        assert sub.take_lagged()
        assert not sub.lagged


async def test_order_is_kept_per_channel(broadcast: Broadcast, channel: str) -> None:
    expected = [b"%d" % number for number in range(200)]
    async with broadcast.subscribe(channel) as subscription:
        for message in expected:
            await broadcast.publish(channel, message)
        assert await receive(subscription, len(expected)) == expected
        assert not subscription.lagged


async def test_disconnect_ends_iteration_after_the_queued_messages(
    broadcast_url: str, channel: str
) -> None:
    engine = from_url(broadcast_url)
    await engine.connect()
    try:
        async with engine.subscribe(channel) as subscription:
            await engine.publish(channel, b"last")
            await eventually(lambda: subscription.pending == 1)
            await engine.disconnect()
            assert [message async for message in subscription] == [b"last"]
    finally:
        await engine.disconnect()


async def test_messages_handed_over_without_waiting_arrive_in_order(
    broadcast: Broadcast, channel: str
) -> None:
    expected = [b"%d" % number for number in range(200)]
    async with broadcast.subscribe(channel) as subscription:
        for message in expected:
            broadcast.publish_nowait(channel, message)
        assert await receive(subscription, len(expected)) == expected
        assert not subscription.lagged


async def test_empty_and_non_bytes_messages_are_refused(broadcast: Broadcast, channel: str) -> None:
    with pytest.raises(ValueError, match="reserved"):
        await broadcast.publish(channel, b"")
    text: Any = "text"
    with pytest.raises(TypeError, match="bytes"):
        await broadcast.publish(channel, text)
    with pytest.raises(ValueError, match="reserved"):
        broadcast.publish_nowait(channel, b"")
    with pytest.raises(TypeError, match="bytes"):
        broadcast.publish_nowait(channel, text)


def test_an_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="kafka"):
        from_url("kafka://localhost:9092")


# Redis only: what one process cannot see from inside


async def subscribe_calls(admin: Redis) -> int:
    stats: dict[str, dict[str, int]] = await admin.info("commandstats")
    return stats.get("cmdstat_subscribe", {}).get("calls", 0)


async def channel_subscribers(admin: Redis, *channels: str) -> dict[str, int]:
    counts = await admin.pubsub_numsub(*channels)
    return {name.decode() if isinstance(name, bytes) else name: count for name, count in counts}


@pytest.fixture
async def redis_admin(redis_url: str) -> AsyncIterator[Redis]:
    admin = Redis.from_url(redis_url)
    try:
        yield admin
    finally:
        await admin.aclose()


@pytest.mark.services
async def test_one_redis_subscription_per_channel_however_many_local_subscribers(
    redis_url: str, redis_admin: Redis, channel: str
) -> None:
    other = f"{channel}:other"
    calls_before = await subscribe_calls(redis_admin)
    async with from_url(redis_url) as engine:
        async with AsyncExitStack() as stack:
            for name in (channel, other):
                for _ in range(5):
                    await stack.enter_async_context(engine.subscribe(name))
            assert await channel_subscribers(redis_admin, channel, other) == {channel: 1, other: 1}
            assert await subscribe_calls(redis_admin) - calls_before == 2
            assert len(await redis_admin.client_list(_type="pubsub")) == 1
        assert engine.subscriber_count(channel) == 0

        async def nobody_subscribed() -> bool:
            counts = await channel_subscribers(redis_admin, channel, other)
            return counts == {channel: 0, other: 0}

        await eventually(nobody_subscribed)


@pytest.mark.services
async def test_a_killed_connection_is_reopened_and_reported_as_lag(
    redis_url: str, redis_admin: Redis, channel: str
) -> None:
    async with RedisBroadcast(redis_url) as engine, engine.subscribe(channel) as subscription:
        await redis_admin.client_kill_filter(_type="pubsub")
        await eventually(lambda: subscription.lagged)
        assert engine.reconnects == 1
        async with asyncio.timeout(TIMEOUT):
            assert await anext(subscription) == LAGGED_WAKEUP
        await engine.publish(channel, b"after")
        assert await receive(subscription) == [b"after"]


@pytest.mark.services
async def test_survives_a_redis_restart(tmp_path: Path, channel: str) -> None:
    with RedisServer(tmp_path / "redis") as server:
        async with RedisBroadcast(server.url) as engine, engine.subscribe(channel) as subscription:
            await engine.publish(channel, b"before")
            assert await receive(subscription) == [b"before"]

            server.stop()
            with pytest.raises(BroadcastUnavailable):
                await engine.publish(channel, b"nobody can carry this")
            server.start()

            await eventually(lambda: subscription.lagged)
            assert engine.reconnects == 1
            await engine.publish(channel, b"after")
            assert await receive(subscription) == [b"after"]
            assert subscription.take_lagged()


@pytest.mark.services
async def test_subscribing_while_redis_is_down_catches_up_after_reconnect(
    tmp_path: Path, channel: str
) -> None:
    with RedisServer(tmp_path / "redis") as server:
        async with RedisBroadcast(server.url) as engine:
            server.stop()
            async with engine.subscribe(channel) as subscription:
                assert engine.subscriber_count(channel) == 1
                server.start()
                await eventually(lambda: subscription.lagged)
                await engine.publish(channel, b"after")
                assert await receive(subscription) == [b"after"]


@pytest.mark.services
async def test_connect_fails_fast_when_redis_is_down(tmp_path: Path) -> None:
    with RedisServer(tmp_path / "redis") as server:
        url = server.url
    with pytest.raises(BroadcastUnavailable, match="cannot reach Redis"):
        await RedisBroadcast(url).connect()


@pytest.mark.services
async def test_disconnect_is_prompt_while_the_reader_is_busy(
    redis_url: str, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tiny liveness interval keeps the reader pinging and reconnecting, so cancellation
    # lands at every possible point of its loop; disconnect() must still return promptly.
    monkeypatch.setattr(redis_engine, "LIVENESS_INTERVAL", 0.002)
    for attempt in range(100):
        engine = RedisBroadcast(redis_url)
        await engine.connect()
        async with engine.subscribe(channel):
            await asyncio.sleep(0.001 * (attempt % 20))
            # In a task of its own, so that a disconnect() that hangs fails the test instead.
            closing = asyncio.create_task(engine.disconnect())
            await asyncio.wait({closing}, timeout=TIMEOUT)
            assert closing.done(), f"disconnect() hung on attempt {attempt}"
            await closing


async def publish_calls(admin: Redis) -> int:
    stats: dict[str, dict[str, int]] = await admin.info("commandstats")
    return stats.get("cmdstat_publish", {}).get("calls", 0)


@pytest.mark.services
async def test_the_pipe_writes_through_redis_py_s_stream(redis_url: str) -> None:
    # publish_nowait() writes to redis-py's connection stream, a private attribute: an upgrade
    # of redis-py that moves it fails here, by name, rather than as lost pokes.
    pool = Redis.from_url(redis_url).connection_pool
    connection = pool.make_connection()  # type: ignore[no-untyped-call]
    await connection.connect()
    try:
        assert isinstance(redis_engine._writer_of(connection), asyncio.StreamWriter)
    finally:
        await connection.disconnect()


@pytest.mark.services
async def test_what_is_handed_over_goes_out_before_disconnect_returns(
    redis_url: str, channel: str
) -> None:
    async with RedisBroadcast(redis_url) as listener, listener.subscribe(channel) as subscription:
        async with RedisBroadcast(redis_url) as sender:  # another process, closing at once
            sender.publish_nowait(channel, b"last words")
        assert await receive(subscription) == [b"last words"]


@pytest.mark.services
async def test_what_is_handed_over_while_redis_is_down_goes_out_when_it_is_back(
    tmp_path: Path, channel: str
) -> None:
    with RedisServer(tmp_path / "redis") as server:
        async with RedisBroadcast(server.url) as engine:
            engine.publish_nowait(channel, b"before")
            await eventually(lambda: engine.waiting == 0)
            server.stop()
            for number in range(3):
                engine.publish_nowait(channel, b"while down %d" % number)
            await asyncio.sleep(0.2)
            assert engine.waiting == 3, "kept until Redis answers"
            server.start()
            await eventually(lambda: engine.waiting == 0)
            admin = Redis.from_url(server.url)
            try:
                assert await publish_calls(admin) >= 3  # a fresh server: these were published
            finally:
                await admin.aclose()
            assert engine.publishes_dropped == 0


@pytest.mark.services
async def test_beyond_the_backlog_limit_messages_are_dropped_and_counted(
    tmp_path: Path, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = b"x" * 1000
    monkeypatch.setattr(redis_engine, "PUBLISH_BACKLOG_BYTES", 10 * (len(message) + 100))
    with RedisServer(tmp_path / "redis") as server:
        async with RedisBroadcast(server.url) as engine:
            server.stop()
            for _ in range(25):
                engine.publish_nowait(channel, message)
            assert engine.waiting == 10
            assert engine.publishes_dropped == 15
            server.start()
            await eventually(lambda: engine.waiting == 0)
            engine.publish_nowait(channel, message)  # room again
            await eventually(lambda: engine.waiting == 0)
            assert engine.publishes_dropped == 15


async def test_publishing_without_a_connection_is_refused(redis_url: str, channel: str) -> None:
    with pytest.raises(BroadcastUnavailable, match="not connected"):
        RedisBroadcast(redis_url).publish_nowait(channel, b"too early")
