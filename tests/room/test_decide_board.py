"""The facilitator's board tools, plans and duos, the closing round, timers and the scale."""

from __future__ import annotations

import pytest

from app.room import commands as cmd
from app.room import events as ev
from app.room.errors import ErrorCode
from app.room.limits import (
    MAX_AGREEMENTS_LENGTH,
    MAX_PLAN_FIELD_LENGTH,
    MAX_PLANS_PER_ROOM,
    MAX_REFLECTION_LENGTH,
    MAX_TIMER_SECONDS,
    MIN_TIMER_SECONDS,
    SCALE_MAX,
    SCALE_MIN,
)
from app.room.state import (
    Actor,
    Circle,
    Phase,
    PlanMode,
    Reflection,
    ScaleStatus,
    Timer,
    Usefulness,
)
from tests.room.helpers import FACILITATOR, P1, P2, P3, SCREEN, Room

SECOND = 1000


@pytest.fixture
def room() -> Room:
    """Step forward: inner note i1 and outer items o1..o4 on the board."""
    room = Room()
    room.go(Phase.INNER_WRITING)
    room.note(P1, "i1")
    room.outer_items((P1, "o1"), (P2, "o2"), (P3, "o3"), (P1, "o4"))
    return room


# -- hide, merge, move, show ------------------------------------------------------------------


def test_only_revealed_notes_are_hidden_or_moved() -> None:
    room = Room()
    room.go(Phase.INNER_WRITING)
    room.note(P1, "n1")

    assert room.refused(FACILITATOR, cmd.HideNote("n1", hidden=True)) is ErrorCode.UNKNOWN_NOTE
    assert room.refused(FACILITATOR, cmd.MoveNote("n1", Circle.OUTER)) is ErrorCode.UNKNOWN_NOTE
    assert room.refused(FACILITATOR, cmd.HideNote("nope", hidden=True)) is ErrorCode.UNKNOWN_NOTE


def test_hide_and_show_again(room: Room) -> None:
    assert room.do(FACILITATOR, cmd.HideNote("o1", hidden=True)) == [ev.NoteHidden("o1", True)]
    assert room.do(FACILITATOR, cmd.HideNote("o1", hidden=True)) == []
    assert not room.state.notes["o1"].on_board

    room.do(FACILITATOR, cmd.HideNote("o1", hidden=False))

    assert room.state.notes["o1"].on_board


def test_hiding_the_note_being_read_moves_the_marker_off(room: Room) -> None:
    room.do(FACILITATOR, cmd.ShowItem("o2"))

    events = room.do(FACILITATOR, cmd.HideNote("o2", hidden=True))

    assert events == [ev.NoteHidden("o2", True), ev.ReadingMoved(None)]
    assert room.state.reading is None


def test_merge_two_notes_on_the_board(room: Room) -> None:
    room.do(FACILITATOR, cmd.ShowItem("o2"))

    events = room.do(FACILITATOR, cmd.MergeNote("o2", "o1"))

    assert events == [ev.NoteMerged("o2", "o1"), ev.ReadingMoved("o1")]
    assert room.state.notes["o2"].merged_into == "o1"
    assert [n.nid for n in room.state.reading_order(Circle.OUTER)] == ["o1", "o3", "o4"]


def test_merge_refuses_the_same_note_and_notes_off_the_board(room: Room) -> None:
    room.do(FACILITATOR, cmd.HideNote("o3", hidden=True))
    room.do(FACILITATOR, cmd.MergeNote("o2", "o1"))

    for nid, into in [("o1", "o1"), ("o3", "o1"), ("o1", "o3"), ("o4", "o2"), ("o2", "o4")]:
        code = room.refused(FACILITATOR, cmd.MergeNote(nid, into))
        assert code is ErrorCode.UNKNOWN_NOTE, (nid, into)


