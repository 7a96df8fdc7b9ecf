"""What the harness needs to know about a server under test.

A target adapter says how to start the server and how one client

(a) joins a room: the URL it connects to plus any messages exchanged after the
    upgrade (:meth:`Target.join`);
(b) sends a note carrying a *token* (:meth:`Target.note_frame`);
(c) recognises a delivered note and reads the token back out of it
    (:meth:`Target.match_delivery`), and answers protocol keep-alives
    (:meth:`Target.handle_other`).

A token is ``bn<client>.<seq>.<t_ns>z``: the sending client, its note counter
and the ``time.perf_counter_ns()`` of the send. ``perf_counter_ns`` reads
``CLOCK_MONOTONIC``, one clock for every process on the machine, so a receiver
in another process subtracts it from its own reading to get the fan-out
latency.

Adapters are instantiated in the orchestrator and in every load-generator
process, so they must be cheap to build and keep no per-run state.
"""

from __future__ import annotations

import json
import re
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.wsclient import WSConnection

# Group 1: the note (``client.seq``); group 2: the send time in ns.
TOKEN_RE = re.compile(rb"bn(\d+\.\d+)\.(\d+)z")

# Receive the next data frame during a join; raises TimeoutError when none comes.
NextFrame = Callable[[float], Awaitable[bytes]]


def make_token(client: int, seq: int, t_ns: int) -> str:
    return f"bn{client}.{seq}.{t_ns}z"


class TargetUnavailable(Exception):
    """The target cannot run on this machine; the message says why."""


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server process listening on ``host:port``."""

    argv: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    # HTTP path that answers 2xx once the server accepts clients; None: a TCP connect is enough.
    ready_path: str | None = None
    ready_timeout: float = 20.0


@dataclass(frozen=True)
class JoinResult:
    """What a join that waits for the room's state got back.

    A target whose state needs parsing returns the frame that carries it, unparsed, as
    ``state`` and parses it in ``render()``. The load generator renders each client's state
    once the whole crowd has arrived and counts, for each client, the frame's arrival plus its
    own parse time: each phone parses its own snapshot while the others parse theirs, whereas
    parsing sixty snapshots one after the other on the load generator's one core would add up
    in the later clients' figures (and delay reading the other sockets).
    """

    snapshot_bytes: int = 0
    notes: int = 0
    state: bytes | None = None


@dataclass(frozen=True)
class Client:
    """One simulated client: its room, a number unique in the run, and whether it posts."""

    room: str
    number: int
    # Index among the room's posting clients (see ``prepare_rooms``), None for a listener.
    sender: int | None = None


class Target(ABC):
    """One server under test. Subclasses are stateless adapters."""

    key: str = ""
    label: str = ""
    # True when joining returns the room's state (notes), so join timing is meaningful.
    has_snapshot: bool = False
    # Highest note rate one client may keep up, and how many notes it may send in a burst
    # above that rate (servers with per-socket rate limits).
    max_rate_per_sender: float = 1000.0
    max_burst_per_sender: int = 1000

    def allowed_rate(self, rate: float, senders: int, seconds: float) -> float:
        """``rate`` (notes/s over ``senders`` clients for ``seconds``), capped where the
        server's per-socket rate limit would refuse notes."""
        per_sender = rate / max(1, senders)
        if per_sender <= self.max_rate_per_sender:
            return rate
        if per_sender * seconds <= self.max_burst_per_sender:
            return rate
        return senders * self.max_rate_per_sender

    def unavailable_reason(self) -> str | None:
        """Why this target cannot run here, or None when it can."""
        return None

    @abstractmethod
    def server_spec(self, host: str, port: int, workdir: Path) -> ServerSpec:
        """The command that starts the server; ``workdir`` is a private scratch directory."""

    def prepare_rooms(
        self, base_url: str, count: int, senders_per_room: int, run_id: str
    ) -> list[str]:
        """Create ``count`` rooms, each with ``senders_per_room`` posting clients.

        Returns one opaque reference per room, handed to :class:`Client`. Runs in the
        orchestrator, synchronously. Peers have nothing to create.
        """
        return [f"{run_id}-{i}" for i in range(count)]

    def prepare_join_room(self, base_url: str, notes: int, run_id: str) -> str:
        """Create a room already holding ``notes`` notes, for the join measurement."""
        raise TargetUnavailable(f"{self.label} keeps no room state")

    @abstractmethod
    def ws_url(self, base_ws: str, client: Client) -> str:
        """The URL ``client`` connects to in order to join its room."""

    def ws_headers(self, base_ws: str) -> dict[str, str]:
        """Extra headers of the upgrade request (an ``Origin``, say)."""
        return {}

    async def join(self, conn: WSConnection, client: Client, next_frame: NextFrame) -> JoinResult:
        """Messages exchanged after the upgrade until the client is in the room."""
        return JoinResult()

    def render(self, result: JoinResult) -> JoinResult:
        """Parse ``result.state`` as a client would before it can show it (see JoinResult)."""
        return result

    @abstractmethod
    def note_frame(self, client: Client, seq: int, token: str) -> bytes:
        """The text frame payload with which a posting client sends a note carrying ``token``."""

    def match_delivery(self, payload: bytes) -> list[re.Match[bytes]]:
        """The tokens of the notes delivered in ``payload`` (a frame may batch several)."""
        return list(TOKEN_RE.finditer(payload))

    def handle_other(self, conn: WSConnection, payload: bytes) -> None:
        """Called for frames that are not delivered notes (keep-alives, acks, presence)."""
        return None


def http_json(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> Any:
    """A tiny blocking JSON-over-HTTP call for room setup in the orchestrator."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("accept", "application/json")
    if data is not None:
        request.add_header("content-type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None
