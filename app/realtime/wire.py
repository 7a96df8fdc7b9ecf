"""Straight to the socket: server messages framed once and written to uvicorn's transport.

Theory of operation
-------------------
Sending one text message through ASGI costs a chain of awaits per client: Starlette's
``send_text``, two or three middleware wrappers, uvicorn's ``send`` (which waits for the
transport to be writable), the websockets library's frame serialiser and finally
``transport.write``. In a room of 50 that chain runs 50 times for the same bytes, and it was
most of the server's time per delivered message.

A server's WebSocket frame is not masked, and with per-message compression off (it is, see
``app.cli``) the frame for a message is the same bytes for every client. So a connection served
by uvicorn's ``websockets-sansio`` protocol writes the frame itself: `text_frame_parts()`
builds it once (a large snapshot is not copied into it: the frame's header and the snapshot go
to the transport one after the other), and `Wire.write()` hands it to the transport, which
tries the ``send()`` system call at once. Only the writing of data frames takes this road; the
handshake, pings, pongs and the closing handshake stay with uvicorn, which writes whole frames
too, and a frame's parts are written in one go, so frames never interleave.

`with_wire()` wraps the ASGI app outermost, where ``send`` is still uvicorn's own method, and
leaves a `Wire` in the WebSocket's scope. Under any other server, another protocol
implementation or compression, there is no `Wire` and the connection sends through ASGI as
before: same bytes on the wire, only slower.

Flow control stays uvicorn's: the transport calls ``pause_writing()`` when its buffer passes
the high-water mark, and `Wire.writable()` is then false until ``resume_writing()``; the
caller keeps its messages queued meanwhile (see ``app.realtime.connection``).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, Final

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from app.room.limits import RECEIVED_BEFORE_PAUSE

WIRE_SCOPE_KEY: Final = "cirkelbord.wire"
"""Where `with_wire()` leaves the `Wire` in a WebSocket's ASGI scope."""

_TEXT_FIN: Final = 0x81
"""FIN bit and opcode 1 (text): every message goes out as one frame."""


WRITTEN_AS_IS_BYTES: Final = 16 * 1024
"""A piece of a frame at least this long goes to the transport as it is, not copied into one
frame with the rest (a board's snapshot: 131 KiB for 500 notes)."""

Frame = tuple[bytes, ...]
"""One WebSocket frame as the parts written in order: usually one, more when it holds a
large piece (see `text_frame_parts()`)."""


def text_header(size: int) -> bytes:
    """The header of an unmasked, final text frame of `size` payload bytes (RFC 6455, 5.2)."""
    if size < 126:
        return bytes((_TEXT_FIN, size))
    if size < 1 << 16:
        return bytes((_TEXT_FIN, 126)) + size.to_bytes(2, "big")
    return bytes((_TEXT_FIN, 127)) + size.to_bytes(8, "big")


def text_frame_parts(pieces: list[bytes]) -> Frame:
    """The text frame whose payload is `pieces` joined, as parts to write in order.

    Small pieces are joined with the header into one part; a piece of `WRITTEN_AS_IS_BYTES` or
    more is a part of its own, the very object given. Copying a large snapshot into a fresh
    frame, and into the array of a batch before that, cost a joining phone 80-90 us of the
    server's time (two copies of 131 KiB into new memory); an extra ``send()`` costs less.
    """
    size = sum(map(len, pieces))
    if size < WRITTEN_AS_IS_BYTES:
        if len(pieces) == 1:
            return (text_header(size) + pieces[0],)
        return (b"".join([text_header(size), *pieces]),)
    parts: list[bytes] = []
    small = [text_header(size)]
    for piece in pieces:
        if len(piece) < WRITTEN_AS_IS_BYTES:
            small.append(piece)
            continue
        parts.append(b"".join(small))
        parts.append(piece)
        small = []
    if small:
        parts.append(b"".join(small))
    return tuple(part for part in parts if part)


