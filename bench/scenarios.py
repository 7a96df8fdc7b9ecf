"""The measurements, run from the orchestrator against one started server."""

from __future__ import annotations

import math
import time
from array import array
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import psutil

from bench.servers import (
    LoadWorker,
    Server,
    WorkerError,
    busy_cpu_seconds,
    run_delay_seconds,
)
from bench.stats import percentile
from bench.targets.base import Target

# Load-generator CPU (sum of its processes, as a fraction of its one core) from which a
# window counts as limited by the load generator rather than by the server.
LG_BOUND = 0.90
# Server CPU (fraction of its core) from which the server counts as saturated.
SATURATED = 0.85
# The load generator also counts as the limit when its core was this busy (whoever used it)
# while it used at least LG_SHARE of it itself.
LG_CORE_BUSY = 0.95
LG_SHARE = 0.5
# Share of a window the server or the load generator spent runnable but waiting for a CPU
# from which the window counts as disturbed by other work on the machine.
NOISE = 0.05


@dataclass(frozen=True)
class Profile:
    name: str
    fanout_sizes: tuple[int, ...] = (10, 50, 200)
    fanout_rate: float = 20.0  # notes per second into the room
    fanout_senders: int = 2
    warmup: float = 0.5
    window: float = 3.0
    drain: float = 3.0  # longest wait for late deliveries after a window
    quiet: float = 0.3  # ... or stop waiting after this long without one
    idle_connections: int = 1000
    idle_room_size: int = 50
    cap_room_size: int = 50
    cap_room_rate: float = 20.0  # notes per second per room
    cap_senders: int = 4
    cap_rooms: tuple[int, ...] = (4, 8, 16, 32, 64, 128)
    cap_window: float = 2.0
    cap_p99_limit_ms: float = 100.0
    cap_budget: float = 45.0  # seconds the capacity ramp may take, connecting included
    # The overload window offers this multiple of the server's estimated capacity, but no
    # more deliveries per second than one load-generator core takes in (0: no such window).
    overload_factor: float = 2.0
    lg_max_deliveries: float = 80_000.0
    retry_disturbed: bool = True  # measure a failing capacity step again if not saturated
    join_notes: int = 500
    join_alone: int = 20
    join_crowd: int = 60
    settle: float = 1.0


PROFILES = {
    "full": Profile("full"),
    "quick": Profile(
        "quick",
        window=1.5,
        drain=2.0,
        idle_connections=1000,
        cap_rooms=(4, 16, 64),
        cap_window=1.5,
        cap_budget=20.0,
        join_alone=10,
        settle=0.5,
    ),
    "smoke": Profile(
        "smoke",
        fanout_sizes=(3, 6, 10),
        fanout_rate=200.0,
        warmup=0.03,
        window=0.06,
        drain=0.3,
        quiet=0.05,
        idle_connections=10,
        idle_room_size=5,
        cap_room_size=6,
        cap_room_rate=100.0,
        cap_senders=2,
        cap_rooms=(1, 2),
        cap_window=0.06,
        cap_budget=5.0,
        lg_max_deliveries=5_000.0,
        retry_disturbed=False,
        join_notes=25,
        join_alone=2,
        join_crowd=5,
        settle=0.05,
    ),
}


