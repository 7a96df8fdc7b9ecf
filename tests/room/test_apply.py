"""Bookkeeping: every event moves seq on by one, and the fold of the log is the live state."""

from __future__ import annotations

import copy

from app.room import commands as cmd
from app.room import events as ev
from app.room.apply import apply, fold
from app.room.state import (
    Circle,
    DuoStep,
    Language,
    Part,
    Phase,
    PlanMode,
    PlanStatus,
    RoomState,
    Usefulness,
    Variant,
    VotingStatus,
)
from tests.room.helpers import FACILITATOR, P1, P2, P3, Room, participant


def meeting() -> Room:
    """A whole meeting, touching every kind of event at least once."""
    room = Room()
    room.do(P2, cmd.Rename("Bram B."))
    room.do(FACILITATOR, cmd.MovePart(None, Part.WARM_UP), now=500)
    room.do(FACILITATOR, cmd.SetPartMinutes(Part.WARM_UP, 12), now=600)
    room.do(FACILITATOR, cmd.MovePart(Part.WARM_UP, Part.ROUND_1), now=700)
    room.do(FACILITATOR, cmd.SetTopic("Samenwerking in het team"))
    room.go(Phase.INNER_WRITING)
    room.do(FACILITATOR, cmd.StartTimer(300, lock_writing=True), now=1_000)
    room.do(FACILITATOR, cmd.PauseTimer(), now=2_000)
    room.do(FACILITATOR, cmd.ResumeTimer(), now=3_000)
    room.do(FACILITATOR, cmd.ExtendTimer(60), now=4_000)
    room.do(FACILITATOR, cmd.SetTimerLock(lock_writing=False), now=4_500)
    room.do(FACILITATOR, cmd.SetTimerLock(lock_writing=True), now=4_600)
    room.note(P1, "i1", now=5_000)
    room.note(P2, "i2", now=5_000)
    room.note(P3, "i3", now=5_000)
    room.do(P1, cmd.EditNote("i1", "we help each other"), now=6_000)
    room.do(P3, cmd.DeleteNote("i3"), now=6_000)
    room.go(Phase.INNER_READING)
    room.do(FACILITATOR, cmd.ShowItem("i1"))
    room.do(FACILITATOR, cmd.HideNote("i2", hidden=True))
    room.go(Phase.OUTER_WRITING)
    room.note(P1, "o1")
    room.note(P2, "o2")
    room.note(P3, "o3")
    room.note(P1, "o4")
    room.go(Phase.OUTER_READING)
    room.do(FACILITATOR, cmd.MergeNote("o3", "o2"))
    room.do(FACILITATOR, cmd.MoveNote("o4", Circle.INNER))
    room.go(Phase.STEP_FORWARD)
    room.do(FACILITATOR, cmd.OpenVoting(2))
    room.do(P1, cmd.CastVote("o1"))
    room.do(P1, cmd.CastVote("o2"))
    room.do(P2, cmd.CastVote("o2"))
    room.do(P1, cmd.RetractVote("o1"))
    room.do(FACILITATOR, cmd.CloseVoting())
    room.do(FACILITATOR, cmd.ChooseItem("o2"))
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    room.do(P1, cmd.StartPair("DUO1"))
    room.do(P2, cmd.JoinPair("DUO1"))
    room.do(FACILITATOR, cmd.PairUp("p2", "p3", "DUO2"))
    room.do(P3, cmd.LeavePair())
    room.do(P1, cmd.AddPlan("plan-1", "o2", "ask for feedback", "Ann", "Friday"))
    room.do(FACILITATOR, cmd.AddPlan("plan-2", "o1", "shorter stand-up", "", ""))
    room.do(P1, cmd.EditPlan("plan-1", "ask for feedback weekly", "Ann", "Friday"))
    room.do(FACILITATOR, cmd.RemovePlan("plan-2"))
    room.do(FACILITATOR, cmd.MovePart(Part.ROUND_1, Part.PAUSE))
    room.do(FACILITATOR, cmd.SetRoundTwo(included=False))
    room.do(FACILITATOR, cmd.SetRoundTwo(included=True))
    room.do(FACILITATOR, cmd.MovePart(Part.PAUSE, Part.ROUND_2))
    room.do(FACILITATOR, cmd.SetTopic("Overdracht"))
    room.do(FACILITATOR, cmd.MovePart(Part.ROUND_2, Part.CLOSING))
    room.do(P1, cmd.SubmitReflection(Usefulness.YES, "the circles", ""))
    room.do(FACILITATOR, cmd.SetAgreements("Again in May"))
    room.do(FACILITATOR, cmd.OpenScale())
    room.do(P1, cmd.AnswerScale(7))
    room.do(FACILITATOR, cmd.CloseScale())
    room.do(FACILITATOR, cmd.StartTimer(60, lock_writing=False))
    room.do(FACILITATOR, cmd.ClearTimer())
    return room


def follow_up(room: Room) -> Room:
    """The same board weeks later: a step marked done, an item moved inward."""
    room.do(FACILITATOR, cmd.OpenFollowUp(2), now=1_800_000_000_000)
    room.do(P1, cmd.SetPlanStatus("plan-1", PlanStatus.DONE), now=1_800_000_060_000)
    room.do(FACILITATOR, cmd.MoveInward("o2"), now=1_800_000_120_000)
    return room


