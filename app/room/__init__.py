"""The pure room core: commands in, events out, state = the fold of the events. No I/O."""

from app.room.apply import apply, fold
from app.room.decide import decide
from app.room.errors import ErrorCode, Rejected
from app.room.state import FACILITATOR, SCREEN, Actor, Role, RoomState, participant
from app.room.views import Delivery, render, snapshot_for

__all__ = [
    "FACILITATOR",
    "SCREEN",
    "Actor",
    "Delivery",
    "ErrorCode",
    "Rejected",
    "Role",
    "RoomState",
    "apply",
    "decide",
    "fold",
    "participant",
    "render",
    "snapshot_for",
]
