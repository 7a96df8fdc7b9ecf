"""Load-generator processes: real WebSocket clients driven over a pipe.

Two kinds of worker run on the load-generator CPU, each its own process with
one asyncio loop:

* the *receiver* holds every listening client of every room and stamps each
  delivered note with the arrival time of the read that carried it;
* the *sender* holds one client per room and posts notes open-loop at a fixed
  rate, each carrying its ``perf_counter_ns`` send time in its token.

The orchestrator (``bench.run``) sends a command dict down the pipe and reads
one reply dict back per command.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing.connection
import os
import re
import resource
import time
import traceback
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.targets import get_target
from bench.targets.base import Client, JoinResult, Target, make_token
from bench.wsclient import EpollReader, WSConnection, connect, frame_reader

Reply = dict[str, Any]
Command = dict[str, Any]

clock = time.perf_counter_ns


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def pin_to_cpu(cpu: int | None) -> None:
    if cpu is not None and cpu in os.sched_getaffinity(0):
        os.sched_setaffinity(0, {cpu})


@dataclass
class ClientSlot:
    """One connected client."""

    conn: WSConnection
    client: Client
    seq: int = 0


@dataclass
class Recording:
    """Deliveries seen while a measurement window is open."""

    t0: int = 0
    t1: int = 0
    open: bool = False
    note_ids: list[bytes] = field(default_factory=list)
    sent_ns: array[int] = field(default_factory=lambda: array("q"))
    recv_ns: array[int] = field(default_factory=lambda: array("q"))


class Worker:
    def __init__(self, role: str) -> None:
        self.role = role
        self._target: Target | None = None
        self.base_ws = ""
        self.headers: dict[str, str] = {}
        self._match: Callable[[bytes], list[re.Match[bytes]]] = lambda payload: []
        self._other: Callable[[WSConnection, bytes], None] = lambda conn, payload: None
        self.slots: list[ClientSlot] = []
        self.delivered = 0
        self.last_delivery_ns = 0
        self.rec = Recording()
        self.stop = asyncio.Event()
        self.connect_errors = 0
        self.reader: EpollReader | None = None

    # -- frame handlers -------------------------------------------------------------------
    @property
    def target(self) -> Target:
        if self._target is None:
            raise RuntimeError("no target: send a setup command first")
        return self._target

    def on_receiver_frame(self, conn: WSConnection, opcode: int, payload: bytes) -> None:
        matches = self._match(payload)
        if not matches:
            self._other(conn, payload)
            return
        now = conn.recv_ns
        self.last_delivery_ns = now
        rec = self.rec
        for match in matches:  # a frame may carry several messages
            self.delivered += 1
            if rec.open:
                sent = int(match.group(2))
                if sent >= rec.t0:
                    rec.note_ids.append(match.group(1))
                    rec.sent_ns.append(sent)
                    rec.recv_ns.append(now)

    def on_sender_frame(self, conn: WSConnection, opcode: int, payload: bytes) -> None:
        if not self._match(payload):
            self._other(conn, payload)

    # -- connecting ---------------------------------------------------------------------
    async def open_client(
        self, client: Client, limit: float
    ) -> tuple[WSConnection, JoinResult, int, int]:
        """Connect and join; returns the connection, the join result and two timings (ns)."""
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        arrivals: dict[int, int] = {}  # id of a queued frame -> when its read happened

        def collect(conn: WSConnection, opcode: int, payload: bytes) -> None:
            arrivals[id(payload)] = conn.recv_ns
            queue.put_nowait(payload)

        start = clock()
        url = self.target.ws_url(self.base_ws, client)
        conn = await connect(url, collect, clock=clock, headers=self.headers, open_timeout=limit)
        opened = clock()
        next_frame = frame_reader(conn, queue)
        try:
            result = await asyncio.wait_for(self.target.join(conn, client, next_frame), limit)
        except BaseException:
            conn.abort()
            raise
        # With the state still to parse, the client was ready to parse when it arrived; the
        # caller renders it and adds the parse time (see JoinResult).
        ready = clock() if result.state is None else arrivals[id(result.state)]
        handler = self.on_receiver_frame if self.role == "receiver" else self.on_sender_frame
        conn.on_message = handler
        while not queue.empty():
            handler(conn, 1, queue.get_nowait())
        if self.reader is not None and self.role == "receiver":
            self.reader.adopt(conn)
        return conn, result, opened - start, ready - start

    def cmd_setup(self, cmd: Command) -> Reply:
        target = get_target(cmd["target"])
        self._target = target
        self.base_ws = cmd["base_ws"]
        self.headers = target.ws_headers(self.base_ws)
        self._match = target.match_delivery
        self._other = target.handle_other
        return {"ok": True}

    async def cmd_connect(self, cmd: Command) -> Reply:
        rooms: list[str] = cmd["rooms"]
        per_room: int = cmd["per_room"]
        first_client: int = cmd["first_client"]
        client_timeout: float = cmd.get("client_timeout", 15.0)
        sem = asyncio.Semaphore(cmd.get("concurrency", 64))
        errors: list[str] = []
        started = time.perf_counter()

        async def one(client: Client) -> None:
            async with sem:
                try:
                    conn, _, _, _ = await self.open_client(client, client_timeout)
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    return
                self.slots.append(ClientSlot(conn, client))

        jobs = []
        number = first_client
        sending = self.role == "sender"
        for room in rooms:
            for index in range(per_room):
                jobs.append(one(Client(room, number, index if sending else None)))
                number += 1
        await asyncio.gather(*jobs)
        self.connect_errors += len(errors)
        return {
            "ok": not errors,
            "connected": len(jobs) - len(errors),
            "total": len(self.slots),
            "seconds": time.perf_counter() - started,
            "error": errors[0] if errors else None,
            "errors": len(errors),
        }

    async def cmd_disconnect(self, cmd: Command) -> Reply:
        slots, self.slots = self.slots, []
        for slot in slots:
            if self.reader is not None:
                self.reader.release(slot.conn)
            slot.conn.close()
        waits = [slot.conn.closed for slot in slots]
        if waits:
            await asyncio.wait(waits, timeout=cmd.get("close_wait", 5.0))
            for slot in slots:
                if not slot.conn.closed.done():
                    slot.conn.abort()
        return {"ok": True, "closed": len(slots)}

    # -- measuring ----------------------------------------------------------------------
    def cmd_window_start(self, cmd: Command) -> Reply:
        # No collector pauses inside a window: they would show up as latency.
        gc.collect()
        gc.freeze()
        gc.disable()
        self.rec = Recording(t0=clock(), open=True)
        return {"ok": True, "t_ns": self.rec.t0, "delivered": self.delivered}

    def cmd_window_end(self, cmd: Command) -> Reply:
        self.rec.t1 = clock()
        return {"ok": True, "t_ns": self.rec.t1, "delivered": self.delivered}

    async def cmd_collect(self, cmd: Command) -> Reply:
        """Wait for stragglers (quiet period or deadline), then hand back the window."""
        quiet_ns = int(cmd.get("quiet", 0.3) * 1e9)
        deadline = clock() + int(cmd.get("max_wait", 5.0) * 1e9)
        expected: int | None = cmd.get("expected")
        rec = self.rec
        scanned = 0
        in_window = 0
        while clock() < deadline:
            if expected is not None:
                sent_ns = rec.sent_ns
                end = len(sent_ns)
                t1 = rec.t1
                in_window += sum(1 for i in range(scanned, end) if sent_ns[i] < t1)
                scanned = end
                if in_window >= expected:
                    break
            elif clock() - max(self.last_delivery_ns, rec.t1) > quiet_ns:
                break
            await asyncio.sleep(0.01)
        gc.enable()
        self.rec = Recording()
        keep_ids: list[bytes] = []
        sent = array("q")
        recv = array("q")
        for note_id, s, r in zip(rec.note_ids, rec.sent_ns, rec.recv_ns, strict=True):
            if rec.t0 <= s < rec.t1:
                keep_ids.append(note_id)
                sent.append(s)
                recv.append(r)
        return {
            "ok": True,
            "note_ids": keep_ids,
            "sent_ns": sent.tobytes(),
            "recv_ns": recv.tobytes(),
            "dropped": sum(1 for slot in self.slots if not slot.conn.is_open),
            "delivered": self.delivered,
        }

    async def cmd_send(self, cmd: Command) -> Reply:
        """Post notes round-robin over this worker's clients at ``rate`` per second."""
        rate: float = cmd["rate"]
        duration: float = cmd["duration"]
        slots = [s for s in self.slots if s.conn.is_open]
        if not slots:
            return {"ok": False, "error": "no open sender connections"}
        total = max(1, int(rate * duration))
        target = self.target
        sent_at = array("q")
        interval_ns = 1e9 / rate
        start = clock()
        n = 0
        max_lag_ns = 0
        while n < total:
            now = clock()
            due = min(total, int((now - start) / interval_ns) + 1)
            if due > n:
                max_lag_ns = max(max_lag_ns, now - int(start + n * interval_ns))
            while n < due:
                slot = slots[n % len(slots)]
                slot.seq += 1
                t = clock()
                token = make_token(slot.client.number, slot.seq, t)
                slot.conn.send_text(target.note_frame(slot.client, slot.seq, token))
                sent_at.append(t)
                n += 1
            next_due = start + n * interval_ns
            await asyncio.sleep(max(0.0, (next_due - clock()) / 1e9))
        return {
            "ok": True,
            "sent": n,
            "sent_ns": sent_at.tobytes(),
            "seconds": (clock() - start) / 1e9,
            "max_lag_ms": max_lag_ns / 1e6,
        }

    async def cmd_join_probe(self, cmd: Command) -> Reply:
        """Time ``count`` clients opening ``room`` at once, from TCP connect to parsed state."""
        room: str = cmd["room"]
        count: int = cmd["count"]
        first_client: int = cmd["first_client"]
        client_timeout: float = cmd.get("client_timeout", 15.0)
        results = await asyncio.gather(
            *(
                self.open_client(Client(room, first_client + i), client_timeout)
                for i in range(count)
            ),
            return_exceptions=True,
        )
        opened: list[int] = []
        ready: list[int] = []
        sizes: list[int] = []
        notes: list[int] = []
        errors: list[str] = []
        conns: list[WSConnection] = []
        for item in results:
            if isinstance(item, BaseException):
                errors.append(f"{type(item).__name__}: {item}")
                continue
            conn, result, t_open, t_ready = item
            conns.append(conn)
            if result.state is not None:
                started = clock()
                try:
                    result = self.target.render(result)
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                t_ready += clock() - started
            opened.append(t_open)
            ready.append(t_ready)
            sizes.append(result.snapshot_bytes)
            notes.append(result.notes)
        for conn in conns:
            conn.close()
        if conns:
            await asyncio.wait([c.closed for c in conns], timeout=5.0)
        return {
            "ok": not errors,
            "error": errors[0] if errors else None,
            "open_ns": opened,
            "ready_ns": ready,
            "snapshot_bytes": sizes,
            "notes": notes,
        }

    # -- plumbing -----------------------------------------------------------------------
    async def dispatch(self, cmd: Command) -> Reply:
        op = cmd["op"]
        handlers: dict[str, Callable[[Command], Any]] = {
            "setup": self.cmd_setup,
            "connect": self.cmd_connect,
            "disconnect": self.cmd_disconnect,
            "window_start": self.cmd_window_start,
            "window_end": self.cmd_window_end,
            "collect": self.cmd_collect,
            "send": self.cmd_send,
            "join_probe": self.cmd_join_probe,
        }
        if op == "exit":
            self.stop.set()
            return {"ok": True}
        if op == "ping":
            return {"ok": True, "pid": os.getpid()}
        if op == "count":
            return {"ok": True, "delivered": self.delivered}
        handler = handlers.get(op)
        if handler is None:
            return {"ok": False, "error": f"unknown op {op!r}"}
        result = handler(cmd)
        if asyncio.iscoroutine(result):
            result = await result
        assert isinstance(result, dict)
        return result

    async def serve(self, pipe: multiprocessing.connection.Connection) -> None:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[Command | None] = asyncio.Queue()

        def readable() -> None:
            try:
                inbox.put_nowait(pipe.recv())
            except (EOFError, OSError):
                loop.remove_reader(pipe.fileno())
                inbox.put_nowait(None)

        loop.add_reader(pipe.fileno(), readable)
        self.reader = EpollReader()
        while not self.stop.is_set():
            cmd = await inbox.get()
            if cmd is None:
                break
            try:
                reply = await self.dispatch(cmd)
            except Exception as exc:
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                reply["traceback"] = traceback.format_exc()
            pipe.send(reply)
        loop.remove_reader(pipe.fileno())
        for slot in self.slots:
            slot.conn.abort()
        self.reader.close()


def worker_main(role: str, cpu: int | None, pipe: multiprocessing.connection.Connection) -> None:
    """Entry point of a load-generator process; ``setup`` picks the target."""
    pin_to_cpu(cpu)
    raise_fd_limit()
    worker = Worker(role)
    asyncio.run(worker.serve(pipe))
