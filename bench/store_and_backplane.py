"""What durable storage and the Redis backplane add, measured in one process on the hub itself.

    python -m bench.store_and_backplane            # about 30 seconds
    python -m bench.store_and_backplane --no-redis

No WebSockets here: the figures isolate the store and the backplane from the transport, which
``python -m bench.run`` measures end to end.

* **Storage on the median**: a participant edits a revealed note, one command at a time, in
  rooms of 50 list-collecting viewers; p50 / p99 of ``RoomHub.submit`` (decide, group commit,
  apply, fan-out, all before it returns) and of the store's ``append`` inside it. The append's
  p50 is what storage adds to the median of a delivery.
* **Durable notes per second**: 200 rooms, one writer each, each sending its next note as soon
  as the previous one is acknowledged (ack after commit), for a few seconds; with SQLite
  ``synchronous=NORMAL`` (the default) and ``FULL`` (an fsync per commit, shared by the batch).
* **Backplane**: two hubs on one SQLite file, each with its own Redis connection, as two server
  processes would be. A note written through the first hub reaches a viewer of the second one
  via a Redis poke and a read of the log: p50 / p99 of the delay from the first hub's viewer
  to the second hub's viewer, and the p50 of ``submit`` with and without the backplane.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import orjson

from app.broadcast import from_url
from app.broadcast.base import Broadcast
from app.hub.hub import SAFETY_POLL_SECONDS, RoomHub
from app.realtime.codec import Message
from app.room import FACILITATOR, Actor, Role
from app.room import commands as cmd
from app.room.events import Event
from app.room.state import Circle, Language, Phase
from app.store.database import SqliteSynchronous, migrate
from app.store.room_store import SqlRoomStore

ROOM_SIZE = 50
NOTE = "Progress we made this week: every stand-up ends on time"


class Viewer:
    """Counts what reaches it and remembers when each seq arrived."""

    def __init__(self, pid: str | None = None) -> None:
        self.pid = pid
        self.arrived: dict[int, int] = {}
        self._waiting: dict[int, asyncio.Future[None]] = {}

    def deliver(self, message: Message) -> None:
        if isinstance(message, bytes) and message.startswith(b'{"type":"event"'):
            seq = orjson.loads(message)["seq"]
            self.arrived[seq] = time.perf_counter_ns()
            waiter = self._waiting.pop(seq, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, seq: int) -> None:
        """Until `seq` arrived, without keeping a CPU busy meanwhile: a polling loop would take
        a core from the Redis server and the writer thread, and measure that instead."""
        if seq not in self.arrived:
            waiter = self._waiting.setdefault(seq, asyncio.get_running_loop().create_future())
            await waiter


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} / {pct(values, 0.99):.2f} ms"


class TimedStore(SqlRoomStore):
    """The SQL store, timing every append."""

    appends: list[float]

    async def append(
        self,
        room_id: str,
        expected_seq: int,
        events: Sequence[Event],
        cid: str | None,
        actor: str | None,
    ) -> int:
        started = time.perf_counter()
        try:
            return await super().append(room_id, expected_seq, events, cid, actor)
        finally:
            self.appends.append((time.perf_counter() - started) * 1e3)


@asynccontextmanager
async def sql_store(
    directory: Path, synchronous: SqliteSynchronous = "normal"
) -> AsyncIterator[TimedStore]:
    url = f"sqlite+aiosqlite:///{directory / 'bench.sqlite3'}"
    await migrate(url)
    store = TimedStore(url, sqlite_synchronous=synchronous)
    store.appends = []
    async with store:
        yield store


async def revealed_room(hub: RoomHub, viewers: int) -> tuple[str, Actor, str, list[Viewer]]:
    """A room in inner_reading with one note by its writer, and `viewers` attached."""
    board = await hub.create_board("Bench", Language.EN, anonymous=False)
    room = board.room_id
    await hub.submit(room, FACILITATOR, None, cmd.ChangePhase(Phase.TOPIC, Phase.INNER_WRITING))
    writer = (await hub.admit(room, Role.PARTICIPANT, code=board.join_code, name="W")).actor
    await hub.submit(room, writer, None, cmd.AddNote("n1", Circle.INNER, NOTE))
    await hub.submit(
        room, FACILITATOR, None, cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING)
    )
    watching = [Viewer() for _ in range(viewers)]
    for viewer in watching:
        await hub.attach(room, viewer, None, None)
    return room, writer, board.join_code, watching


async def storage_latency(directory: Path, notes: int) -> None:
    async with sql_store(directory) as store, from_url("memory://") as broadcast:
        hub = RoomHub(store, broadcast)
        room, writer, _, _ = await revealed_room(hub, ROOM_SIZE - 1)
        store.appends.clear()
        submits: list[float] = []
        for i in range(notes):
            started = time.perf_counter()
            await hub.submit(room, writer, f"e{i}", cmd.EditNote("n1", f"{NOTE} {i}"))
            submits.append((time.perf_counter() - started) * 1e3)
            await asyncio.sleep(0.002)  # one at a time, as a person types
        await hub.close()
    print(f"room of {ROOM_SIZE}, one note at a time, SQLite synchronous=NORMAL:")
    print(f"  submit (decide, commit, apply, fan-out to {ROOM_SIZE - 1}) p50 / p99: {ms(submits)}")
    print(f"  of which the store's append (group commit)  p50 / p99: {ms(store.appends)}")


async def throughput(directory: Path, synchronous: SqliteSynchronous, seconds: float) -> None:
    rooms = 200
    async with sql_store(directory, synchronous) as store, from_url("memory://") as broadcast:
        hub = RoomHub(store, broadcast)
        made = [await revealed_room(hub, 0) for _ in range(rooms)]
        done = 0
        stop = time.perf_counter() + seconds

        async def write(room: str, writer: Actor) -> None:
            nonlocal done
            i = 0
            while time.perf_counter() < stop:
                await hub.submit(room, writer, f"t{i}", cmd.EditNote("n1", f"{NOTE} {i}"))
                done += 1
                i += 1

        started = time.perf_counter()
        await asyncio.gather(*(write(room, writer) for room, writer, _, _ in made))
        elapsed = time.perf_counter() - started
        await hub.close()
    mode = synchronous.upper()
    print(
        f"durable notes per second, {rooms} rooms writing at once, synchronous={mode}:"
        f" {done / elapsed:,.0f} (each acknowledged after its commit)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@asynccontextmanager
async def redis_server(directory: Path) -> AsyncIterator[str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, before anything is timed
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            await asyncio.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(5)


async def backplane(directory: Path, notes: int) -> None:
    async with redis_server(directory) as redis_url, sql_store(directory) as store:
        one: Broadcast = from_url(redis_url)
        two: Broadcast = from_url(redis_url)
        async with one, two:
            a = RoomHub(store, one, poll_seconds=SAFETY_POLL_SECONDS)
            b = RoomHub(store, two, poll_seconds=SAFETY_POLL_SECONDS)
            room, writer, _, here = await revealed_room(a, 1)
            there = Viewer()
            await b.attach(room, there, None, None)
            await asyncio.sleep(0.2)  # b's listener has subscribed
            submits: list[float] = []
            for i in range(notes):
                started = time.perf_counter()
                seq = await a.submit(room, writer, f"b{i}", cmd.EditNote("n1", f"{NOTE} {i}"))
                submits.append((time.perf_counter() - started) * 1e3)
                async with asyncio.timeout(5):
                    await there.wait_for(seq)
                await asyncio.sleep(0.002)
            delays = [
                (there.arrived[s] - here[0].arrived[s]) / 1e6
                for s in there.arrived
                if s in here[0].arrived
            ]
            await a.close()
            await b.close()
    print("backplane (two hubs on one database, each with its own Redis connection):")
    print(f"  submit with the backplane on, p50 / p99: {ms(submits)}")
    print(f"  a viewer of the other process gets the note later by, p50 / p99: {ms(delays)}")


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="cirkelbord-bench-") as tmp:
        root = Path(tmp)
        for name in ("latency", "normal", "full", "redis"):
            (root / name).mkdir()
        await storage_latency(root / "latency", args.notes)
        await throughput(root / "normal", "normal", args.seconds)
        await throughput(root / "full", "full", args.seconds)
        if args.no_redis or shutil.which("redis-server") is None:
            print("backplane: not measured (no redis-server, or --no-redis)")
        else:
            await backplane(root / "redis", args.notes)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=300, help="notes per latency measurement")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of a throughput run")
    parser.add_argument("--no-redis", action="store_true", help="skip the backplane")
    asyncio.run(main(parser.parse_args()))
