"""/metrics: Prometheus numbers that move when clients act, behind the operator's token."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.ops import metrics
from app.realtime.codec import Message
from tests.conftest import sqlite_url
from tests.support.client import Board
from tests.support.server import ServerProcess

TOKEN = "metrics-token-for-tests"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    running = ServerProcess(
        sqlite_url(tmp_path / "cirkelbord.sqlite3"),
        log_path=tmp_path / "server.log",
        extra_env={"CIRKELBORD_METRICS_TOKEN": TOKEN},
    ).start()
    try:
        yield running
    finally:
        running.stop()


def scrape(server: ServerProcess) -> Samples:
    response = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_not_served_without_a_token(live_server: ServerProcess) -> None:
    assert httpx.get(f"{live_server.url}/metrics").status_code == 404
    headers = {"Authorization": "Bearer anything"}
    assert httpx.get(f"{live_server.url}/metrics", headers=headers).status_code == 404


def test_metrics_need_the_token(server: ServerProcess) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN + "x"}):
        response = httpx.get(f"{server.url}/metrics", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert "/metrics" not in httpx.get(f"{server.url}/openapi.json").json()["paths"]


async def test_metrics_move_when_clients_act(server: ServerProcess) -> None:
    before = scrape(server)
    assert value(before, "cirkelbord_connected_clients") == 0
    assert value(before, "cirkelbord_live_rooms") == 0

    board = Board.create(server)
    fac = await board.facilitator()
    screen = await board.screen()
    phones = [await board.join(f"P{i}") for i in range(3)]
    await fac.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    last = 0
    for i, phone in enumerate(phones):
        last = await phone.do("add_note", id=f"n{i}", circle="inner", text="Goed")
    assert await phones[0].refused("add_note", id="long", circle="inner", text="x" * 300) == (
        "note_too_long"
    )
    await screen.wait_seq(last)

    during = scrape(server)
    assert value(during, "cirkelbord_connected_clients") == 5
    assert value(during, "cirkelbord_live_rooms") == 1
    assert value(during, "cirkelbord_boards_created_total") == 1
    assert value(during, "cirkelbord_commands_total", type="add_note") == 4
    assert value(during, "cirkelbord_commands_total", type="change_phase") == 1
    assert value(during, "cirkelbord_rejected_total", code="note_too_long") == 1
    # 3 joins, 1 phase change, 3 notes were committed; each commit and fan-out is timed.
    commits = value(during, "cirkelbord_commit_seconds_count")
    assert commits - value(before, "cirkelbord_commit_seconds_count") == 7
    assert value(during, "cirkelbord_fanout_seconds_count") == commits
    assert value(during, "cirkelbord_commit_seconds_sum") > 0
    assert value(during, "cirkelbord_send_queue_messages") >= 0
    assert value(during, "cirkelbord_send_queue_longest_messages") >= 0
    # One process on the in-process broadcast: the backplane's counts are there, at zero.
    for name in ("waiting_messages", "dropped_total", "reconnects_total"):
        assert (f"cirkelbord_broadcast_{name}", ()) in during
        assert value(during, f"cirkelbord_broadcast_{name}") == 0
    assert value(during, "process_resident_memory_bytes") > 0

    for client in (fac, screen, *phones):
        await client.close()
    async with asyncio.timeout(5):  # the server notices the closes
        while True:
            if value(scrape(server), "cirkelbord_connected_clients") == 0:
                break
            await asyncio.sleep(0.02)


@dataclass(eq=False)
class Waiting:
    """A viewer with `waiting` messages in its send queue."""

    waiting: int
    pid: str | None = None

    def deliver(self, message: Message) -> None:
        pass

    def pending(self) -> int:
        return self.waiting


@dataclass
class Room:
    viewers: set[object]


@dataclass
class Hub:
    rooms: dict[str, Room]


def test_send_queues_are_measured_on_scrape() -> None:
    hub = Hub({"r1": Room({Waiting(3), Waiting(0)}), "r2": Room({Waiting(7), object()})})
    collected = {
        family.name: family.samples[0].value
        for family in metrics.HubCollector(lambda: hub).collect()
    }
    assert collected == {
        "cirkelbord_connected_clients": 4,
        "cirkelbord_live_rooms": 2,
        "cirkelbord_send_queue_messages": 10,
        "cirkelbord_send_queue_longest_messages": 7,
        "cirkelbord_broadcast_waiting_messages": 0,  # the in-process engine: none
        "cirkelbord_broadcast_dropped": 0,
        "cirkelbord_broadcast_reconnects": 0,
    }
    idle = {
        family.name: family.samples[0].value
        for family in metrics.HubCollector(lambda: None).collect()
    }
    assert set(idle.values()) == {0}


@dataclass
class Backplane:
    waiting: int
    publishes_dropped: int
    reconnects: int


@dataclass
class SharedHub:
    rooms: dict[str, Room]
    broadcast: Backplane


def test_the_backplane_s_counts_are_read_on_scrape() -> None:
    hub = SharedHub({}, Backplane(waiting=3, publishes_dropped=2, reconnects=1))
    collected = {
        family.name: (family.type, family.samples[0].name, family.samples[0].value)
        for family in metrics.HubCollector(lambda: hub).collect()
        if family.name.startswith("cirkelbord_broadcast")
    }
    assert collected == {
        "cirkelbord_broadcast_waiting_messages": (
            "gauge",
            "cirkelbord_broadcast_waiting_messages",
            3,
        ),
        "cirkelbord_broadcast_dropped": ("counter", "cirkelbord_broadcast_dropped_total", 2),
        "cirkelbord_broadcast_reconnects": (
            "counter",
            "cirkelbord_broadcast_reconnects_total",
            1,
        ),
    }


def test_histogram_buckets_cover_the_slow_commit_threshold() -> None:
    assert metrics.SLOW_COMMIT_SECONDS in metrics.COMMIT_BUCKETS
    assert list(metrics.COMMIT_BUCKETS) == sorted(metrics.COMMIT_BUCKETS)
    assert list(metrics.FANOUT_BUCKETS) == sorted(metrics.FANOUT_BUCKETS)