def test_a_merge_never_leaves_a_chain(room: Room) -> None:
    room.do(FACILITATOR, cmd.MergeNote("o1", "o2"))
    room.do(FACILITATOR, cmd.MergeNote("o4", "o2"))

    events = room.do(FACILITATOR, cmd.MergeNote("o2", "o3"))

    assert events == [
        ev.NoteMerged("o2", "o3"),
        ev.NoteMerged("o1", "o3"),
        ev.NoteMerged("o4", "o3"),
    ]
    merged = {n.nid: n.merged_into for n in room.state.notes.values() if n.merged_into}
    assert merged == {"o1": "o3", "o2": "o3", "o4": "o3"}


def test_a_deleted_note_is_not_dragged_along_a_merge(room: Room) -> None:
    room.do(FACILITATOR, cmd.MergeNote("o1", "o2"))
    room.do(P1, cmd.DeleteNote("o1"))

    events = room.do(FACILITATOR, cmd.MergeNote("o2", "o3"))

    assert events == [ev.NoteMerged("o2", "o3")]


def test_a_note_merged_into_a_deleted_note_can_be_put_back(room: Room) -> None:
    room.do(FACILITATOR, cmd.MergeNote("o2", "o1"))
    room.do(P1, cmd.DeleteNote("o1"))
    assert [n.nid for n in room.state.reading_order(Circle.OUTER)] == ["o3", "o4"]

    room.do(FACILITATOR, cmd.UnmergeNote("o2"))

    assert [n.nid for n in room.state.reading_order(Circle.OUTER)] == ["o2", "o3", "o4"]
    assert room.refused(FACILITATOR, cmd.UnmergeNote("o1")) is ErrorCode.UNKNOWN_NOTE


def test_move_a_note_to_the_other_circle(room: Room) -> None:
    assert room.do(FACILITATOR, cmd.MoveNote("o4", Circle.INNER)) == [
        ev.NoteMoved("o4", Circle.INNER)
    ]
    assert room.do(FACILITATOR, cmd.MoveNote("o4", Circle.INNER)) == []

    assert [n.nid for n in room.state.reading_order(Circle.INNER)] == ["i1", "o4"]
    assert room.refused(FACILITATOR, cmd.ChooseItem("o4")) is ErrorCode.UNKNOWN_NOTE


def test_a_deleted_note_is_out_of_reach(room: Room) -> None:
    room.do(P1, cmd.DeleteNote("o1"))

    commands: list[cmd.Command] = [
        cmd.HideNote("o1", hidden=True),
        cmd.MergeNote("o1", "o2"),
        cmd.MergeNote("o2", "o1"),
        cmd.MoveNote("o1", Circle.INNER),
        cmd.ShowItem("o1"),
    ]
    for command in commands:
        assert room.refused(FACILITATOR, command) is ErrorCode.UNKNOWN_NOTE


def test_show_item_points_at_a_note_or_a_plan_on_the_board(room: Room) -> None:
    room.do(FACILITATOR, cmd.AddPlan("plan-1", "o1", "ask for feedback", "Ann", "Friday"))
    room.do(FACILITATOR, cmd.HideNote("o2", hidden=True))

    assert room.do(FACILITATOR, cmd.ShowItem("o1")) == [ev.ReadingMoved("o1")]
    assert room.do(FACILITATOR, cmd.ShowItem("o1")) == []
    assert room.do(FACILITATOR, cmd.ShowItem("plan-1")) == [ev.ReadingMoved("plan-1")]
    for target in ("o2", "nope"):
        assert room.refused(FACILITATOR, cmd.ShowItem(target)) is ErrorCode.UNKNOWN_NOTE
    assert room.do(FACILITATOR, cmd.ShowItem(None)) == [ev.ReadingMoved(None)]


def test_an_unrevealed_note_cannot_be_shown() -> None:
    room = Room()
    room.go(Phase.INNER_WRITING)
    room.note(P1, "n1")

    assert room.refused(FACILITATOR, cmd.ShowItem("n1")) is ErrorCode.UNKNOWN_NOTE


# -- plans and duos ---------------------------------------------------------------------------


def plan(plan_id: str = "plan-1", nid: str = "o1", what: str = "ask") -> cmd.AddPlan:
    return cmd.AddPlan(plan_id, nid, what, "Ann", "Friday")


