"""Follow-up meetings: reopening a board, moving outer items inward with a date, plan status."""

from __future__ import annotations

import pytest

from app.room import commands as cmd
from app.room import events as ev
from app.room.errors import ErrorCode
from app.room.limits import MAX_MEETINGS_PER_BOARD, MAX_NOTES_PER_PARTICIPANT
from app.room.state import Circle, Phase, PlanMode, PlanStatus, Variant, VotingStatus
from app.room.views import snapshot_for
from tests.room.helpers import FACILITATOR, P1, P2, P3, SCREEN, Room

FIRST = 1_795_000_000_000
LATER = FIRST + 21 * 24 * 3600 * 1000  # three weeks on


def first_meeting() -> Room:
    """A first meeting up to the closing: inner i1, outer o1..o3, a plan per duo for o1 and o2."""
    room = Room()
    room.go(Phase.INNER_WRITING)
    room.note(P1, "i1")
    room.outer_items((P1, "o1"), (P2, "o2"), (P3, "o3"))
    room.do(FACILITATOR, cmd.OpenVoting(2))
    room.do(P1, cmd.CastVote("o1"))
    room.do(FACILITATOR, cmd.CloseVoting())
    room.do(FACILITATOR, cmd.ChooseItem("o1"))
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    room.do(P1, cmd.StartPair("DUO1"))
    room.do(P2, cmd.JoinPair("DUO1"))
    room.do(P1, cmd.AddPlan("s1", "o1", "agenda a day ahead", "Ann", "Friday"))
    room.do(FACILITATOR, cmd.AddPlan("s2", "o2", "ask for feedback", "Bram", "May"))
    room.go(Phase.CLOSING)
    return room


@pytest.fixture
def room() -> Room:
    return first_meeting()


@pytest.fixture
def follow_up(room: Room) -> Room:
    room.do(FACILITATOR, cmd.OpenFollowUp(2), now=LATER)
    return room


def test_a_follow_up_opens_the_next_meeting_with_its_date(room: Room) -> None:
    events = room.do(FACILITATOR, cmd.OpenFollowUp(2), now=LATER)

    assert events == [ev.FollowUpOpened(2, LATER)]
    state = room.state
    assert (state.meeting, state.follow_ups, state.phase) == (2, (LATER,), Phase.TOPIC)
    assert state.meeting_started_ms(2) == LATER
    assert state.meeting_started_ms(1) is None  # the board's creation, kept by the shell


def test_a_follow_up_keeps_everything_and_starts_voting_afresh(follow_up: Room) -> None:
    state = follow_up.state

    assert {n.nid for n in state.notes.values() if n.on_board} == {"i1", "o1", "o2", "o3"}
    assert all(n.meeting == 1 and n.revealed for n in state.notes.values())
    assert set(state.plans) == {"s1", "s2"}
    assert state.plans["s1"].meeting == 1
    assert (state.voting, state.votes, state.dots, state.chosen) == (
        VotingStatus.NOT_STARTED,
        {},
        0,
        None,
    )
    assert state.timer is None and state.reading is None


def test_an_earlier_meeting_s_notes_stay_as_they_were_written(follow_up: Room) -> None:
    """The history of the board: in a follow-up, the first meeting's notes are read-only for
    their authors, and no longer count as their notes of this meeting."""
    assert follow_up.refused(P1, cmd.EditNote("o1", "rewritten later")) is ErrorCode.WRONG_PHASE
    assert follow_up.refused(P1, cmd.DeleteNote("o1")) is ErrorCode.WRONG_PHASE
    assert follow_up.refused(P2, cmd.DeleteNote("o1")) is ErrorCode.NOT_YOUR_NOTE
    assert (
        follow_up.state.notes["o1"].text != "rewritten later" and follow_up.state.notes["o1"].live
    )
    assert snapshot_for(follow_up.state, "p1")["me"]["notes"] == []
    follow_up.go(Phase.INNER_WRITING)
    follow_up.note(P1, "new")
    follow_up.do(P1, cmd.EditNote("new", "this meeting's own note"))
    assert snapshot_for(follow_up.state, "p1")["me"]["notes"] == ["new"]


