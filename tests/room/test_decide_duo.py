"""Duo boards: the flow, the sheets each duo fills in, whose turn it is, and who sees what."""

from __future__ import annotations

import orjson
import pytest

from app.room import commands as cmd
from app.room import events as ev
from app.room import limits
from app.room.errors import ErrorCode
from app.room.state import Circle, DuoStep, Phase, Variant
from app.room.views import ROOM_VIEWER, snapshot_for
from tests.room.helpers import FACILITATOR, P1, P2, P3, SCREEN, Room, participant

P4 = participant("p4")


def duo_room(*, anonymous: bool = False, working: bool = True) -> Room:
    """Ann & Bram in DUO1, Cato & Dirk in DUO2; in the duos phase unless `working` is False."""
    room = Room(variant=Variant.DUO, anonymous=anonymous, people=("p1", "p2", "p3", "p4"))
    room.do(FACILITATOR, cmd.PairUp("p1", "p2", "DUO1"))
    room.do(P3, cmd.StartPair("DUO2"))
    room.do(P4, cmd.JoinPair("duo2"))
    if working:
        room.do(FACILITATOR, cmd.ChangePhase(Phase.PAIRING, Phase.DUOS))
    return room


def wire(room: Room, viewer: str | None) -> bytes:
    return orjson.dumps(snapshot_for(room.state, viewer))


# -- the room-level flow ---------------------------------------------------------------------


def test_a_duo_board_starts_with_pairing_and_needs_no_topic() -> None:
    room = Room(variant=Variant.DUO, topic="")
    assert room.state.phase is Phase.PAIRING
    room.do(FACILITATOR, cmd.ChangePhase(Phase.PAIRING, Phase.DUOS))
    room.do(FACILITATOR, cmd.ChangePhase(Phase.DUOS, Phase.CLOSING))
    room.do(FACILITATOR, cmd.ChangePhase(Phase.CLOSING, Phase.DUOS))
    assert room.state.phase.value == "duos"


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Phase.PAIRING, Phase.CLOSING),
        (Phase.PAIRING, Phase.TOPIC),
        (Phase.PAIRING, Phase.INNER_WRITING),
    ],
)
def test_a_duo_board_keeps_to_its_own_phases(start: Phase, to: Phase) -> None:
    room = Room(variant=Variant.DUO)
    assert room.refused(FACILITATOR, cmd.ChangePhase(start, to)) is ErrorCode.WRONG_PHASE


def test_a_team_board_never_enters_the_duo_phases() -> None:
    room = Room()
    refused = room.refused(FACILITATOR, cmd.ChangePhase(Phase.TOPIC, Phase.PAIRING))
    assert refused is ErrorCode.WRONG_PHASE
    assert room.refused(P1, cmd.SetActivity("p1", "Presenteren")) is ErrorCode.WRONG_PHASE
    assert room.refused(P1, cmd.ShareSheet(shared=True)) is ErrorCode.WRONG_PHASE


def test_team_notes_have_no_place_on_a_duo_board() -> None:
    room = duo_room()
    assert room.refused(P1, cmd.AddNote("n1", Circle.INNER, "x")) is ErrorCode.WRONG_PHASE
    assert room.refused(FACILITATOR, cmd.OpenVoting(3)) is ErrorCode.WRONG_PHASE


# -- sheets ----------------------------------------------------------------------------------


def test_the_interviewer_fills_in_the_partner_s_sheet_through_the_four_steps() -> None:
    room = duo_room()
    assert room.state.turn_of("DUO1") == "p1"  # joined the board first: interviewed first
    room.do(P2, cmd.SetActivity("p1", "  Presenteren  "))
    room.do(P2, cmd.SetSheetStep("p1", DuoStep.ACTIVITY, DuoStep.INNER))
    room.do(P2, cmd.AddSheetNote("p1", "s1", Circle.INNER, "ik bereid goed voor"))
    room.do(P2, cmd.SetSheetStep("p1", DuoStep.INNER, DuoStep.OUTER))
    room.do(P2, cmd.AddSheetNote("p1", "s2", Circle.OUTER, "rustig praten"))
    room.do(P1, cmd.SetSheetStep("p1", DuoStep.OUTER, DuoStep.STEP_FORWARD))  # either partner
    room.do(P2, cmd.ChooseSheetItem("p1", "s2"))
    room.do(P2, cmd.SetSmallStep("p1", "oefenen met een collega"))

    sheet = room.state.sheets["p1"]
    assert (sheet.activity, sheet.step, sheet.chosen) == ("Presenteren", DuoStep.STEP_FORWARD, "s2")
    assert sheet.small_step == "oefenen met een collega"
    assert [n.nid for n in room.state.sheet_notes("p1")] == ["s1", "s2"]
    assert room.state.notes["s1"].author == "p2" and room.state.notes["s1"].sheet == "p1"
    assert "p2" not in room.state.sheets  # Bram's turn has not come yet