def edit(plan_id: str = "plan-1", what: str = "ask twice") -> cmd.EditPlan:
    return cmd.EditPlan(plan_id, what, "", "")


@pytest.mark.parametrize(
    "phase",
    [
        Phase.TOPIC,
        Phase.INNER_WRITING,
        Phase.INNER_READING,
        Phase.OUTER_WRITING,
        Phase.OUTER_READING,
    ],
)
def test_plans_are_written_in_the_last_steps(room: Room, phase: Phase) -> None:
    room.go(phase)

    assert room.refused(FACILITATOR, plan()) is ErrorCode.WRONG_PHASE


def test_in_team_mode_the_facilitator_writes_the_plan(room: Room) -> None:
    assert room.refused(P1, plan()) is ErrorCode.FORBIDDEN

    events = room.do(FACILITATOR, cmd.AddPlan("plan-1", "o1", " ask ", " Ann ", " Friday "))

    assert events == [ev.PlanAdded("plan-1", "o1", "ask", "Ann", "Friday", None)]
    assert room.refused(P1, edit()) is ErrorCode.FORBIDDEN
    assert room.refused(P1, cmd.RemovePlan("plan-1")) is ErrorCode.FORBIDDEN
    room.go(Phase.CLOSING)
    room.do(FACILITATOR, plan("plan-2"))


def test_in_groups_mode_participants_write_plans(room: Room) -> None:
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    assert room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS)) == []

    room.do(P1, plan())
    room.do(FACILITATOR, plan("plan-2"))

    assert room.state.plans["plan-1"].author == "p1"
    assert room.state.plans["plan-2"].author is None
    assert room.refused(P1, edit("plan-2")) is ErrorCode.FORBIDDEN
    assert room.refused(SCREEN, plan("plan-3")) is ErrorCode.FORBIDDEN


@pytest.mark.parametrize(
    ("actor", "allowed"), [(P1, True), (P2, True), (P3, False), (FACILITATOR, True)]
)
def test_the_author_their_duo_partner_and_the_facilitator_change_a_plan(
    room: Room, actor: Actor, allowed: bool
) -> None:
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    room.do(P1, cmd.StartPair("duo1"))
    room.do(P2, cmd.JoinPair("DUO1"))
    room.do(P1, plan())

    if allowed:
        room.do(actor, edit())
        assert room.state.plans["plan-1"].what == "ask twice"
        room.do(actor, cmd.RemovePlan("plan-1"))
        assert room.state.plans == {}
    else:
        assert room.refused(actor, edit()) is ErrorCode.FORBIDDEN
        assert room.refused(actor, cmd.RemovePlan("plan-1")) is ErrorCode.FORBIDDEN


def test_a_partner_who_left_the_duo_no_longer_changes_the_plan(room: Room) -> None:
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    room.do(FACILITATOR, cmd.PairUp("p1", "p2", "duo1"))
    room.do(P1, plan())

    room.do(P2, cmd.LeavePair())

    assert room.refused(P2, edit()) is ErrorCode.FORBIDDEN
    room.do(P1, edit())


def test_a_plan_is_for_an_outer_item_on_the_board(room: Room) -> None:
    room.do(FACILITATOR, cmd.HideNote("o2", hidden=True))

    for nid in ("i1", "o2", "nope"):
        assert room.refused(FACILITATOR, plan(nid=nid)) is ErrorCode.UNKNOWN_NOTE


def test_plan_ids_are_unique_and_apart_from_note_ids(room: Room) -> None:
    room.do(FACILITATOR, plan())

    assert room.refused(FACILITATOR, plan()) is ErrorCode.PLAN_EXISTS
    assert room.refused(FACILITATOR, plan("o3")) is ErrorCode.PLAN_EXISTS
    assert room.refused(FACILITATOR, edit("nope")) is ErrorCode.UNKNOWN_PLAN
    assert room.refused(FACILITATOR, cmd.RemovePlan("nope")) is ErrorCode.UNKNOWN_PLAN


