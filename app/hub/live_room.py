"""One room as this process holds it: state, viewers, recent deliveries, and the room's lock."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from app.hub.ports import BoardInfo, Viewer
from app.hub.presence import OtherProcesses
from app.realtime.codec import Message, encode, encode_ending_with
from app.room import Actor, Delivery, RoomState, apply, render
from app.room.commands import Command
from app.room.events import Event, NoteAdded, ParticipantJoined, PhaseChanged
from app.room.limits import REPLAY_LIMIT
from app.room.views import board_snapshot, extend_for


@dataclass(frozen=True, slots=True)
class Operation:
    seq: int
    actor: str | None


@dataclass(eq=False, slots=True)
class Job:
    """One command waiting for the room's lock, and its answer once it has one."""

    actor: Actor
    key: str
    cid: str | None
    command: Command
    seq: int | None = None
    error: BaseException | None = None

    @property
    def done(self) -> bool:
        return self.seq is not None or self.error is not None

    def answer(self) -> int:
        """The seq to acknowledge; raises what the command met (Rejected, a store error)."""
        if self.error is not None:
            raise self.error
        assert self.seq is not None
        return self.seq


@dataclass
class LiveRoom:
    room_id: str
    epoch: str
    state: RoomState
    board: BoardInfo
    operations: dict[str, Operation] = field(default_factory=dict)
    viewers: set[Viewer] = field(default_factory=set)
    recent: deque[tuple[int, Delivery]] = field(default_factory=lambda: deque(maxlen=REPLAY_LIMIT))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    """Pulsed whenever `exclusive()` lets the lock go: wakes every waiting submitter at once."""
    waiting: list[Job] = field(default_factory=list)
    _presence_soon: bool = False
    others: OtherProcesses = field(default_factory=OtherProcesses)
    """Who the other processes serving this room have online (with the Redis backplane)."""
    told: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    """Who we last told the other processes we have online, and typing (nobody, at first)."""
    typing: dict[str, float] = field(default_factory=dict)
    """Participants here typing a note, and when their phone last said so (time.monotonic)."""
    typing_check: asyncio.TimerHandle | None = None
    _snapshots: dict[str | None, Message] = field(default_factory=dict)
    _snapshot_seq: int = -1
    _board: dict[str, Any] | None = None
    _notes: list[Any] | None = None  # the board snapshot's notes, while no event changed them
    _notes_json: bytes | None = None  # the same notes, encoded

    # -- the lock ------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Hold the room's lock; on letting go, wake everyone waiting in `released`."""
        async with self.lock:
            try:
                yield
            finally:
                self.released.set()
                self.released.clear()

    # -- state ---------------------------------------------------------------------------------

    def advance(self, event: Event) -> None:
        """Apply one committed event and hand it to every local viewer."""
        self._stop_typing(event)
        self._apply(event)
        delivery = render(self.state, event)
        self.recent.append((self.state.seq, delivery))
        self._fan_out(self.state.seq, delivery)

    def advance_unseen(self, event: Event) -> None:
        """Apply one committed event that nobody is sent: no viewer is attached, and the
        replay buffer would drop it again (it is emptied, so it never has a hole)."""
        if self.viewers:
            raise RuntimeError("a watched room renders every event")
        self.recent.clear()
        self._stop_typing(event)
        self._apply(event)

    def _stop_typing(self, event: Event) -> None:
        """Whoever adds a note has stopped typing it, and a new step ends all typing; every
        process applies the same events, so each forgets the same people without a word."""
        if isinstance(event, NoteAdded):
            changed = self.typing.pop(event.author, None) is not None
            changed = self.others.stopped_writing(event.author) or changed
            stopped = frozenset({event.author})
        elif isinstance(event, PhaseChanged):
            changed = self.others.stopped_writing() or bool(self.typing)
            self.typing.clear()
            stopped = self.told[1]
        else:
            return
        # The others forget them as well: what we told them stays what they believe.
        self.told = (self.told[0], self.told[1] - stopped)
        if changed:
            self.presence_changed()

    def _apply(self, event: Event) -> None:
        if type(event) is not ParticipantJoined:  # a newcomer has no notes yet
            self._notes = self._notes_json = None
        self.state = apply(self.state, event)

    # -- messages ------------------------------------------------------------------------------

    def snapshot_message(self, pid: str | None) -> Message:
        """The encoded snapshot for one viewer.

        The board's and the screens' (the same for all of them) are cached per room version; a
        participant's is only for them, so it is built from the cached board and not kept: a
        room's participants would otherwise keep one copy each until the next event.
        """
        if self._snapshot_seq != self.state.seq:
            self._snapshots.clear()
            self._board = None
            self._snapshot_seq = self.state.seq
        cached = self._snapshots.get(pid)
        if cached is None:
            if self._board is None:
                self._board = board_snapshot(self.state, self._notes)
                self._notes = self._board["notes"]
            view = self._board if pid is None else extend_for(self._board, self.state, pid)
            message = {"type": "snapshot", "seq": self.state.seq, "epoch": self.epoch}
            if view["notes"] is self._notes:
                # Most viewers see exactly the board's notes (all of a 500-note board): they
                # are encoded once, and go out as a piece of every such viewer's message.
                if self._notes_json is None:
                    self._notes_json = orjson.dumps(self._notes)
                rest = {key: value for key, value in view.items() if key != "notes"}
                cached = encode_ending_with({**message, "board": rest}, "notes", self._notes_json)
            else:
                cached = encode({**message, "board": view})
            if not pid:
                self._snapshots[pid] = cached
        return cached

    def _fan_out(self, seq: int, delivery: Delivery) -> None:
        if delivery.needs_snapshot:
            for viewer in list(self.viewers):
                viewer.deliver(self.snapshot_message(viewer.pid))
            return
        encoded: dict[int, bytes] = {}
        for viewer in list(self.viewers):
            ops = delivery.for_viewer(viewer.pid)
            message = encoded.get(id(ops))
            if message is None:
                message = encode({"type": "event", "seq": seq, "ops": ops})
                encoded[id(ops)] = message
            viewer.deliver(message)

    def catch_up(self, viewer: Viewer, last_seq: int | None, epoch: str | None) -> None:
        """Bring a (re)connecting viewer to the current seq: replay if we can, else snapshot."""
        current = self.state.seq
        if last_seq is not None and epoch == self.epoch and last_seq <= current:
            missed = [(seq, d) for seq, d in self.recent if seq > last_seq]
            complete = len(missed) == current - last_seq
            if complete and not any(d.needs_snapshot for _, d in missed):
                for seq, delivery in missed:
                    ops = delivery.for_viewer(viewer.pid)
                    viewer.deliver(encode({"type": "event", "seq": seq, "ops": ops}))
                return
        viewer.deliver(self.snapshot_message(viewer.pid))

    def here(self) -> set[str]:
        """The participants connected to this process (not the facilitator, not screens)."""
        return {v.pid for v in self.viewers if v.pid}

    def presence(self) -> int:
        """Participants online: here, or connected to another process serving the room."""
        return self.others.online(self.here())

    def writing(self) -> int:
        """Participants typing a note now, here or elsewhere."""
        return self.others.typing(set(self.typing))

    def presence_message(self) -> bytes:
        return encode({"type": "presence", "online": self.presence(), "writing": self.writing()})

    def presence_changed(self) -> None:
        """Announce the number online at the next turn of the event loop: once for everyone
        who came or went in this turn (sixty phones joining at once are one announcement per
        turn, not sixty to each of them)."""
        if not self._presence_soon:
            self._presence_soon = True
            asyncio.get_running_loop().call_soon(self.announce_presence)

    def announce_presence(self) -> None:
        self._presence_soon = False
        message = self.presence_message()
        for viewer in list(self.viewers):
            viewer.deliver(message)
