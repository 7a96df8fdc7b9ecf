"""The phase table, the reveal on entering a reading phase, and who may run the meeting."""

from __future__ import annotations

import pytest

from app.room import commands as cmd
from app.room import events as ev
from app.room.decide import decide
from app.room.errors import ErrorCode, Rejected
from app.room.limits import MAX_NAME_LENGTH, MAX_PARTICIPANTS_PER_ROOM, MAX_TOPIC_LENGTH
from app.room.phases import ALLOWED_TRANSITIONS
from app.room.state import (
    Actor,
    Circle,
    Language,
    Phase,
    PlanMode,
    RoomState,
    Variant,
    VotingStatus,
)
from tests.room.helpers import FACILITATOR, P1, P2, P3, SCREEN, Room, participant

T, IW, IR, OW, OR, SF, CL = (
    Phase.TOPIC,
    Phase.INNER_WRITING,
    Phase.INNER_READING,
    Phase.OUTER_WRITING,
    Phase.OUTER_READING,
    Phase.STEP_FORWARD,
    Phase.CLOSING,
)

ALLOWED = [
    (T, IW),
    (IW, IR),
    (IR, OW),
    (OW, OR),
    (OR, SF),
    (SF, CL),
    (IW, T),
    (IR, IW),
    (OW, IR),
    (OR, OW),
    (SF, OR),
    (CL, SF),
]


def test_the_table_is_one_step_forward_or_back() -> None:
    assert set(ALLOWED) == ALLOWED_TRANSITIONS


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_transition(start: Phase, to: Phase) -> None:
    room = Room()
    room.go(start)

    events = room.do(FACILITATOR, cmd.ChangePhase(start, to))

    assert events[-1] == ev.PhaseChanged(start, to)
    assert room.state.phase is to


@pytest.mark.parametrize(
    ("start", "to"),
    [(T, IR), (T, CL), (IW, OW), (IR, T), (OW, IW), (SF, OW), (CL, T), (T, T), (SF, SF)],
)
def test_a_jump_is_refused(start: Phase, to: Phase) -> None:
    room = Room()
    room.go(start)

    assert room.refused(FACILITATOR, cmd.ChangePhase(start, to)) is ErrorCode.WRONG_PHASE


def test_change_phase_is_compare_and_set() -> None:
    room = Room()
    room.do(FACILITATOR, cmd.ChangePhase(T, IW))

    assert room.refused(FACILITATOR, cmd.ChangePhase(T, IW)) is ErrorCode.PHASE_CONFLICT
    assert room.refused(FACILITATOR, cmd.ChangePhase(IR, OW)) is ErrorCode.PHASE_CONFLICT
    assert room.state.phase is IW


def test_a_topic_is_required_before_leaving_the_topic_phase() -> None:
    room = Room(topic="")

    assert room.refused(FACILITATOR, cmd.ChangePhase(T, IW)) is ErrorCode.BAD_VALUE
    assert room.refused(FACILITATOR, cmd.SetTopic("   ")) is ErrorCode.BAD_VALUE

    room.do(FACILITATOR, cmd.SetTopic("  Samenwerking  "))
    room.do(FACILITATOR, cmd.ChangePhase(T, IW))
    assert room.state.topic == "Samenwerking"


def test_topic_length() -> None:
    room = Room()
    room.do(FACILITATOR, cmd.SetTopic("t" * MAX_TOPIC_LENGTH))

    too_long = "t" * (MAX_TOPIC_LENGTH + 1)
    assert room.refused(FACILITATOR, cmd.SetTopic(too_long)) is ErrorCode.TEXT_TOO_LONG


def test_entering_inner_reading_reveals_exactly_the_hidden_inner_notes() -> None:
    room = Room()
    room.go(IW)
    room.note(P1, "i1")
    room.note(P2, "i2")
    room.note(P1, "gone")
    room.do(P1, cmd.DeleteNote("gone"))

    events = room.do(FACILITATOR, cmd.ChangePhase(IW, IR))

    assert events == [ev.NotesRevealed(Circle.INNER, ("i1", "i2")), ev.PhaseChanged(IW, IR)]
    assert [n.nid for n in room.state.reading_order(Circle.INNER)] == ["i1", "i2"]


def test_entering_a_reading_phase_reveals_only_its_own_circle() -> None:
    room = Room()
    room.go(OW)
    room.note(P1, "o1")

    assert room.do(FACILITATOR, cmd.ChangePhase(OW, IR)) == [ev.PhaseChanged(OW, IR)]
    assert not room.state.notes["o1"].revealed

    room.go(OW)
    events = room.do(FACILITATOR, cmd.ChangePhase(OW, OR))

    assert events == [ev.NotesRevealed(Circle.OUTER, ("o1",)), ev.PhaseChanged(OW, OR)]


def test_notes_written_after_a_step_back_are_hidden_until_the_next_reveal() -> None:
    room = Room()
    room.go(IW)
    room.note(P1, "early")
    room.go(IR)
    room.go(IW)
    room.note(P2, "late")

    assert room.state.notes["early"].revealed
    assert not room.state.notes["late"].revealed

    events = room.do(FACILITATOR, cmd.ChangePhase(IW, IR))

    assert events == [ev.NotesRevealed(Circle.INNER, ("late",)), ev.PhaseChanged(IW, IR)]
    assert room.state.notes["late"].revealed


def test_entering_a_reading_phase_with_nothing_hidden_reveals_nothing() -> None:
    room = Room()
    room.go(IW)

    assert room.do(FACILITATOR, cmd.ChangePhase(IW, IR)) == [ev.PhaseChanged(IW, IR)]


