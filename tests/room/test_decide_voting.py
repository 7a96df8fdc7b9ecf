"""Dot voting on the outer circle, and choosing the item to move inward first."""

from __future__ import annotations

import pytest

from app.room import commands as cmd
from app.room import events as ev
from app.room.errors import ErrorCode
from app.room.limits import MAX_DOTS_PER_PARTICIPANT
from app.room.phases import ORDER
from app.room.state import Circle, Phase, VotingStatus
from tests.room.helpers import FACILITATOR, P1, P2, P3, SCREEN, Room


@pytest.fixture
def room() -> Room:
    """Step forward with outer items o1..o4 and one inner note i1 on the board."""
    room = Room()
    room.go(Phase.INNER_WRITING)
    room.note(P1, "i1")
    room.outer_items((P1, "o1"), (P2, "o2"), (P3, "o3"), (P1, "o4"))
    return room


def voting(room: Room, dots: int = 3) -> Room:
    room.do(FACILITATOR, cmd.OpenVoting(dots))
    return room


@pytest.mark.parametrize(
    "phase",
    [p for p in ORDER if p is not Phase.STEP_FORWARD],
)
def test_voting_belongs_to_the_step_forward(phase: Phase) -> None:
    room = Room()
    room.go(phase)

    assert room.refused(FACILITATOR, cmd.OpenVoting(3)) is ErrorCode.WRONG_PHASE


def test_the_number_of_dots_is_bounded(room: Room) -> None:
    for dots in (0, -1, MAX_DOTS_PER_PARTICIPANT + 1):
        assert room.refused(FACILITATOR, cmd.OpenVoting(dots)) is ErrorCode.BAD_VALUE

    room.do(FACILITATOR, cmd.OpenVoting(MAX_DOTS_PER_PARTICIPANT))

    assert (room.state.voting, room.state.dots) == (VotingStatus.OPEN, MAX_DOTS_PER_PARTICIPANT)


def test_a_participant_uses_at_most_their_dots(room: Room) -> None:
    voting(room, dots=2)
    room.do(P1, cmd.CastVote("o1"))
    room.do(P1, cmd.CastVote("o2"))

    assert room.refused(P1, cmd.CastVote("o3")) is ErrorCode.NO_DOTS_LEFT
    room.do(P2, cmd.CastVote("o3"))


def test_one_dot_per_item(room: Room) -> None:
    voting(room)
    room.do(P1, cmd.CastVote("o1"))

    assert room.refused(P1, cmd.CastVote("o1")) is ErrorCode.ALREADY_VOTED
    room.do(P2, cmd.CastVote("o1"))
    assert room.state.votes == {"p1": frozenset({"o1"}), "p2": frozenset({"o1"})}


def test_a_retracted_dot_may_be_used_again(room: Room) -> None:
    voting(room, dots=1)
    room.do(P1, cmd.CastVote("o1"))

    assert room.do(P1, cmd.RetractVote("o1")) == [ev.VoteRetracted("p1", "o1")]

    assert room.refused(P1, cmd.RetractVote("o1")) is ErrorCode.NOT_VOTED
    assert room.refused(P2, cmd.RetractVote("o1")) is ErrorCode.NOT_VOTED
    room.do(P1, cmd.CastVote("o2"))
    assert room.state.votes["p1"] == frozenset({"o2"})


def test_only_outer_items_on_the_board_take_dots(room: Room) -> None:
    room.do(FACILITATOR, cmd.HideNote("o2", hidden=True))
    room.do(FACILITATOR, cmd.MergeNote("o3", "o1"))
    room.do(P1, cmd.DeleteNote("o4"))
    voting(room)

    for nid in ("i1", "o2", "o3", "o4", "nope"):
        assert room.refused(P1, cmd.CastVote(nid)) is ErrorCode.UNKNOWN_NOTE
    room.do(P1, cmd.CastVote("o1"))


def test_only_participants_vote(room: Room) -> None:
    voting(room)

    assert room.refused(FACILITATOR, cmd.CastVote("o1")) is ErrorCode.FORBIDDEN
    assert room.refused(SCREEN, cmd.CastVote("o1")) is ErrorCode.FORBIDDEN


