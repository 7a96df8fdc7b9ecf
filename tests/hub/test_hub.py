"""The one road with a real SQLite store, the in-process broadcast and list-collecting viewers."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from app.broadcast.base import LAGGED_WAKEUP
from app.broadcast.memory import MemoryBroadcast
from app.hub import hub as hub_module
from app.hub import live_room as live_room_module
from app.hub.hub import RoomHub
from app.realtime.codec import message_bytes
from app.room import FACILITATOR, Delivery, ErrorCode, Rejected, RoomState, limits, render
from app.room import commands as cmd
from app.room.events import Event, NoteEdited
from app.room.state import Circle, Language, Phase, Role, participant
from app.room.views import board_snapshot, extend_for
from app.store.room_store import SqlRoomStore
from tests.support.viewer import ListViewer


async def writing_room(hub: RoomHub) -> tuple[str, str]:
    board = await hub.create_board("Onderwerp", Language.NL, anonymous=False)
    await hub.submit(
        board.room_id, FACILITATOR, "c-phase", cmd.ChangePhase(Phase.TOPIC, Phase.INNER_WRITING)
    )
    admission = await hub.admit(board.room_id, Role.PARTICIPANT, code=board.join_code, name="Ann")
    assert admission.actor.pid is not None
    return board.room_id, admission.actor.pid


async def test_ack_seq_follows_the_commit_and_replay_returns_the_same_seq(hub: RoomHub) -> None:
    room, pid = await writing_room(hub)
    actor = hub.rooms[room].state.participants[pid]
    assert actor.name == "Ann"
    seq = await hub.submit(room, participant(pid), "c1", cmd.AddNote("n1", Circle.INNER, "Goed"))
    again = await hub.submit(room, participant(pid), "c1", cmd.AddNote("n1", Circle.INNER, "Goed"))
    assert seq == again == hub.rooms[room].state.seq
    stored = await hub.store.load(room)
    assert [e.cid for e in stored].count("c1") == 1


async def test_resume_replays_what_was_missed_or_sends_a_snapshot(hub: RoomHub) -> None:
    room, pid = await writing_room(hub)
    live = hub.rooms[room]
    viewer = ListViewer()
    await hub.attach(room, viewer, None, None)
    assert viewer.kinds() == ["snapshot"]
    assert viewer.messages[-1] == {"type": "presence", "online": 0, "writing": 0}
    seen = live.state.seq
    await hub.detach(room, viewer)
    for i in range(3):
        await hub.submit(room, participant(pid), f"c{i}", cmd.AddNote(f"n{i}", Circle.INNER, "x"))
    again = ListViewer()
    await hub.attach(room, again, seen, live.epoch)
    assert again.kinds() == ["event"] * 3
    assert again.seqs() == [seen + 1, seen + 2, seen + 3]
    # Another epoch (a restored database), or a number from the future: a fresh snapshot.
    for last, epoch in ((seen, "other-epoch"), (live.state.seq + 5, live.epoch)):
        fresh = ListViewer()
        await hub.attach(room, fresh, last, epoch)
        assert fresh.kinds() == ["snapshot"]
        assert fresh.seqs() == [live.state.seq]


async def test_replay_older_than_the_buffer_becomes_a_snapshot(
    hub: RoomHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, pid = await writing_room(hub)
    live = hub.rooms[room]
    start = live.state.seq
    live.recent = type(live.recent)(live.recent, maxlen=2)
    for i in range(4):
        await hub.submit(room, participant(pid), f"c{i}", cmd.AddNote(f"n{i}", Circle.INNER, "x"))
    viewer = ListViewer()
    await hub.attach(room, viewer, start, live.epoch)
    assert viewer.kinds() == ["snapshot"]


async def test_a_loaded_room_renders_only_what_its_replay_buffer_keeps(
    store: SqlRoomStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_room_module, "REPLAY_LIMIT", 3)
    async with MemoryBroadcast() as broadcast:
        first = RoomHub(store, broadcast)
        room, pid = await writing_room(first)
        for i in range(6):
            await first.submit(
                room, participant(pid), f"c{i}", cmd.AddNote(f"n{i}", Circle.INNER, "x")
            )
        before = first.rooms[room]
        await first.close()
    rendered: list[int] = []

    def counting(state: RoomState, event: Event) -> Delivery:
        rendered.append(state.seq)
        return render(state, event)

    monkeypatch.setattr(live_room_module, "render", counting)
    async with MemoryBroadcast() as broadcast:
        second = RoomHub(store, broadcast)
        live = await second.room(room)
        last = live.state.seq
        assert live.state == before.state
        assert rendered == [last - 2, last - 1, last]
        assert list(live.recent) == list(before.recent)
        assert live.operations == before.operations
        resumed, older = ListViewer(pid), ListViewer(pid)
        await second.attach(room, resumed, last - 3, live.epoch)
        await second.attach(room, older, last - 4, live.epoch)
        assert resumed.kinds() == ["event"] * 3
        assert older.kinds() == ["snapshot"]
        with pytest.raises(RuntimeError):  # a watched room renders every event
            live.advance_unseen(NoteEdited("n0", "y"))
        await second.close()


async def test_two_processes_on_one_database_stay_in_order(store: SqlRoomStore) -> None:
    """Two hubs share the database and the broadcast, as two server processes would."""
    async with MemoryBroadcast() as broadcast:
        a = RoomHub(store, broadcast, poll_seconds=5.0)
        b = RoomHub(store, broadcast, poll_seconds=5.0)
        try:
            room, pid = await writing_room(a)
            watcher_a, watcher_b = ListViewer(), ListViewer()
            await a.attach(room, watcher_a, None, None)
            await b.attach(room, watcher_b, None, None)
            other = await b.admit(room, Role.PARTICIPANT, code=(await store.board(room)).join_code)  # type: ignore[union-attr]
            assert other.actor.pid is not None
            # Writes through both processes; b's first write conflicts with a's and is retried.
            writes = []
            for i in range(10):
                writes.append(
                    a.submit(
                        room, participant(pid), f"a{i}", cmd.AddNote(f"a{i}", Circle.INNER, "A")
                    )
                )
                writes.append(
                    b.submit(
                        room,
                        participant(other.actor.pid),
                        f"b{i}",
                        cmd.AddNote(f"b{i}", Circle.INNER, "B"),
                    )
                )
            await asyncio.gather(*writes)
            final = (await store.load(room))[-1].seq
            for h in (a, b):
                live = h.rooms[room]
                async with asyncio.timeout(5):
                    while live.state.seq < final:  # noqa: ASYNC110 - follows the other hub
                        await asyncio.sleep(0.01)
            assert a.rooms[room].state == b.rooms[room].state
            for watcher in (watcher_a, watcher_b):
                seqs = watcher.seqs()
                assert seqs == list(range(seqs[0], final + 1)), "out of order, a gap or a duplicate"
        finally:
            await a.close()
            await b.close()


async def test_connections_per_room_limit(hub: RoomHub, monkeypatch: pytest.MonkeyPatch) -> None:
    room, _ = await writing_room(hub)
    monkeypatch.setattr(hub_module, "MAX_CONNECTIONS_PER_ROOM", 2)
    await hub.attach(room, ListViewer(), None, None)
    await hub.attach(room, ListViewer(), None, None)
    with pytest.raises(Rejected) as refused:
        await hub.attach(room, ListViewer(), None, None)
    assert refused.value.code is ErrorCode.ROOM_FULL


async def test_live_rooms_per_process_limit(hub: RoomHub, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = await writing_room(hub)
    second = await hub.create_board("Twee", Language.EN, anonymous=True)
    monkeypatch.setattr(hub_module, "MAX_LIVE_ROOMS_PER_PROCESS", 1)
    with pytest.raises(Rejected) as refused:
        await hub.room(second.room_id)
    assert refused.value.code is ErrorCode.SERVER_FULL
    assert first in hub.rooms


async def test_participants_per_room_limit_through_the_hub(
    hub: RoomHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, _ = await writing_room(hub)
    monkeypatch.setattr(limits, "MAX_PARTICIPANTS_PER_ROOM", 2)
    code = (await hub.store.board(room)).join_code  # type: ignore[union-attr]
    await hub.admit(room, Role.PARTICIPANT, code=code)
    with pytest.raises(Rejected) as refused:
        await hub.admit(room, Role.PARTICIPANT, code=code)
    assert refused.value.code is ErrorCode.ROOM_FULL
    assert len(hub.rooms[room].state.participants) == 2


async def test_unknown_room_and_bad_credentials(hub: RoomHub) -> None:
    with pytest.raises(Rejected) as unknown:
        await hub.admit("r-none", Role.SCREEN, code="X")
    assert unknown.value.code is ErrorCode.UNKNOWN_ROOM
    room, pid = await writing_room(hub)
    for kwargs in (
        {"role": Role.FACILITATOR, "token": "wrong"},
        {"role": Role.PARTICIPANT, "pid": pid, "token": "wrong"},
        {"role": Role.PARTICIPANT, "code": "WRONG"},
        {"role": Role.SCREEN},
    ):
        with pytest.raises(Rejected) as refused:
            await hub.admit(room, **kwargs)
        assert refused.value.code is ErrorCode.BAD_CREDENTIALS


async def test_lost_pokes_are_made_good_after_a_lagged_wakeup(store: SqlRoomStore) -> None:
    """After the broadcast lost messages (Redis restarted), a hub re-reads the log by itself."""
    async with MemoryBroadcast() as broadcast:
        a = RoomHub(store, broadcast, poll_seconds=60.0)
        b = RoomHub(store, broadcast, poll_seconds=60.0)
        try:
            room, pid = await writing_room(a)
            watcher = ListViewer()
            await b.attach(room, watcher, None, None)
            await asyncio.sleep(0.05)  # b's listener is subscribed
            a.shared = False  # a's pokes are lost from here on
            last = await a.submit(
                room, participant(pid), "c1", cmd.AddNote("n1", Circle.INNER, "x")
            )
            await asyncio.sleep(0.05)
            assert b.rooms[room].state.seq < last
            for subscription in broadcast._subscribers[f"room:{room}"]:
                subscription.mark_lagged()
                subscription.deliver(LAGGED_WAKEUP)
            async with asyncio.timeout(5):
                while b.rooms[room].state.seq < last:  # noqa: ASYNC110 - follows the other hub
                    await asyncio.sleep(0.01)
            assert watcher.seqs()[-1] == last
        finally:
            await a.close()
            await b.close()


async def test_commands_arriving_together_are_answered_each_after_one_commit(
    hub: RoomHub,
) -> None:
    room, pid = await writing_room(hub)
    live = hub.rooms[room]
    viewer = ListViewer()
    await hub.attach(room, viewer, None, None)
    start = live.state.seq
    results = await asyncio.gather(
        *(
            hub.submit(room, participant(pid), f"t{i}", cmd.AddNote(f"t{i}", Circle.INNER, "x"))
            for i in range(5)
        ),
        hub.submit(room, participant(pid), "t0", cmd.AddNote("t0", Circle.INNER, "x")),  # resent
        hub.submit(room, participant(pid), "bad", cmd.EditNote("nowhere", "x")),
        return_exceptions=True,
    )
    assert results[:5] == list(range(start + 1, start + 6))
    assert results[5] == start + 1  # the same answer as the first time, stored once
    assert isinstance(results[6], Rejected)
    assert viewer.seqs()[-5:] == list(range(start + 1, start + 6))
    stored = await hub.store.load(room, start)
    assert [e.cid for e in stored] == [f"t{i}" for i in range(5)]


async def test_the_cached_snapshot_is_the_snapshot_after_joins_and_renames(hub: RoomHub) -> None:
    room, pid = await writing_room(hub)
    await hub.submit(room, participant(pid), "c1", cmd.AddNote("n1", Circle.INNER, "Goed"))
    await hub.submit(
        room, FACILITATOR, "c2", cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING)
    )
    live = hub.rooms[room]
    code = live.board.join_code
    for step in range(3):
        await hub.admit(room, Role.PARTICIPANT, code=code, name=f"Newcomer {step}")
        if step == 1:
            await hub.submit(room, participant(pid), "c3", cmd.Rename("Anna"))
        cached = orjson.loads(message_bytes(live.snapshot_message(None)))["board"]
        assert cached == orjson.loads(orjson.dumps(board_snapshot(live.state)))
    assert cached["notes"][0]["author"] == "Anna"


async def test_participants_snapshots_share_the_board_s_encoded_notes(hub: RoomHub) -> None:
    room, pid = await writing_room(hub)
    await hub.submit(room, participant(pid), "c1", cmd.AddNote("n1", Circle.INNER, "Goed"))
    await hub.submit(
        room, FACILITATOR, "c2", cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING)
    )
    await hub.submit(
        room, FACILITATOR, "c3", cmd.ChangePhase(Phase.INNER_READING, Phase.OUTER_WRITING)
    )
    await hub.submit(room, participant(pid), "c4", cmd.AddNote("n2", Circle.OUTER, "Nog niet"))
    live = hub.rooms[room]
    code = live.board.join_code
    newcomers: list[str] = []
    for name in ("Bo", "Cas"):
        newcomer = (await hub.admit(room, Role.PARTICIPANT, code=code, name=name)).actor.pid
        assert newcomer is not None
        newcomers.append(newcomer)
    state = live.state
    first, second = (live.snapshot_message(newcomer) for newcomer in newcomers)
    assert isinstance(first, tuple) and isinstance(second, tuple)
    notes = first[1]
    assert second[1] is notes  # encoded once, copied into neither
    assert orjson.loads(notes) == orjson.loads(orjson.dumps(board_snapshot(state)["notes"]))
    for newcomer, message in zip(newcomers, (first, second), strict=True):
        sent = orjson.loads(message_bytes(message))
        assert sent["type"] == "snapshot" and sent["seq"] == state.seq
        expected = extend_for(board_snapshot(state), state, newcomer)
        assert sent["board"] == orjson.loads(orjson.dumps(expected))
    # The writer of a note not yet read out sees it too: a message of their own, whole.
    own = live.snapshot_message(pid)
    assert isinstance(own, bytes)
    assert [n["id"] for n in orjson.loads(own)["board"]["notes"]] == ["n1", "n2"]


async def test_a_poke_carries_the_commit_so_the_other_process_reads_no_log(
    store: SqlRoomStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with MemoryBroadcast() as broadcast:
        a = RoomHub(store, broadcast, poll_seconds=5.0)
        b = RoomHub(store, broadcast, poll_seconds=5.0)
        try:
            room, pid = await writing_room(a)
            watcher = ListViewer()
            await b.attach(room, watcher, None, None)
            await asyncio.sleep(0.05)  # b's listener subscribed and caught up
            reads: list[int] = []
            load = store.load

            async def counted(room_id: str, since_seq: int = 0) -> Any:
                reads.append(since_seq)
                return await load(room_id, since_seq)

            monkeypatch.setattr(store, "load", counted)
            seq = await a.submit(room, participant(pid), "p1", cmd.AddNote("p1", Circle.INNER, "x"))
            async with asyncio.timeout(5):
                while b.rooms[room].state.seq < seq:  # noqa: ASYNC110 - follows the other hub
                    await asyncio.sleep(0.001)
            assert reads == []
            assert b.rooms[room].state == a.rooms[room].state
            assert b.rooms[room].operations["p1"].seq == seq  # a resend to b is answered too
            # A poke whose events cannot be read sends b to the log, which has the truth.
            seq = await a.submit(room, participant(pid), "p2", cmd.AddNote("p2", Circle.INNER, "y"))
            await broadcast.publish(
                hub_module.channel(room), orjson.dumps({"room": room, "seq": seq + 1, "log": 7})
            )
            async with asyncio.timeout(5):
                while not reads or b.rooms[room].state.seq < seq:  # noqa: ASYNC110
                    await asyncio.sleep(0.001)
            assert b.rooms[room].state == a.rooms[room].state
            assert watcher.seqs() == list(range(watcher.seqs()[0], seq + 1))
        finally:
            await a.close()
            await b.close()


async def test_a_viewer_attaches_while_a_commit_is_in_progress_and_misses_nothing(
    hub: RoomHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    room, pid = await writing_room(hub)
    live = hub.rooms[room]
    release = asyncio.Event()
    append = hub.store.append

    async def held(*args: Any) -> int:
        await release.wait()
        return await append(*args)

    monkeypatch.setattr(hub.store, "append", held)
    writing = asyncio.create_task(
        hub.submit(room, participant(pid), "c1", cmd.AddNote("n1", Circle.INNER, "Goed"))
    )
    await asyncio.sleep(0.01)
    assert live.lock.locked()  # the note's commit is in progress
    before = live.state.seq
    viewer = ListViewer()
    async with asyncio.timeout(1):  # a join does not wait for someone else's commit
        await hub.attach(room, viewer, None, None)
    assert viewer.kinds() == ["snapshot"] and viewer.seqs() == [before]
    release.set()
    seq = await writing
    assert viewer.seqs() == [before, seq]  # the note, once, right after the snapshot


async def test_answers_of_one_commit_come_back_in_the_same_turn_of_the_loop(
    hub: RoomHub,
) -> None:
    room, pid = await writing_room(hub)
    turns = 0
    ticking = True

    def tick() -> None:
        nonlocal turns
        turns += 1
        if ticking:
            asyncio.get_running_loop().call_soon(tick)

    answered_in: list[int] = []

    async def note(i: int) -> None:
        await hub.submit(room, participant(pid), f"t{i}", cmd.AddNote(f"t{i}", Circle.INNER, "x"))
        answered_in.append(turns)

    first = asyncio.create_task(note(0))
    await asyncio.sleep(0)  # the first takes the lock; the others wait for its pass to end
    tick()
    await asyncio.gather(first, *(note(i) for i in range(1, 20)))
    ticking = False
    # Those that waited were carried out together in the next pass and hear of it at once:
    # whoever ran that pass in the turn it ended, the others in the next (through the lock
    # they would wake one per turn).
    assert max(answered_in[1:]) - min(answered_in[1:]) <= 1


async def test_presence_is_announced_once_for_everyone_who_came_in_one_turn(
    hub: RoomHub,
) -> None:
    room, _ = await writing_room(hub)
    code = hub.rooms[room].board.join_code
    screen = ListViewer()
    await hub.attach(room, screen, None, None)
    people = [
        (await hub.admit(room, Role.PARTICIPANT, code=code, name=f"P{i}")).actor.pid
        for i in range(10)
    ]
    phones = [ListViewer(pid) for pid in people]
    seen = len(screen.messages)
    await asyncio.gather(*(hub.attach(room, phone, None, None) for phone in phones))
    await asyncio.sleep(0)  # the announcement goes out at the next turn
    presence = [m for m in screen.messages[seen:] if m["type"] == "presence"]
    assert presence == [{"type": "presence", "online": 10, "writing": 0}]
    assert all(
        [m for m in phone.messages if m["type"] == "presence"] == presence for phone in phones
    )
    for phone in phones[:4]:
        await hub.detach(room, phone)
    await asyncio.sleep(0)
    assert screen.messages[-1] == {"type": "presence", "online": 6, "writing": 0}
    assert [m["type"] for m in screen.messages].count("presence") == 3  # attach, +10, -4
