"""A small, fast WebSocket client on a bare ``asyncio.Protocol``.

The load generator has to receive hundreds of thousands of frames per second on
one core, so it skips the per-connection reader task of a full client library:
frames are parsed straight out of ``data_received`` and handed to one callback.
Only what the benchmark needs is implemented: the HTTP/1.1 upgrade, text and
binary frames (fragmented or not), ping/pong and close. No extensions are
offered, so per-message compression is never negotiated.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import select
import socket
import struct
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "OP_BINARY",
    "OP_TEXT",
    "EpollReader",
    "MessageHandler",
    "WSConnection",
    "WSError",
    "connect",
    "frame_reader",
]

OP_CONT = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_HDR2 = struct.Struct("!BB")
_LEN16 = struct.Struct("!H")
_LEN64 = struct.Struct("!Q")

MessageHandler = Callable[["WSConnection", int, bytes], None]


class WSError(Exception):
    """The server refused the upgrade or broke the framing."""


def _noop(conn: WSConnection, opcode: int, payload: bytes) -> None:
    return None


class WSConnection(asyncio.Protocol):
    """One client connection. ``on_message(conn, opcode, payload)`` gets every data frame.

    ``recv_ns`` holds ``time.perf_counter_ns()`` of the read that carried the
    frame being delivered, so a handler can stamp arrivals without calling the
    clock once per frame.
    """

    __slots__ = (
        "_buf",
        "_frag_op",
        "_fragments",
        "_handshake",
        "_key",
        "_mask",
        "_mask_int",
        "_request",
        "clock",
        "close_code",
        "closed",
        "fd",
        "on_message",
        "recv_ns",
        "tag",
        "transport",
    )

    def __init__(self, request: bytes, key: bytes, clock: Callable[[], int]) -> None:
        self._request = request
        self._key = key
        self._buf = bytearray()
        self._fragments: list[bytes] = []
        self._frag_op = 0
        loop = asyncio.get_running_loop()
        self._handshake: asyncio.Future[None] = loop.create_future()
        self._mask = os.urandom(4)
        self._mask_int = int.from_bytes(self._mask * 32, "big")
        self.closed: asyncio.Future[None] = loop.create_future()
        self.clock = clock
        self.on_message: MessageHandler = _noop
        self.recv_ns = 0
        self.close_code: int | None = None
        self.fd = -1
        self.tag: object = None
        self.transport: asyncio.Transport | None = None

    # -- asyncio.Protocol -------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self._request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if not self._handshake.done():
            self._handshake.set_exception(exc or WSError("connection closed during handshake"))
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        self.recv_ns = self.clock()
        buf = self._buf
        if not buf and self._handshake.done():
            # Fast path: exactly one small unmasked, unfragmented data frame.
            size = len(data)
            if size >= 2:
                b0 = data[0]
                n = data[1]
                if n < 126 and size == n + 2 and (b0 == 0x81 or b0 == 0x82):
                    self.on_message(self, b0 & 0x0F, data[2:])
                    return
        buf += data
        if not self._handshake.done():
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > 65536:
                    self._fail(WSError("oversized handshake response"))
                return
            head = bytes(buf[:end])
            del buf[: end + 4]
            error = self._check_handshake(head)
            if error is not None:
                self._fail(WSError(error))
                return
            self._handshake.set_result(None)
        self._parse()

    # -- framing ----------------------------------------------------------------------
    def _check_handshake(self, head: bytes) -> str | None:
        lines = head.split(b"\r\n")
        status = lines[0].split(b" ", 2)
        if len(status) < 2 or status[1] != b"101":
            return f"upgrade refused: {lines[0].decode('latin-1')}"
        expected = base64.b64encode(hashlib.sha1(self._key + _GUID).digest())
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"sec-websocket-accept":
                if value.strip() != expected:
                    return "bad Sec-WebSocket-Accept"
                return None
        return "missing Sec-WebSocket-Accept"

    def _parse(self) -> None:
        buf = self._buf
        pos = 0
        size = len(buf)
        while size - pos >= 2:
            b0, b1 = _HDR2.unpack_from(buf, pos)
            length = b1 & 0x7F
            head = pos + 2
            if length == 126:
                if size - head < 2:
                    break
                (length,) = _LEN16.unpack_from(buf, head)
                head += 2
            elif length == 127:
                if size - head < 8:
                    break
                (length,) = _LEN64.unpack_from(buf, head)
                head += 8
            masked = b1 & 0x80
            if masked:
                head += 4
            end = head + length
            if end > size:
                break
            payload = bytes(buf[head:end])
            if masked:
                payload = _apply_mask(payload, bytes(buf[head - 4 : head]))
            pos = end
            opcode = b0 & 0x0F
            fin = b0 & 0x80
            if opcode in (OP_TEXT, OP_BINARY):
                if fin:
                    self.on_message(self, opcode, payload)
                else:
                    self._frag_op = opcode
                    self._fragments = [payload]
            elif opcode == OP_CONT:
                self._fragments.append(payload)
                if fin:
                    whole = b"".join(self._fragments)
                    self._fragments = []
                    self.on_message(self, self._frag_op, whole)
            elif opcode == OP_PING:
                self._send_frame(OP_PONG, payload)
            elif opcode == OP_CLOSE:
                self.close_code = _LEN16.unpack_from(payload)[0] if len(payload) >= 2 else 1005
                if self.transport is not None and not self.transport.is_closing():
                    self._send_frame(OP_CLOSE, payload[:2])
                    self.transport.close()
                break
        if pos:
            del buf[:pos]

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        n = len(payload)
        if n < 126:
            header = bytes((0x80 | opcode, 0x80 | n))
        elif n < 65536:
            header = bytes((0x80 | opcode, 0xFE)) + _LEN16.pack(n)
        else:
            header = bytes((0x80 | opcode, 0xFF)) + _LEN64.pack(n)
        if n <= 128:
            masked = (
                (int.from_bytes(payload, "big") ^ (self._mask_int >> (8 * (128 - n)))).to_bytes(
                    n, "big"
                )
                if n
                else b""
            )
        else:
            masked = _apply_mask(payload, self._mask)
        transport.write(header + self._mask + masked)

    def _fail(self, exc: Exception) -> None:
        if not self._handshake.done():
            self._handshake.set_exception(exc)
        if self.transport is not None:
            self.transport.abort()

    # -- public API ---------------------------------------------------------------------
    async def handshake_done(self) -> None:
        await self._handshake

    def send_text(self, text: str | bytes) -> None:
        """Queue one text frame (never blocks; the transport buffers)."""
        self._send_frame(OP_TEXT, text.encode() if isinstance(text, str) else text)

    def send_binary(self, data: bytes) -> None:
        self._send_frame(OP_BINARY, data)

    @property
    def is_open(self) -> bool:
        return self.transport is not None and not self.transport.is_closing()

    def close(self, code: int = 1000) -> None:
        """Send a close frame and drop the connection without waiting for the reply."""
        if self.transport is not None and not self.transport.is_closing():
            self._send_frame(OP_CLOSE, _LEN16.pack(code))
            self.transport.close()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


def _apply_mask(payload: bytes, mask: bytes) -> bytes:
    n = len(payload)
    if not n:
        return payload
    reps = (n + 3) // 4
    key = int.from_bytes((mask * reps)[:n], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big")


async def connect(
    url: str,
    on_message: MessageHandler | None = None,
    *,
    clock: Callable[[], int],
    headers: dict[str, str] | None = None,
    open_timeout: float = 10.0,
) -> WSConnection:
    """Open a ``ws://`` connection and complete the upgrade."""
    parts = urlsplit(url)
    if parts.scheme != "ws":
        raise WSError(f"only ws:// URLs are supported, got {url!r}")
    host = parts.hostname or "127.0.0.1"
    port = parts.port or 80
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    key = base64.b64encode(os.urandom(16))
    lines = [
        f"GET {target} HTTP/1.1",
        f"Host: {host}:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key.decode()}",
        "Sec-WebSocket-Version: 13",
    ]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    loop = asyncio.get_running_loop()
    conn: WSConnection | None = None

    def factory() -> WSConnection:
        nonlocal conn
        conn = WSConnection(request, key, clock)
        if on_message is not None:
            conn.on_message = on_message
        return conn

    async def establish() -> WSConnection:
        await loop.create_connection(factory, host, port)
        assert conn is not None
        await conn.handshake_done()
        return conn

    try:
        return await asyncio.wait_for(establish(), open_timeout)
    except BaseException:
        if conn is not None:
            conn.abort()
        raise