def test_the_most_notes_a_person_writes_counts_per_meeting(follow_up: Room) -> None:
    follow_up.go(Phase.INNER_WRITING)
    for i in range(MAX_NOTES_PER_PARTICIPANT):
        follow_up.note(P1, f"m2-{i}")
    assert follow_up.refused(P1, cmd.AddNote("one-more", Circle.INNER, "x")) is (
        ErrorCode.TOO_MANY_NOTES
    )


def test_what_was_written_counts_this_meeting_s_notes_only(follow_up: Room) -> None:
    """The circles still hold the first meeting's notes; "written" counts the new ones."""
    follow_up.go(Phase.INNER_WRITING)
    board = snapshot_for(follow_up.state, None)
    assert board["counts"] == {"inner": 0, "outer": 0}
    assert board["writers"] == {"inner": 0, "outer": 0}
    follow_up.note(P2, "new")
    board = snapshot_for(follow_up.state, None)
    assert board["counts"] == {"inner": 1, "outer": 0}
    assert board["writers"] == {"inner": 1, "outer": 0}
    assert {n["id"] for n in snapshot_for(follow_up.state, None)["notes"]} >= {"i1", "o1"}


def test_the_scale_says_which_meeting_answered_it(room: Room) -> None:
    room.do(FACILITATOR, cmd.OpenScale())
    room.do(P1, cmd.AnswerScale(6))
    room.do(FACILITATOR, cmd.CloseScale())
    room.do(FACILITATOR, cmd.OpenFollowUp(2), now=LATER)
    assert snapshot_for(room.state, None)["scale"]["meeting"] == 1  # shown at the review
    room.do(FACILITATOR, cmd.OpenScale())
    assert snapshot_for(room.state, None)["scale"]["meeting"] == 2


def test_a_follow_up_comes_after_the_step_forward() -> None:
    for phase in (Phase.TOPIC, Phase.INNER_WRITING, Phase.OUTER_WRITING, Phase.OUTER_READING):
        room = Room()
        room.go(phase)
        assert room.refused(FACILITATOR, cmd.OpenFollowUp(2)) is ErrorCode.WRONG_PHASE
    room = Room()
    room.go(Phase.STEP_FORWARD)
    room.do(FACILITATOR, cmd.OpenFollowUp(2))
    assert room.state.meeting == 2


def test_only_the_facilitator_opens_a_follow_up(room: Room) -> None:
    for actor in (P1, SCREEN):
        assert room.refused(actor, cmd.OpenFollowUp(2)) in (
            ErrorCode.FORBIDDEN,
            ErrorCode.NOT_JOINED,
        )


def test_a_double_tap_opens_one_follow_up(follow_up: Room) -> None:
    follow_up.go(Phase.CLOSING)

    assert follow_up.refused(FACILITATOR, cmd.OpenFollowUp(2)) is ErrorCode.PHASE_CONFLICT
    assert follow_up.refused(FACILITATOR, cmd.OpenFollowUp(4)) is ErrorCode.PHASE_CONFLICT
    follow_up.do(FACILITATOR, cmd.OpenFollowUp(3), now=LATER + 1)
    assert follow_up.state.follow_ups == (LATER, LATER + 1)


def test_a_board_holds_at_most_so_many_meetings() -> None:
    room = Room()
    room.go(Phase.STEP_FORWARD)
    for meeting in range(2, MAX_MEETINGS_PER_BOARD + 1):
        room.do(FACILITATOR, cmd.OpenFollowUp(meeting))
        room.go(Phase.STEP_FORWARD)

    assert room.state.meeting == MAX_MEETINGS_PER_BOARD
    too_many = cmd.OpenFollowUp(MAX_MEETINGS_PER_BOARD + 1)
    assert room.refused(FACILITATOR, too_many) is ErrorCode.BAD_VALUE