def test_a_note_never_takes_a_plans_id(room: Room) -> None:
    room.do(FACILITATOR, plan("shared-id"))
    room.go(Phase.OUTER_WRITING)

    code = room.refused(P1, cmd.AddNote("shared-id", Circle.OUTER, "x"))

    assert code is ErrorCode.NOTE_EXISTS


def test_plan_fields(room: Room) -> None:
    longest = "w" * MAX_PLAN_FIELD_LENGTH
    room.do(FACILITATOR, cmd.AddPlan("plan-1", "o1", longest, "", ""))

    assert room.refused(FACILITATOR, plan("plan-2", what="  ")) is ErrorCode.BAD_VALUE
    too_long = longest + "w"
    for fields in [(too_long, "", ""), ("what", too_long, ""), ("what", "", too_long)]:
        code = room.refused(FACILITATOR, cmd.AddPlan("plan-2", "o1", *fields))
        assert code is ErrorCode.TEXT_TOO_LONG
        assert room.refused(FACILITATOR, cmd.EditPlan("plan-1", *fields)) is ErrorCode.TEXT_TOO_LONG


def test_one_plan_more_than_the_maximum_is_refused(room: Room) -> None:
    for i in range(MAX_PLANS_PER_ROOM):
        room.do(FACILITATOR, plan(f"plan-{i}"))

    assert room.refused(FACILITATOR, plan("plan-x")) is ErrorCode.TOO_MANY_PLANS


def test_removing_the_plan_being_read_moves_the_marker_off(room: Room) -> None:
    room.do(FACILITATOR, plan())
    room.do(FACILITATOR, cmd.ShowItem("plan-1"))

    room.do(FACILITATOR, cmd.RemovePlan("plan-1"))

    assert room.state.reading is None


def test_start_and_join_a_duo(room: Room) -> None:
    assert room.do(P1, cmd.StartPair(" duo1 ")) == [ev.PairChanged("p1", "DUO1")]

    assert room.refused(P3, cmd.StartPair("DUO1")) is ErrorCode.BAD_VALUE
    assert room.refused(P1, cmd.JoinPair("DUO1")) is ErrorCode.UNKNOWN_PAIR
    assert room.refused(P2, cmd.JoinPair("OTHER")) is ErrorCode.UNKNOWN_PAIR
    room.do(P2, cmd.JoinPair("duo1"))
    assert room.state.pair_members("DUO1") == ["p1", "p2"]


def test_a_third_person_is_told_the_duo_is_complete(room: Room) -> None:
    room.do(P1, cmd.StartPair("DUO1"))
    room.do(P2, cmd.JoinPair("DUO1"))

    assert room.refused(P3, cmd.JoinPair("duo1")) is ErrorCode.PAIR_FULL
    assert room.state.pair_members("DUO1") == ["p1", "p2"]
    assert room.state.participants["p3"].pair is None


@pytest.mark.parametrize("code", ["ab", "x" * 13, "duo 1", "duo-1", ""])
def test_a_pair_code_is_three_to_twelve_letters_or_digits(room: Room, code: str) -> None:
    assert room.refused(P1, cmd.StartPair(code)) is ErrorCode.BAD_VALUE
    assert room.refused(P1, cmd.JoinPair(code)) is ErrorCode.BAD_VALUE
    assert room.refused(FACILITATOR, cmd.PairUp("p1", "p2", code)) is ErrorCode.BAD_VALUE


def test_leave_a_duo(room: Room) -> None:
    assert room.do(P1, cmd.LeavePair()) == []
    room.do(P1, cmd.StartPair("DUO1"))

    assert room.do(P1, cmd.LeavePair()) == [ev.PairChanged("p1", None, left="DUO1")]
    assert room.state.participants["p1"].pair is None


def test_moving_to_another_duo_names_the_one_left(room: Room) -> None:
    room.do(P1, cmd.StartPair("DUO1"))
    room.do(P2, cmd.JoinPair("DUO1"))

    assert room.do(P2, cmd.StartPair("DUO2")) == [ev.PairChanged("p2", "DUO2", left="DUO1")]
    assert room.do(FACILITATOR, cmd.PairUp("p1", "p2", "DUO2")) == [
        ev.PairChanged("p1", "DUO2", left="DUO1"),
        ev.PairChanged("p2", "DUO2"),
    ]


