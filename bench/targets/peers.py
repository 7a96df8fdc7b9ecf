"""Adapters for the peer servers in ``bench/peers``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import orjson

from bench.targets.base import Client, JoinResult, NextFrame, ServerSpec, Target
from bench.wsclient import WSConnection

PEERS_DIR = Path(__file__).resolve().parent.parent / "peers"
REPO_ROOT = PEERS_DIR.parent.parent


def note_json(token: str) -> bytes:
    """A note as a board client would post it; the peers relay it verbatim."""
    return orjson.dumps(
        {"type": "note", "text": token, "x": 120, "y": 340, "color": "yellow", "ring": 2}
    )


class FastAPIMinimal(Target):
    key = "fastapi"
    label = "FastAPI minimal"

    def server_spec(self, host: str, port: int, workdir: Path) -> ServerSpec:
        argv = [sys.executable, "-m", "bench.peers.fastapi_minimal"]
        return ServerSpec([*argv, "--host", host, "--port", str(port)], cwd=REPO_ROOT)

    def ws_url(self, base_ws: str, client: Client) -> str:
        return f"{base_ws}/ws/{client.room}"

    def note_frame(self, client: Client, seq: int, token: str) -> bytes:
        return note_json(token)


class NodeWs(Target):
    key = "node-ws"
    label = "Node ws"

    def unavailable_reason(self) -> str | None:
        if shutil.which("node") is None:
            return "node is not on PATH"
        if not (PEERS_DIR / "node" / "node_modules" / "ws").is_dir():
            return "run `npm ci` in bench/peers/node"
        return None

    def server_spec(self, host: str, port: int, workdir: Path) -> ServerSpec:
        node = shutil.which("node") or "node"
        argv = [node, "server.js", "--host", host, "--port", str(port)]
        return ServerSpec(argv, cwd=PEERS_DIR / "node", ready_path="/health")

    def ws_url(self, base_ws: str, client: Client) -> str:
        return f"{base_ws}/ws/{client.room}"

    def note_frame(self, client: Client, seq: int, token: str) -> bytes:
        return note_json(token)


class SocketIO(Target):
    """python-socketio, spoken at the Engine.IO v4 / Socket.IO v5 wire level."""

    key = "socketio"
    label = "python-socketio"

    def server_spec(self, host: str, port: int, workdir: Path) -> ServerSpec:
        argv = [sys.executable, "-m", "bench.peers.socketio_server"]
        return ServerSpec([*argv, "--host", host, "--port", str(port)], cwd=REPO_ROOT)

    def ws_url(self, base_ws: str, client: Client) -> str:
        return f"{base_ws}/socket.io/?EIO=4&transport=websocket&room={client.room}"

    async def join(self, conn: WSConnection, client: Client, next_frame: NextFrame) -> JoinResult:
        opened = await next_frame(10.0)
        if not opened.startswith(b"0"):
            raise RuntimeError(f"expected an Engine.IO open packet, got {opened[:80]!r}")
        conn.send_text(b"40")
        while True:
            frame = await next_frame(10.0)
            if frame.startswith(b"40"):
                return JoinResult()
            if frame.startswith(b"44"):
                raise RuntimeError(f"Socket.IO connect refused: {frame[:200]!r}")
            self.handle_other(conn, frame)

    def note_frame(self, client: Client, seq: int, token: str) -> bytes:
        return b'42["note",' + note_json(token) + b"]"

    def handle_other(self, conn: WSConnection, payload: bytes) -> None:
        if payload == b"2":
            conn.send_text(b"3")