@dataclass
class Window:
    """One measured load window: a fixed offered rate into rooms of one size."""

    rooms: int
    room_size: int
    clients: int
    offered_rate: float
    receivers: int = 0  # listening clients per room
    notes_in_window: int = 0
    expected: int = 0
    arrived: int = 0
    p50_ms: float = math.nan
    p90_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    last_p50_ms: float = math.nan  # per note: until its last receiver had it
    last_p99_ms: float = math.nan
    delivered_per_s: float = 0.0
    server_cpu: float = 0.0  # fraction of one core
    cpu_us_per_msg: float = math.nan
    lg_cpu: float = 0.0
    foreign_cpu: float = 0.0  # other processes on the benchmark CPUs, fraction of one core
    lg_core_busy: float = 0.0  # the load generator's core, busy with anything
    server_wait: float = 0.0  # share of the window the server waited for a CPU
    lg_wait: float = 0.0  # ... and the load generator
    attempts: int = 1
    send_rate: float = 0.0
    dropped: int = 0
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        return max(0, self.expected - self.arrived)

    @property
    def lg_bound(self) -> bool:
        return self.lg_cpu >= LG_BOUND or (
            self.lg_core_busy >= LG_CORE_BUSY and self.lg_cpu >= LG_SHARE
        )

    @property
    def noisy(self) -> bool:
        return self.server_wait >= NOISE or self.lg_wait >= NOISE

    @property
    def sender_behind(self) -> bool:
        shortfall = self.offered_rate * self.seconds - self.notes_in_window
        return self.send_rate < 0.95 * self.offered_rate and shortfall >= 2


@dataclass
class Memory:
    connections: int
    baseline_bytes: int
    loaded_bytes: int

    @property
    def per_connection_bytes(self) -> float:
        return (self.loaded_bytes - self.baseline_bytes) / max(1, self.connections)


@dataclass
class Join:
    notes: int
    snapshot_bytes: int
    alone_ms: list[float]
    crowd: int
    crowd_ms: list[float]

    @property
    def alone_p50_ms(self) -> float:
        return percentile(sorted(self.alone_ms), 0.5)

    @property
    def crowd_max_ms(self) -> float:
        return max(self.crowd_ms) if self.crowd_ms else math.nan

    @property
    def crowd_p50_ms(self) -> float:
        return percentile(sorted(self.crowd_ms), 0.5)


@dataclass
class Capacity:
    steps: list[Window] = field(default_factory=list)
    stop_reason: str = ""
    # A window offered more than the server can do, on the last step's clients.
    overload: Window | None = None

    def passes(self, w: Window, limit_ms: float) -> bool:
        return w.p99_ms <= limit_ms and w.lost == 0 and w.dropped == 0

    def best(self, limit_ms: float) -> Window | None:
        ok = [w for w in self.steps if self.passes(w, limit_ms)]
        return max(ok, key=lambda w: (w.clients, w.delivered_per_s)) if ok else None

    def saturation(self) -> Window | None:
        """The window with the busiest server: where CPU per delivered message is read."""
        windows = self.steps + ([self.overload] if self.overload is not None else [])
        return max(windows, key=lambda w: w.server_cpu) if windows else None


