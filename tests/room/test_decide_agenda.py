"""The agenda around the circles: its parts, their countdowns, and round II beside round I."""

from __future__ import annotations

import pytest

from app.room import agenda
from app.room import commands as cmd
from app.room import events as ev
from app.room.errors import ErrorCode
from app.room.limits import MAX_PART_MINUTES, MIN_PART_MINUTES
from app.room.state import (
    Actor,
    Circle,
    Part,
    Phase,
    PlanStatus,
    RoomState,
    Usefulness,
    VotingStatus,
)
from app.room.views import SNAPSHOT, render, snapshot_for
from tests.room.helpers import FACILITATOR, P1, P2, SCREEN, Room

MINUTE = 60_000
NOW = 5_000_000

W, R1, PA, R2, CL = Part.WARM_UP, Part.ROUND_1, Part.PAUSE, Part.ROUND_2, Part.CLOSING


def walk(room: Room, *parts: Part, now: int = NOW) -> None:
    for part in parts:
        room.do(FACILITATOR, cmd.MovePart(room.state.agenda.part, part), now)


def round_one(room: Room) -> None:
    """Warm-up, then round I with inner and outer notes, a vote, a chosen item and a plan."""
    walk(room, W, R1)
    room.go(Phase.INNER_WRITING)
    room.note(P1, "i1", "round one inner")
    room.note(P2, "i-secret", "never revealed")
    room.go(Phase.OUTER_WRITING)
    room.note(P1, "o1", "round one outer")
    room.go(Phase.STEP_FORWARD)
    room.do(FACILITATOR, cmd.OpenVoting(2))
    room.do(P1, cmd.CastVote("o1"))
    room.do(FACILITATOR, cmd.CloseVoting())
    room.do(FACILITATOR, cmd.ChooseItem("o1"))
    room.do(FACILITATOR, cmd.AddPlan("plan-1", "o1", "ask for feedback", "Ann", "Friday"))


# -- moving through the parts ----------------------------------------------------------------


def test_a_new_room_waits_before_its_first_part() -> None:
    state = Room().state

    assert state.agenda.part is None
    assert state.agenda.clock is None
    assert state.agenda.round_two
    assert agenda.parts(state.agenda) == agenda.ORDER


def test_starting_the_meeting_enters_the_warm_up_with_its_countdown() -> None:
    room = Room()

    events = room.do(FACILITATOR, cmd.MovePart(None, W), NOW)

    assert events == [ev.PartEntered(None, W, 10 * MINUTE, NOW + 10 * MINUTE)]
    clock = room.state.agenda.clock
    assert clock is not None
    assert clock.remaining_at(NOW + MINUTE) == 9 * MINUTE


