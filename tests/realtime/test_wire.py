"""Frames written straight to the transport are the frames the websockets library would send."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any, cast

import pytest
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from app.realtime.connection import Frames, batch_frame, frame_for
from app.realtime.wire import WRITTEN_AS_IS_BYTES, Inbox, Wire, text_frame_parts
from app.room.limits import RECEIVED_BEFORE_PAUSE


def _parsed(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        parsed: Frame = done.value
        return parsed
    raise AssertionError("an incomplete frame")


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 200_000])
def test_a_text_frame_parses_back_to_its_payload(size: int) -> None:
    payload = ("é" * size).encode()[:size]
    frame = b"".join(text_frame_parts([payload]))
    assert frame == Frame(Opcode.TEXT, payload).serialize(mask=False)
    parsed = _parsed(frame)
    assert parsed.opcode is Opcode.TEXT and parsed.fin and parsed.data == payload


def test_one_frame_per_batch_built_once_for_everyone() -> None:
    frames: Frames = {}
    one = frame_for([b'{"type":"ack"}'], frames)
    assert one == (Frame(Opcode.TEXT, b'{"type":"ack"}').serialize(mask=False),)
    assert frame_for([b'{"type":"ack"}'], frames) is one
    two = frame_for([b'{"a":1}', b'{"b":2}'], frames)
    assert _parsed(b"".join(two)).data == b'[{"a":1},{"b":2}]'
    assert len(two) == 1
    assert frame_for([b'{"a":1}', b'{"b":2}'], frames) is two
    assert batch_frame([]) == b"[]"
    three = frame_for([b'{"a":1}', b'{"b":2}', b'{"c":"\xc3\xa9"}'], frames)
    assert _parsed(b"".join(three)).data == '[{"a":1},{"b":2},{"c":"é"}]'.encode()


def test_a_large_message_is_written_as_it_is_not_copied_into_its_frame() -> None:
    snapshot = b'{"type":"snapshot","notes":"' + b"n" * WRITTEN_AS_IS_BYTES + b'"}'
    welcome, presence = b'{"type":"welcome"}', b'{"type":"presence"}'
    alone = frame_for([snapshot], {})
    assert len(alone) == 2 and alone[1] is snapshot
    assert _parsed(b"".join(alone)).data == snapshot
    batch = [welcome, snapshot, presence]
    framed = frame_for(batch, {})
    assert [part is snapshot for part in framed] == [False, True, False]
    assert _parsed(b"".join(framed)).data == batch_frame(batch)
    small = b"s" * (WRITTEN_AS_IS_BYTES - 1)
    two_small = frame_for([small, small], {})  # together large, each small: copied once
    assert len(two_small) == 1 and _parsed(two_small[0]).data == batch_frame([small, small])


async def test_a_frame_in_parts_arrives_whole_between_others(
    socket_pair: tuple[asyncio.Transport, socket.socket],
) -> None:
    transport, theirs = socket_pair
    wire = Wire(cast(WebSocketsSansIOProtocol, SimpleNamespace(transport=transport)))
    snapshot = b"[" + b"7," * WRITTEN_AS_IS_BYTES + b"7]"
    sent = [[b'{"type":"welcome"}'], [b'{"type":"welcome"}', snapshot, b"{}"], [b"{}"]]
    for batch in sent:
        wire.write(frame_for(batch, {}))
    expected = b"".join(b"".join(frame_for(batch, {})) for batch in sent)
    received = b""
    loop = asyncio.get_running_loop()
    while len(received) < len(expected):
        received += await asyncio.wait_for(loop.sock_recv(theirs, 1 << 20), 5)
    assert received == expected
    reader = StreamReader()
    reader.feed_data(received)
    for batch in sent:
        parser = Frame.parse(reader.read_exact, mask=False)
        with pytest.raises(StopIteration) as done:
            next(parser)
        assert done.value.value.data == batch_frame(batch)


@pytest.fixture
async def socket_pair() -> AsyncIterator[tuple[asyncio.Transport, socket.socket]]:
    """A real asyncio transport on one end of a socket pair, and the other end."""
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    transport, _ = await asyncio.get_running_loop().connect_accepted_socket(asyncio.Protocol, ours)
    yield transport, theirs
    transport.close()
    theirs.close()


@pytest.fixture
def socket_transport(socket_pair: tuple[asyncio.Transport, socket.socket]) -> asyncio.Transport:
    return socket_pair[0]


class _Attributes(SimpleNamespace):
    """A namespace that can be weakly referenced, as uvicorn's protocol can."""

    __slots__ = ("__weakref__",)


def _uvicorn_protocol(transport: asyncio.Transport) -> Any:
    """The attributes of uvicorn's protocol that its receive path uses, around an Inbox."""
    protocol = _Attributes(
        transport=transport, read_paused=False, close_sent=False, frames=[], curr_msg_data_type=""
    )
    protocol.queue = Inbox(cast(WebSocketsSansIOProtocol, protocol))
    return protocol


def _arrives(protocol: Any, text: str) -> None:
    """What uvicorn does with a complete text frame."""
    protocol.frames, protocol.curr_msg_data_type = [text.encode()], "text"
    WebSocketsSansIOProtocol.send_receive_event_to_app(protocol)


async def test_the_inbox_hands_out_messages_in_order_and_wakes_its_reader(
    socket_transport: asyncio.Transport,
) -> None:
    inbox = _uvicorn_protocol(socket_transport).queue
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


async def test_an_inbox_whose_reader_was_cancelled_still_works(
    socket_transport: asyncio.Transport,
) -> None:
    inbox = _uvicorn_protocol(socket_transport).queue
    waiting = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    inbox.put_nowait("later")
    assert await asyncio.wait_for(inbox.get(), 1) == "later"


async def test_the_socket_is_read_on_while_the_app_keeps_up(
    socket_transport: asyncio.Transport,
) -> None:
    protocol = _uvicorn_protocol(socket_transport)
    for n in range(3 * RECEIVED_BEFORE_PAUSE):
        _arrives(protocol, f"note {n}")
        assert socket_transport.is_reading()  # uvicorn alone pauses after every message
        message = await WebSocketsSansIOProtocol.receive(protocol)
        assert message == {"type": "websocket.receive", "text": f"note {n}"}
        assert socket_transport.is_reading()


async def test_reading_pauses_when_the_limit_of_waiting_messages_is_reached_and_resumes_after(
    socket_transport: asyncio.Transport,
) -> None:
    protocol = _uvicorn_protocol(socket_transport)
    for n in range(RECEIVED_BEFORE_PAUSE - 1):
        _arrives(protocol, f"note {n}")
        assert socket_transport.is_reading()
    _arrives(protocol, "the last one")
    assert not socket_transport.is_reading()
    received: list[Any] = [
        await WebSocketsSansIOProtocol.receive(protocol) for _ in range(RECEIVED_BEFORE_PAUSE)
    ]
    assert [m["text"] for m in received] == [
        f"note {n}" for n in range(RECEIVED_BEFORE_PAUSE - 1)
    ] + ["the last one"]
    assert socket_transport.is_reading()