@dataclass
class TargetResult:
    key: str
    label: str
    status: str = "ok"  # ok | not runnable | error
    reason: str = ""
    memory: Memory | None = None
    fanout: dict[int, Window] = field(default_factory=dict)
    join: Join | None = None
    capacity: Capacity | None = None
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Runner:
    """Drives one server with the two load-generator processes."""

    def __init__(
        self,
        target: Target,
        server: Server,
        receiver: LoadWorker,
        sender: LoadWorker,
        profile: Profile,
        log: Callable[[str], None],
        cpus: tuple[int | None, int | None] = (None, None),
    ) -> None:
        self.target = target
        self.server = server
        self.receiver = receiver
        self.sender = sender
        self.profile = profile
        self.log = log
        self.next_client = 0
        self.connect_seconds = 0.0
        self.connected_clients = 0
        self.run_id = f"b{int(time.time() * 1000) % 10**9:x}"
        self.room_serial = 0
        self.cpus = {c for c in cpus if c is not None} or set(range(psutil.cpu_count() or 1))
        self.lg_cpus = {cpus[1]} if cpus[1] is not None else set()
        self.me = psutil.Process()
        for worker in (receiver, sender):
            worker.call("setup", target=target.key, base_ws=server.base_ws)

    # -- internals -------------------------------------------------------------------------
    def _rooms(self, count: int, senders: int) -> list[str]:
        self.room_serial += 1
        return self.target.prepare_rooms(
            self.server.base_http, count, senders, f"{self.run_id}-{self.room_serial}"
        )

    def _clients(self, n: int) -> int:
        first = self.next_client
        self.next_client += n
        return first

    def _connect(self, worker: LoadWorker, rooms: list[str], per_room: int) -> None:
        if not rooms or per_room <= 0:
            return
        reply = worker.call(
            "connect",
            timeout=120.0,
            rooms=rooms,
            per_room=per_room,
            first_client=self._clients(len(rooms) * per_room),
        )
        self.connect_seconds += float(reply["seconds"])
        self.connected_clients += int(reply["connected"])
        if not reply["ok"]:
            raise WorkerError(
                f"{reply['errors']} of {len(rooms) * per_room} clients failed to join: "
                f"{reply['error']}"
            )

    def _disconnect(self) -> None:
        for worker in (self.receiver, self.sender):
            worker.call("disconnect", timeout=60.0)

    def _check_server(self) -> None:
        if not self.server.alive():
            raise WorkerError(f"server exited: {self.server.log_tail(8)}")

    def _lg_cpu(self) -> float:
        return self.receiver.cpu_seconds() + self.sender.cpu_seconds()

    def _foreign_cpu(self, server: float, lg: float) -> float:
        """Busy time of the benchmark CPUs not spent by the server, the load generator or us."""
        mine = self.me.cpu_times()
        return busy_cpu_seconds(self.cpus) - server - lg - mine.user - mine.system

    def _sample(self) -> tuple[float, ...]:
        """CPU, wait and busy counters sampled at both ends of a window."""
        server = self.server.cpu_seconds()
        lg = self._lg_cpu()
        waits = run_delay_seconds(self.server.proc)
        lg_waits = run_delay_seconds(self.receiver.proc) + run_delay_seconds(self.sender.proc)
        lg_core = busy_cpu_seconds(self.lg_cpus) if self.lg_cpus else 0.0
        return server, lg, self._foreign_cpu(server, lg), waits, lg_waits, lg_core

    def measure(
        self,
        rooms: int,
        room_size: int,
        senders: int,
        rate: float,
        window: float,
    ) -> Window:
        """Send ``rate`` notes/s (all rooms together) for warm-up + ``window``; measure that."""
        p = self.profile
        receivers = room_size - senders
        result = Window(rooms, room_size, rooms * room_size, rate, receivers)
        before = int(self.receiver.call("count")["delivered"])
        self.sender.submit("send", rate=rate, duration=p.warmup + window)
        time.sleep(p.warmup)
        # CPU is sampled right after each window reply, so both intervals are one pipe
        # round trip apart and equally long.
        w0 = self.receiver.call("window_start")
        o0 = time.perf_counter()
        s0 = self._sample()
        time.sleep(window)
        w1 = self.receiver.call("window_end")
        o1 = time.perf_counter()
        s1 = self._sample()
        cpu0, cpu1 = s0[0], s1[0]
        lg0, lg1 = s0[1], s1[1]
        sent = self.sender.result(timeout=p.warmup + window + 60.0)
        if not sent["ok"]:
            raise WorkerError(f"sender: {sent.get('error')}")
        if int(sent["sent"]) == 0:
            raise WorkerError("the sender sent no note")
        t0, t1 = int(w0["t_ns"]), int(w1["t_ns"])
        send_times = array("q")
        send_times.frombytes(sent["sent_ns"])
        in_window = sum(1 for t in send_times if t0 <= t < t1)
        got = self.receiver.call(
            "collect",
            quiet=p.quiet,
            max_wait=p.drain,
            expected=in_window * receivers,
            timeout=p.drain + 30.0,
        )
        self._check_server()
        if int(got["delivered"]) == before:
            raise WorkerError(f"{sent['sent']} notes sent, none delivered")

        wall = (t1 - t0) / 1e9
        cpu_wall = max(o1 - o0, 1e-6)
        sent_ns = array("q")
        sent_ns.frombytes(got["sent_ns"])
        recv_ns = array("q")
        recv_ns.frombytes(got["recv_ns"])
        latencies = sorted((r - s) / 1e6 for s, r in zip(sent_ns, recv_ns, strict=True))
        per_note: dict[bytes, list[float]] = defaultdict(list)
        for note_id, s, r in zip(got["note_ids"], sent_ns, recv_ns, strict=True):
            per_note[note_id].append((r - s) / 1e6)
        last = sorted(max(v) if len(v) >= receivers else math.inf for v in per_note.values())

        result.notes_in_window = in_window
        result.expected = in_window * receivers
        result.arrived = len(latencies)
        result.p50_ms = percentile(latencies, 0.50, result.expected)
        result.p90_ms = percentile(latencies, 0.90, result.expected)
        result.p99_ms = percentile(latencies, 0.99, result.expected)
        result.max_ms = percentile(latencies, 1.0, result.expected)
        result.last_p50_ms = percentile(last, 0.50, in_window)
        result.last_p99_ms = percentile(last, 0.99, in_window)
        delivered = int(w1["delivered"]) - int(w0["delivered"])
        result.delivered_per_s = delivered / wall
        result.server_cpu = (cpu1 - cpu0) / cpu_wall
        result.cpu_us_per_msg = (cpu1 - cpu0) / delivered * 1e6 if delivered else math.nan
        result.lg_cpu = (lg1 - lg0) / cpu_wall
        result.foreign_cpu = max(0.0, (s1[2] - s0[2]) / cpu_wall)
        result.server_wait = (s1[3] - s0[3]) / cpu_wall
        result.lg_wait = (s1[4] - s0[4]) / cpu_wall
        result.lg_core_busy = (s1[5] - s0[5]) / cpu_wall
        result.send_rate = in_window / wall
        result.dropped = int(got["dropped"])
        result.seconds = wall
        return result

    # -- scenarios -------------------------------------------------------------------------
    def memory(self) -> Memory:
        p = self.profile
        # Warm up first so lazily imported code and first-use caches are in the baseline.
        warm = self._rooms(1, 0)
        self._connect(self.receiver, warm, min(10, p.idle_room_size))
        self._disconnect()
        time.sleep(p.settle)
        baseline = self.server.rss()
        n_rooms = max(1, p.idle_connections // p.idle_room_size)
        rooms = self._rooms(n_rooms, 0)
        self._connect(self.receiver, rooms, p.idle_room_size)
        time.sleep(p.settle)
        loaded = self.server.rss()
        self._check_server()
        self._disconnect()
        return Memory(n_rooms * p.idle_room_size, baseline, loaded)

    def fanout(self, size: int) -> Window:
        p = self.profile
        senders = min(p.fanout_senders, size - 1)
        rate = self.target.allowed_rate(p.fanout_rate, senders, p.warmup + p.window)
        rooms = self._rooms(1, senders)
        try:
            self._connect(self.receiver, rooms, size - senders)
            self._connect(self.sender, rooms, senders)
            return self.measure(1, size, senders, rate, p.window)
        finally:
            self._disconnect()

    def join(self) -> Join:
        p = self.profile
        room = self.target.prepare_join_room(self.server.base_http, p.join_notes, self.run_id)
        alone: list[float] = []
        size = 0
        notes = 0
        for _ in range(p.join_alone):
            reply = self.receiver.call(
                "join_probe", room=room, count=1, first_client=self._clients(1), timeout=60.0
            )
            if not reply["ok"]:
                raise WorkerError(f"join failed: {reply['error']}")
            alone.append(reply["ready_ns"][0] / 1e6)
            size = reply["snapshot_bytes"][0]
            notes = reply["notes"][0]
        reply = self.receiver.call(
            "join_probe",
            room=room,
            count=p.join_crowd,
            first_client=self._clients(p.join_crowd),
            timeout=120.0,
        )
        if not reply["ok"]:
            raise WorkerError(f"{p.join_crowd} joining at once failed: {reply['error']}")
        crowd = [t / 1e6 for t in reply["ready_ns"]]
        self._check_server()
        return Join(notes, size, alone, p.join_crowd, crowd)

    def capacity(self) -> Capacity:
        p = self.profile
        cap = Capacity()
        senders = min(p.cap_senders, p.cap_room_size - 1)
        room_rate = self.target.allowed_rate(p.cap_room_rate, senders, p.warmup + p.cap_window)
        connected = 0
        started = time.perf_counter()
        try:
            for rooms in p.cap_rooms:
                join_rate = self.connected_clients / max(self.connect_seconds, 1e-3)
                estimate = (rooms - connected) * p.cap_room_size / join_rate
                estimate += p.warmup + p.cap_window + 1.0
                if cap.steps and time.perf_counter() - started + estimate > p.cap_budget:
                    cap.stop_reason = f"time budget ({p.cap_budget:g} s) reached"
                    break
                added = self._rooms(rooms - connected, senders)
                self._connect(self.receiver, added, p.cap_room_size - senders)
                self._connect(self.sender, added, senders)
                connected = rooms
                w = self.measure(rooms, p.cap_room_size, senders, rooms * room_rate, p.cap_window)
                failed = not cap.passes(w, p.cap_p99_limit_ms)
                if failed and p.retry_disturbed and w.server_cpu < SATURATED:
                    # Over the limit while the server still had CPU to spare: most likely
                    # disturbed by other work on the machine. Measure once more, keep the better.
                    again = self.measure(
                        rooms, p.cap_room_size, senders, rooms * room_rate, p.cap_window
                    )
                    w = again if again.p99_ms < w.p99_ms else w
                    w.attempts = 2
                cap.steps.append(w)
                self.log(
                    f"    {rooms * p.cap_room_size:>5} clients: {w.delivered_per_s:>8.0f} msg/s "
                    f"p99 {w.p99_ms:8.2f} ms  server CPU {w.server_cpu:4.0%}  "
                    f"load generator CPU {w.lg_cpu:4.0%}  waited for CPU: server "
                    f"{w.server_wait:4.0%} load generator {w.lg_wait:4.0%}"
                )
                if not cap.passes(w, p.cap_p99_limit_ms):
                    cap.stop_reason = "p99 over the limit" if w.lost == 0 else "deliveries lost"
                    break
                if w.lg_bound:
                    cap.stop_reason = "load generator saturated"
                    break
            else:
                cap.stop_reason = "largest step passed"
            last = cap.steps[-1] if cap.steps else None
            if last is not None and p.overload_factor > 0:
                cap.overload = self._overload(last, senders)
        finally:
            self._disconnect()
        return cap

    def _overload(self, last: Window, senders: int) -> Window:
        """Offer more than the server can deliver (as far as the load generator can take),
        so CPU per delivered message is read with the server saturated."""
        p = self.profile
        receivers = last.room_size - senders
        per_msg = last.server_cpu / last.delivered_per_s if last.delivered_per_s else 0.0
        capacity = 1.0 / per_msg if per_msg > 0 else p.lg_max_deliveries
        # What the load generator can take in, from its own CPU per message so far.
        lg_per_msg = last.lg_cpu / last.delivered_per_s if last.delivered_per_s else 0.0
        lg_capacity = LG_BOUND / lg_per_msg if lg_per_msg > 0 else p.lg_max_deliveries
        deliveries = min(p.overload_factor * capacity, lg_capacity, p.lg_max_deliveries)
        rate = max(last.offered_rate, deliveries / receivers)
        rate = self.target.allowed_rate(rate, last.rooms * senders, p.warmup + p.cap_window)
        w = self.measure(last.rooms, last.room_size, senders, rate, p.cap_window)
        self.log(
            f"    overload, {last.clients} clients: offered "
            f"{rate * receivers:>8.0f} msg/s, delivered {w.delivered_per_s:.0f} msg/s  "
            f"server CPU {w.server_cpu:4.0%}  load generator CPU {w.lg_cpu:4.0%}"
        )
        return w
