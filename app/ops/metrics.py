"""Prometheus metrics at /metrics, served only with the operator's bearer token.

The counters and histograms below are module-level and registered in no global registry: each
app (`build_registry`) collects them together with numbers it reads on every scrape from the
hub's live rooms (connections, rooms, send queues), so the hot path only bumps counters.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Final, Protocol

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from app.config import Settings

log = logging.getLogger("cirkelbord.ops")
router = APIRouter()

SLOW_COMMIT_SECONDS: Final = 0.25
"""A commit slower than this is logged ("slow commit") with its room and duration."""

COMMIT_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
FANOUT_BUCKETS: Final = (0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05)

COMMANDS = Counter(
    "cirkelbord_commands", "Commands received from clients, by type", ["type"], registry=None
)
REJECTED = Counter(
    "cirkelbord_rejected",
    "Messages answered with an error, by error code",
    ["code"],
    registry=None,
)
COMMIT_SECONDS = Histogram(
    "cirkelbord_commit_seconds",
    "Time from handing a command's events to the store until they were committed",
    buckets=COMMIT_BUCKETS,
    registry=None,
)
FANOUT_SECONDS = Histogram(
    "cirkelbord_fanout_seconds",
    "Time to render a committed command's events and queue them for every local viewer",
    buckets=FANOUT_BUCKETS,
    registry=None,
)
BOARDS_CREATED = Counter("cirkelbord_boards_created", "Boards created", registry=None)
BOARDS_DELETED = Counter(
    "cirkelbord_boards_deleted",
    "Boards deleted, by reason (deleted by the facilitator, or expired)",
    ["reason"],
    registry=None,
)
INSTRUMENTS: Final[tuple[Collector, ...]] = (
    COMMANDS,
    REJECTED,
    COMMIT_SECONDS,
    FANOUT_SECONDS,
    BOARDS_CREATED,
    BOARDS_DELETED,
)


def commit_finished(room_id: str, seconds: float) -> None:
    """Record one commit's duration; log it when it was slow."""
    COMMIT_SECONDS.observe(seconds)
    if seconds > SLOW_COMMIT_SECONDS:
        log.warning("slow commit", extra={"room": room_id, "ms": round(seconds * 1000, 1)})


class Room(Protocol):
    @property
    def viewers(self) -> Collection[object]: ...


class Rooms(Protocol):
    """What the collector reads of the hub: its live rooms and their viewers."""

    @property
    def rooms(self) -> Mapping[str, Room]: ...


class HubCollector(Collector):
    """What the hub holds right now, read at scrape time by walking its live rooms, and its
    broadcast's counts."""

    def __init__(self, hub: Callable[[], Rooms | None]) -> None:
        self._hub = hub

    def collect(self) -> Iterator[Metric]:
        hub = self._hub()
        rooms = list(hub.rooms.values()) if hub is not None else []
        clients = 0
        queued = 0
        longest = 0
        for room in rooms:
            for viewer in list(room.viewers):
                clients += 1
                # A WebSocket connection says how many messages wait in its send queue.
                pending = getattr(viewer, "pending", None)
                if callable(pending):
                    length = int(pending())
                    queued += length
                    longest = max(longest, length)
        yield GaugeMetricFamily(
            "cirkelbord_connected_clients", "WebSocket clients attached to a room", clients
        )
        yield GaugeMetricFamily("cirkelbord_live_rooms", "Rooms held in memory", len(rooms))
        yield GaugeMetricFamily(
            "cirkelbord_send_queue_messages",
            "Messages waiting in all clients' send queues",
            queued,
        )
        yield GaugeMetricFamily(
            "cirkelbord_send_queue_longest_messages",
            "Messages waiting in the longest send queue (SEND_QUEUE_LIMIT closes it)",
            longest,
        )
        # The Redis backplane's health (the in-process engine has none of these: zeros).
        broadcast = getattr(hub, "broadcast", None)
        yield GaugeMetricFamily(
            "cirkelbord_broadcast_waiting_messages",
            "Pokes handed to Redis and not answered yet",
            getattr(broadcast, "waiting", 0),
        )
        yield CounterMetricFamily(
            "cirkelbord_broadcast_dropped",
            "Pokes dropped because Redis was not taking them (PUBLISH_BACKLOG_BYTES)",
            getattr(broadcast, "publishes_dropped", 0),
        )
        yield CounterMetricFamily(
            "cirkelbord_broadcast_reconnects",
            "Times the Redis subscription connection was lost and opened again",
            getattr(broadcast, "reconnects", 0),
        )


def build_registry(hub: Callable[[], Rooms | None]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=True)
    for instrument in INSTRUMENTS:
        registry.register(instrument)
    registry.register(HubCollector(hub))
    ProcessCollector(registry=registry)
    return registry


@router.get("/metrics", include_in_schema=False)
async def metrics(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """Prometheus text format; 404 unless a metrics token is set, 401 without that token."""
    # Read from app.state rather than app.api.deps: the hub imports this module.
    settings: Settings = request.app.state.settings
    expected = settings.metrics_token
    if not expected:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "bearer token required", {"WWW-Authenticate": "Bearer"}
        )
    registry: CollectorRegistry = request.app.state.metrics
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