def test_a_duo_keeps_its_number_while_others_come_and_go(room: Room) -> None:
    room.do(P3, cmd.StartPair("THREE"))
    room.do(P1, cmd.StartPair("ONE"))
    room.do(P2, cmd.JoinPair("ONE"))
    assert room.state.pair_numbers == {"THREE": 1, "ONE": 2}

    room.do(P3, cmd.LeavePair())  # the first duo goes: the second stays number 2
    assert room.state.pair_numbers == {"ONE": 2}
    room.do(P1, cmd.LeavePair())  # a duo with a member left keeps its number
    assert room.state.pair_numbers == {"ONE": 2}
    room.do(P3, cmd.StartPair("NEW"))  # the smallest free number
    assert room.state.pair_numbers == {"ONE": 2, "NEW": 1}
    room.do(P2, cmd.JoinPair("NEW"))
    assert room.state.pair_numbers == {"NEW": 1}


def test_the_facilitator_pairs_people_up(room: Room) -> None:
    room.do(P3, cmd.StartPair("TAKEN"))

    events = room.do(FACILITATOR, cmd.PairUp("p1", "p2", "duo1"))

    assert events == [ev.PairChanged("p1", "DUO1"), ev.PairChanged("p2", "DUO1")]
    assert room.refused(FACILITATOR, cmd.PairUp("p1", "p1", "DUO2")) is ErrorCode.BAD_VALUE
    assert room.refused(FACILITATOR, cmd.PairUp("p1", "p9", "DUO2")) is ErrorCode.BAD_VALUE
    assert room.refused(FACILITATOR, cmd.PairUp("p1", "p2", "TAKEN")) is ErrorCode.BAD_VALUE
    assert room.refused(P1, cmd.PairUp("p1", "p3", "DUO3")) is ErrorCode.FORBIDDEN
    room.do(FACILITATOR, cmd.PairUp("p2", "p1", "DUO1"))


def test_only_participants_form_duos_themselves(room: Room) -> None:
    commands: list[cmd.Command] = [cmd.StartPair("DUO1"), cmd.JoinPair("DUO1"), cmd.LeavePair()]
    for command in commands:
        assert room.refused(FACILITATOR, command) is ErrorCode.FORBIDDEN


# -- closing: reflections and agreements ------------------------------------------------------


def test_reflections_belong_to_the_closing(room: Room) -> None:
    reflection = cmd.SubmitReflection(Usefulness.YES, "the scale", "more time")
    assert room.refused(P1, reflection) is ErrorCode.WRONG_PHASE
    room.go(Phase.CLOSING)

    room.do(P1, reflection)
    room.do(P1, cmd.SubmitReflection(Usefulness.PARTLY, " ", ""))

    assert room.state.reflections == {"p1": Reflection(Usefulness.PARTLY, "", "")}
    assert room.refused(FACILITATOR, reflection) is ErrorCode.FORBIDDEN
    longest = "r" * MAX_REFLECTION_LENGTH
    room.do(P2, cmd.SubmitReflection(Usefulness.NO, longest, longest))
    for what, improve in [(longest + "r", ""), ("", longest + "r")]:
        code = room.refused(P2, cmd.SubmitReflection(Usefulness.NO, what, improve))
        assert code is ErrorCode.TEXT_TOO_LONG


def test_agreements(room: Room) -> None:
    room.do(FACILITATOR, cmd.SetAgreements("  We meet again in May  "))
    assert room.state.agreements == "We meet again in May"

    room.do(FACILITATOR, cmd.SetAgreements(""))
    room.do(FACILITATOR, cmd.SetAgreements("a" * MAX_AGREEMENTS_LENGTH))
    too_long = "a" * (MAX_AGREEMENTS_LENGTH + 1)
    assert room.refused(FACILITATOR, cmd.SetAgreements(too_long)) is ErrorCode.TEXT_TOO_LONG
    assert room.refused(P1, cmd.SetAgreements("mine")) is ErrorCode.FORBIDDEN


