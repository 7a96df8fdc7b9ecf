"""Rules for notes: who may add, edit and delete them, in which phase, and the limits."""

from __future__ import annotations

import pytest

from app.room import commands as cmd
from app.room import events as ev
from app.room.errors import ErrorCode
from app.room.limits import MAX_NOTE_LENGTH, MAX_NOTES_PER_PARTICIPANT
from app.room.state import Actor, Circle, Phase
from tests.room.helpers import FACILITATOR, P1, P2, SCREEN, Room, participant


@pytest.fixture
def room() -> Room:
    room = Room()
    room.go(Phase.INNER_WRITING)
    return room


def test_a_participant_adds_a_hidden_note_in_the_open_circle(room: Room) -> None:
    events = room.do(P1, cmd.AddNote("n1", Circle.INNER, "We help each other"))

    assert events == [ev.NoteAdded("n1", "p1", Circle.INNER, "We help each other")]
    note = room.state.notes["n1"]
    assert (note.author, note.circle, note.text, note.revealed) == (
        "p1",
        Circle.INNER,
        "We help each other",
        False,
    )


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        (FACILITATOR, ErrorCode.FORBIDDEN),
        (SCREEN, ErrorCode.FORBIDDEN),
        (participant("stranger"), ErrorCode.NOT_JOINED),
    ],
)
def test_only_joined_participants_write_notes(room: Room, actor: Actor, code: ErrorCode) -> None:
    assert room.refused(actor, cmd.AddNote("n1", Circle.INNER, "hello")) is code


@pytest.mark.parametrize(
    ("phase", "circle"),
    [
        (Phase.TOPIC, Circle.INNER),
        (Phase.INNER_WRITING, Circle.OUTER),
        (Phase.INNER_READING, Circle.INNER),
        (Phase.OUTER_WRITING, Circle.INNER),
        (Phase.OUTER_READING, Circle.OUTER),
        (Phase.STEP_FORWARD, Circle.OUTER),
        (Phase.CLOSING, Circle.INNER),
    ],
)
def test_the_circle_must_match_the_writing_phase(phase: Phase, circle: Circle) -> None:
    room = Room()
    room.go(phase)

    assert room.refused(P1, cmd.AddNote("n1", circle, "hello")) is ErrorCode.WRONG_PHASE


def test_the_outer_circle_is_written_in_its_own_phase() -> None:
    room = Room()
    room.go(Phase.OUTER_WRITING)

    room.do(P1, cmd.AddNote("o1", Circle.OUTER, "Shorter meetings"))

    assert room.state.notes["o1"].circle is Circle.OUTER


def test_text_is_trimmed(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "  \n\tWe listen \n "))
    room.do(P1, cmd.EditNote("n1", "\t We listen well  "))

    assert room.state.notes["n1"].text == "We listen well"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n"])
def test_an_empty_note_is_refused(room: Room, text: str) -> None:
    assert room.refused(P1, cmd.AddNote("n1", Circle.INNER, text)) is ErrorCode.NOTE_EMPTY
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "something"))
    assert room.refused(P1, cmd.EditNote("n1", text)) is ErrorCode.NOTE_EMPTY


def test_exactly_the_maximum_length_is_accepted_and_one_more_is_refused(room: Room) -> None:
    longest = "x" * MAX_NOTE_LENGTH

    room.do(P1, cmd.AddNote("n1", Circle.INNER, f"  {longest}  "))

    assert room.state.notes["n1"].text == longest
    too_long = longest + "y"
    assert room.refused(P1, cmd.AddNote("n2", Circle.INNER, too_long)) is ErrorCode.NOTE_TOO_LONG
    assert room.refused(P1, cmd.EditNote("n1", too_long)) is ErrorCode.NOTE_TOO_LONG


def test_length_counts_characters_not_bytes(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "é" * MAX_NOTE_LENGTH))

    assert len(room.state.notes["n1"].text) == MAX_NOTE_LENGTH


def test_one_note_more_than_the_maximum_is_refused(room: Room) -> None:
    for i in range(MAX_NOTES_PER_PARTICIPANT):
        room.do(P1, cmd.AddNote(f"n{i}", Circle.INNER, f"note {i}"))

    assert room.refused(P1, cmd.AddNote("one-more", Circle.INNER, "x")) is ErrorCode.TOO_MANY_NOTES
    room.do(P2, cmd.AddNote("theirs", Circle.INNER, "another person still writes"))


def test_a_deleted_note_frees_its_place_under_the_maximum(room: Room) -> None:
    for i in range(MAX_NOTES_PER_PARTICIPANT):
        room.do(P1, cmd.AddNote(f"n{i}", Circle.INNER, f"note {i}"))

    room.do(P1, cmd.DeleteNote("n0"))

    room.do(P1, cmd.AddNote("one-more", Circle.INNER, "x"))
    assert room.state.live_notes_in_meeting("p1") == MAX_NOTES_PER_PARTICIPANT


