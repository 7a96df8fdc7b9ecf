"""A tiny room builder for the core's tests: decide, then apply, and keep the log."""

from __future__ import annotations

import copy
from collections.abc import Iterable

import pytest

from app.room import commands as cmd
from app.room.apply import apply
from app.room.decide import decide
from app.room.errors import ErrorCode, Rejected
from app.room.events import Event
from app.room.phases import ORDER
from app.room.state import (
    FACILITATOR,
    SCREEN,
    Actor,
    Circle,
    Language,
    Phase,
    RoomState,
    Variant,
    participant,
)
from app.room.views import Delivery, render

__all__ = ["FACILITATOR", "P1", "P2", "P3", "SCREEN", "Room", "participant"]

P1 = participant("p1")
P2 = participant("p2")
P3 = participant("p3")

NAMES = {"p1": "Ann", "p2": "Bram", "p3": "Cato", "p4": "Dirk"}


class Room:
    """One board and its log; every accepted command is applied at once."""

    def __init__(
        self,
        *,
        topic: str = "Samenwerking",
        anonymous: bool = False,
        people: Iterable[str] = ("p1", "p2", "p3"),
        variant: Variant = Variant.TEAM,
    ) -> None:
        self.state = RoomState()
        self.log: list[Event] = []
        create = cmd.CreateBoard("room-1", topic, variant, Language.NL, anonymous)
        self.do(FACILITATOR, create)
        for pid in people:
            self.join(pid)

    def do(self, actor: Actor, command: cmd.Command, now: int = 0) -> list[Event]:
        events = decide(self.state, actor, command, now)
        for event in events:
            self.state = apply(self.state, event)
        self.log += events
        return events

    def deliver(self, actor: Actor, command: cmd.Command, now: int = 0) -> list[Delivery]:
        """Like do(), but gives what each event looked like to the viewers, in order."""
        out = []
        for event in decide(self.state, actor, command, now):
            self.state = apply(self.state, event)
            self.log.append(event)
            out.append(render(self.state, event))
        return out

    def refused(self, actor: Actor, command: cmd.Command, now: int = 0) -> ErrorCode:
        """Assert that `command` is refused and that the refusal changed nothing."""
        before = self.state
        kept = copy.deepcopy(before)
        with pytest.raises(Rejected) as refusal:
            decide(before, actor, command, now)
        assert self.state is before
        assert before == kept
        return refusal.value.code

    def join(self, pid: str, name: str | None = None) -> None:
        display = NAMES.get(pid, pid) if name is None else name
        self.do(participant(pid), cmd.Join(display, f"hash-{pid}"))

    def go(self, phase: Phase, now: int = 0) -> None:
        """Walk one step at a time, forward or back, to `phase`."""
        while self.state.phase is not phase:
            here = ORDER.index(self.state.phase)
            step = 1 if ORDER.index(phase) > here else -1
            self.do(FACILITATOR, cmd.ChangePhase(self.state.phase, ORDER[here + step]), now)

    def note(self, actor: Actor, nid: str, text: str | None = None, now: int = 0) -> None:
        """Write a note in the circle that is open for writing now."""
        circle = Circle.INNER if self.state.phase is Phase.INNER_WRITING else Circle.OUTER
        self.do(
            actor, cmd.AddNote(nid, circle, text if text is not None else f"text of {nid}"), now
        )

    def outer_items(self, *writers: tuple[Actor, str]) -> None:
        """Write outer notes and walk to the step forward, where they are on the board."""
        self.go(Phase.OUTER_WRITING)
        for actor, nid in writers:
            self.note(actor, nid)
        self.go(Phase.STEP_FORWARD)
