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


def pair_codes(state: RoomState) -> list[str]:
    """The duos in a stable order: by their member who joined the board first."""
    codes: list[str] = []
    for person in state.participants.values():
        if person.pair is not None and person.pair not in codes:
            codes.append(person.pair)
    return codes


def sheet_progress(state: RoomState, owner: str) -> View:
    sheet = state.sheet_of(owner)
    counts = {circle.value: 0 for circle in Circle}
    for note in state.sheet_notes(owner):
        counts[note.circle.value] += 1
    return {"owner": owner, "step": sheet.step.value, "shared": sheet.shared, "counts": counts}


def pair_view(state: RoomState, code: str, number: int) -> View:
    members = state.pair_members(code)
    return {
        "pair": code,
        "number": number,
        "members": members,
        "turn": state.turn_of(code),
        "sheets": [sheet_progress(state, m) for m in members],
    }


def duos_view(state: RoomState) -> list[View]:
    if state.variant is not Variant.DUO:
        return []  # a team board's duos write plans together; they have no sheets
    return [pair_view(state, code, i) for i, code in enumerate(pair_codes(state), start=1)]


def duo_op_for(state: RoomState, owner: str) -> list[View]:
    """The overview's entry for `owner`'s duo, as an operation (none when not in a duo)."""
    code = state.participants[owner].pair if owner in state.participants else None
    if code is None:
        return []
    number = pair_codes(state).index(code) + 1
    return [{"op": "duo", "duo": pair_view(state, code, number)}]


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
