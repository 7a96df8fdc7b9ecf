"""Adapters for the servers the harness can measure."""

from __future__ import annotations

from bench.targets.base import Target

TARGET_KEYS = ("cirkelbord", "fastapi", "socketio", "node-ws")


def get_target(key: str) -> Target:
    """Build the adapter registered under ``key``."""
    if key == "cirkelbord":
        from bench.targets.cirkelbord import Cirkelbord

        return Cirkelbord()
    from bench.targets.peers import FastAPIMinimal, NodeWs, SocketIO

    peers: dict[str, type[Target]] = {
        FastAPIMinimal.key: FastAPIMinimal,
        SocketIO.key: SocketIO,
        NodeWs.key: NodeWs,
    }
    try:
        return peers[key]()
    except KeyError:
        raise ValueError(f"unknown target {key!r}; choose from {', '.join(TARGET_KEYS)}") from None
