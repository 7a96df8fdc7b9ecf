"""A board's history: per meeting, what was in each circle and what moved inward.

One pure function of the room's state (the fold of its log), so the history page, its JSON
route and the tests all read the same derivation. Only notes on the board count (revealed, not
taken off, not merged, not deleted): the history shows what the room saw, never a hidden note,
and never an author.

A note belongs to every meeting from the one it was written in. Before the meeting it moved
inward in, it stood in the outer circle; from that meeting on, in the inner one. A note moved
with MoveNote (a correction of a misplaced note) counts as having been where it is now.
"""

from __future__ import annotations

from typing import Any

from app.room.state import Circle, Note, Plan, RoomState

View = dict[str, Any]


def circle_at(note: Note, meeting: int) -> Circle:
    """Where an item stood at the end of `meeting`."""
    if note.inward_meeting is None:
        return note.circle
    return Circle.INNER if note.inward_meeting <= meeting else Circle.OUTER


def _item(note: Note) -> View:
    inward = None
    if note.inward_meeting is not None:
        inward = {"meeting": note.inward_meeting, "at_ms": note.inward_ms}
    return {
        "id": note.nid,
        "text": note.text,
        "meeting": note.meeting,
        "round": note.round,
        "inward": inward,
    }


def _plan(state: RoomState, plan: Plan) -> View:
    note = state.notes.get(plan.nid)
    return {
        "id": plan.plan_id,
        "note": plan.nid,
        "item": note.text if note is not None and note.on_board else "",
        "what": plan.what,
        "who": plan.who,
        "when": plan.when,
        "status": plan.status.value,
        "done_ms": plan.done_ms,
    }


def meeting_view(state: RoomState, meeting: int) -> View:
    notes = sorted(
        (n for n in state.notes.values() if n.on_board and n.meeting <= meeting),
        key=lambda n: n.order,
    )
    inner = [n for n in notes if circle_at(n, meeting) is Circle.INNER]
    outer = [n for n in notes if circle_at(n, meeting) is Circle.OUTER]
    moved = [n for n in inner if n.inward_meeting == meeting]
    plans = sorted((p for p in state.plans.values() if p.meeting == meeting), key=lambda p: p.order)
    return {
        "meeting": meeting,
        "started_ms": state.meeting_started_ms(meeting),
        "counts": {"inner": len(inner), "outer": len(outer), "moved_inward": len(moved)},
        "rounds": sorted({n.round for n in notes if n.meeting == meeting}),
        "inner": [_item(n) for n in inner],
        "outer": [_item(n) for n in outer],
        "moved_inward": [_item(n) for n in moved],
        "plans": [_plan(state, p) for p in plans],
    }


def board_history(state: RoomState) -> View:
    """Every meeting of the board, the first one first."""
    return {
        "room": state.room_id,
        "topic": state.topic,
        "language": state.language.value,
        "meeting": state.meeting,
        "meetings": [meeting_view(state, m) for m in range(1, state.meeting + 1)],
    }
