"""Who is online in a room, over every process that serves it.

A process knows the participants connected to it. With several processes behind one address
(the Redis backplane), a screen on process B would count only B's phones. So each process
tells the others which participants it has, on the room's channel: when that changes, when it
starts following the room (asking the others to answer with theirs), and every
``PRESENCE_REFRESH_SECONDS``. What a process said is forgotten after ``PRESENCE_STALE_SECONDS``
without word from it (it was killed, or lost Redis): its phones reconnect to another process
and are counted there. People are counted, not connections: a participant with a tab on each of
two processes counts once. Participant ids travel between the processes only, never to a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import orjson

PRESENCE_REFRESH_SECONDS: Final = 10.0
PRESENCE_STALE_SECONDS: Final = 3 * PRESENCE_REFRESH_SECONDS


@dataclass(frozen=True, slots=True)
class Heard:
    """One process's word about a room: the participants connected to it."""

    process: str
    pids: frozenset[str]
    ask: bool  # the sender just started following the room: answer with yours


@dataclass
class OtherProcesses:
    """What the other processes last said about one room, and when (this process's clock)."""

    said: dict[str, tuple[frozenset[str], float]] = field(default_factory=dict)

    def online(self, here: set[str]) -> int:
        """How many people are online: connected here or, by the last word, elsewhere. (What
        went stale still counts until `forget_stale()`: the count changes only where the
        hub announces it.)"""
        people = set(here)
        for pids, _ in self.said.values():
            people |= pids
        return len(people)

    def hear(self, heard: Heard, now: float) -> None:
        if heard.pids:
            self.said[heard.process] = (heard.pids, now)
        else:
            self.said.pop(heard.process, None)

    def forget_stale(self, now: float) -> None:
        for process, (_, at) in list(self.said.items()):
            if now - at > PRESENCE_STALE_SECONDS:
                del self.said[process]


def presence_poke(
    room_id: str, process: str, pids: frozenset[str] | set[str], *, ask: bool = False
) -> bytes:
    word = {"process": process, "pids": sorted(pids), "ask": ask}
    return orjson.dumps({"room": room_id, "presence": word})


def read_presence(raw: bytes) -> Heard | None:
    """A presence poke's content; None for anything else (an event poke, garbage)."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    word = value.get("presence") if isinstance(value, dict) else None
    if not isinstance(word, dict):
        return None
    process, pids, ask = word.get("process"), word.get("pids"), word.get("ask")
    if not isinstance(process, str) or not isinstance(pids, list):
        return None
    if not all(isinstance(pid, str) for pid in pids):
        return None
    return Heard(process, frozenset(pids), ask is True)
