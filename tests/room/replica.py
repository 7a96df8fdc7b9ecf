"""A viewer's copy of the room, kept up to date from operations only, as a client keeps it.

After every event a replica must equal a fresh snapshot for the same viewer: that is how the
tests know that the operations `render` sends are complete and never stale.
"""

from __future__ import annotations

from typing import Any

import orjson

from app.room.state import RoomState
from app.room.views import Op, View, snapshot_for
from tests.support.client import with_person, with_reflection

BOARD_FIELDS = (
    "topic",
    "phase",
    "reading",
    "chosen",
    "plan_mode",
    "agreements",
    "timer",
    "agenda",
)


def fresh(state: RoomState, pid: str | None) -> View:
    """A snapshot as it arrives over the wire (a deep copy of plain JSON values)."""
    value: View = orjson.loads(orjson.dumps(snapshot_for(state, pid)))
    return value


def comparable(board: View) -> View:
    """Notes and plans keyed by id, as a client keeps them; `seq` is the message's business."""
    return {
        **{k: v for k, v in board.items() if k != "seq"},
        "notes": {note["id"]: note for note in board["notes"]},
        "plans": {plan["id"]: plan for plan in board["plans"]},
        "duos": {duo["pair"]: duo for duo in board["duos"]},
        "sheets": {sheet["owner"]: sheet for sheet in board["sheets"]},
    }


class Replica:
    """What one viewer (a participant's pid, or None for the board) holds."""

    def __init__(self, state: RoomState, pid: str | None) -> None:
        self.pid = pid
        self.board = comparable(fresh(state, pid))

    def take(self, state: RoomState, ops: list[Op]) -> None:
        """Apply one event's operations; `state` is the room right after that event."""
        ops = orjson.loads(orjson.dumps(ops))
        for op in ops:
            self._apply(state, op)

    def matches(self, state: RoomState) -> bool:
        return self.board == comparable(fresh(state, self.pid))

    def _apply(self, state: RoomState, op: dict[str, Any]) -> None:
        kind = op["op"]
        board = self.board
        if kind == "snapshot":
            self.board = comparable(fresh(state, self.pid))
        elif kind == "board":
            unknown = set(op) - {"op", *BOARD_FIELDS}
            assert not unknown, unknown
            board.update({k: v for k, v in op.items() if k != "op"})
        elif kind == "note":
            board["notes"][op["note"]["id"]] = op["note"]
        elif kind == "note_removed":
            board["notes"].pop(op["id"], None)
        elif kind == "plan":
            board["plans"][op["plan"]["id"]] = op["plan"]
        elif kind == "plan_removed":
            board["plans"].pop(op["id"], None)
        elif kind == "duo":
            board["duos"][op["duo"]["pair"]] = op["duo"]
        elif kind == "duo_removed":
            board["duos"].pop(op["pair"], None)
        elif kind == "sheets":
            board["sheets"] = {sheet["owner"]: sheet for sheet in op["sheets"]}
        elif kind == "sheet":
            board["sheets"][op["sheet"]["owner"]] = op["sheet"]
        elif kind == "sheet_removed":
            board["sheets"].pop(op["owner"], None)
        elif kind == "participant":
            board["participants"] = with_person(board["participants"], op["person"])
        elif kind == "counts":
            board["counts"], board["writers"] = op["counts"], op["writers"]
        elif kind in ("voting", "reflections", "scale", "me"):
            board[kind] = op[kind]
        elif kind == "reflection":
            board["reflections"] = with_reflection(board["reflections"], op)
        else:
            raise AssertionError(f"unknown op {kind!r}")
