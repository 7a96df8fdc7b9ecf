"""What each viewer sees: the board (facilitator and screen), the author, everyone else."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
import pytest

from app.room import commands as cmd
from app.room.state import Actor, Circle, Phase, PlanMode, Usefulness
from app.room.views import ROOM_VIEWER, Delivery, snapshot_for
from tests.room.helpers import FACILITATOR, P1, P2, P3, Room, participant
from tests.room.replica import Replica

SECRET = "niemand-mag-dit-lezen"
VIEWERS = (None, "p1", "p2", "p3")


def wire(value: Any) -> str:
    return orjson.dumps(value).decode()


def seen_by(deliveries: list[Delivery], pid: str | None) -> str:
    return wire([d.for_viewer(pid) for d in deliveries])


def note_ids(room: Room, pid: str | None) -> list[str]:
    return [note["id"] for note in snapshot_for(room.state, pid)["notes"]]


@pytest.fixture
def writing() -> Room:
    room = Room()
    room.go(Phase.INNER_WRITING)
    return room


def test_before_the_reveal_only_the_author_sees_the_text(writing: Room) -> None:
    delivered = writing.deliver(P1, cmd.AddNote("n1", Circle.INNER, SECRET))

    assert SECRET in seen_by(delivered, "p1")
    for pid in (None, "p2", "p3"):
        assert SECRET not in seen_by(delivered, pid)
        assert delivered[0].for_viewer(pid) == [
            {
                "op": "counts",
                "counts": {"inner": 1, "outer": 0},
                "writers": {"inner": 1, "outer": 0},
            }
        ]
        assert SECRET not in wire(snapshot_for(writing.state, pid))
        assert note_ids(writing, pid) == []
    mine = snapshot_for(writing.state, "p1")
    assert mine["notes"][0]["text"] == SECRET
    assert "author" not in mine["notes"][0]  # named only after the reveal
    assert mine["me"]["notes"] == ["n1"]
    assert snapshot_for(writing.state, "p2")["counts"] == {"inner": 1, "outer": 0}


def test_an_edit_before_the_reveal_reaches_only_the_author(writing: Room) -> None:
    writing.do(P1, cmd.AddNote("n1", Circle.INNER, "first"))

    delivered = writing.deliver(P1, cmd.EditNote("n1", SECRET))

    assert SECRET in seen_by(delivered, "p1")
    for pid in (None, "p2"):
        assert delivered[0].for_viewer(pid) == []


def test_a_delete_before_the_reveal_tells_the_others_only_the_counts(writing: Room) -> None:
    writing.do(P1, cmd.AddNote("n1", Circle.INNER, SECRET))

    delivered = writing.deliver(P1, cmd.DeleteNote("n1"))

    assert delivered[0].for_viewer("p2") == [
        {"op": "counts", "counts": {"inner": 0, "outer": 0}, "writers": {"inner": 0, "outer": 0}}
    ]
    assert {"op": "note_removed", "id": "n1"} in delivered[0].for_viewer("p1")
    for pid in VIEWERS:
        assert SECRET not in wire(snapshot_for(writing.state, pid))


def test_after_the_reveal_everyone_sees_the_same_note(writing: Room) -> None:
    writing.do(P1, cmd.AddNote("n1", Circle.INNER, SECRET))

    delivered = writing.deliver(
        FACILITATOR, cmd.ChangePhase(Phase.INNER_WRITING, Phase.INNER_READING)
    )

    reveal, phase = delivered
    assert reveal.personal == {}
    [op] = reveal.everyone
    assert op["note"]["text"] == SECRET
    assert op["note"]["author"] == "Ann"
    assert phase.needs_snapshot
    views = [snapshot_for(writing.state, pid)["notes"] for pid in VIEWERS]
    assert all(v == views[0] for v in views)
    assert views[0][0]["revealed"]


def test_a_revealed_note_that_is_deleted_disappears_for_everyone(writing: Room) -> None:
    writing.do(P1, cmd.AddNote("n1", Circle.INNER, SECRET))
    writing.go(Phase.INNER_READING)

    delivered = writing.deliver(P1, cmd.DeleteNote("n1"))

    assert delivered[0].needs_snapshot
    for pid in VIEWERS:
        assert SECRET not in wire(snapshot_for(writing.state, pid))
        assert note_ids(writing, pid) == []


def test_the_shared_screen_sees_what_the_facilitator_sees(writing: Room) -> None:
    writing.do(P1, cmd.AddNote("n1", Circle.INNER, SECRET))

    board = snapshot_for(writing.state, None)

    assert board["me"] is None
    assert board["notes"] == []


@pytest.fixture
def anonymous() -> Room:
    room = Room(anonymous=True)
    room.go(Phase.OUTER_WRITING)
    room.note(P1, "o1")
    room.note(P2, "o2")
    room.go(Phase.STEP_FORWARD)
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    return room


def without_people(value: Any) -> str:
    """The output without the participant list and `me`, where names belong."""
    if isinstance(value, dict):
        if value.get("op") in ("participant", "me"):
            return ""
        value = {k: v for k, v in value.items() if k not in ("participants", "me")}
    if isinstance(value, list):
        return "".join(without_people(item) for item in value)
    return wire(value)


def test_an_anonymous_board_never_names_an_author(anonymous: Room) -> None:
    delivered = anonymous.deliver(P1, cmd.AddPlan("plan-1", "o1", "ask", "", ""))
    delivered += anonymous.deliver(P1, cmd.Rename("Annemarie"))
    delivered += anonymous.deliver(P1, cmd.StartPair("DUO1"))
    delivered += anonymous.deliver(P1, cmd.EditPlan("plan-1", "ask twice", "", ""))

    for pid in VIEWERS:
        seen = without_people([d.for_viewer(pid) for d in delivered])
        seen += without_people(snapshot_for(anonymous.state, pid))
        for name in ("Ann", "Annemarie", "Bram"):
            assert name not in seen, (pid, name)
    board = snapshot_for(anonymous.state, None)
    assert [n.get("author") for n in board["notes"]] == [None, None]
    assert [p["author"] for p in board["plans"]] == [None]


def test_a_named_board_names_authors_after_the_reveal_and_follows_a_rename() -> None:
    room = Room()
    room.outer_items((P1, "o1"))
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    room.do(P1, cmd.AddPlan("plan-1", "o1", "ask", "", ""))
    assert snapshot_for(room.state, None)["notes"][0]["author"] == "Ann"
    assert snapshot_for(room.state, None)["plans"][0]["author"] == "Ann"
    board = Replica(room.state, None)

    for delivery in room.deliver(P1, cmd.Rename("Annemarie")):
        board.take(room.state, delivery.for_viewer(None))

    assert board.board["notes"]["o1"]["author"] == "Annemarie"
    assert board.board["plans"]["plan-1"]["author"] == "Annemarie"
    assert board.matches(room.state)


@pytest.fixture
def voting() -> Room:
    room = Room()
    room.outer_items((P1, "o1"), (P2, "o2"), (P3, "o3"))
    room.do(FACILITATOR, cmd.OpenVoting(3))
    return room


def note_sent(deliveries: list[Delivery], nid: str) -> dict[str, Any]:
    ops = [op for d in deliveries for op in d.for_viewer(None) if op.get("op") == "note"]
    found: dict[str, Any] = next(op["note"] for op in ops if op["note"]["id"] == nid)
    return found


def test_a_note_leaves_out_the_fields_at_their_default() -> None:
    """Most notes are not hidden, merged or moved inward, and have no author before the reveal
    or on an anonymous board: without those fields a board of 500 notes is a fifth smaller. A
    note is always sent whole, so taking a flag back takes its field away."""
    room = Room()
    room.outer_items((P1, "o1"), (P2, "o2"))
    plain = {"id", "circle", "text", "revealed", "order", "meeting"}
    assert [set(n) for n in snapshot_for(room.state, None)["notes"]] == [plain | {"author"}] * 2

    assert note_sent(room.deliver(FACILITATOR, cmd.HideNote("o1", True)), "o1")["hidden"] is True
    assert "hidden" not in note_sent(room.deliver(FACILITATOR, cmd.HideNote("o1", False)), "o1")
    merged = note_sent(room.deliver(FACILITATOR, cmd.MergeNote("o2", "o1")), "o2")
    assert merged["merged_into"] == "o1"
    assert "merged_into" not in note_sent(room.deliver(FACILITATOR, cmd.UnmergeNote("o2")), "o2")

    anonymous = Room(anonymous=True)
    anonymous.outer_items((P1, "o1"))
    assert set(snapshot_for(anonymous.state, None)["notes"][0]) == plain


def test_nobody_learns_who_voted(voting: Room) -> None:
    delivered = voting.deliver(P1, cmd.CastVote("o2"))

    public = {"status": "open", "dots": 3, "cast": 1, "voters": 1, "tally": None}
    for pid in (None, "p2", "p3"):
        assert delivered[0].for_viewer(pid) == [{"op": "voting", "voting": public}]
        board = snapshot_for(voting.state, pid)
        assert board["voting"] == public
        assert "p1" not in wire(board["voting"])
    assert snapshot_for(voting.state, "p2")["me"]["votes"] == []
    mine = delivered[0].for_viewer("p1")
    assert mine[-1]["me"]["votes"] == ["o2"]
    assert snapshot_for(voting.state, "p1")["me"]["votes"] == ["o2"]


def test_the_tally_appears_when_voting_closes(voting: Room) -> None:
    voting.do(P1, cmd.CastVote("o2"))
    voting.do(P2, cmd.CastVote("o2"))
    voting.do(P2, cmd.CastVote("o3"))
    assert snapshot_for(voting.state, None)["voting"]["tally"] is None

    delivered = voting.deliver(FACILITATOR, cmd.CloseVoting())

    closed = {"status": "closed", "dots": 3, "cast": 3, "voters": 2, "tally": {"o2": 2, "o3": 1}}
    for pid in VIEWERS:
        assert delivered[0].for_viewer(pid) == [{"op": "voting", "voting": closed}]
        assert snapshot_for(voting.state, pid)["voting"] == closed


def test_reflections_and_scale_answers_are_anonymous() -> None:
    room = Room()
    room.go(Phase.CLOSING)
    room.do(FACILITATOR, cmd.OpenScale())
    delivered = room.deliver(P1, cmd.AnswerScale(8))
    room.do(FACILITATOR, cmd.CloseScale())

    assert delivered[0].for_viewer("p2") == [
        {
            "op": "scale",
            "scale": {
                "status": "open",
                "answered": 1,
                "distribution": None,
                "previous": None,
                "meeting": 1,
            },
        }
    ]
    scale = snapshot_for(room.state, None)["scale"]
    assert scale["distribution"] == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    assert snapshot_for(room.state, "p1")["me"]["scale"] == 8
    assert snapshot_for(room.state, "p2")["me"]["scale"] is None


def test_reflection_texts_reach_the_facilitator_only() -> None:
    """Everyone sees how useful the meeting was; the texts are the facilitator's to read out
    (each answer would otherwise carry every earlier one to every phone again)."""
    room = Room()
    room.go(Phase.CLOSING)
    room.do(P2, cmd.SubmitReflection(Usefulness.YES, "De volgorde", ""))
    [delivered] = room.deliver(P1, cmd.SubmitReflection(Usefulness.PARTLY, SECRET, "korter"))
    summary = {"yes": 1, "partly": 1, "no": 0}

    board = snapshot_for(room.state, None)["reflections"]
    assert board["summary"] == summary and len(board["items"]) == 2
    assert SECRET in wire(delivered.for_viewer(None))
    for pid in (ROOM_VIEWER, "p2", "p3"):
        assert snapshot_for(room.state, pid)["reflections"] == {"summary": summary, "items": []}
        assert SECRET not in wire(delivered.for_viewer(pid))
        assert SECRET not in wire(snapshot_for(room.state, pid))
    assert snapshot_for(room.state, "p1")["me"]["reflection"]["what"] == SECRET


def test_the_facilitator_gets_each_answer_alone_and_keeps_the_list_in_order() -> None:
    room = Room()
    room.go(Phase.CLOSING)
    board = Replica(room.state, None)
    answers = [
        (P1, cmd.SubmitReflection(Usefulness.YES, "De volgorde", "")),
        (P2, cmd.SubmitReflection(Usefulness.NO, "", "")),  # no words: counted, not listed
        (P3, cmd.SubmitReflection(Usefulness.PARTLY, "", "korter")),
        (P1, cmd.SubmitReflection(Usefulness.NO, "", "")),  # the first changes their mind
        (P2, cmd.SubmitReflection(Usefulness.YES, "Rustig", "")),
        (P1, cmd.SubmitReflection(Usefulness.PARTLY, "Toch wel", "")),
    ]
    for actor, answer in answers:
        [delivered] = room.deliver(actor, answer)
        ops = delivered.for_viewer(None)
        assert [op["op"] for op in ops] == ["reflection"], "one answer, not the whole list"
        board.take(room.state, ops)
        assert board.matches(room.state)
    items = board.board["reflections"]["items"]
    assert [(i["key"], i["what"] or i["improve"]) for i in items] == [
        (0, "Toch wel"),
        (1, "Rustig"),
        (2, "korter"),
    ]


def test_phase_changes_and_new_rounds_ask_for_a_snapshot(voting: Room) -> None:
    [closed, phase] = voting.deliver(
        FACILITATOR, cmd.ChangePhase(Phase.STEP_FORWARD, Phase.CLOSING)
    )

    assert not closed.needs_snapshot
    assert phase.needs_snapshot
    assert voting.deliver(FACILITATOR, cmd.OpenScale())[0].needs_snapshot


def replicas(room: Room) -> dict[str | None, Replica]:
    return {pid: Replica(room.state, pid) for pid in VIEWERS}


def follow(
    room: Room, views: dict[str | None, Replica], actor: Actor, command: cmd.Command
) -> None:
    for delivery in room.deliver(actor, command):
        for pid, replica in views.items():
            replica.take(room.state, delivery.for_viewer(pid))
    for pid, replica in views.items():
        assert replica.matches(room.state), pid


def test_moving_a_note_updates_the_counts() -> None:
    room = Room()
    room.outer_items((P1, "o1"))
    views = replicas(room)

    follow(room, views, FACILITATOR, cmd.MoveNote("o1", Circle.INNER))

    assert views["p2"].board["counts"] == {"inner": 1, "outer": 0}


def test_removing_a_plan_updates_its_authors_own_list() -> None:
    room = Room()
    room.outer_items((P1, "o1"))
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    room.do(P1, cmd.AddPlan("plan-1", "o1", "ask", "", ""))
    views = replicas(room)
    assert views["p1"].board["me"]["plans"] == ["plan-1"]

    follow(room, views, FACILITATOR, cmd.RemovePlan("plan-1"))

    assert views["p1"].board["me"]["plans"] == []


def test_own_notes_follow_every_version_of_the_room(writing: Room) -> None:
    """Who wrote what is kept in each version of the room; each version answers for itself."""
    before = writing.state
    assert snapshot_for(before, "p2")["me"]["notes"] == []
    writing.deliver(P2, cmd.AddNote("n2", Circle.INNER, SECRET))
    after = writing.state
    for _ in range(2):  # asked alternately, each version answers for itself
        assert note_ids(writing, "p2") == ["n2"]
        assert snapshot_for(after, "p2")["me"]["notes"] == ["n2"]
        assert snapshot_for(before, "p2")["me"]["notes"] == []
        assert SECRET not in wire(snapshot_for(after, "p1"))


def test_counts_follow_every_version_and_round_of_the_room(writing: Room) -> None:
    """Counts are kept per round and circle; each version of the room answers for itself."""
    before = writing.state
    writing.do(P1, cmd.AddNote("n1", Circle.INNER, SECRET))
    writing.do(P1, cmd.AddNote("n2", Circle.INNER, "weg"))
    writing.do(P1, cmd.DeleteNote("n2"))
    after = writing.state
    next_round = replace(after, round=after.round + 1)  # the same notes, none in this round
    assert snapshot_for(before, None)["counts"] == {"inner": 0, "outer": 0}
    assert snapshot_for(after, None)["counts"] == {"inner": 1, "outer": 0}
    assert snapshot_for(next_round, None)["counts"] == {"inner": 0, "outer": 0}
    assert wire(snapshot_for(after, None)["counts"]) == '{"inner":1,"outer":0}'


def test_a_join_or_a_rename_sends_that_one_person_not_the_whole_list() -> None:
    """A wave of joins would otherwise send every phone the growing list at each join."""
    room = Room(people=[f"p{i}" for i in range(1, 31)])
    views = replicas(room)
    [joined] = room.deliver(participant("p31"), cmd.Join("Bo", "hash-p31"))
    [renamed] = room.deliver(participant("p31"), cmd.Rename("Ann"))
    for delivery, name in ((joined, "Bo"), (renamed, "Ann")):
        ops = [op for op in delivery.for_viewer("p1") if op["op"] == "participant"]
        assert ops == [{"op": "participant", "person": {"id": "p31", "name": name, "pair": None}}]
    for replica in views.values():
        replica.take(room.state, joined.for_viewer(replica.pid))
        replica.take(room.state, renamed.for_viewer(replica.pid))
        assert replica.matches(room.state)
        assert [p["id"] for p in replica.board["participants"]][-2:] == ["p30", "p31"]


def test_the_room_sees_how_many_have_written_not_who(writing: Room) -> None:
    writing.do(P1, cmd.AddNote("n1", Circle.INNER, "one"))
    writing.do(P1, cmd.AddNote("n2", Circle.INNER, "two"))
    delivered = writing.deliver(P2, cmd.AddNote("n3", Circle.INNER, "three"))
    counts = {
        "op": "counts",
        "counts": {"inner": 3, "outer": 0},
        "writers": {"inner": 2, "outer": 0},
    }
    assert delivered[0].for_viewer(None) == [counts]
    assert snapshot_for(writing.state, "p3")["writers"] == {"inner": 2, "outer": 0}

    writing.do(P1, cmd.DeleteNote("n1"))
    assert snapshot_for(writing.state, None)["writers"] == {"inner": 2, "outer": 0}
    delivered = writing.deliver(P2, cmd.DeleteNote("n3"))
    assert delivered[0].for_viewer(None) == [
        {"op": "counts", "counts": {"inner": 1, "outer": 0}, "writers": {"inner": 1, "outer": 0}}
    ]
