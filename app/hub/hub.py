"""The one road: every change to a room goes through RoomHub.submit().

Theory of operation
-------------------
Under the room's lock: a known operation id gets its earlier answer again; otherwise decide()
turns the command into events, the store commits them (the room's sequence numbers are
assigned in that transaction), and only then is the state advanced, every local viewer served
and the other processes poked through the broadcast ("room R reached seq S"). A process that
hears of a seq it does not have reads the missing events from the database: the database is
the record, the broadcast only a hint. A conflict (another process wrote first) means catch
up and decide again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

import orjson

from app.broadcast.base import LAGGED_WAKEUP, Broadcast
from app.hub import credentials
from app.hub.live_room import Job, LiveRoom, Operation
from app.hub.ports import (
    BoardInfo,
    Conflict,
    DuplicateOperation,
    LoggedEvent,
    RoomStore,
    Viewer,
)
from app.hub.presence import PRESENCE_REFRESH_SECONDS, Heard, presence_poke, read_presence
from app.ops import metrics
from app.room import FACILITATOR, Actor, ErrorCode, Rejected, Role, decide, fold
from app.room import commands as cmd
from app.room.events import Event
from app.room.limits import (
    MAX_CONNECTIONS_PER_ROOM,
    MAX_LIVE_ROOMS_PER_PROCESS,
    WRITING_FRESH_SECONDS,
)
from app.room.phases import WRITING_CIRCLE
from app.room.state import Language, Variant
from app.room.views import forget_people
from app.store.event_codec import decode_event, encode_event  # pure: Event <-> JSON, no SQL

log = logging.getLogger("cirkelbord.hub")

MAX_CONFLICT_RETRIES = 50
CONFLICT_BACKOFF_SECONDS = 0.002
IDLE_ROOM_SECONDS = 60.0
SAFETY_POLL_SECONDS = 5.0
CLOSE_TIMEOUT_SECONDS = 5.0


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def actor_key(actor: Actor) -> str:
    return actor.pid if actor.pid is not None else actor.role.value


@dataclass(frozen=True, slots=True)
class NewBoard:
    room_id: str
    join_code: str
    facilitator_token: str


@dataclass(frozen=True, slots=True)
class Admission:
    """Who a hello turned out to be; `token` only for a participant just created."""

    actor: Actor
    token: str | None = None


class RoomHub:
    def __init__(
        self,
        store: RoomStore,
        broadcast: Broadcast,
        *,
        clock: Callable[[], int] = wall_clock_ms,
        poll_seconds: float | None = None,
    ) -> None:
        self.store = store
        self.broadcast = broadcast
        self.clock = clock
        self.rooms: dict[str, LiveRoom] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self._listeners: dict[str, asyncio.Task[None]] = {}
        self._evictions: dict[str, asyncio.TimerHandle] = {}
        self._poll_seconds = poll_seconds
        self.shared = poll_seconds is not None  # other processes may write to our rooms
        self.process = secrets.token_hex(8)  # names this process in presence pokes
        self._presence_due: set[str] = set()  # rooms whose presence poke waits for the turn
        # Rooms closed by close_room(), by id(room): a command or a join still waiting for
        # such a room's lock is refused. Weak, so a closed room is forgotten once unused.
        self._closed: weakref.WeakValueDictionary[int, LiveRoom] = weakref.WeakValueDictionary()

    # -- boards --------------------------------------------------------------------------------

    async def create_board(
        self, topic: str, language: Language, anonymous: bool, variant: Variant = Variant.TEAM
    ) -> NewBoard:
        room_id = credentials.new_room_id()
        token = credentials.new_token()
        command = cmd.CreateBoard(room_id, topic, variant, language, anonymous)
        events = decide(fold([]), FACILITATOR, command, self.clock())
        now = datetime.now(UTC)
        board = BoardInfo(
            room_id=room_id,
            join_code=credentials.new_join_code(),
            facilitator_token_hash=credentials.hash_token(token),
            epoch=credentials.new_epoch(),
            created_at=now,
            last_activity_at=now,
        )
        await self.store.create_board(board, events)
        log.info("board created", extra={"room": room_id})
        return NewBoard(room_id, board.join_code, token)

    # -- connections ---------------------------------------------------------------------------

    async def admit(
        self,
        room_id: str,
        role: Role,
        *,
        token: str | None = None,
        pid: str | None = None,
        code: str | None = None,
        name: str = "",
    ) -> Admission:
        """Check a hello's credentials; a participant without pid/token joins the room.

        The board's credentials come from the live room, read once when it was loaded: a
        hello costs no database read (join codes and token hashes never change, and a deleted
        board's live room is closed first).
        """
        room = await self.room(room_id)
        board = room.board
        code_ok = code is not None and credentials.normalise_code(code) == board.join_code
        if role is Role.FACILITATOR:
            if token is None or not credentials.token_matches(token, board.facilitator_token_hash):
                raise Rejected(ErrorCode.BAD_CREDENTIALS)
            return Admission(FACILITATOR)
        if role is Role.SCREEN:
            if not code_ok:
                raise Rejected(ErrorCode.BAD_CREDENTIALS)
            return Admission(Actor(Role.SCREEN))
        if pid is not None and token is not None:
            person = room.state.participants.get(pid)
            if person is None or not credentials.token_matches(token, person.token_hash):
                raise Rejected(ErrorCode.BAD_CREDENTIALS)
            return Admission(Actor(Role.PARTICIPANT, pid))
        if not code_ok:
            raise Rejected(ErrorCode.BAD_CREDENTIALS)
        new_pid, new_token = credentials.new_pid(), credentials.new_token()
        actor = Actor(Role.PARTICIPANT, new_pid)
        await self.submit(room_id, actor, None, cmd.Join(name, credentials.hash_token(new_token)))
        return Admission(actor, new_token)

    async def attach(
        self, room_id: str, viewer: Viewer, last_seq: int | None, epoch: str | None
    ) -> LiveRoom:
        """Subscribe a viewer, then bring it up to date: nothing missed, nothing twice."""
        room = await self.room(room_id)
        # No await from here on: no event can be applied between subscribing and catching up,
        # so the room's lock is not needed (and a join never waits for a commit in progress).
        self._refuse_closed(room)
        if len(room.viewers) >= MAX_CONNECTIONS_PER_ROOM:
            raise Rejected(ErrorCode.ROOM_FULL, "too many connections")
        had = room.presence()
        room.viewers.add(viewer)
        self._cancel_eviction(room_id)
        room.catch_up(viewer, last_seq, epoch)
        self._tell_presence_soon(room)
        if room.presence() != had:
            room.presence_changed()
        else:
            viewer.deliver(room.presence_message())
        return room

    async def detach(self, room_id: str, viewer: Viewer) -> None:
        room = self.rooms.get(room_id)
        if room is None:
            return
        had = (room.presence(), room.writing())
        room.viewers.discard(viewer)
        if viewer.pid and viewer.pid not in room.here():
            room.typing.pop(viewer.pid, None)  # gone offline mid-note: no longer typing here
        self._tell_presence_soon(room)
        if (room.presence(), room.writing()) != had:
            room.presence_changed()
        if not room.viewers:
            self._schedule_eviction(room_id)

    # -- the one road --------------------------------------------------------------------------

    async def submit(
        self, room_id: str, actor: Actor, cid: str | None, command: cmd.Command
    ) -> int:
        """Carry out a command; return the seq to acknowledge (after commit). Raises Rejected.

        Commands that arrive while the room is busy wait together: whoever gets the room's
        lock next carries out all of them (see `_carry_out`), and each caller returns its own
        answer.
        """
        room = await self.room(room_id)
        job = Job(actor, actor_key(actor), cid, command)
        room.waiting.append(job)
        try:
            while not job.done:
                if room.lock.locked():
                    # Whoever holds the lock may take our job up; all waiters wake together
                    # when it lets go, instead of one per turn of the loop through the lock.
                    await room.released.wait()
                    continue
                async with room.exclusive():
                    if not job.done:
                        jobs, room.waiting = room.waiting, []
                        await self._carry_out(room, jobs)
        except BaseException:
            if job in room.waiting:  # cancelled before anyone took it up: it never happens
                room.waiting.remove(job)
            raise
        return job.answer()

    async def _carry_out(self, room: LiveRoom, jobs: list[Job]) -> None:
        """Answer every job (the caller holds the room's lock).

        Theory of operation: on its own (one process per room), the room decides the waiting
        commands one after the other on the state each leaves behind, stores them all at
        once (their appends share one group commit) and, after the commit, advances and fans
        out their events together: a client gets one frame for the lot, and sixty phones
        joining at once cost a handful of commits instead of sixty. Nobody hears anything
        before the commit: refusals and no-ops of this pass are answered after it too, as
        they were decided on the state it stores. What fails, and every job after it, is
        carried out again one at a time, as are all jobs when other processes may write to
        the room (each then needs its own conflict handling).
        """
        try:
            if not self.shared and len(jobs) > 1:
                jobs = await self._carry_out_together(room, jobs)
            for job in jobs:
                try:
                    job.seq = await self._carry_out_one(room, job)
                except Exception as failed:
                    job.error = failed
        except BaseException:
            # Cancelled mid-way: whoever holds the lock next takes up what is unanswered (a
            # command that was stored meanwhile is found by its operation id).
            room.waiting[:0] = [job for job in jobs if not job.done]
            raise

    async def _carry_out_together(self, room: LiveRoom, jobs: list[Job]) -> list[Job]:
        """One pass over `jobs`; returns those still to be carried out one at a time."""
        if self._closed.get(id(room)) is room:
            for job in jobs:
                job.error = Rejected(ErrorCode.UNKNOWN_ROOM)
            return []
        state = room.state
        decided: list[tuple[Job, list[Event] | Rejected, int]] = []
        batch_cids: set[str] = set()
        for job in jobs:
            if job.cid is not None:
                if job.cid in batch_cids:  # the same operation twice in one pass: later
                    break
                known = room.operations.get(job.cid)
                if known is not None:
                    try:
                        job.seq = self._replayed(known.seq, known.actor, job.key)
                    except Rejected as refused:
                        job.error = refused
                    decided.append((job, [], state.seq))
                    continue
                batch_cids.add(job.cid)
            try:
                events = decide(state, job.actor, job.command, self.clock())
            except Rejected as refused:
                decided.append((job, refused, state.seq))
                continue
            decided.append((job, events, state.seq))
            state = fold(events, state)
        appends = [
            (job, made, seq) for job, made, seq in decided if isinstance(made, list) and made
        ]
        started = time.perf_counter()
        stored = await asyncio.gather(
            *(
                self.store.append(room.room_id, seq, made, job.cid, job.key)
                for job, made, seq in appends
            ),
            return_exceptions=True,
        )
        committed = time.perf_counter()
        outcomes = iter(stored)
        again: list[Job] = []
        for job, outcome, _ in decided:
            if again or job.done:
                if not job.done:
                    again.append(job)
                continue
            if isinstance(outcome, Rejected):
                job.error = outcome
            elif not outcome:
                job.seq = room.state.seq
            else:
                last = next(outcomes)
                if isinstance(last, BaseException):
                    again.append(job)
                    continue
                metrics.commit_finished(room.room_id, committed - started)
                if job.cid is not None:
                    room.operations[job.cid] = Operation(last, job.key)
                for event in outcome:
                    room.advance(event)
                job.seq = last
        metrics.FANOUT_SECONDS.observe(time.perf_counter() - committed)
        return again + jobs[len(decided) :]

    async def _carry_out_one(self, room: LiveRoom, job: Job) -> int:
        self._refuse_closed(room)
        actor, key, cid, command = job.actor, job.key, job.cid, job.command
        if cid is not None:
            known = room.operations.get(cid)
            if known is not None:
                return self._replayed(known.seq, known.actor, key)
        for attempt in range(MAX_CONFLICT_RETRIES):
            try:
                events = decide(room.state, actor, command, self.clock())
            except Rejected:
                # With other processes writing, our state may be behind: a refusal counts
                # only once it is checked against the latest log.
                if not self.shared or not await self._read_log(room):
                    raise
                continue
            if not events:
                return room.state.seq
            started = time.perf_counter()
            try:
                last = await self.store.append(room.room_id, room.state.seq, events, cid, key)
            except Conflict:
                # Another process wrote first: learn what it wrote, then decide again. The
                # jitter keeps two processes from colliding in lockstep.
                await asyncio.sleep(random.uniform(0, CONFLICT_BACKOFF_SECONDS * (1 + attempt)))
                await self._read_log(room)
                continue
            except DuplicateOperation as stored:
                await self._read_log(room)
                return self._replayed(stored.seq, stored.actor, key)
            committed = time.perf_counter()
            metrics.commit_finished(room.room_id, committed - started)
            if cid is not None:
                room.operations[cid] = Operation(last, key)
            # The other processes first: the poke is on its way before the local fan-out.
            self._poke(room.room_id, last, events, cid, key)
            for event in events:
                room.advance(event)
            metrics.FANOUT_SECONDS.observe(time.perf_counter() - committed)
            return last
        raise Rejected(ErrorCode.INTERNAL, "the room is too busy, try again")

    def _refuse_closed(self, room: LiveRoom) -> None:
        if self._closed.get(id(room)) is room:
            raise Rejected(ErrorCode.UNKNOWN_ROOM)

    @staticmethod
    def _replayed(seq: int, stored_actor: str | None, key: str) -> int:
        if stored_actor != key:
            raise Rejected(ErrorCode.DUPLICATE_OPERATION)
        return seq

    # -- live rooms ----------------------------------------------------------------------------

    async def room(self, room_id: str) -> LiveRoom:
        room = self.rooms.get(room_id)
        if room is not None:
            return room
        lock = self._loading.setdefault(room_id, asyncio.Lock())
        async with lock:
            room = self.rooms.get(room_id)
            if room is not None:
                return room
            if len(self.rooms) >= MAX_LIVE_ROOMS_PER_PROCESS:
                raise Rejected(ErrorCode.SERVER_FULL)
            board = await self.store.board(room_id)
            if board is None:
                raise Rejected(ErrorCode.UNKNOWN_ROOM)
            room = LiveRoom(room_id, board.epoch, fold([]), board)
            await self._read_log(room)
            self.rooms[room_id] = room
            if self.shared:
                self._listeners[room_id] = asyncio.create_task(self._listen(room))
            self._schedule_eviction(room_id)
        self._loading.pop(room_id, None)
        return room

    async def _read_log(self, room: LiveRoom) -> bool:
        """Apply what the database holds beyond our seq (caller holds the lock or is alone).

        Returns whether anything was new.
        """
        start = room.state.seq
        self._apply_logged(room, await self.store.load(room.room_id, room.state.seq))
        return room.state.seq > start

    @staticmethod
    def _apply_logged(room: LiveRoom, logged: list[LoggedEvent]) -> None:
        """Apply committed events in order, from the next seq on (older ones are known).

        With nobody watching (a room being loaded), the events that the replay buffer would
        drop again before the last one is in are applied without being rendered.
        """
        unseen = len(logged) - (room.recent.maxlen or 0) if not room.viewers else 0
        for i, entry in enumerate(logged):
            if entry.seq <= room.state.seq:
                continue
            if entry.seq != room.state.seq + 1:
                break
            if entry.cid is not None:
                room.operations[entry.cid] = Operation(entry.seq, entry.actor)
            if i < unseen:
                room.advance_unseen(entry.event)
            else:
                room.advance(entry.event)

    def _poke(
        self, room_id: str, seq: int, events: Sequence[Event], cid: str | None, actor: str
    ) -> None:
        """Tell the other processes, without waiting: a slow broadcast slows no room.

        The poke carries the committed events themselves: a process that is exactly one
        commit behind applies them without reading the database. Anything else (a gap, a
        lost, repeated or garbled poke) still sends it to the log, which stays the record.
        """
        if not self.shared:
            return
        first = seq - len(events) + 1
        carried = [
            [first + i, *encode_event(event), cid if first + i == seq else None, actor]
            for i, event in enumerate(events)
        ]
        message = orjson.dumps({"room": room_id, "seq": seq, "log": carried})
        try:
            self.broadcast.publish_nowait(channel(room_id), message)
        except Exception:  # the poke is a hint; the safety poll and the next poke cover a loss
            log.warning("broadcast publish failed", extra={"room": room_id}, exc_info=True)

    def _tell_presence_soon(self, room: LiveRoom) -> None:
        """Tell the other processes who is connected here at the next turn of the event loop,
        if that changed: once for everyone who came or went in this turn (sixty phones joining
        at once are one poke, not sixty growing lists)."""
        if self.shared and room.room_id not in self._presence_due:
            self._presence_due.add(room.room_id)
            asyncio.get_running_loop().call_soon(self._tell_presence_due, room)

    def _tell_presence_due(self, room: LiveRoom) -> None:
        self._presence_due.discard(room.room_id)
        self._tell_presence(room, changed_only=True)

    def _tell_presence(
        self, room: LiveRoom, *, changed_only: bool = False, ask: bool = False
    ) -> None:
        """Tell the other processes who is connected here (with `changed_only`, only if that
        changed since we last told them). Like a poke, without waiting."""
        if not self.shared:
            return
        said = (frozenset(room.here()), frozenset(room.typing))
        if changed_only and said == room.told:
            return
        room.told = said
        message = presence_poke(room.room_id, self.process, said[0], writing=said[1], ask=ask)
        try:
            self.broadcast.publish_nowait(channel(room.room_id), message)
        except Exception:  # presence is a hint; the next refresh tells again
            log.warning("broadcast publish failed", extra={"room": room.room_id}, exc_info=True)

    def writing(self, room_id: str, actor: Actor) -> None:
        """A participant's phone says they are typing a note (volatile: nothing is stored).
        Counts in a writing step only; ends with their note, the step, or silence."""
        room = self.rooms.get(room_id)
        if room is None or actor.pid is None or room.state.phase not in WRITING_CIRCLE:
            return
        started = actor.pid not in room.typing
        room.typing[actor.pid] = time.monotonic()
        if started:
            room.presence_changed()
            self._tell_presence_soon(room)
            if room.typing_check is None:
                self._check_typing_later(room, WRITING_FRESH_SECONDS)

    def _check_typing_later(self, room: LiveRoom, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        room.typing_check = loop.call_later(seconds, self._check_typing, room)

    def _check_typing(self, room: LiveRoom) -> None:
        """Forget who went quiet for WRITING_FRESH_SECONDS; look again when the next might."""
        room.typing_check = None
        now = time.monotonic()
        quiet = [pid for pid, at in room.typing.items() if now - at >= WRITING_FRESH_SECONDS]
        for pid in quiet:
            del room.typing[pid]
        if quiet:
            room.presence_changed()
            self._tell_presence_soon(room)
        if room.typing:
            first = min(room.typing.values())
            self._check_typing_later(room, max(0.05, first + WRITING_FRESH_SECONDS - now))

    def _hear_presence(self, room: LiveRoom, heard: Heard) -> None:
        """Another process said who is connected to it: count them, answer an ask."""
        if heard.process == self.process:
            return  # our own word, back from the channel
        had = (room.presence(), room.writing())
        room.others.hear(heard, time.monotonic())
        if heard.ask:
            self._tell_presence(room)
        if (room.presence(), room.writing()) != had:
            room.presence_changed()

    def _refresh_presence(self, room: LiveRoom) -> None:
        """Every PRESENCE_REFRESH_SECONDS: say again who is here, forget who went quiet."""
        had = (room.presence(), room.writing())
        if room.here():
            self._tell_presence(room)
        room.others.forget_stale(time.monotonic())
        if (room.presence(), room.writing()) != had:
            room.presence_changed()

    async def _publish(self, room_id: str, poke: dict[str, object]) -> None:
        message = orjson.dumps(poke)
        try:
            await self.broadcast.publish(channel(room_id), message)
        except Exception:  # the poke is a hint; the safety poll and the next poke cover a loss
            log.warning("broadcast publish failed", extra={"room": room_id}, exc_info=True)

    async def _listen(self, room: LiveRoom) -> None:
        """Follow other processes' pokes for this room, and poll now and then as a safety net."""
        try:
            async with self.broadcast.subscribe(channel(room.room_id)) as subscription:
                await self._catch_up(room)  # anything committed before we subscribed
                self._tell_presence(room, ask=True)  # and who is online elsewhere
                refresh_at = time.monotonic() + PRESENCE_REFRESH_SECONDS
                iterator = aiter(subscription)
                while True:
                    if time.monotonic() >= refresh_at:
                        self._refresh_presence(room)
                        refresh_at = time.monotonic() + PRESENCE_REFRESH_SECONDS
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for may swallow the
                    # cancellation that close() sends when a message arrives at that moment.
                    try:
                        async with asyncio.timeout(self._poll_seconds):
                            raw = await anext(iterator)
                    except TimeoutError:
                        await self._catch_up(room)
                        continue
                    heard = read_presence(raw) if b'"presence"' in raw else None
                    if heard is not None:
                        self._hear_presence(room, heard)
                        continue
                    closed = closed_by(raw) if b'"closed"' in raw else None
                    if closed is not None:  # another process closed the room (deleted it)
                        await self.close_room(room.room_id, *closed, tell_others=False)
                        return
                    lagged = subscription.take_lagged()  # pokes were dropped, or Redis came back
                    if lagged or raw == LAGGED_WAKEUP:
                        await self._catch_up(room)
                        continue
                    seq, carried = read_poke(raw)
                    if seq > room.state.seq:
                        await self._catch_up(room, carried, seq)
        except asyncio.CancelledError:
            raise
        except StopAsyncIteration:
            return
        except Exception:
            log.exception("room listener failed", extra={"room": room.room_id})

    async def _catch_up(
        self, room: LiveRoom, carried: list[LoggedEvent] | None = None, seq: int = 0
    ) -> None:
        """Apply what a poke carried if it continues our state; otherwise read the log."""
        async with room.exclusive():
            if carried:
                self._apply_logged(room, carried)
            if not carried or room.state.seq < seq:
                await self._read_log(room)

    def _schedule_eviction(self, room_id: str) -> None:
        self._cancel_eviction(room_id)
        loop = asyncio.get_running_loop()
        self._evictions[room_id] = loop.call_later(
            IDLE_ROOM_SECONDS, lambda: asyncio.ensure_future(self._evict(room_id))
        )

    def _cancel_eviction(self, room_id: str) -> None:
        handle = self._evictions.pop(room_id, None)
        if handle is not None:
            handle.cancel()

    async def _evict(self, room_id: str) -> None:
        room = self.rooms.get(room_id)
        if room is None or room.viewers:
            return
        self.rooms.pop(room_id, None)
        self._evictions.pop(room_id, None)
        task = self._listeners.pop(room_id, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def close_room(
        self, room_id: str, code: int, reason: str = "", *, tell_others: bool = True
    ) -> int:
        """Disconnect every local viewer of a room with `code` and forget the live room.

        Commands and joins still waiting for the room are refused with `unknown_room`; the
        other processes are told to do the same. Returns how many viewers were closed here.
        """
        if self.shared and tell_others:
            await self._publish(room_id, {"room": room_id, "closed": code, "reason": reason})
        room = self.rooms.get(room_id)
        if room is None:
            return 0
        async with room.exclusive():
            self._closed[id(room)] = room
            viewers = list(room.viewers)
            room.viewers.clear()
            for viewer in viewers:
                if isinstance(viewer, Closable):
                    viewer.close(code, reason)
            forget_people()
            if self.rooms.get(room_id) is room:
                self.rooms.pop(room_id)
            self._cancel_eviction(room_id)
            listener = self._listeners.pop(room_id, None)
        if listener is not None and listener is not asyncio.current_task():
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        return len(viewers)

    async def close(self) -> None:
        """Stop following rooms (pokes handed over go out as the broadcast disconnects)."""
        for handle in self._evictions.values():
            handle.cancel()
        self._evictions.clear()
        listeners = list(self._listeners.values())
        for task in listeners:
            task.cancel()
        if listeners:
            # Bounded: shutting down never waits on a listener for long, whatever it awaits.
            await asyncio.wait(listeners, timeout=CLOSE_TIMEOUT_SECONDS)
        self._listeners.clear()
        self.rooms.clear()


def channel(room_id: str) -> str:
    return f"room:{room_id}"


@runtime_checkable
class Closable(Protocol):
    """A viewer the hub can disconnect (a WebSocket connection; test viewers need not be)."""

    def close(self, code: int, reason: str = "") -> None: ...


def closed_by(raw: bytes) -> tuple[int, str] | None:
    """The close code and reason of a "room closed" poke; None for anything else."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    code, reason = value.get("closed"), value.get("reason")
    if not isinstance(code, int) or isinstance(code, bool):
        return None
    return code, reason if isinstance(reason, str) else ""


def read_poke(raw: bytes) -> tuple[int, list[LoggedEvent]]:
    """The seq a poke announces (0 for anything that is not a poke) and the committed events
    it carries (none when they are missing or cannot be read: the log has them)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return 0, []
    seq = value.get("seq") if isinstance(value, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool):
        return 0, []
    try:
        carried = [
            LoggedEvent(number, decode_event(kind, payload), cid, actor)
            for number, kind, payload, cid, actor in value.get("log") or []
        ]
    except Exception:  # a poke from another version, or garbled: read the log instead
        return seq, []
    return seq, carried
