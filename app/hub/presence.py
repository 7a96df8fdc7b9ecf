"""Who is online in a room, and who is typing a note, over every process that serves it.

A process knows the participants connected to it. With several processes behind one address
(the Redis backplane), a screen on process B would count only B's phones. So each process
tells the others which participants it has, on the room's channel: when that changes, when it
starts following the room (asking the others to answer with theirs), and every
``PRESENCE_REFRESH_SECONDS``. What a process said is forgotten after ``PRESENCE_STALE_SECONDS``
without word from it (it was killed, or lost Redis): its phones reconnect to another process
and are counted there. People are counted, not connections: a participant with a tab on each of
two processes counts once. Participant ids travel between the processes only, never to a page.

Who is typing works the same way: a phone says "writing" at most every
``WRITING_SIGNAL_SECONDS`` (app/room/limits.py) while someone types a note, and counts as typing
until ``WRITING_FRESH_SECONDS`` after its last word, until it adds a note, or until the step changes
(every process applies those events itself, so they need no word from the others), or until its
last connection to that process closes (the process then tells the others). The pages
get a number, never who.
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
    writing: frozenset[str] = frozenset()  # of those, who is typing a note


@dataclass
class OtherProcesses:
    """What the other processes last said about one room, and when (this process's clock)."""

    said: dict[str, tuple[frozenset[str], float]] = field(default_factory=dict)
    writing: dict[str, set[str]] = field(default_factory=dict)
    """Per process, who it said is typing (trimmed here when they add a note)."""

    def online(self, here: set[str]) -> int:
        """How many people are online: connected here or, by the last word, elsewhere. (What
        went stale still counts until `forget_stale()`: the count changes only where the
        hub announces it.)"""
        people = set(here)
        for pids, _ in self.said.values():
            people |= pids
        return len(people)

    def typing(self, here: set[str]) -> int:
        """How many people are typing a note: here, or by the last word elsewhere."""
        people = set(here)
        for pids in self.writing.values():
            people |= pids
        return len(people)

    def hear(self, heard: Heard, now: float) -> None:
        if heard.pids:
            self.said[heard.process] = (heard.pids, now)
        else:
            self.said.pop(heard.process, None)
        if heard.writing:
            self.writing[heard.process] = set(heard.writing)
        else:
            self.writing.pop(heard.process, None)

    def stopped_writing(self, pid: str | None = None) -> bool:
        """`pid` added a note, or (None) the step changed; returns whether that changed a count."""
        changed = False
        for pids in self.writing.values():
            if pid is None:
                changed = changed or bool(pids)
                pids.clear()
            elif pid in pids:
                pids.discard(pid)
                changed = True
        return changed

    def forget_stale(self, now: float) -> None:
        for process, (_, at) in list(self.said.items()):
            if now - at > PRESENCE_STALE_SECONDS:
                del self.said[process]
                self.writing.pop(process, None)


def presence_poke(
    room_id: str,
    process: str,
    pids: frozenset[str] | set[str],
    *,
    writing: frozenset[str] | set[str] = frozenset(),
    ask: bool = False,
) -> bytes:
    word = {"process": process, "pids": sorted(pids), "writing": sorted(writing), "ask": ask}
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
    writing = word.get("writing", [])
    if not isinstance(process, str) or not isinstance(pids, list) or not isinstance(writing, list):
        return None
    if not all(isinstance(pid, str) for pid in (*pids, *writing)):
        return None
    return Heard(process, frozenset(pids), ask is True, frozenset(writing))