def test_the_parts_in_order_each_with_its_planned_minutes() -> None:
    room = Room()
    entered = []
    for part in agenda.ORDER:
        events = room.do(FACILITATOR, cmd.MovePart(room.state.agenda.part, part), NOW)
        entered.append(next(e for e in events if isinstance(e, ev.PartEntered)))

    assert [e.to for e in entered] == list(agenda.ORDER)
    assert [e.duration_ms // MINUTE for e in entered] == [10, 30, 5, 30, 10]


@pytest.mark.parametrize(("start", "to"), [(None, R1), (W, PA), (R1, R2), (PA, W), (W, W)])
def test_a_jump_is_refused(start: Part | None, to: Part) -> None:
    room = Room()
    if start is not None:
        walk(room, *agenda.ORDER[: agenda.ORDER.index(start) + 1])

    assert room.refused(FACILITATOR, cmd.MovePart(start, to)) is ErrorCode.WRONG_PHASE


def test_moving_parts_is_compare_and_set() -> None:
    room = Room()
    walk(room, W)

    assert room.refused(FACILITATOR, cmd.MovePart(None, W)) is ErrorCode.PHASE_CONFLICT


@pytest.mark.parametrize("actor", [P1, SCREEN])
def test_only_the_facilitator_runs_the_agenda(actor: Actor) -> None:
    room = Room()
    for command in (
        cmd.MovePart(None, W),
        cmd.SetRoundTwo(included=False),
        cmd.SetPartMinutes(PA, 7),
    ):
        assert room.refused(actor, command) is ErrorCode.FORBIDDEN


def test_stepping_back_restarts_that_parts_countdown() -> None:
    room = Room()
    walk(room, W, R1, now=NOW)

    room.do(FACILITATOR, cmd.MovePart(R1, W), NOW + 20 * MINUTE)

    assert room.state.agenda.part is W
    clock = room.state.agenda.clock
    assert clock is not None and clock.deadline_ms == NOW + 30 * MINUTE


def test_entering_a_part_ends_what_a_phase_change_ends() -> None:
    room = Room()
    walk(room, W, R1)
    room.outer_items((P1, "o1"))
    room.do(FACILITATOR, cmd.OpenVoting(2))
    room.do(FACILITATOR, cmd.StartTimer(120, lock_writing=False), NOW)
    room.do(FACILITATOR, cmd.ShowItem("o1"))

    events = room.do(FACILITATOR, cmd.MovePart(R1, PA), NOW)

    assert events[:3] == [ev.VotingClosed(), ev.TimerCleared(), ev.ReadingMoved(None)]
    assert room.state.voting is VotingStatus.CLOSED
    assert room.state.timer is None
    assert room.state.phase is Phase.STEP_FORWARD  # the circles wait where they were


def test_the_pause_countdown_is_five_minutes_and_visible_to_everyone() -> None:
    room = Room()
    walk(room, W, R1)

    deliveries = room.deliver(FACILITATOR, cmd.MovePart(R1, PA), NOW)

    assert deliveries[-1] == SNAPSHOT
    for viewer in (None, "p1"):
        view = snapshot_for(room.state, viewer)["agenda"]
        assert view["part"] == "pause"
        assert view["clock"]["deadline_ms"] == NOW + 5 * MINUTE
        assert view["clock"]["running"] is True


def test_the_closing_moves_the_circles_to_their_closing_phase() -> None:
    room = Room()
    round_one(room)
    room.do(FACILITATOR, cmd.SetRoundTwo(included=False))
    walk(room, PA)

    events = room.do(FACILITATOR, cmd.MovePart(PA, CL), NOW)

    assert ev.PhaseChanged(Phase.STEP_FORWARD, Phase.CLOSING) in events
    assert room.state.phase is Phase.CLOSING
    room.do(P1, cmd.SubmitReflection(Usefulness.YES, "the circles", ""))
    room.do(FACILITATOR, cmd.SetAgreements("Again in May"))
    assert room.state.reflections["p1"].useful is Usefulness.YES


def test_the_closing_leaves_a_closing_phase_alone() -> None:
    room = Room()
    walk(room, W, R1)
    room.go(Phase.CLOSING)
    room.do(FACILITATOR, cmd.SetRoundTwo(included=False))
    walk(room, PA)

    events = room.do(FACILITATOR, cmd.MovePart(PA, CL), NOW)

    assert not any(isinstance(e, ev.PhaseChanged) for e in events)
    assert room.state.phase is Phase.CLOSING


# -- round II: included or skipped -----------------------------------------------------------


def test_a_skipped_round_two_goes_from_the_pause_to_the_closing() -> None:
    room = Room()
    walk(room, W, R1, PA)

    room.do(FACILITATOR, cmd.SetRoundTwo(included=False))

    assert room.refused(FACILITATOR, cmd.MovePart(PA, R2)) is ErrorCode.WRONG_PHASE
    walk(room, CL)
    assert room.state.round == 1
    assert room.do(FACILITATOR, cmd.MovePart(CL, PA), NOW)[-1] == ev.PartEntered(
        CL, PA, 5 * MINUTE, NOW + 5 * MINUTE
    )


def test_including_round_two_again_is_one_event_and_repeating_it_none() -> None:
    room = Room()

    assert room.do(FACILITATOR, cmd.SetRoundTwo(included=False)) == [ev.RoundTwoChanged(False)]
    assert room.do(FACILITATOR, cmd.SetRoundTwo(included=False)) == []
    assert room.do(FACILITATOR, cmd.SetRoundTwo(included=True)) == [ev.RoundTwoChanged(True)]


def test_round_two_cannot_be_skipped_once_it_started() -> None:
    room = Room()
    round_one(room)
    walk(room, PA, R2)

    assert room.refused(FACILITATOR, cmd.SetRoundTwo(included=False)) is ErrorCode.WRONG_PHASE
    walk(room, CL)
    assert room.refused(FACILITATOR, cmd.SetRoundTwo(included=False)) is ErrorCode.WRONG_PHASE


def test_the_agenda_change_reaches_everyone_as_a_board_operation() -> None:
    room = Room()

    (delivery,) = room.deliver(FACILITATOR, cmd.SetRoundTwo(included=False))

    (op,) = delivery.everyone
    assert op["op"] == "board"
    assert [p["included"] for p in op["agenda"]["parts"]] == [True, True, True, False, True]


# -- planned minutes -------------------------------------------------------------------------


def test_planned_minutes_of_another_part_change_the_plan_only() -> None:
    room = Room()
    walk(room, W)

    events = room.do(FACILITATOR, cmd.SetPartMinutes(PA, 10), NOW)

    assert events == [ev.PartMinutesChanged(PA, 10, None)]
    assert agenda.planned_minutes(room.state.agenda, PA) == 10
    clock = room.state.agenda.clock
    assert clock is not None and clock.deadline_ms == NOW + 10 * MINUTE  # the warm-up's own


def test_planned_minutes_of_the_current_part_move_its_deadline() -> None:
    room = Room()
    walk(room, W, R1, PA, now=NOW)

    room.do(FACILITATOR, cmd.SetPartMinutes(PA, 8), NOW + MINUTE)

    clock = room.state.agenda.clock
    assert clock is not None
    assert (clock.duration_ms, clock.deadline_ms) == (8 * MINUTE, NOW + 8 * MINUTE)
    room.do(FACILITATOR, cmd.SetPartMinutes(PA, 1), NOW + 2 * MINUTE)
    clock = room.state.agenda.clock
    assert clock is not None and clock.expired_at(NOW + 2 * MINUTE)


def test_the_same_minutes_again_change_nothing() -> None:
    room = Room()

    assert room.do(FACILITATOR, cmd.SetPartMinutes(PA, 5)) == []


@pytest.mark.parametrize("minutes", [MIN_PART_MINUTES - 1, MAX_PART_MINUTES + 1, -5])
def test_planned_minutes_out_of_range_are_refused(minutes: int) -> None:
    room = Room()

    assert room.refused(FACILITATOR, cmd.SetPartMinutes(PA, minutes)) is ErrorCode.BAD_VALUE


@pytest.mark.parametrize("minutes", [MIN_PART_MINUTES, MAX_PART_MINUTES])
def test_planned_minutes_at_the_limits_are_accepted(minutes: int) -> None:
    room = Room()

    room.do(FACILITATOR, cmd.SetPartMinutes(R1, minutes))

    assert agenda.planned_minutes(room.state.agenda, R1) == minutes


# -- round II beside round I -----------------------------------------------------------------


def round_two(room: Room) -> None:
    round_one(room)
    walk(room, PA, R2)


def test_round_two_starts_the_circles_again_from_the_topic() -> None:
    room = Room()
    round_one(room)
    walk(room, PA)

    events = room.do(FACILITATOR, cmd.MovePart(PA, R2), NOW)

    assert ev.RoundStarted(2) in events
    state = room.state
    assert (state.round, state.phase, state.topic) == (2, Phase.TOPIC, "")
    assert (state.voting, state.votes, state.chosen) == (VotingStatus.NOT_STARTED, {}, None)
    (record,) = state.past_rounds
    assert (record.round, record.topic, record.chosen) == (1, "Samenwerking", "o1")
    assert record.tally == {"o1": 1}


def test_round_two_needs_its_own_topic_before_the_circles_move() -> None:
    room = Room()
    round_two(room)

    refusal = room.refused(FACILITATOR, cmd.ChangePhase(Phase.TOPIC, Phase.INNER_WRITING))

    assert refusal is ErrorCode.BAD_VALUE
    room.do(FACILITATOR, cmd.SetTopic("De overdracht"))
    room.go(Phase.INNER_WRITING)


def test_round_one_is_off_the_circles_but_stays_in_the_state() -> None:
    room = Room()
    round_two(room)
    room.do(FACILITATOR, cmd.SetTopic("De overdracht"))
    room.go(Phase.INNER_WRITING)
    room.note(P1, "i2", "round two inner")
    room.go(Phase.INNER_READING)

    state = room.state
    for viewer in (None, "p1", "p2"):
        board = snapshot_for(state, viewer)
        assert [n["id"] for n in board["notes"]] == ["i2"], viewer
        assert board["plans"] == []
        assert board["counts"] == {"inner": 1, "outer": 0}
        assert board["chosen"] is None
        assert board["round"] == 2
    assert [n.nid for n in state.reading_order(Circle.INNER)] == ["i2"]
    assert state.reading_order(Circle.OUTER) == []
    assert snapshot_for(state, "p1")["me"]["notes"] == ["i2"]
    assert {"i1", "i-secret", "o1"} <= set(state.notes)
    assert state.notes["i1"].round == 1 and state.notes["i2"].round == 2
    assert state.plans["plan-1"].round == 1


def test_an_unrevealed_note_of_round_one_stays_hidden_in_round_two() -> None:
    room = Room()
    walk(room, W, R1)
    room.go(Phase.INNER_WRITING)
    room.note(P2, "i-secret", "never revealed")
    room.go(Phase.TOPIC)
    walk(room, PA, R2)
    room.do(FACILITATOR, cmd.SetTopic("De overdracht"))
    room.go(Phase.INNER_WRITING)

    events = room.do(FACILITATOR, cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING))

    assert not any(isinstance(e, ev.NotesRevealed) for e in events)
    assert not room.state.notes["i-secret"].revealed
    assert snapshot_for(room.state, "p2")["notes"] == []