def test_an_outer_item_moves_inward_with_the_meeting_and_date(follow_up: Room) -> None:
    events = follow_up.do(FACILITATOR, cmd.MoveInward("o1"), now=LATER + 60_000)

    assert events == [ev.NoteMovedInward("o1", 2, LATER + 60_000)]
    note = follow_up.state.notes["o1"]
    assert (note.circle, note.inward_meeting, note.inward_ms) == (Circle.INNER, 2, LATER + 60_000)
    view = snapshot_for(follow_up.state, None)
    shown = next(n for n in view["notes"] if n["id"] == "o1")
    assert shown["inward"] == {"meeting": 2, "at_ms": LATER + 60_000}
    assert shown["meeting"] == 1


def test_items_move_inward_only_at_a_follow_up(room: Room) -> None:
    assert room.refused(FACILITATOR, cmd.MoveInward("o1")) is ErrorCode.WRONG_PHASE


def test_only_earlier_outer_items_on_the_board_move_inward(follow_up: Room) -> None:
    follow_up.go(Phase.OUTER_WRITING)
    follow_up.note(P1, "new")
    follow_up.go(Phase.OUTER_READING)
    follow_up.do(FACILITATOR, cmd.HideNote("o3", hidden=True))

    for nid in ("i1", "new", "o3", "nothing"):
        assert follow_up.refused(FACILITATOR, cmd.MoveInward(nid)) is ErrorCode.UNKNOWN_NOTE
    follow_up.do(FACILITATOR, cmd.MoveInward("o2"))
    assert follow_up.refused(FACILITATOR, cmd.MoveInward("o2")) is ErrorCode.UNKNOWN_NOTE


def test_only_the_facilitator_moves_items_inward(follow_up: Room) -> None:
    for actor in (P1, SCREEN):
        assert follow_up.refused(actor, cmd.MoveInward("o1")) is ErrorCode.FORBIDDEN


def test_moving_inward_takes_the_dots_and_the_choice_along(follow_up: Room) -> None:
    follow_up.go(Phase.STEP_FORWARD)
    follow_up.do(FACILITATOR, cmd.OpenVoting(2))
    follow_up.do(P1, cmd.CastVote("o1"))
    follow_up.do(P2, cmd.CastVote("o2"))
    follow_up.do(FACILITATOR, cmd.CloseVoting())
    follow_up.do(FACILITATOR, cmd.ChooseItem("o1"))

    follow_up.do(FACILITATOR, cmd.MoveInward("o1"))

    assert follow_up.state.chosen is None
    assert follow_up.state.tally() == {"o2": 1}


def test_a_correction_forgets_the_move_inward(follow_up: Room) -> None:
    follow_up.do(FACILITATOR, cmd.MoveInward("o1"))
    follow_up.do(FACILITATOR, cmd.MoveNote("o1", Circle.OUTER))

    note = follow_up.state.notes["o1"]
    assert (note.circle, note.inward_meeting, note.inward_ms) == (Circle.OUTER, None, None)


def test_new_notes_are_hidden_until_their_reveal(follow_up: Room) -> None:
    follow_up.go(Phase.INNER_WRITING)
    follow_up.note(P2, "i2", "we finish on time")

    board = snapshot_for(follow_up.state, None)
    assert "we finish on time" not in str(board)
    assert {n["id"] for n in board["notes"]} == {"i1", "o1", "o2", "o3"}
    assert follow_up.state.notes["i2"].meeting == 2

    follow_up.go(Phase.INNER_READING)
    assert follow_up.state.notes["i2"].revealed


def test_plans_made_at_a_follow_up_belong_to_it(follow_up: Room) -> None:
    follow_up.go(Phase.STEP_FORWARD)
    follow_up.do(FACILITATOR, cmd.AddPlan("s3", "o3", "one more step", "", ""))

    assert follow_up.state.plans["s3"].meeting == 2