# -- timers -----------------------------------------------------------------------------------


def test_a_timer_runs_towards_a_deadline_on_the_given_clock(room: Room) -> None:
    room.do(FACILITATOR, cmd.StartTimer(60, lock_writing=False), now=5 * SECOND)

    assert room.state.timer == Timer(60 * SECOND, 65 * SECOND, 60 * SECOND, False)
    assert room.state.timer.remaining_at(35 * SECOND) == 30 * SECOND
    assert room.state.timer.expired_at(65 * SECOND)


def test_pause_and_resume(room: Room) -> None:
    room.do(FACILITATOR, cmd.StartTimer(60, lock_writing=False), now=0)

    assert room.do(FACILITATOR, cmd.PauseTimer(), now=20 * SECOND) == [ev.TimerPaused(40 * SECOND)]
    assert room.refused(FACILITATOR, cmd.PauseTimer()) is ErrorCode.NO_TIMER
    timer = room.state.timer
    assert timer is not None
    assert timer.remaining_at(10_000 * SECOND) == 40 * SECOND

    assert room.do(FACILITATOR, cmd.ResumeTimer(), now=100 * SECOND) == [
        ev.TimerResumed(140 * SECOND)
    ]
    assert room.refused(FACILITATOR, cmd.ResumeTimer()) is ErrorCode.NO_TIMER


def test_extend_a_running_a_late_and_a_paused_timer(room: Room) -> None:
    room.do(FACILITATOR, cmd.StartTimer(60, lock_writing=False), now=0)

    room.do(FACILITATOR, cmd.ExtendTimer(30), now=10 * SECOND)
    assert room.state.timer == Timer(90 * SECOND, 90 * SECOND, 80 * SECOND, False)

    room.do(FACILITATOR, cmd.ExtendTimer(10), now=200 * SECOND)
    assert room.state.timer == Timer(100 * SECOND, 210 * SECOND, 10 * SECOND, False)

    room.do(FACILITATOR, cmd.PauseTimer(), now=205 * SECOND)
    room.do(FACILITATOR, cmd.ExtendTimer(20), now=999 * SECOND)
    assert room.state.timer == Timer(120 * SECOND, None, 25 * SECOND, False)


def test_without_a_timer_there_is_nothing_to_control(room: Room) -> None:
    commands: list[cmd.Command] = [
        cmd.PauseTimer(),
        cmd.ResumeTimer(),
        cmd.ExtendTimer(60),
        cmd.ClearTimer(),
    ]
    for command in commands:
        assert room.refused(FACILITATOR, command) is ErrorCode.NO_TIMER


def test_clear_a_timer(room: Room) -> None:
    room.do(FACILITATOR, cmd.StartTimer(60, lock_writing=True))

    assert room.do(FACILITATOR, cmd.ClearTimer()) == [ev.TimerCleared()]
    assert room.state.timer is None


def test_timer_seconds_are_bounded(room: Room) -> None:
    for seconds in (MIN_TIMER_SECONDS - 1, MAX_TIMER_SECONDS + 1, 0, -60):
        code = room.refused(FACILITATOR, cmd.StartTimer(seconds, lock_writing=False))
        assert code is ErrorCode.BAD_VALUE
    room.do(FACILITATOR, cmd.StartTimer(MIN_TIMER_SECONDS, lock_writing=False))
    room.do(FACILITATOR, cmd.StartTimer(MAX_TIMER_SECONDS, lock_writing=False))

    assert room.refused(FACILITATOR, cmd.ExtendTimer(MIN_TIMER_SECONDS)) is ErrorCode.BAD_VALUE
    assert room.refused(FACILITATOR, cmd.ExtendTimer(MIN_TIMER_SECONDS - 1)) is ErrorCode.BAD_VALUE