def test_swapping_roles_moves_the_duo_to_the_other_sheet() -> None:
    room = duo_room()
    room.do(P2, cmd.SetActivity("p1", "Presenteren"))
    events = room.do(P1, cmd.SwapRoles("p2"))
    assert events == [ev.TurnChanged("DUO1", "p2")]
    assert room.do(P2, cmd.SwapRoles("p2")) == []  # a second tap changes nothing
    room.do(P1, cmd.SetActivity("p2", "Plannen"))
    assert room.state.sheets["p2"].activity == "Plannen"
    assert room.state.sheets["p1"].activity == "Presenteren"
    assert room.refused(P1, cmd.SwapRoles("p3")) is ErrorCode.BAD_VALUE


def test_a_write_lands_on_the_sheet_it_names_even_after_a_swap() -> None:
    room = duo_room()
    room.do(P1, cmd.SwapRoles("p2"))  # Bram's phone has not heard of it yet
    room.do(P2, cmd.AddSheetNote("p1", "late", Circle.INNER, "voor Ann bedoeld"))
    assert [n.nid for n in room.state.sheet_notes("p1")] == ["late"]
    assert room.state.sheet_notes("p2") == []


def test_only_the_two_sheets_of_one_s_own_duo_can_be_written_on() -> None:
    room = duo_room()
    room.do(P1, cmd.SetActivity("p1", "mijn eigen"))  # forgiving: the interviewee may too
    for sheet in ("p3", "p4", "nobody"):
        assert room.refused(P1, cmd.SetActivity(sheet, "x")) is ErrorCode.FORBIDDEN
        assert room.refused(P1, cmd.SetSmallStep(sheet, "x")) is ErrorCode.FORBIDDEN


def test_sheet_work_needs_a_complete_duo_in_the_duos_phase() -> None:
    room = duo_room(working=False)
    assert room.refused(P1, cmd.SetActivity("p1", "x")) is ErrorCode.WRONG_PHASE
    room.do(FACILITATOR, cmd.ChangePhase(Phase.PAIRING, Phase.DUOS))
    room.do(P2, cmd.LeavePair())
    assert room.refused(P1, cmd.SetActivity("p1", "x")) is ErrorCode.NOT_IN_DUO
    assert room.refused(P2, cmd.AddSheetNote("p1", "s1", Circle.INNER, "x")) is ErrorCode.NOT_IN_DUO
    assert room.refused(P1, cmd.SwapRoles("p1")) is ErrorCode.NOT_IN_DUO
    assert room.refused(FACILITATOR, cmd.SetActivity("p1", "x")) is ErrorCode.FORBIDDEN
    assert room.refused(SCREEN, cmd.SetActivity("p1", "x")) is ErrorCode.FORBIDDEN


def test_sheet_texts_keep_to_their_limits() -> None:
    room = duo_room()
    long_activity = "a" * (limits.MAX_ACTIVITY_LENGTH + 1)
    assert room.refused(P2, cmd.SetActivity("p1", long_activity)) is ErrorCode.TEXT_TOO_LONG
    room.do(P2, cmd.SetActivity("p1", "a" * limits.MAX_ACTIVITY_LENGTH))
    long_step = "s" * (limits.MAX_SMALL_STEP_LENGTH + 1)
    assert room.refused(P2, cmd.SetSmallStep("p1", long_step)) is ErrorCode.TEXT_TOO_LONG
    room.do(P2, cmd.SetSmallStep("p1", "s" * limits.MAX_SMALL_STEP_LENGTH))
    long_note = "n" * (limits.MAX_NOTE_LENGTH + 1)
    assert (
        room.refused(P2, cmd.AddSheetNote("p1", "x", Circle.INNER, long_note))
        is ErrorCode.NOTE_TOO_LONG
    )
    assert room.refused(P2, cmd.AddSheetNote("p1", "x", Circle.INNER, "  ")) is ErrorCode.NOTE_EMPTY
    assert room.refused(P2, cmd.AddSheetNote("p1", "", Circle.INNER, "x")) is ErrorCode.BAD_VALUE


