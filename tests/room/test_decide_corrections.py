"""Undoing a merge, and changing the timer's writing lock without restarting it."""

from __future__ import annotations

from app.room import FACILITATOR, ErrorCode, participant
from app.room import commands as cmd
from app.room import events as ev
from app.room.state import Circle, Phase
from tests.room.helpers import Room


def revealed_room() -> Room:
    room = Room(people=["p1"])
    room.do(FACILITATOR, cmd.ChangePhase(Phase.TOPIC, Phase.INNER_WRITING))
    room.do(participant("p1"), cmd.AddNote("a", Circle.INNER, "Een"))
    room.do(participant("p1"), cmd.AddNote("b", Circle.INNER, "Eén"))
    room.do(FACILITATOR, cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING))
    return room


def test_unmerge_puts_the_note_back_on_the_board() -> None:
    room = revealed_room()
    room.do(FACILITATOR, cmd.MergeNote("b", "a"))
    assert [n.nid for n in room.state.reading_order(Circle.INNER)] == ["a"]
    assert room.do(FACILITATOR, cmd.UnmergeNote("b")) == [ev.NoteMerged("b", None)]
    assert [n.nid for n in room.state.reading_order(Circle.INNER)] == ["a", "b"]


def test_unmerge_is_for_the_facilitator_and_merged_notes_only() -> None:
    room = revealed_room()
    assert room.refused(FACILITATOR, cmd.UnmergeNote("b")) is ErrorCode.UNKNOWN_NOTE
    room.do(FACILITATOR, cmd.MergeNote("b", "a"))
    assert room.refused(participant("p1"), cmd.UnmergeNote("b")) is ErrorCode.FORBIDDEN


def test_timer_lock_changes_without_restarting_the_timer() -> None:
    room = revealed_room()
    assert room.refused(FACILITATOR, cmd.SetTimerLock(True)) is ErrorCode.NO_TIMER
    room.do(FACILITATOR, cmd.StartTimer(60, lock_writing=False), now=1_000)
    before = room.state.timer
    assert room.do(FACILITATOR, cmd.SetTimerLock(True), now=30_000) == [ev.TimerLockChanged(True)]
    after = room.state.timer
    assert before is not None and after is not None
    assert after.lock_writing and after.deadline_ms == before.deadline_ms
    assert room.do(FACILITATOR, cmd.SetTimerLock(True)) == []
    assert room.refused(participant("p1"), cmd.SetTimerLock(False)) is ErrorCode.FORBIDDEN