def test_a_timer_is_extended_up_to_the_maximum_in_all(room: Room) -> None:
    room.do(FACILITATOR, cmd.StartTimer(MAX_TIMER_SECONDS - 60, lock_writing=False))

    room.do(FACILITATOR, cmd.ExtendTimer(60))

    assert room.refused(FACILITATOR, cmd.ExtendTimer(MIN_TIMER_SECONDS)) is ErrorCode.BAD_VALUE


@pytest.fixture
def writing() -> Room:
    room = Room()
    room.go(Phase.INNER_WRITING)
    return room


def add(nid: str) -> cmd.AddNote:
    return cmd.AddNote(nid, Circle.INNER, f"text {nid}")


def test_a_locking_timer_closes_writing_at_its_deadline_and_not_before(writing: Room) -> None:
    writing.do(FACILITATOR, cmd.StartTimer(60, lock_writing=True), now=1_000)

    writing.do(P1, add("n1"), now=60_999)

    assert writing.refused(P1, add("n2"), now=61_000) is ErrorCode.WRITING_CLOSED
    assert writing.refused(P2, add("n3"), now=500_000) is ErrorCode.WRITING_CLOSED


def test_a_timer_without_lock_leaves_writing_open(writing: Room) -> None:
    writing.do(FACILITATOR, cmd.StartTimer(60, lock_writing=False), now=0)

    writing.do(P1, add("n1"), now=120 * SECOND)


def test_a_paused_locking_timer_keeps_writing_open(writing: Room) -> None:
    writing.do(FACILITATOR, cmd.StartTimer(60, lock_writing=True), now=0)
    writing.do(FACILITATOR, cmd.PauseTimer(), now=30 * SECOND)

    writing.do(P1, add("n1"), now=500 * SECOND)


def test_extending_or_clearing_an_expired_locking_timer_opens_writing_again(writing: Room) -> None:
    writing.do(FACILITATOR, cmd.StartTimer(60, lock_writing=True), now=0)
    assert writing.refused(P1, add("n1"), now=70 * SECOND) is ErrorCode.WRITING_CLOSED

    writing.do(FACILITATOR, cmd.ExtendTimer(30), now=70 * SECOND)
    writing.do(P1, add("n1"), now=99 * SECOND)
    assert writing.refused(P1, add("n2"), now=100 * SECOND) is ErrorCode.WRITING_CLOSED

    writing.do(FACILITATOR, cmd.ClearTimer(), now=100 * SECOND)
    writing.do(P1, add("n2"), now=100 * SECOND)


# -- the scale question -----------------------------------------------------------------------


def test_scale_open_answer_close(room: Room) -> None:
    assert room.refused(P1, cmd.AnswerScale(5)) is ErrorCode.WRONG_PHASE
    assert room.refused(FACILITATOR, cmd.CloseScale()) is ErrorCode.WRONG_PHASE
    room.do(FACILITATOR, cmd.OpenScale())
    assert room.refused(FACILITATOR, cmd.OpenScale()) is ErrorCode.WRONG_PHASE

    room.do(P1, cmd.AnswerScale(SCALE_MIN))
    room.do(P2, cmd.AnswerScale(SCALE_MAX))
    room.do(P2, cmd.AnswerScale(7))
    for value in (SCALE_MIN - 1, SCALE_MAX + 1):
        assert room.refused(P3, cmd.AnswerScale(value)) is ErrorCode.BAD_VALUE
    assert room.refused(FACILITATOR, cmd.AnswerScale(5)) is ErrorCode.FORBIDDEN

    room.do(FACILITATOR, cmd.CloseScale())

    assert (room.state.scale, room.state.scale_answers) == (ScaleStatus.CLOSED, {"p1": 0, "p2": 7})
    assert room.refused(P3, cmd.AnswerScale(5)) is ErrorCode.WRONG_PHASE


def test_reopening_the_scale_starts_afresh(room: Room) -> None:
    room.do(FACILITATOR, cmd.OpenScale())
    room.do(P1, cmd.AnswerScale(3))
    room.do(FACILITATOR, cmd.CloseScale())

    room.do(FACILITATOR, cmd.OpenScale())

    assert room.state.scale_answers == {}
