"""A client that stops reading costs the room nothing; it is cut loose with 1013 and resumes."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import orjson
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError

from app.realtime.protocol import PROTOCOL_VERSION, CloseCode
from app.room import limits
from tests.support.client import Board, RoomClient, messages_of
from tests.support.server import ServerProcess

WRITERS = 10
NOTES_EACH = 45  # long notes: each snapshot is ~150 kB, enough to fill every buffer on the way
TOGGLES = 41
LONG = "x" * limits.MAX_NOTE_LENGTH


async def test_a_client_that_stops_reading_is_disconnected_and_resumes(
    live_server: ServerProcess,
) -> None:
    board = Board.create(live_server)
    facilitator = await board.facilitator()
    bystander = await board.screen()
    writers = [await board.join() for _ in range(WRITERS)]
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    await asyncio.gather(
        *(
            w.do(
                "add_note",
                id=f"w{i}-{n}",
                circle="inner",
                text=f"{n} {LONG}"[: limits.MAX_NOTE_LENGTH],
            )
            for i, w in enumerate(writers)
            for n in range(NOTES_EACH)
        )
    )
    await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})

    # A screen with a tiny receive buffer that reads its welcome and then nothing at all.
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", live_server.port))
    raw.setblocking(False)
    stuck = await connect(
        f"{board.ws_url}/ws/{board.room}", sock=raw, max_queue=1, compression=None
    )
    await stuck.send(
        orjson.dumps(
            {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen", "code": board.code}
        ).decode()
    )
    first = messages_of(await stuck.recv())
    if len(first) == 1:
        first += messages_of(await stuck.recv())
    assert [m["type"] for m in first[:2]] == ["welcome", "snapshot"]
    snapshot = first[1]
    stuck_seq = snapshot["seq"]

    # Big snapshots fill the kernel's and the transport's buffers on the way to the stuck client;
    # then a burst of small events fills its send queue.
    phases = ("inner_reading", "inner_writing")
    for turn in range(TOGGLES):
        await facilitator.do(
            "change_phase", **{"from": phases[turn % 2], "to": phases[1 - turn % 2]}
        )
    await facilitator.do("open_scale")
    results = await asyncio.gather(
        *(w.do("answer_scale", value=n % 11) for i, w in enumerate(writers) for n in range(30))
    )
    final = max(results)

    # The room did not wait for it: everyone else has everything, in order, nothing missing.
    await bystander.wait_seq(final)
    assert bystander.seen_seqs == sorted(set(bystander.seen_seqs))
    await facilitator.wait_for(lambda c: c.presence == WRITERS)

    # Reading again, the stuck client finds it was closed with 1013 and resumes by seq.
    seqs = [stuck_seq]
    received = 0
    with contextlib.suppress(ConnectionClosedError):
        async with asyncio.timeout(20):
            async for message in stuck:
                received += len(message)
                seqs += [m["seq"] for m in messages_of(message) if "seq" in m]
    print(f"the stuck client was sent {received} bytes, {len(seqs)} messages, before 1013")
    assert stuck.close_code == CloseCode.TRY_AGAIN_LATER
    assert seqs[-1] < final, "it was not behind"
    again = RoomClient(
        board.ws_url,
        board.room,
        {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen", "code": board.code},
    )
    again.board, again.seq, again.epoch = {"notes": []}, seqs[-1], snapshot["epoch"]
    await again.connect()
    await again.wait_seq(final)
    assert again.board is not None and again.board["counts"]["inner"] == WRITERS * NOTES_EACH