def test_a_phase_change_clears_the_timer_and_the_marker_and_closes_voting() -> None:
    room = Room()
    room.outer_items((P1, "o1"))
    room.do(FACILITATOR, cmd.ShowItem("o1"))
    room.do(FACILITATOR, cmd.OpenVoting(3))
    room.do(P1, cmd.CastVote("o1"))
    room.do(FACILITATOR, cmd.StartTimer(60, lock_writing=False))

    events = room.do(FACILITATOR, cmd.ChangePhase(SF, CL))

    assert events == [
        ev.VotingClosed(),
        ev.TimerCleared(),
        ev.ReadingMoved(None),
        ev.PhaseChanged(SF, CL),
    ]
    state = room.state
    assert (state.timer, state.reading, state.voting) == (None, None, VotingStatus.CLOSED)
    assert state.tally() == {"o1": 1}


FACILITATOR_ONLY: list[cmd.Command] = [
    cmd.SetTopic("new topic"),
    cmd.ChangePhase(T, IW),
    cmd.HideNote("o1", hidden=True),
    cmd.MergeNote("o1", "o2"),
    cmd.UnmergeNote("o1"),
    cmd.MoveNote("o1", Circle.INNER),
    cmd.ShowItem("o1"),
    cmd.OpenVoting(3),
    cmd.CloseVoting(),
    cmd.ChooseItem("o1"),
    cmd.SetPlanMode(PlanMode.GROUPS),
    cmd.PairUp("p1", "p2", "DUO1"),
    cmd.SetAgreements("we meet again"),
    cmd.StartTimer(60, lock_writing=True),
    cmd.PauseTimer(),
    cmd.ResumeTimer(),
    cmd.ExtendTimer(60),
    cmd.SetTimerLock(lock_writing=False),
    cmd.ClearTimer(),
    cmd.OpenScale(),
    cmd.CloseScale(),
]


@pytest.mark.parametrize("command", FACILITATOR_ONLY, ids=lambda c: type(c).__name__)
@pytest.mark.parametrize("actor", [P1, SCREEN], ids=["participant", "screen"])
def test_facilitator_commands_are_refused_for_others(actor: Actor, command: cmd.Command) -> None:
    room = Room()
    room.outer_items((P1, "o1"), (P2, "o2"))

    assert room.refused(actor, command) is ErrorCode.FORBIDDEN


@pytest.mark.parametrize(
    "command",
    [
        cmd.AddNote("n1", Circle.INNER, "x"),
        cmd.Rename("someone"),
        cmd.CastVote("o1"),
        cmd.StartPair("DUO1"),
        cmd.AnswerScale(5),
    ],
    ids=lambda c: type(c).__name__,
)
def test_an_unknown_participant_is_not_joined(command: cmd.Command) -> None:
    room = Room()
    room.go(IW)

    assert room.refused(participant("p9"), command) is ErrorCode.NOT_JOINED
    assert room.refused(Actor(P1.role), command) is ErrorCode.NOT_JOINED


def test_the_screen_only_watches() -> None:
    room = Room()

    assert room.refused(SCREEN, cmd.Join("screen", "hash")) is ErrorCode.FORBIDDEN
    assert room.refused(SCREEN, cmd.Rename("screen")) is ErrorCode.FORBIDDEN


def test_nothing_happens_in_a_room_that_was_never_created() -> None:
    empty = RoomState()
    attempts: list[tuple[Actor, cmd.Command]] = [
        (FACILITATOR, cmd.SetTopic("x")),
        (P1, cmd.Join("Ann", "hash")),
        (SCREEN, cmd.OpenScale()),
    ]
    for actor, command in attempts:
        with pytest.raises(Rejected) as refusal:
            decide(empty, actor, command, 0)
        assert refusal.value.code is ErrorCode.UNKNOWN_ROOM


def test_a_board_is_created_once_by_the_facilitator() -> None:
    create = cmd.CreateBoard("room-2", "topic", Variant.TEAM, Language.EN, anonymous=True)
    with pytest.raises(Rejected) as refusal:
        decide(RoomState(), P1, create, 0)
    assert refusal.value.code is ErrorCode.FORBIDDEN

    room = Room()
    assert room.refused(FACILITATOR, create) is ErrorCode.BAD_VALUE


def test_join_and_rename() -> None:
    room = Room(people=())
    room.do(P1, cmd.Join("  Ann  ", "hash-1"))

    assert room.state.participants["p1"].name == "Ann"
    assert room.refused(P1, cmd.Join("Ann again", "hash-1")) is ErrorCode.BAD_VALUE
    assert room.refused(FACILITATOR, cmd.Join("Boss", "hash")) is ErrorCode.FORBIDDEN
    longest = "n" * MAX_NAME_LENGTH
    assert room.refused(P2, cmd.Join(longest + "n", "hash-2")) is ErrorCode.TEXT_TOO_LONG
    room.do(P2, cmd.Join(longest, "hash-2"))
    room.do(P3, cmd.Join("", "hash-3"))

    room.do(P1, cmd.Rename("Anna"))

    assert room.state.participants["p1"].name == "Anna"
    assert room.refused(P1, cmd.Rename(longest + "n")) is ErrorCode.TEXT_TOO_LONG
    assert room.refused(FACILITATOR, cmd.Rename("Boss")) is ErrorCode.FORBIDDEN


def test_one_participant_more_than_the_maximum_is_refused() -> None:
    room = Room(people=())
    for i in range(MAX_PARTICIPANTS_PER_ROOM):
        room.join(f"p{i}")

    assert room.refused(participant("late"), cmd.Join("Late", "hash")) is ErrorCode.ROOM_FULL
    assert len(room.state.participants) == MAX_PARTICIPANTS_PER_ROOM
