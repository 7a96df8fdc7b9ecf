"""The board's history: per meeting, what stood in each circle and what moved inward."""

from __future__ import annotations

from app.room import commands as cmd
from app.room.history import board_history
from app.room.state import Phase, PlanStatus
from tests.room.helpers import FACILITATOR, P1, P2, Room
from tests.room.test_decide_followup import LATER, first_meeting


def three_meetings() -> Room:
    room = first_meeting()  # inner i1; outer o1, o2, o3; plans s1 (o1), s2 (o2)
    room.do(FACILITATOR, cmd.OpenFollowUp(2), now=LATER)
    room.do(FACILITATOR, cmd.SetPlanStatus("s1", PlanStatus.DONE), now=LATER + 1_000)
    room.do(FACILITATOR, cmd.MoveInward("o1"), now=LATER + 2_000)
    room.go(Phase.INNER_WRITING)
    room.note(P2, "i2", "we finish on time")
    room.go(Phase.OUTER_WRITING)
    room.note(P1, "o4", "a shared calendar")
    room.go(Phase.STEP_FORWARD)
    room.do(FACILITATOR, cmd.AddPlan("s3", "o4", "try one", "Ann", "June"))
    room.do(FACILITATOR, cmd.OpenFollowUp(3), now=LATER + 86_400_000)
    room.do(FACILITATOR, cmd.MoveInward("o2"), now=LATER + 86_400_000 + 5)
    room.do(FACILITATOR, cmd.MoveInward("o4"), now=LATER + 86_400_000 + 6)
    return room


def ids(items: list[dict[str, object]]) -> list[object]:
    return [item["id"] for item in items]


def test_every_meeting_has_its_picture() -> None:
    history = board_history(three_meetings().state)

    assert history["meeting"] == 3
    first, second, third = history["meetings"]
    assert [m["meeting"] for m in history["meetings"]] == [1, 2, 3]
    assert first["started_ms"] is None  # the board's creation, filled in by the shell
    assert (second["started_ms"], third["started_ms"]) == (LATER, LATER + 86_400_000)

    assert (ids(first["inner"]), ids(first["outer"])) == (["i1"], ["o1", "o2", "o3"])
    assert (ids(second["inner"]), ids(second["outer"])) == (["i1", "o1", "i2"], ["o2", "o3", "o4"])
    assert (ids(third["inner"]), ids(third["outer"])) == (["i1", "o1", "o2", "i2", "o4"], ["o3"])


def test_what_moved_inward_is_marked_with_its_meeting_and_date() -> None:
    first, second, third = board_history(three_meetings().state)["meetings"]

    assert first["moved_inward"] == []
    assert second["moved_inward"] == [
        {
            "id": "o1",
            "text": "text of o1",
            "meeting": 1,
            "round": 1,
            "inward": {"meeting": 2, "at_ms": LATER + 2_000},
        }
    ]
    assert ids(third["moved_inward"]) == ["o2", "o4"]
    assert third["counts"] == {"inner": 5, "outer": 1, "moved_inward": 2}
    assert second["counts"] == {"inner": 3, "outer": 3, "moved_inward": 1}


def test_each_meeting_lists_the_steps_made_there_with_their_status() -> None:
    first, second, third = board_history(three_meetings().state)["meetings"]

    assert [(p["id"], p["status"]) for p in first["plans"]] == [("s1", "done"), ("s2", "open")]
    assert first["plans"][0]["done_ms"] == LATER + 1_000
    assert first["plans"][0]["item"] == "text of o1"
    assert ids(second["plans"]) == ["s3"]
    assert third["plans"] == []


def test_hidden_notes_never_reach_the_history() -> None:
    room = three_meetings()
    room.go(Phase.INNER_WRITING)
    room.note(P1, "i3", "not revealed yet")
    room.go(Phase.INNER_READING)
    room.do(FACILITATOR, cmd.HideNote("i2", hidden=True))
    room.go(Phase.INNER_WRITING)
    room.note(P2, "i4", "a secret still")

    text = str(board_history(room.state))
    assert "a secret still" not in text
    assert "we finish on time" not in text  # taken off the board
    assert "not revealed yet" in text


def test_no_author_appears_in_the_history() -> None:
    room = three_meetings()
    room.do(P1, cmd.Rename("Zoë Author"))
    history = board_history(room.state)

    text = str(history)
    assert "Zoë Author" not in text and "'p1'" not in text and "'p2'" not in text
    for meeting in history["meetings"]:
        for item in [*meeting["inner"], *meeting["outer"], *meeting["plans"]]:
            assert "author" not in item


def test_a_first_meeting_alone_is_one_picture() -> None:
    history = board_history(first_meeting().state)

    assert len(history["meetings"]) == 1
    assert history["meetings"][0]["rounds"] == [1]