@pytest.mark.parametrize(
    ("actor", "command", "code"),
    [
        (P1, cmd.EditNote("i1", "changed later"), ErrorCode.UNKNOWN_NOTE),
        (P1, cmd.DeleteNote("i1"), ErrorCode.UNKNOWN_NOTE),
        (FACILITATOR, cmd.HideNote("i1", hidden=True), ErrorCode.UNKNOWN_NOTE),
        (FACILITATOR, cmd.MoveNote("o1", Circle.INNER), ErrorCode.UNKNOWN_NOTE),
        (FACILITATOR, cmd.ShowItem("o1"), ErrorCode.UNKNOWN_NOTE),
        (FACILITATOR, cmd.ShowItem("plan-1"), ErrorCode.UNKNOWN_NOTE),
        (FACILITATOR, cmd.EditPlan("plan-1", "x", "", ""), ErrorCode.UNKNOWN_PLAN),
        (FACILITATOR, cmd.RemovePlan("plan-1"), ErrorCode.UNKNOWN_PLAN),
        (FACILITATOR, cmd.SetPlanStatus("plan-1", PlanStatus.DONE), ErrorCode.UNKNOWN_PLAN),
    ],
)
def test_round_one_is_the_record_nobody_changes_it_in_round_two(
    actor: Actor, command: cmd.Command, code: ErrorCode
) -> None:
    room = Room()
    round_two(room)

    assert room.refused(actor, command) is code