def duo_meeting() -> Room:
    """A meeting in duos, touching every kind of event the team meeting does not."""
    room = Room(variant=Variant.DUO, people=("p1", "p2", "p3", "p4"))
    room.do(FACILITATOR, cmd.PairUp("p1", "p2", "DUO1"))
    room.do(P3, cmd.StartPair("DUO2"))
    room.do(participant("p4"), cmd.JoinPair("DUO2"))
    room.do(FACILITATOR, cmd.ChangePhase(Phase.PAIRING, Phase.DUOS))
    room.do(P2, cmd.SetActivity("p1", "Presenteren"))
    room.do(P2, cmd.SetSheetStep("p1", DuoStep.ACTIVITY, DuoStep.INNER))
    room.do(P2, cmd.AddSheetNote("p1", "s1", Circle.INNER, "ik bereid goed voor"))
    room.do(P2, cmd.AddSheetNote("p1", "s2", Circle.OUTER, "rustiger praten"))
    room.do(P1, cmd.EditNote("s2", "rustig praten"))
    room.do(P2, cmd.SetSheetStep("p1", DuoStep.INNER, DuoStep.STEP_FORWARD))
    room.do(P2, cmd.ChooseSheetItem("p1", "s2"))
    room.do(P2, cmd.SetSmallStep("p1", "oefenen met een collega"))
    room.do(P1, cmd.ShareSheet(shared=True))
    room.do(P1, cmd.SwapRoles("p2"))
    room.do(P1, cmd.AddSheetNote("p2", "s3", Circle.INNER, "goed luisteren"))
    room.do(P2, cmd.DeleteNote("s3"))
    room.do(FACILITATOR, cmd.ChangePhase(Phase.DUOS, Phase.CLOSING))
    return room


def test_the_meeting_touches_every_kind_of_event() -> None:
    kinds = {type(e) for e in follow_up(meeting()).log} | {type(e) for e in duo_meeting().log}

    assert kinds == set(ev.EVENT_TYPES)


def test_fold_of_a_log_with_a_follow_up_is_the_live_state() -> None:
    room = follow_up(meeting())

    assert fold(room.log) == room.state
    assert room.state.meeting == 2
    assert room.state.notes["o2"].inward_meeting == 2


def test_seq_counts_the_events() -> None:
    state = RoomState()
    for n, event in enumerate(meeting().log, start=1):
        state = apply(state, event)
        assert state.seq == n


def test_fold_of_the_log_is_the_live_state() -> None:
    room = meeting()

    assert fold(room.log) == room.state
    assert fold(room.log).seq == len(room.log)


def test_fold_continues_from_a_given_state() -> None:
    room = meeting()
    half = len(room.log) // 2

    assert fold(room.log[half:], fold(room.log[:half])) == room.state


def test_apply_leaves_its_input_alone() -> None:
    room = meeting()
    states = [RoomState()]
    for event in room.log:
        states.append(apply(states[-1], event))
    kept = copy.deepcopy(states)

    for state, event in zip(states, room.log, strict=False):
        apply(state, event)

    assert states == kept


def test_the_meeting_ends_where_it_should() -> None:
    state = meeting().state

    assert state.phase is Phase.CLOSING
    assert state.agenda.part is Part.CLOSING
    assert state.agenda.minutes == {Part.WARM_UP: 12}
    assert state.round == 2
    assert state.topic == "Overdracht"
    (first,) = state.past_rounds
    assert (first.round, first.topic, first.chosen) == (1, "Samenwerking in het team", "o2")
    assert first.tally == {"o2": 2}
    assert state.participants["p2"].name == "Bram B."
    assert [p.pair for p in state.participants.values()] == ["DUO1", "DUO2", None]
    assert state.notes["i1"].text == "we help each other"
    assert state.notes["i3"].deleted
    assert state.notes["i2"].hidden
    assert state.notes["o3"].merged_into == "o2"
    assert state.notes["o4"].circle is Circle.INNER
    assert state.voting is VotingStatus.NOT_STARTED
    assert state.votes == {}
    assert state.chosen is None
    assert list(state.plans) == ["plan-1"]
    assert state.plans["plan-1"].round == 1
    assert state.plans["plan-1"].what == "ask for feedback weekly"
    assert state.scale_answers == {"p1": 7}
    assert state.timer is None
    assert state.reading is None


def test_notes_are_ordered_by_when_they_were_written() -> None:
    state = fold(
        [
            ev.BoardCreated("r", "t", Variant.TEAM, Language.NL, anonymous=False),
            ev.ParticipantJoined("p1", "Ann", "h"),
            ev.NoteAdded("b", "p1", Circle.INNER, "second in the alphabet"),
            ev.NoteAdded("a", "p1", Circle.INNER, "first in the alphabet"),
            ev.NotesRevealed(Circle.INNER, ("b", "a")),
        ]
    )

    assert [n.nid for n in state.reading_order(Circle.INNER)] == ["b", "a"]
    assert [state.notes[n].order for n in ("b", "a")] == [3, 4]
