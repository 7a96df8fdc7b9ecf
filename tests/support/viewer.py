"""A viewer for the hub's tests: it keeps every message it is given."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from app.realtime.codec import Message, message_bytes


@dataclass(eq=False)
class ListViewer:
    pid: str | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)

    def deliver(self, message: Message) -> None:
        self.messages.append(orjson.loads(message_bytes(message)))

    def durable(self) -> list[dict[str, Any]]:
        """What carries a sequence number (presence does not)."""
        return [m for m in self.messages if m["type"] in ("event", "snapshot")]

    def kinds(self) -> list[str]:
        return [m["type"] for m in self.durable()]

    def seqs(self) -> list[int]:
        return [m["seq"] for m in self.durable()]