class Wire:
    """The transport under one accepted WebSocket, for writing whole data frames."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    def usable(self) -> bool:
        """Frames may be written as they are: no extension (compression) was negotiated."""
        return not self._protocol.conn.extensions

    def forget_handshake(self) -> None:
        """Once the handshake is done, keep less per connection; call right after the accept,
        before anything waits to receive.

        uvicorn reads the parsed request and response only before the 101 is sent, yet keeps
        them, and the websockets parser keeps the request in its frame for as long as the
        connection lives: their headers are cleared and dropped. The scope's copy of the
        headers goes too (read them before the accept). And uvicorn's asyncio.Queue of
        received messages, with its three deques and an Event, becomes an `Inbox`, which also
        reads on until several messages wait. About 6 KB per connection in all.
        """
        protocol: Any = self._protocol
        if not protocol.handshake_complete:
            return
        for parsed in (protocol.request, protocol.response):
            if parsed is not None:
                parsed.headers.clear()
        protocol.request = protocol.response = None
        headers = protocol.scope.get("headers")
        if isinstance(headers, list):
            headers.clear()  # in place: the app's scope may be a copy holding the same list
        received = protocol.queue
        if type(received) is asyncio.Queue:
            inbox = Inbox(protocol)
            while not received.empty():
                inbox.put_nowait(received.get_nowait())
            protocol.queue = inbox

    def open(self) -> bool:
        """Neither side has started closing: data frames may still be sent."""
        protocol = self._protocol
        return not (protocol.close_sent or protocol.disconnected or protocol.transport.is_closing())

    def writable(self) -> bool:
        """The transport's buffer is under its high-water mark."""
        return self._protocol.writable.is_set()

    async def wait_writable(self) -> None:
        """Until the buffer drained below its low-water mark, or the connection was lost."""
        await self._protocol.writable.wait()

    def write(self, frame: Frame) -> None:
        """Write one frame's parts, all in this turn: nothing can come between them."""
        transport = self._protocol.transport
        for part in frame:
            transport.write(part)


class Inbox:
    """The received messages of one connection, waiting for the app: the three methods uvicorn's
    protocol uses of its asyncio.Queue (`put_nowait`, `get`, `empty`), for one reader.

    It also takes over when reading pauses. uvicorn stops reading the socket after every
    message and starts again once the app took it: two ``epoll_ctl`` calls and a selector key
    per message, about a tenth of the event loop's time under a steady load of notes. The inbox
    pauses the socket only once `RECEIVED_BEFORE_PAUSE` messages are waiting, and tells uvicorn
    reading is paused already, so its own pause is skipped and its resume, on a socket that
    was not paused, does nothing.
    """

    __slots__ = ("_items", "_protocol", "_waiter")

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._items: list[Any] = []
        # Weak: the protocol holds the inbox as its queue, and a cycle would keep the whole
        # connection for the garbage collector to find after it closed.
        self._protocol = weakref.ref(protocol)
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        protocol = self._protocol()
        if protocol is not None:
            if len(self._items) >= RECEIVED_BEFORE_PAUSE:
                protocol.transport.pause_reading()
            protocol.read_paused = True  # uvicorn's receive() resumes once the inbox is empty
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    async def get(self) -> Any:
        while not self._items:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        return self._items.pop(0)


def with_wire(app: ASGIApp) -> ASGIApp:
    """`app`, with a `Wire` in the scope of every WebSocket that uvicorn's sans-I/O protocol
    serves. Must wrap the app outermost, where ``send`` is still uvicorn's."""

    async def wired(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            protocol: Any = getattr(send, "__self__", None)
            if isinstance(protocol, WebSocketsSansIOProtocol):
                scope[WIRE_SCOPE_KEY] = Wire(protocol)
        try:
            await app(scope, receive, send)
        finally:
            # The protocol holds the scope: without the Wire in it, no cycle is left for the
            # garbage collector once the connection is gone (refcounting frees it at once).
            scope.pop(WIRE_SCOPE_KEY, None)

    return wired


def wire_of(scope: Scope) -> Wire | None:
    wire = scope.get(WIRE_SCOPE_KEY)
    return wire if isinstance(wire, Wire) else None
