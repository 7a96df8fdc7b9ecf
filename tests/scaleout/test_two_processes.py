"""Two server processes on real PostgreSQL and Redis serve one room, and survive losing one."""

from __future__ import annotations

import asyncio
import signal

import pytest

from tests.support.client import Board
from tests.support.server import ServerProcess
from tests.support.writer import NOTES_EACH, Writer

pytestmark = pytest.mark.services


async def test_notes_written_on_one_process_reach_the_other_in_order(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two_servers
    on_a = Board.create(a, "Twee processen")
    on_b = on_a.via(b)
    facilitator = await on_b.facilitator()
    screen = await on_b.screen()
    phones_a = [await on_a.join(f"A{i}") for i in range(3)]
    phones_b = [await on_b.join(f"B{i}") for i in range(3)]
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    writes = [
        p.do("add_note", id=f"{p.pid}-{n}", circle="inner", text=f"{p.pid} {n}")
        for n in range(5)
        for p in (*phones_a, *phones_b)
    ]
    results = await asyncio.gather(*writes)
    reveal = await facilitator.do(
        "change_phase", **{"from": "inner_writing", "to": "inner_reading"}
    )
    assert reveal > max(results)
    everyone = [facilitator, screen, *phones_a, *phones_b]
    for client in everyone:
        await client.wait_seq(reveal)
    orders = [[n["id"] for n in c.board["notes"]] for c in everyone if c.board is not None]
    assert len(orders[0]) == 30
    assert all(order == orders[0] for order in orders), "processes delivered in different orders"
    for client in everyone:
        assert client.seen_seqs == sorted(set(client.seen_seqs))


async def test_sigkill_one_process_and_resume_on_the_other(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two_servers
    on_a = Board.create(a)
    facilitator = await on_a.via(b).facilitator()
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    writers = [Writer(await on_a.join(f"W{i}"), i) for i in range(6)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.write(stop)) for w in writers]
    await facilitator.wait_for(lambda c: c.board is not None and c.board["counts"]["inner"] >= 40)
    a.kill(signal.SIGKILL)
    stop.set()
    await asyncio.gather(*tasks)
    for w in writers:
        await w.client.wait_for(lambda c: c.closed is not None)
        w.settle()
        # The phone reconnects to the surviving process and resends what was not acknowledged.
        w.client.url = w.client.url.replace(a.ws_url, b.ws_url)
        await w.resume()
    seq = await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    await facilitator.wait_seq(seq)
    assert facilitator.board is not None
    ids = [n["id"] for n in facilitator.board["notes"]]
    assert len(ids) == len(set(ids)), "a note was stored twice"
    acked = set().union(*(w.acked for w in writers))
    assert acked <= set(ids), f"lost: {sorted(acked - set(ids))}"
    assert len(ids) <= len(writers) * NOTES_EACH


async def test_a_screen_counts_the_phones_online_and_typing_on_both_processes(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = two_servers
    on_a = Board.create(a, "Wie is er?")
    on_b = on_a.via(b)
    screen = await on_b.screen()
    phones = [await on_a.join(f"A{i}") for i in range(2)]
    phones.append(await on_b.join("B0"))
    facilitator = await on_a.facilitator()
    for viewer in (screen, facilitator, *phones):
        await viewer.wait_for(lambda c: c.presence == 3)
    await phones[0].close()
    await screen.wait_for(lambda c: c.presence == 2)

    # Who is typing a note, too: a phone on A, the screen on B.
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    await phones[1].send_raw('{"type": "writing"}')
    await screen.wait_for(lambda c: c.writing == 1)
    await phones[1].do("add_note", id="n1", circle="inner", text="Klaar")
    await screen.wait_for(lambda c: c.writing == 0)