def test_the_facilitator_marks_a_step_done_and_open_again(follow_up: Room) -> None:
    events = follow_up.do(FACILITATOR, cmd.SetPlanStatus("s2", PlanStatus.DONE), now=LATER + 5)

    assert events == [ev.PlanStatusChanged("s2", PlanStatus.DONE, LATER + 5)]
    plan = follow_up.state.plans["s2"]
    assert (plan.status, plan.done_ms) == (PlanStatus.DONE, LATER + 5)
    shown = snapshot_for(follow_up.state, "p3")["plans"]
    assert next(p for p in shown if p["id"] == "s2")["status"] == "done"

    follow_up.do(FACILITATOR, cmd.SetPlanStatus("s2", PlanStatus.OPEN), now=LATER + 9)
    plan = follow_up.state.plans["s2"]
    assert (plan.status, plan.done_ms) == (PlanStatus.OPEN, None)


def test_the_same_status_again_changes_nothing(follow_up: Room) -> None:
    assert follow_up.do(FACILITATOR, cmd.SetPlanStatus("s1", PlanStatus.OPEN)) == []


def test_a_plan_s_duo_may_update_its_status(follow_up: Room) -> None:
    follow_up.do(P2, cmd.SetPlanStatus("s1", PlanStatus.DONE))  # P1's duo partner

    assert follow_up.state.plans["s1"].status is PlanStatus.DONE
    assert follow_up.refused(P3, cmd.SetPlanStatus("s1", PlanStatus.OPEN)) is ErrorCode.FORBIDDEN
    # The team's plan (written by the facilitator) is the facilitator's to update.
    assert follow_up.refused(P1, cmd.SetPlanStatus("s2", PlanStatus.DONE)) is ErrorCode.FORBIDDEN
    assert follow_up.refused(SCREEN, cmd.SetPlanStatus("s2", PlanStatus.DONE)) is (
        ErrorCode.FORBIDDEN
    )


def test_an_unknown_plan_has_no_status(follow_up: Room) -> None:
    refused = follow_up.refused(FACILITATOR, cmd.SetPlanStatus("nope", PlanStatus.DONE))

    assert refused is ErrorCode.UNKNOWN_PLAN


def test_everyone_is_shown_the_follow_up_and_what_moves_inward(room: Room) -> None:
    (opened,) = room.deliver(FACILITATOR, cmd.OpenFollowUp(2), now=LATER)
    assert opened.needs_snapshot  # the room changed shape: a fresh snapshot for every viewer

    (moved,) = room.deliver(FACILITATOR, cmd.MoveInward("o1"), now=LATER + 1)
    for viewer in (None, "p1", "p3"):
        (note,) = [op["note"] for op in moved.for_viewer(viewer) if op["op"] == "note"]
        assert (note["circle"], note["inward"]) == ("inner", {"meeting": 2, "at_ms": LATER + 1})

    (marked,) = room.deliver(FACILITATOR, cmd.SetPlanStatus("s1", PlanStatus.DONE), now=LATER + 2)
    for viewer in (None, "p2"):
        (plan,) = [op["plan"] for op in marked.for_viewer(viewer) if op["op"] == "plan"]
        assert (plan["status"], plan["done_ms"], plan["meeting"]) == ("done", LATER + 2, 1)


def test_a_duo_board_takes_no_follow_up() -> None:
    room = Room(variant=Variant.DUO, people=("p1", "p2"))
    room.do(FACILITATOR, cmd.ChangePhase(Phase.PAIRING, Phase.DUOS))
    room.do(FACILITATOR, cmd.ChangePhase(Phase.DUOS, Phase.CLOSING))
    assert room.refused(FACILITATOR, cmd.OpenFollowUp(2)) is ErrorCode.WRONG_PHASE