def test_votes_are_refused_unless_voting_is_open(room: Room) -> None:
    assert room.refused(P1, cmd.CastVote("o1")) is ErrorCode.VOTING_CLOSED
    assert room.refused(FACILITATOR, cmd.CloseVoting()) is ErrorCode.VOTING_CLOSED
    voting(room)
    room.do(P1, cmd.CastVote("o1"))

    room.do(FACILITATOR, cmd.CloseVoting())

    assert room.refused(P1, cmd.CastVote("o2")) is ErrorCode.VOTING_CLOSED
    assert room.refused(P1, cmd.RetractVote("o1")) is ErrorCode.VOTING_CLOSED
    assert room.refused(FACILITATOR, cmd.CloseVoting()) is ErrorCode.VOTING_CLOSED


def test_opening_again_starts_a_fresh_round(room: Room) -> None:
    voting(room)
    room.do(P1, cmd.CastVote("o1"))
    room.do(FACILITATOR, cmd.CloseVoting())

    voting(room, dots=1)

    assert room.state.votes == {}
    assert room.state.dots == 1


def test_hidden_merged_and_deleted_items_drop_out_of_the_tally(room: Room) -> None:
    voting(room)
    for actor in (P1, P2, P3):
        room.do(actor, cmd.CastVote("o1"))
    room.do(P1, cmd.CastVote("o2"))
    room.do(P2, cmd.CastVote("o3"))
    room.do(P3, cmd.CastVote("o4"))
    room.do(P1, cmd.CastVote("o4"))

    room.do(FACILITATOR, cmd.HideNote("o2", hidden=True))
    room.do(FACILITATOR, cmd.MergeNote("o3", "o1"))
    room.do(P1, cmd.DeleteNote("o4"))
    room.do(FACILITATOR, cmd.CloseVoting())

    assert room.state.tally() == {"o1": 3}
    assert all("o4" not in dots for dots in room.state.votes.values())


def test_a_hidden_item_counts_again_when_it_is_put_back(room: Room) -> None:
    voting(room)
    room.do(P1, cmd.CastVote("o2"))
    room.do(FACILITATOR, cmd.HideNote("o2", hidden=True))
    room.do(FACILITATOR, cmd.CloseVoting())
    assert room.state.tally() == {}

    room.do(FACILITATOR, cmd.HideNote("o2", hidden=False))

    assert room.state.tally() == {"o2": 1}


def test_an_item_is_chosen_after_the_voting(room: Room) -> None:
    voting(room)
    room.do(P1, cmd.CastVote("o2"))

    assert room.refused(FACILITATOR, cmd.ChooseItem("o2")) is ErrorCode.WRONG_PHASE
    room.do(FACILITATOR, cmd.CloseVoting())

    assert room.do(FACILITATOR, cmd.ChooseItem("o2")) == [ev.ItemChosen("o2")]
    assert room.state.chosen == "o2"
    room.do(FACILITATOR, cmd.ChooseItem(None))
    assert room.state.chosen is None


def test_the_chosen_item_is_an_outer_item_on_the_board(room: Room) -> None:
    room.do(FACILITATOR, cmd.HideNote("o2", hidden=True))

    for nid in ("i1", "o2", "nope"):
        assert room.refused(FACILITATOR, cmd.ChooseItem(nid)) is ErrorCode.UNKNOWN_NOTE
    assert room.refused(P1, cmd.ChooseItem("o1")) is ErrorCode.FORBIDDEN


def test_the_facilitator_may_choose_without_a_vote(room: Room) -> None:
    room.do(FACILITATOR, cmd.ChooseItem("o1"))

    assert room.state.chosen == "o1"


def test_choosing_belongs_to_the_step_forward(room: Room) -> None:
    room.go(Phase.CLOSING)

    assert room.refused(FACILITATOR, cmd.ChooseItem("o1")) is ErrorCode.WRONG_PHASE


def test_deleting_the_chosen_item_clears_the_choice(room: Room) -> None:
    room.do(FACILITATOR, cmd.ChooseItem("o1"))

    room.do(P1, cmd.DeleteNote("o1"))

    assert room.state.chosen is None
    assert room.state.notes["o1"].circle is Circle.OUTER
