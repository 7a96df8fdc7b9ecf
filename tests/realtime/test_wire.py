"""Frames written straight to the transport are the frames the websockets library would send."""

from __future__ import annotations

import asyncio

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from app.realtime.connection import frame_for
from app.realtime.wire import Inbox, text_frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 200_000])
def test_a_text_frame_parses_back_to_its_payload(size: int) -> None:
    payload = ("é" * size).encode()[:size]
    frame = text_frame(payload)
    assert frame == Frame(Opcode.TEXT, payload).serialize(mask=False)
    reader = StreamReader()
    reader.feed_data(frame)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        parsed = done.value
    assert parsed.opcode is Opcode.TEXT and parsed.fin and parsed.data == payload


def test_one_frame_per_batch_built_once_for_everyone() -> None:
    frames: dict[str | tuple[str, ...], bytes] = {}
    one = frame_for(['{"type":"ack"}'], frames)
    assert one == text_frame(b'{"type":"ack"}')
    assert frame_for(['{"type":"ack"}'], frames) is one
    two = frame_for(['{"a":1}', '{"b":2}'], frames)
    assert two == text_frame(b'[{"a":1},{"b":2}]')
    assert frame_for(['{"a":1}', '{"b":2}'], frames) is two


async def test_the_inbox_hands_out_messages_in_order_and_wakes_its_reader() -> None:
    inbox = Inbox()
    assert inbox.empty()
    inbox.put_nowait({"n": 1})
    inbox.put_nowait({"n": 2})
    assert not inbox.empty()
    assert [await inbox.get(), await inbox.get()] == [{"n": 1}, {"n": 2}]
    waiting = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    assert not waiting.done()
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1006})
    assert await asyncio.wait_for(waiting, 1) == {"type": "websocket.disconnect", "code": 1006}
    assert inbox.empty()


async def test_an_inbox_whose_reader_was_cancelled_still_works() -> None:
    inbox = Inbox()
    waiting = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    inbox.put_nowait("later")
    assert await asyncio.wait_for(inbox.get(), 1) == "later"