def test_a_sheet_holds_at_most_max_notes_per_sheet() -> None:
    room = duo_room()
    for n in range(limits.MAX_NOTES_PER_SHEET):
        room.do(P2, cmd.AddSheetNote("p1", f"s{n}", Circle.INNER, f"ding {n}"))
    refused = room.refused(P2, cmd.AddSheetNote("p1", "one-more", Circle.OUTER, "x"))
    assert refused is ErrorCode.TOO_MANY_NOTES
    room.do(P1, cmd.SwapRoles("p2"))
    room.do(
        P1, cmd.AddSheetNote("p2", "other-sheet", Circle.OUTER, "x")
    )  # the other sheet has room


def test_note_ids_are_shared_with_the_room() -> None:
    room = duo_room()
    room.do(P2, cmd.AddSheetNote("p1", "s1", Circle.INNER, "x"))
    assert (
        room.refused(P4, cmd.AddSheetNote("p3", "s1", Circle.INNER, "y")) is ErrorCode.NOTE_EXISTS
    )


def test_the_step_moves_by_compare_and_set() -> None:
    room = duo_room()
    room.do(P2, cmd.SetSheetStep("p1", DuoStep.ACTIVITY, DuoStep.INNER))
    again = room.refused(P1, cmd.SetSheetStep("p1", DuoStep.ACTIVITY, DuoStep.INNER))
    assert again is ErrorCode.PHASE_CONFLICT
    assert room.do(P1, cmd.SetSheetStep("p1", DuoStep.INNER, DuoStep.INNER)) == []
    room.do(P1, cmd.SetSheetStep("p1", DuoStep.INNER, DuoStep.ACTIVITY))  # back is fine too


def test_only_an_outer_item_of_the_same_sheet_can_be_chosen() -> None:
    room = duo_room()
    room.do(P2, cmd.AddSheetNote("p1", "in", Circle.INNER, "x"))
    room.do(P2, cmd.AddSheetNote("p1", "out", Circle.OUTER, "y"))
    room.do(P4, cmd.AddSheetNote("p3", "theirs", Circle.OUTER, "z"))
    for nid in ("in", "theirs", "nothing"):
        assert room.refused(P2, cmd.ChooseSheetItem("p1", nid)) is ErrorCode.UNKNOWN_NOTE
    room.do(P2, cmd.ChooseSheetItem("p1", "out"))
    events = room.do(P1, cmd.DeleteNote("out"))
    assert events == [ev.NoteDeleted("out"), ev.SheetItemChosen("p1", None)]
    assert room.state.sheets["p1"].chosen is None


def test_both_partners_and_nobody_else_may_change_a_sheet_s_notes() -> None:
    room = duo_room()
    room.do(P2, cmd.AddSheetNote("p1", "s1", Circle.INNER, "x"))
    room.do(P1, cmd.EditNote("s1", "by the interviewee"))
    room.do(P2, cmd.EditNote("s1", "by the interviewer"))
    assert room.refused(P3, cmd.EditNote("s1", "no")) is ErrorCode.NOT_YOUR_NOTE
    assert room.refused(P3, cmd.DeleteNote("s1")) is ErrorCode.NOT_YOUR_NOTE
    assert room.refused(FACILITATOR, cmd.HideNote("s1", hidden=True)) is ErrorCode.UNKNOWN_NOTE
    room.do(P2, cmd.LeavePair())  # the writer left: the sheet is the owner's alone now
    assert room.refused(P2, cmd.EditNote("s1", "no")) is ErrorCode.NOT_YOUR_NOTE
    room.do(P1, cmd.DeleteNote("s1"))


def test_a_sheet_s_notes_are_read_only_from_the_closing_on() -> None:
    room = duo_room()
    room.do(P2, cmd.AddSheetNote("p1", "s1", Circle.INNER, "Geschreven"))
    room.do(FACILITATOR, cmd.ChangePhase(Phase.DUOS, Phase.CLOSING))
    assert room.refused(P2, cmd.EditNote("s1", "later")) is ErrorCode.WRONG_PHASE
    assert room.refused(P1, cmd.DeleteNote("s1")) is ErrorCode.WRONG_PHASE
    assert room.refused(P3, cmd.EditNote("s1", "no")) is ErrorCode.NOT_YOUR_NOTE
    assert room.state.notes["s1"].text == "Geschreven" and room.state.notes["s1"].live
    room.do(FACILITATOR, cmd.ChangePhase(Phase.CLOSING, Phase.DUOS))  # back to work: open again
    room.do(P2, cmd.EditNote("s1", "Herschreven"))


