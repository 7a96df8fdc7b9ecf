"""SIGKILL while clients write: every acknowledged note survives exactly once, clients resume."""

from __future__ import annotations

import asyncio
import signal

from tests.support.client import Board
from tests.support.server import ServerProcess
from tests.support.writer import Writer

WRITERS = 8


async def test_sigkill_mid_write_loses_no_acknowledged_note(fresh_server: ServerProcess) -> None:
    fresh_server.start()
    board = Board.create(fresh_server)
    facilitator = await board.facilitator()
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    writers = [Writer(await board.join(f"W{i}"), i) for i in range(WRITERS)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.write(stop)) for w in writers]
    await facilitator.wait_for(lambda c: c.board is not None and c.board["counts"]["inner"] >= 60)

    fresh_server.kill(signal.SIGKILL)
    stop.set()
    await asyncio.gather(*tasks)
    for w in writers:
        await w.client.wait_for(lambda c: c.closed is not None)
        w.settle()
    in_flight = sum(len(w.sent) for w in writers)
    acked_before = sum(len(w.acked) for w in writers)
    seq_before = {id(w): w.client.seq for w in writers}
    print(f"acknowledged before the kill: {acked_before}; in flight at the kill: {in_flight}")
    # The screen saw 60 notes; a writer's acknowledgements may still have been on their way.
    assert acked_before + in_flight >= 60 and acked_before >= 30

    fresh_server.start()
    for w in writers:
        await w.resume()
        # Resumed from where it was: nothing it had seen was sent again.
        assert w.client.seen_seqs == sorted(set(w.client.seen_seqs))
        assert w.client.seq >= seq_before[id(w)]
    await facilitator.connect()
    seq = await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    await facilitator.wait_seq(seq)
    assert facilitator.board is not None
    ids = [n["id"] for n in facilitator.board["notes"]]
    assert len(ids) == len(set(ids)), "a note was stored twice"
    expected = set().union(*(w.acked for w in writers))
    assert expected <= set(ids), f"lost: {sorted(expected - set(ids))}"
    assert set(ids) == expected  # and nothing nobody asked for
    assert facilitator.board["counts"]["inner"] == len(ids)