def test_round_one_items_take_no_votes_or_plans_in_round_two() -> None:
    room = Room()
    round_two(room)
    room.do(FACILITATOR, cmd.SetTopic("De overdracht"))
    room.outer_items((P2, "o2"))
    room.do(FACILITATOR, cmd.OpenVoting(2))

    assert room.refused(P1, cmd.CastVote("o1")) is ErrorCode.UNKNOWN_NOTE
    assert room.refused(FACILITATOR, cmd.MergeNote("o2", "o1")) is ErrorCode.UNKNOWN_NOTE
    room.do(P1, cmd.CastVote("o2"))
    room.do(FACILITATOR, cmd.CloseVoting())
    assert room.refused(FACILITATOR, cmd.ChooseItem("o1")) is ErrorCode.UNKNOWN_NOTE
    plan = cmd.AddPlan("plan-2", "o1", "x", "", "")
    assert room.refused(FACILITATOR, plan) is ErrorCode.UNKNOWN_NOTE
    assert snapshot_for(room.state, None)["voting"]["tally"] == {"o2": 1}


def test_after_round_two_started_stepping_back_stops_at_the_pause() -> None:
    room = Room()
    round_two(room)

    walk(room, PA)

    assert room.refused(FACILITATOR, cmd.MovePart(PA, R1)) is ErrorCode.WRONG_PHASE
    events = room.do(FACILITATOR, cmd.MovePart(PA, R2), NOW)
    assert not any(isinstance(e, ev.RoundStarted) for e in events)  # no round 3
    assert room.state.round == 2


def test_starting_round_two_renders_a_snapshot_for_everyone() -> None:
    room = Room()
    round_one(room)
    walk(room, PA)

    deliveries = room.deliver(FACILITATOR, cmd.MovePart(PA, R2), NOW)

    assert deliveries[-2:] == [SNAPSHOT, SNAPSHOT]


# -- a follow-up meeting ---------------------------------------------------------------------


def test_a_new_meeting_starts_the_agenda_and_the_rounds_again() -> None:
    room = Room()
    round_two(room)
    room.do(FACILITATOR, cmd.SetPartMinutes(PA, 7))
    room.do(FACILITATOR, cmd.SetTopic("De overdracht"))

    state = agenda.reset_for_new_meeting(room.state)

    assert state.agenda.part is None and state.agenda.clock is None
    assert agenda.planned_minutes(state.agenda, PA) == 7
    assert state.round == 1
    assert [(r.round, r.topic) for r in state.past_rounds] == [
        (1, "Samenwerking"),
        (2, "De overdracht"),
    ]
    assert room.state.round == 2  # a pure function: the room itself is untouched
    assert agenda.next_part(state.agenda) is W


def test_the_warm_up_and_closing_have_prompts() -> None:
    assert set(agenda.PROMPT_KEYS) == set(agenda.ORDER)
    assert len(agenda.PROMPT_KEYS[W]) == 3
    assert RoomState().agenda.part is None


def test_render_of_each_agenda_event_is_defined() -> None:
    room = Room()
    walk(room, W)
    for event in room.do(FACILITATOR, cmd.SetPartMinutes(W, 3), NOW):
        assert render(room.state, event).everyone[0]["op"] == "board"
