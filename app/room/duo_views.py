"""What a duo board looks like: the overview of every duo, and the sheets a viewer may read.

The overview (`duos`) is progress only, the same for every viewer: which duos there are, who of
each is interviewed now, the step of each sheet and how many notes it holds. It never carries
a word written on a sheet, and no names (a client takes them from the participant list, or on
an anonymous board calls a duo by its `number`). A sheet's words go only to the viewers
duo.may_see_sheet() allows. views.py builds the deliveries from these values.
"""

from __future__ import annotations

from typing import Any

from app.room.duo import readable_sheets
from app.room.state import Circle, RoomState, Variant

View = dict[str, Any]


def sheet_progress(state: RoomState, owner: str) -> View:
    sheet = state.sheet_of(owner)
    counts = {circle.value: 0 for circle in Circle}
    for note in state.sheet_notes(owner):
        counts[note.circle.value] += 1
    return {"owner": owner, "step": sheet.step.value, "shared": sheet.shared, "counts": counts}


def pair_view(state: RoomState, code: str) -> View:
    members = state.pair_members(code)
    return {
        "pair": code,
        "number": state.pair_numbers[code],
        "members": members,
        "turn": state.turn_of(code),
        "sheets": [sheet_progress(state, m) for m in members],
    }


def duos_view(state: RoomState) -> list[View]:
    if state.variant is not Variant.DUO:
        return []  # a team board's duos write plans together; they have no sheets
    return [pair_view(state, code) for code in state.pairs_by_number()]


def duo_ops(state: RoomState, *codes: str | None) -> list[View]:
    """The overview's entries for these duos as operations: each as it is now, or its removal
    once it has no members (None and repeats are skipped)."""
    if state.variant is not Variant.DUO:
        return []
    ops: list[View] = []
    for code in dict.fromkeys(c for c in codes if c is not None):
        if code in state.pair_numbers:
            ops.append({"op": "duo", "duo": pair_view(state, code)})
        else:
            ops.append({"op": "duo_removed", "pair": code})
    return ops


def duo_op_for(state: RoomState, owner: str) -> list[View]:
    """The overview's entry for `owner`'s duo, as an operation (none when not in a duo)."""
    person = state.participants.get(owner)
    return duo_ops(state, person.pair) if person is not None else []


def sheet_view(state: RoomState, owner: str) -> View:
    sheet = state.sheet_of(owner)
    return {
        "owner": owner,
        "activity": sheet.activity,
        "step": sheet.step.value,
        "chosen": sheet.chosen,
        "small_step": sheet.small_step,
        "shared": sheet.shared,
        "notes": [
            {"id": n.nid, "circle": n.circle.value, "text": n.text, "order": n.order}
            for n in state.sheet_notes(owner)
        ],
    }


def sheets_view(state: RoomState, viewer: str | None) -> list[View]:
    """Every sheet this viewer may read, by owner."""
    return [sheet_view(state, owner) for owner in readable_sheets(state, viewer)]