def test_a_note_id_is_used_once(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "first"))

    assert room.refused(P1, cmd.AddNote("n1", Circle.INNER, "again")) is ErrorCode.NOTE_EXISTS
    assert (
        room.refused(P2, cmd.AddNote("n1", Circle.INNER, "someone else")) is ErrorCode.NOTE_EXISTS
    )


def test_a_deleted_note_id_stays_taken(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "first"))
    room.do(P1, cmd.DeleteNote("n1"))

    assert room.refused(P1, cmd.AddNote("n1", Circle.INNER, "back again")) is ErrorCode.NOTE_EXISTS


@pytest.mark.parametrize("nid", ["", "x" * 65, "tab\there", "line\nbreak"])
def test_a_malformed_note_id_is_refused(room: Room, nid: str) -> None:
    assert room.refused(P1, cmd.AddNote(nid, Circle.INNER, "hello")) is ErrorCode.BAD_VALUE


def test_only_the_author_edits_or_deletes(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "mine"))

    assert room.refused(P2, cmd.EditNote("n1", "yours now")) is ErrorCode.NOT_YOUR_NOTE
    assert room.refused(P2, cmd.DeleteNote("n1")) is ErrorCode.NOT_YOUR_NOTE
    assert room.refused(FACILITATOR, cmd.EditNote("n1", "facilitator")) is ErrorCode.FORBIDDEN
    assert room.refused(FACILITATOR, cmd.DeleteNote("n1")) is ErrorCode.FORBIDDEN
    assert room.refused(SCREEN, cmd.DeleteNote("n1")) is ErrorCode.FORBIDDEN
    assert room.refused(P1, cmd.EditNote("unknown", "x")) is ErrorCode.UNKNOWN_NOTE
    assert room.refused(P1, cmd.DeleteNote("unknown")) is ErrorCode.UNKNOWN_NOTE


def test_the_author_edits_also_after_the_reveal(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "first words"))
    room.go(Phase.INNER_READING)

    assert room.do(P1, cmd.EditNote("n1", "better words")) == [ev.NoteEdited("n1", "better words")]
    assert room.state.notes["n1"].text == "better words"


def test_delete_leaves_a_tombstone_and_a_later_edit_is_refused(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "regret"))

    assert room.do(P1, cmd.DeleteNote("n1")) == [ev.NoteDeleted("n1")]

    tombstone = room.state.notes["n1"]
    assert tombstone.deleted
    assert tombstone.text == ""
    assert room.state.live_notes_in_meeting("p1") == 0
    assert room.refused(P1, cmd.EditNote("n1", "it is back")) is ErrorCode.UNKNOWN_NOTE
    assert room.refused(P1, cmd.DeleteNote("n1")) is ErrorCode.UNKNOWN_NOTE


def test_a_deleted_note_is_not_revealed(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "regret"))
    room.do(P1, cmd.AddNote("n2", Circle.INNER, "keep"))
    room.do(P1, cmd.DeleteNote("n1"))

    events = room.do(FACILITATOR, cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING))

    assert ev.NotesRevealed(Circle.INNER, ("n2",)) in events
    assert not room.state.notes["n1"].revealed


def test_a_revealed_note_may_still_be_deleted_by_its_author(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "said too much"))
    room.go(Phase.INNER_READING)
    room.do(FACILITATOR, cmd.ShowItem("n1"))

    room.do(P1, cmd.DeleteNote("n1"))

    assert room.state.notes["n1"].deleted
    assert room.state.reading is None
    assert room.state.reading_order(Circle.INNER) == []


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        '=HYPERLINK("http://example.com")',
        "Zoë & Ijsbrand 👩🏽‍🤝‍👨🏻 נסיון",
        "\u202eright to left\u202c",
        "zero\u200bwidth and a NUL \x00 inside",
        "**markdown** _stays_ [text](javascript:x)",
    ],
)
def test_odd_text_is_stored_verbatim(room: Room, text: str) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, text))

    assert room.state.notes["n1"].text == text


def test_editing_in_the_writing_phase_stops_when_a_locking_timer_runs_out(room: Room) -> None:
    room.do(P1, cmd.AddNote("n1", Circle.INNER, "first"))
    room.do(FACILITATOR, cmd.StartTimer(60, lock_writing=True), now=0)

    room.do(P1, cmd.EditNote("n1", "in time"), now=59_999)

    assert room.refused(P1, cmd.EditNote("n1", "too late"), now=60_000) is ErrorCode.WRITING_CLOSED
    room.do(P1, cmd.DeleteNote("n1"), now=60_000)
