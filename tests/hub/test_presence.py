"""How many are online, counted over every process that serves a room: two hubs on one
broadcast stand for two server processes (tests/scaleout has the real ones)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import orjson
import pytest

from app.broadcast.memory import MemoryBroadcast
from app.hub import hub as hub_module
from app.hub.hub import RoomHub, channel
from app.hub.presence import (
    PRESENCE_STALE_SECONDS,
    Heard,
    OtherProcesses,
    presence_poke,
    read_presence,
)
from app.room import FACILITATOR
from app.room import commands as cmd
from app.room.state import Circle, Language, Phase, Role, participant
from app.store.room_store import SqlRoomStore
from tests.support.viewer import ListViewer

HUBS = 2
READING = Phase.INNER_READING
CROWD = 30


def online(viewer: ListViewer) -> int | None:
    """The last number online the viewer was told."""
    counts = [m["online"] for m in viewer.messages if m["type"] == "presence"]
    return counts[-1] if counts else None


def typing(viewer: ListViewer) -> int | None:
    """The last number typing a note the viewer was told."""
    counts = [m["writing"] for m in viewer.messages if m["type"] == "presence"]
    return counts[-1] if counts else None


async def until(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not check():  # noqa: ASYNC110 - follows the other hub
            await asyncio.sleep(0.01)


@pytest.fixture
async def two_hubs(store: SqlRoomStore) -> AsyncIterator[tuple[RoomHub, RoomHub]]:
    async with MemoryBroadcast() as broadcast:
        hubs = tuple(RoomHub(store, broadcast, poll_seconds=60.0) for _ in range(HUBS))
        try:
            yield hubs[0], hubs[1]
        finally:
            for hub in hubs:
                await hub.close()


async def people(hub: RoomHub, *names: str) -> tuple[str, list[str]]:
    board = await hub.create_board("Onderwerp", Language.NL, anonymous=False)
    pids = []
    for name in names:
        admission = await hub.admit(
            board.room_id, Role.PARTICIPANT, code=board.join_code, name=name
        )
        assert admission.actor.pid is not None
        pids.append(admission.actor.pid)
    return board.room_id, pids


async def test_a_screen_on_one_process_counts_the_phones_on_both(
    two_hubs: tuple[RoomHub, RoomHub],
) -> None:
    a, b = two_hubs
    room, (ann, bram) = await people(a, "Ann", "Bram")
    screen = ListViewer()
    await b.attach(room, screen, None, None)
    phone_ann, phone_bram = ListViewer(pid=ann), ListViewer(pid=bram)
    await a.attach(room, phone_ann, None, None)
    await b.attach(room, phone_bram, None, None)
    await until(lambda: online(screen) == 2 and online(phone_ann) == 2)

    # A person counts once, also with a tab on each process; gone when the last one closes.
    second_tab = ListViewer(pid=ann)
    await b.attach(room, second_tab, None, None)
    await a.detach(room, phone_ann)
    await asyncio.sleep(0.05)
    assert online(screen) == 2
    await b.detach(room, second_tab)
    await until(lambda: online(screen) == 1)


async def test_a_crowd_joining_together_is_one_presence_poke(
    two_hubs: tuple[RoomHub, RoomHub],
) -> None:
    a, b = two_hubs
    room, pids = await people(a, *(f"P{i}" for i in range(CROWD)))
    async with a.broadcast.subscribe(channel(room)) as subscription:
        words = aiter(subscription)

        async def next_word() -> Heard:
            while True:
                word = read_presence(await anext(words))
                if word is not None:
                    return word

        screen = ListViewer()
        await b.attach(room, screen, None, None)
        async with asyncio.timeout(5):  # b starts following the room: it asks, a answers
            assert await next_word() == Heard(b.process, frozenset(), ask=True)
            assert await next_word() == Heard(a.process, frozenset(), ask=False)
            await asyncio.gather(*(a.attach(room, ListViewer(pid=p), None, None) for p in pids))
            await until(lambda: online(screen) == CROWD)
        assert await next_word() == Heard(a.process, frozenset(pids), ask=False)
        assert subscription.pending == 0  # and nothing more


async def test_a_process_that_starts_following_a_room_hears_who_is_online_elsewhere(
    two_hubs: tuple[RoomHub, RoomHub],
) -> None:
    a, b = two_hubs
    room, (ann,) = await people(a, "Ann")
    await a.attach(room, ListViewer(pid=ann), None, None)
    screen = ListViewer()
    await b.attach(room, screen, None, None)  # b loads the room now, and asks
    await until(lambda: online(screen) == 1)


async def test_a_process_gone_quiet_is_forgotten(two_hubs: tuple[RoomHub, RoomHub]) -> None:
    """A process killed with its phones connected says nothing more; after
    PRESENCE_STALE_SECONDS the others stop counting its people (they reconnect elsewhere)."""
    a, b = two_hubs
    room, (ann,) = await people(a, "Ann")
    screen = ListViewer()
    await b.attach(room, screen, None, None)
    await a.attach(room, ListViewer(pid=ann), None, None)
    await until(lambda: online(screen) == 1)
    live = b.rooms[room]
    (process,) = live.others.said
    pids, at = live.others.said[process]
    live.others.said[process] = (pids, at - PRESENCE_STALE_SECONDS - 1)  # a long silence
    b._refresh_presence(live)
    await until(lambda: online(screen) == 0)


async def test_presence_stays_out_of_the_notes(two_hubs: tuple[RoomHub, RoomHub]) -> None:
    """A note whose text is "presence" is an event like any other."""
    a, b = two_hubs
    room, (ann,) = await people(a, "Ann")
    await a.submit(room, FACILITATOR, "phase", cmd.ChangePhase(Phase.TOPIC, Phase.INNER_WRITING))
    watcher = ListViewer()
    await b.attach(room, watcher, None, None)
    seq = await a.submit(room, participant(ann), "n1", cmd.AddNote("n1", Circle.INNER, "presence"))
    await until(lambda: b.rooms[room].state.seq == seq)
    assert watcher.seqs()[-1] == seq


async def writing_step(hub: RoomHub, room: str) -> None:
    await hub.submit(room, FACILITATOR, "phase", cmd.ChangePhase(Phase.TOPIC, Phase.INNER_WRITING))


async def test_typing_counts_until_the_note_is_added(hub: RoomHub) -> None:
    room, (ann, bram) = await people(hub, "Ann", "Bram")
    await writing_step(hub, room)
    screen = ListViewer()
    await hub.attach(room, screen, None, None)
    hub.writing(room, participant(ann))
    hub.writing(room, participant(bram))
    hub.writing(room, participant(ann))  # her next word: still one person
    await until(lambda: typing(screen) == 2)
    await hub.submit(room, participant(ann), "n1", cmd.AddNote("n1", Circle.INNER, "Klaar"))
    await until(lambda: typing(screen) == 1)
    await hub.submit(
        room, FACILITATOR, "p2", cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING)
    )
    await until(lambda: typing(screen) == 0)


async def test_typing_ends_after_silence(hub: RoomHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "WRITING_FRESH_SECONDS", 0.2)
    room, (ann,) = await people(hub, "Ann")
    await writing_step(hub, room)
    screen = ListViewer()
    await hub.attach(room, screen, None, None)
    hub.writing(room, participant(ann))
    await until(lambda: typing(screen) == 1)
    await until(lambda: typing(screen) == 0)


async def test_a_typist_who_goes_offline_stops_counting(hub: RoomHub) -> None:
    room, (ann, bram) = await people(hub, "Ann", "Bram")
    await writing_step(hub, room)
    screen = ListViewer()
    await hub.attach(room, screen, None, None)
    ann_tabs = [ListViewer(pid=ann), ListViewer(pid=ann)]
    bram_phone = ListViewer(pid=bram)
    for viewer in (*ann_tabs, bram_phone):
        await hub.attach(room, viewer, None, None)
    hub.writing(room, participant(ann))
    hub.writing(room, participant(bram))
    await until(lambda: typing(screen) == 2)
    await hub.detach(room, ann_tabs[0])  # her other tab is still here
    await hub.detach(room, bram_phone)
    await until(lambda: typing(screen) == 1)
    assert set(hub.rooms[room].typing) == {ann}
    await hub.detach(room, ann_tabs[1])
    await until(lambda: typing(screen) == 0)


async def test_typing_counts_only_participants_in_a_writing_step(hub: RoomHub) -> None:
    room, (ann,) = await people(hub, "Ann")
    screen = ListViewer()
    await hub.attach(room, screen, None, None)
    hub.writing(room, participant(ann))  # the topic step: nothing to write yet
    await writing_step(hub, room)
    hub.writing(room, FACILITATOR)
    hub.writing("no-such-room", participant(ann))
    await asyncio.sleep(0.05)
    assert typing(screen) == 0
    assert hub.rooms[room].typing == {}


async def test_typing_on_one_process_is_counted_on_the_other(
    two_hubs: tuple[RoomHub, RoomHub],
) -> None:
    a, b = two_hubs
    room, (ann, bram) = await people(a, "Ann", "Bram")
    await writing_step(a, room)
    screen = ListViewer()
    await b.attach(room, screen, None, None)
    await a.attach(room, ListViewer(pid=ann), None, None)
    await b.attach(room, ListViewer(pid=bram), None, None)
    a.writing(room, participant(ann))
    b.writing(room, participant(bram))
    await until(lambda: typing(screen) == 2)
    await a.submit(room, participant(ann), "n1", cmd.AddNote("n1", Circle.INNER, "Klaar"))
    await until(lambda: typing(screen) == 1)  # b applies her note and stops counting her
    a.writing(room, participant(ann))  # her next note
    await until(lambda: typing(screen) == 2)
    await a.submit(
        room, FACILITATOR, "p2", cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING)
    )
    await until(lambda: typing(screen) == 0)  # each process forgets all, its own and the other's
    assert a.rooms[room].writing() == 0


def test_other_processes_count_people_once_and_forget_the_stale() -> None:
    others = OtherProcesses()
    others.hear(Heard("p-a", frozenset({"x", "y"}), ask=False), now=100.0)
    others.hear(Heard("p-b", frozenset({"y", "z"}), ask=False), now=100.0)
    assert others.online({"z", "w"}) == 4  # x, y, z, w
    others.hear(Heard("p-a", frozenset(), ask=False), now=102.0)  # everyone left p-a
    assert others.online(set()) == 2
    others.forget_stale(now=100.0 + PRESENCE_STALE_SECONDS)
    assert others.online(set()) == 2  # not stale yet
    others.forget_stale(now=100.0 + PRESENCE_STALE_SECONDS + 1)
    assert others.said == {}


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        orjson.dumps({"room": "r", "seq": 4, "log": [[4, "note_added", {"text": "presence"}]]}),
        orjson.dumps({"room": "r", "presence": {"process": 7, "pids": []}}),
        orjson.dumps({"room": "r", "presence": {"process": "p", "pids": [1]}}),
        orjson.dumps({"room": "r", "presence": "p"}),
    ],
)
def test_only_a_presence_poke_reads_as_one(raw: bytes) -> None:
    assert read_presence(raw) is None


def test_a_presence_poke_reads_back() -> None:
    raw = presence_poke("r", "p-a", {"y", "x"}, ask=True)
    assert read_presence(raw) == Heard("p-a", frozenset({"x", "y"}), ask=True)
