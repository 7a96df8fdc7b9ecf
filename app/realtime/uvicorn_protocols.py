"""uvicorn's HTTP and WebSocket protocols, freed by reference counting when a connection ends.

Phones come and go all meeting long, and whatever a closed connection leaves in reference
cycles waits for the garbage collector, which stops everything else while it walks it: after a
thousand phones had left, a collection of the middle generation took 30-42 ms and found 30,000
objects (5-6 ms and none since). Two cycles were left per connection:

- uvicorn's httptools protocol parses a request with `httptools.HttpRequestParser`, which holds
  the protocol's callbacks (bound methods, so the protocol itself). uvicorn breaks that cycle
  when a plain HTTP connection is lost, but a connection upgraded to a WebSocket is lost
  through the WebSocket protocol, so the HTTP protocol stayed in its cycle, holding the
  transport, its socket and its flow control (about 22 objects);
- asyncio's selector transport keeps its read callback, a bound method of itself, after the
  connection is lost (7 objects with the socket and its address tuples).

Both are let go of here once they can no longer be used. Under another event loop (uvloop) or
over TLS the transport has no such callback and nothing is done to it.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


def let_go_of(transport: asyncio.BaseTransport | None) -> None:
    """Break the cycle of a lost connection's asyncio transport: its read callback is a bound
    method of itself, and no read follows a lost connection."""
    if getattr(transport, "_read_ready_cb", None) is not None:
        transport._read_ready_cb = None  # type: ignore[union-attr]


class HttpToolsFreedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, freed once it has upgraded its connection to a WebSocket
    (the transport then feeds the WebSocket protocol only) or once its connection is lost."""

    def handle_websocket_upgrade(self) -> None:
        super().handle_websocket_upgrade()
        self.parser = None  # type: ignore[assignment]  # as uvicorn's connection_lost does

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        let_go_of(self.transport)


class WebSocketsFreedProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol, whose transport is let go of once the
    connection is lost."""

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        let_go_of(self.transport)