def frame_reader(
    conn: WSConnection, queue: asyncio.Queue[bytes]
) -> Callable[[float], Awaitable[bytes]]:
    """``next_frame(timeout)`` over a queue fed by ``conn``; fails fast when the server closes."""

    async def next_frame(wait: float) -> bytes:
        if not queue.empty():
            return queue.get_nowait()
        getter: asyncio.Future[bytes] = asyncio.ensure_future(queue.get())
        waiters: set[asyncio.Future[Any]] = {getter, conn.closed}
        try:
            done, _ = await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not getter.done():
                getter.cancel()
        if getter in done:
            return getter.result()
        if conn.closed.done():
            raise ConnectionError(f"server closed the socket (code {conn.close_code})")
        raise TimeoutError(f"no message within {wait:.1f}s")

    return next_frame


class EpollReader:
    """Reads many adopted connections with one asyncio wake-up per batch.

    An asyncio transport costs several microseconds of loop overhead per read.
    With thousands of sockets each getting a small frame per note, that overhead
    dominates, so after the handshake the receiving side hands its sockets to
    one ``epoll`` set whose descriptor is watched by the loop: each wake-up
    drains every ready socket. Writes (pongs, close) still go through the
    transport.
    """

    def __init__(self, read_size: int = 262144) -> None:
        self._loop = asyncio.get_running_loop()
        self._epoll = select.epoll()
        self._conns: dict[int, WSConnection] = {}
        self._read_size = read_size
        self._loop.add_reader(self._epoll.fileno(), self._ready)

    def adopt(self, conn: WSConnection) -> None:
        transport = conn.transport
        if transport is None or transport.is_closing():
            return
        sock = transport.get_extra_info("socket")
        if not isinstance(sock, socket.socket) and not hasattr(sock, "fileno"):
            return
        fd = int(sock.fileno())
        transport.pause_reading()
        conn.fd = fd
        self._conns[fd] = conn
        self._epoll.register(fd, select.EPOLLIN)

    def release(self, conn: WSConnection) -> None:
        if conn.fd >= 0 and self._conns.get(conn.fd) is conn:
            self._drop(conn.fd)
        conn.fd = -1

    def _drop(self, fd: int) -> None:
        self._conns.pop(fd, None)
        with contextlib.suppress(OSError, ValueError):
            self._epoll.unregister(fd)

    def _ready(self) -> None:
        conns = self._conns
        read = os.read
        size = self._read_size
        for fd, _ in self._epoll.poll(0):
            conn = conns.get(fd)
            if conn is None:
                self._drop(fd)
                continue
            try:
                data = read(fd, size)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if data:
                conn.data_received(data)
            else:
                self._drop(fd)
                conn.fd = -1
                conn.abort()

    def close(self) -> None:
        self._loop.remove_reader(self._epoll.fileno())
        self._epoll.close()
        self._conns.clear()
