"""The rules of a duo board: pairs interview each other, each on the other's sheet.

Theory of operation
-------------------
On a duo board every participant has a sheet: the circles about an activity of their own. In a
duo one partner is interviewed (the pair's `turn`) while the other asks the method's questions
and writes; swapping roles moves the pair to the other sheet. A sheet command names the sheet
it is for (its owner), so what a phone sends lands on the sheet its user was looking at, even
if the duo swapped roles in between. Either partner may write on either of their duo's two
sheets and move its step, since people in a duo talk to each other; the interface gives the pen
to the interviewer.

Who sees a sheet (the one rule, used by views.py): its owner and the owner's duo partner of the
moment, and everyone once the owner shares it. The facilitator and the shared screen see only
the progress of each duo (step, turn, how many notes), never a sheet's words unless shared.

The room-level flow is phases.DUO_ORDER: pairing, duos (sheet work is open only here), closing.
"""

from __future__ import annotations

from app.room import commands as cmd
from app.room import events as ev
from app.room import limits
from app.room.errors import ErrorCode, Rejected
from app.room.state import Actor, Circle, Note, Phase, Role, RoomState, Variant

Events = list[ev.Event]


def audience(state: RoomState, owner: str) -> frozenset[str]:
    """Who may read (and write on) `owner`'s sheet besides the room: owner and duo partner."""
    partner = state.partner_of(owner)
    return frozenset({owner} if partner is None else {owner, partner})


def may_see_sheet(state: RoomState, owner: str, viewer: str | None) -> bool:
    """The one visibility rule for sheets (viewer None or "": the facilitator, a screen)."""
    if state.sheet_of(owner).shared:
        return True
    return bool(viewer) and viewer in audience(state, owner)


def readable_sheets(state: RoomState, viewer: str | None) -> list[str]:
    """The owners of every sheet `viewer` may read, by may_see_sheet(), in owner order.

    Only the shared sheets and the viewer's own duo can qualify, so only those are asked: a
    snapshot for each of hundreds of participants must not look at every sheet each time.
    """
    candidates = {owner for owner, sheet in state.sheets.items() if sheet.shared}
    if viewer:
        candidates |= {viewer, state.partner_of(viewer) or viewer}
    return sorted(o for o in candidates if o in state.sheets and may_see_sheet(state, o, viewer))


def check_note_change(state: RoomState, note: Note, pid: str) -> None:
    """A sheet's notes may be changed by whoever may read the sheet (not the room), and only
    while the duos work: from the closing on, the sheets are read-only like their other parts."""
    if note.sheet is None or pid not in audience(state, note.sheet):
        raise Rejected(ErrorCode.NOT_YOUR_NOTE)
    if state.phase is not Phase.DUOS:
        raise Rejected(ErrorCode.WRONG_PHASE, "duos work on their sheets in the duos phase")


def on_delete(state: RoomState, note: Note) -> Events:
    """What else a deleted note takes with it: being the sheet's chosen item."""
    if note.sheet is not None and state.sheet_of(note.sheet).chosen == note.nid:
        return [ev.SheetItemChosen(note.sheet, None)]
    return []


# -- helpers ---------------------------------------------------------------------------------


def _text(value: str, maximum: int, code: ErrorCode) -> str:
    text = value.strip()
    if len(text) > maximum:
        raise Rejected(code, f"at most {maximum} characters")
    return text


def _in_duo(state: RoomState, actor: Actor) -> tuple[str, str]:
    """The sender's pid and pair code; refused unless they are in a complete duo."""
    if actor.role is not Role.PARTICIPANT or actor.pid is None:
        raise Rejected(ErrorCode.FORBIDDEN, "only participants may do this")
    if state.variant is not Variant.DUO or state.phase is not Phase.DUOS:
        raise Rejected(ErrorCode.WRONG_PHASE, "duos work on their sheets in the duos phase")
    code = state.participants[actor.pid].pair
    if code is None or state.partner_of(actor.pid) is None:
        raise Rejected(ErrorCode.NOT_IN_DUO, "pair up with someone first")
    return actor.pid, code


def _duo_sheet(state: RoomState, actor: Actor, owner: str) -> str:
    """`owner`, when that sheet is the sender's own or their duo partner's."""
    pid, _ = _in_duo(state, actor)
    if owner not in (pid, state.partner_of(pid)):
        raise Rejected(ErrorCode.FORBIDDEN, "only the sheets of your own duo")
    return owner