def test_only_the_interviewee_shares_their_own_sheet() -> None:
    room = duo_room()
    room.do(P2, cmd.SetActivity("p1", "Presenteren"))
    assert room.do(P1, cmd.ShareSheet(shared=True)) == [ev.SheetShared("p1", shared=True)]
    assert room.do(P1, cmd.ShareSheet(shared=True)) == []
    assert room.refused(FACILITATOR, cmd.ShareSheet(shared=False)) is ErrorCode.FORBIDDEN
    room.do(FACILITATOR, cmd.ChangePhase(Phase.DUOS, Phase.CLOSING))
    room.do(P1, cmd.ShareSheet(shared=False))  # also while closing
    assert not room.state.sheets["p1"].shared


# -- who sees what ---------------------------------------------------------------------------


def test_a_sheet_reaches_only_the_duo_until_it_is_shared() -> None:
    room = duo_room()
    room.do(P2, cmd.SetActivity("p1", "GEHEIME-ACTIVITEIT"))
    room.do(P2, cmd.AddSheetNote("p1", "s1", Circle.INNER, "GEHEIME-NOTITIE"))
    for partner in ("p1", "p2"):
        assert b"GEHEIME-NOTITIE" in wire(room, partner)
    outsiders: tuple[str | None, ...] = ("p3", "p4", None, ROOM_VIEWER)
    for outsider in outsiders:
        assert b"GEHEIME" not in wire(room, outsider), outsider
    board = snapshot_for(room.state, None)
    assert board["notes"] == [] and board["counts"] == {"inner": 0, "outer": 0}
    overview = {duo["pair"]: duo for duo in board["duos"]}
    assert overview["DUO1"]["turn"] == "p1"
    assert overview["DUO1"]["sheets"][0] == {
        "owner": "p1",
        "step": "activity",
        "shared": False,
        "counts": {"inner": 1, "outer": 0},
    }

    room.do(P1, cmd.ShareSheet(shared=True))
    for outsider in outsiders:
        assert b"GEHEIME-NOTITIE" in wire(room, outsider)
    deliveries = room.deliver(P1, cmd.ShareSheet(shared=False))
    assert {"op": "sheet_removed", "owner": "p1"} in deliveries[0].for_viewer(None)
    assert b"GEHEIME" not in wire(room, None)


def test_a_partner_who_leaves_loses_the_sheet_at_once() -> None:
    room = duo_room()
    room.do(P2, cmd.AddSheetNote("p1", "s1", Circle.INNER, "GEHEIM"))
    deliveries = room.deliver(P2, cmd.LeavePair())
    ops = deliveries[0].for_viewer("p2")
    assert {"op": "sheets", "sheets": []} in ops
    assert b"GEHEIM" not in orjson.dumps(ops) and b"GEHEIM" not in wire(room, "p2")
    assert b"GEHEIM" in wire(room, "p1")  # still the owner's


def test_a_change_of_duo_sends_only_the_duos_it_changed() -> None:
    room = duo_room()
    # p2 leaves DUO1 for a new duo, DUO3: DUO1 keeps p1 and its number.
    [moved] = room.deliver(P2, cmd.StartPair("DUO3"))
    duo_ops = [op for op in moved.for_viewer(None) if op["op"].startswith("duo")]
    assert [(op["op"], op["duo"]["pair"], op["duo"]["number"]) for op in duo_ops] == [
        ("duo", "DUO3", 3),
        ("duo", "DUO1", 1),
    ]
    assert duo_ops[1]["duo"]["members"] == ["p1"]
    # p1, alone in DUO1, joins DUO3: DUO1 is gone, DUO2 and DUO3 keep their numbers.
    [joined] = room.deliver(P1, cmd.JoinPair("DUO3"))
    duo_ops = [op for op in joined.for_viewer("p3") if op["op"].startswith("duo")]
    assert duo_ops[0]["op"] == "duo" and duo_ops[0]["duo"]["members"] == ["p1", "p2"]
    assert duo_ops[1] == {"op": "duo_removed", "pair": "DUO1"}
    board = snapshot_for(room.state, None)
    assert [(duo["pair"], duo["number"]) for duo in board["duos"]] == [("DUO2", 2), ("DUO3", 3)]


def test_the_overview_carries_no_names() -> None:
    room = duo_room(anonymous=True)
    room.do(P2, cmd.SetActivity("p1", "Presenteren"))
    board = snapshot_for(room.state, ROOM_VIEWER)
    assert [duo["number"] for duo in board["duos"]] == [1, 2]
    names = (b"Ann", b"Bram", b"Cato", b"Dirk")
    assert not any(name in orjson.dumps(board["duos"]) for name in names)
    assert not any(name in orjson.dumps(board["participants"]) for name in names)
