"""A participant that writes notes steadily and keeps what was not acknowledged, to resend it
with the same operation id after a reconnect: the client side of every crash test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.support.client import RoomClient

NOTES_EACH = 40  # under MAX_NOTES_PER_PARTICIPANT
PAUSE_SECONDS = 0.06  # ~16 notes a second, under MESSAGES_PER_SECOND


@dataclass
class Writer:
    client: RoomClient
    index: int
    limit: int = NOTES_EACH
    sent: dict[str, str] = field(default_factory=dict)  # cid -> note id, not yet acknowledged
    acked: set[str] = field(default_factory=set)  # note ids
    written: int = 0

    async def send_note(self) -> None:
        nid = f"w{self.index}-{self.written}"
        self.written += 1
        cid = f"op-{nid}"
        self.sent[cid] = nid
        with contextlib.suppress(Exception):  # the server may be gone: the note stays in `sent`
            await self.client.send("add_note", cid=cid, id=nid, circle="inner", text=nid)

    async def write(self, stop: asyncio.Event) -> None:
        while not stop.is_set() and self.client.closed is None and self.written < self.limit:
            await self.send_note()
            self.settle()
            await asyncio.sleep(PAUSE_SECONDS)

    def settle(self) -> None:
        for cid in list(self.sent):
            if cid in self.client.acks:
                self.acked.add(self.sent.pop(cid))

    async def resume(self) -> None:
        """Reconnect with the last seq and resend every unacknowledged note with its cid."""
        await self.client.connect()
        self.settle()
        for cid, nid in list(self.sent.items()):
            await self.client.send("add_note", cid=cid, id=nid, circle="inner", text=nid)
        await self.client.wait_for(
            lambda c: all(cid in c.acks or cid in c.errors for cid in self.sent)
        )
        assert not [self.client.errors[c] for c in self.sent if c in self.client.errors]
        self.settle()


def acknowledged(writers: list[Writer]) -> set[str]:
    return {nid for w in writers for nid in w.acked}


def all_acked(sent: dict[str, str]) -> Callable[[RoomClient], bool]:
    return lambda client: all(cid in client.acks for cid in sent)


def unacknowledged(writers: list[Writer]) -> set[str]:
    return {nid for w in writers for nid in w.sent.values()}