# -- handlers (registered in decide.py) ------------------------------------------------------


def set_activity(c: cmd.SetActivity, s: RoomState, a: Actor, now: int) -> Events:
    owner = _duo_sheet(s, a, c.sheet)
    text = _text(c.text, limits.MAX_ACTIVITY_LENGTH, ErrorCode.TEXT_TOO_LONG)
    return [] if s.sheet_of(owner).activity == text else [ev.ActivityChanged(owner, text)]


def add_sheet_note(c: cmd.AddSheetNote, s: RoomState, a: Actor, now: int) -> Events:
    owner = _duo_sheet(s, a, c.sheet)
    nid = c.nid
    if not nid or len(nid) > limits.MAX_ID_LENGTH or not nid.isprintable():
        raise Rejected(ErrorCode.BAD_VALUE, "ids are 1 to 64 printable characters")
    text = c.text.strip()
    if not text:
        raise Rejected(ErrorCode.NOTE_EMPTY, "text is empty")
    if len(text) > limits.MAX_NOTE_LENGTH:
        raise Rejected(ErrorCode.NOTE_TOO_LONG, f"at most {limits.MAX_NOTE_LENGTH} characters")
    if nid in s.notes or nid in s.plans:
        raise Rejected(ErrorCode.NOTE_EXISTS)
    if len(s.sheet_notes(owner)) >= limits.MAX_NOTES_PER_SHEET:
        raise Rejected(ErrorCode.TOO_MANY_NOTES, f"at most {limits.MAX_NOTES_PER_SHEET} a sheet")
    assert a.pid is not None
    return [ev.SheetNoteAdded(nid, a.pid, owner, c.circle, text)]


def set_sheet_step(c: cmd.SetSheetStep, s: RoomState, a: Actor, now: int) -> Events:
    owner = _duo_sheet(s, a, c.sheet)
    step = s.sheet_of(owner).step
    if step is not c.from_:
        raise Rejected(ErrorCode.PHASE_CONFLICT, f"the sheet is at {step.value}")
    return [] if c.from_ is c.to else [ev.SheetStepChanged(owner, c.from_, c.to)]


def choose_sheet_item(c: cmd.ChooseSheetItem, s: RoomState, a: Actor, now: int) -> Events:
    owner = _duo_sheet(s, a, c.sheet)
    if c.nid is not None:
        note = s.notes.get(c.nid)
        if note is None or note.sheet != owner or not note.live or note.circle is not Circle.OUTER:
            raise Rejected(ErrorCode.UNKNOWN_NOTE, "not an outer item on this sheet")
    return [] if s.sheet_of(owner).chosen == c.nid else [ev.SheetItemChosen(owner, c.nid)]


def set_small_step(c: cmd.SetSmallStep, s: RoomState, a: Actor, now: int) -> Events:
    owner = _duo_sheet(s, a, c.sheet)
    text = _text(c.text, limits.MAX_SMALL_STEP_LENGTH, ErrorCode.TEXT_TOO_LONG)
    return [] if s.sheet_of(owner).small_step == text else [ev.SmallStepChanged(owner, text)]


def swap_roles(c: cmd.SwapRoles, s: RoomState, a: Actor, now: int) -> Events:
    pid, code = _in_duo(s, a)
    if c.interviewee not in (pid, s.partner_of(pid)):
        raise Rejected(ErrorCode.BAD_VALUE, "one of your own duo")
    return [] if s.turn_of(code) == c.interviewee else [ev.TurnChanged(code, c.interviewee)]


def share_sheet(c: cmd.ShareSheet, s: RoomState, a: Actor, now: int) -> Events:
    if a.role is not Role.PARTICIPANT or a.pid is None:
        raise Rejected(ErrorCode.FORBIDDEN, "only the sheet's own interviewee may share it")
    if s.variant is not Variant.DUO:
        raise Rejected(ErrorCode.WRONG_PHASE, "sheets belong to duo boards")
    return [] if s.sheet_of(a.pid).shared == c.shared else [ev.SheetShared(a.pid, c.shared)]


HANDLERS = (
    (cmd.SetActivity, set_activity),
    (cmd.AddSheetNote, add_sheet_note),
    (cmd.SetSheetStep, set_sheet_step),
    (cmd.ChooseSheetItem, choose_sheet_item),
    (cmd.SetSmallStep, set_small_step),
    (cmd.SwapRoles, swap_roles),
    (cmd.ShareSheet, share_sheet),
)
