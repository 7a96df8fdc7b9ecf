"""Duos on anonymous boards, a duo partner's plans, and the scale question's previous round."""

from __future__ import annotations

import orjson

from app.room import FACILITATOR
from app.room import commands as cmd
from app.room.state import PlanMode
from app.room.views import ROOM_VIEWER, snapshot_for
from tests.room.helpers import P1, P2, P3, Room


def duo_with_plan(anonymous: bool) -> Room:
    room = Room(anonymous=anonymous)
    room.outer_items((P1, "o1"))
    room.do(FACILITATOR, cmd.SetPlanMode(PlanMode.GROUPS))
    room.do(P1, cmd.StartPair("ab12"))
    room.do(P2, cmd.JoinPair("AB12"))
    room.do(P1, cmd.AddPlan("plan-1", "o1", "Agenda delen", "wij samen", "vrijdag"))
    return room


def test_a_duo_partner_may_edit_and_knows_it() -> None:
    room = duo_with_plan(anonymous=False)
    snapshot = snapshot_for(room.state, "p2")
    assert snapshot["me"]["plans"] == ["plan-1"]
    assert snapshot_for(room.state, "p3")["me"]["plans"] == []
    room.do(P2, cmd.EditPlan("plan-1", "Agenda vooraf delen", "Bram", "vrijdag"))
    # The partner's own copy learns of a plan the other one writes, as it is written.
    deliveries = room.deliver(P1, cmd.AddPlan("plan-2", "o1", "Notulen", "", ""))
    assert {"op": "me", "me": snapshot_for(room.state, "p2")["me"]} in deliveries[0].for_viewer(
        "p2"
    )


def test_leaving_a_duo_takes_the_partner_s_plans_away() -> None:
    room = duo_with_plan(anonymous=False)
    deliveries = room.deliver(P1, cmd.LeavePair())
    assert snapshot_for(room.state, "p2")["me"]["plans"] == []
    assert {"op": "me", "me": snapshot_for(room.state, "p2")["me"]} in deliveries[0].for_viewer(
        "p2"
    )
    assert snapshot_for(room.state, "p3")["me"]["plans"] == []


def test_an_anonymous_board_does_not_tie_a_plan_to_a_duo() -> None:
    named = snapshot_for(duo_with_plan(anonymous=False).state, "p3")
    anonymous = snapshot_for(duo_with_plan(anonymous=True).state, "p3")
    assert named["plans"][0]["pair"] == "AB12"
    assert anonymous["plans"][0]["pair"] is None and anonymous["plans"][0]["author"] is None


def test_the_scale_question_keeps_the_previous_round_beside_the_new_one() -> None:
    room = Room()
    room.do(FACILITATOR, cmd.OpenScale())
    room.do(P1, cmd.AnswerScale(4))
    room.do(P2, cmd.AnswerScale(6))
    room.do(FACILITATOR, cmd.CloseScale())
    first = snapshot_for(room.state, None)["scale"]
    assert first["previous"] is None and first["distribution"][4] == 1
    room.do(FACILITATOR, cmd.OpenScale())
    room.do(P3, cmd.AnswerScale(7))
    during = snapshot_for(room.state, "p1")["scale"]
    assert during["distribution"] is None and during["previous"] == first["distribution"]
    room.do(FACILITATOR, cmd.CloseScale())
    second = snapshot_for(room.state, None)["scale"]
    assert second["previous"] == first["distribution"] and second["distribution"][7] == 1


def test_on_an_anonymous_board_a_participant_learns_only_their_partner_s_name() -> None:
    room = duo_with_plan(anonymous=True)  # Ann (p1) and Bram (p2) are a duo; Cato (p3) is not
    cato = orjson.dumps(snapshot_for(room.state, "p3")).decode()
    assert "Ann" not in cato and "Bram" not in cato
    bram = snapshot_for(room.state, "p2")
    assert bram["me"]["partners"] == [{"id": "p1", "name": "Ann"}]
    assert "Cato" not in orjson.dumps(bram).decode()
    board = snapshot_for(room.state, None)
    assert {p["name"] for p in board["participants"]} == {"Ann", "Bram", "Cato"}
    for delivery in room.deliver(P3, cmd.Rename("Cato C.")):
        assert "Cato C." not in orjson.dumps(delivery.for_viewer("p1")).decode()
        assert "Cato C." in orjson.dumps(delivery.for_viewer(None)).decode()


def test_a_read_only_screen_sees_the_room_not_the_facilitator_s_list() -> None:
    room = duo_with_plan(anonymous=True)
    screen = snapshot_for(room.state, ROOM_VIEWER)
    assert screen["me"] is None
    assert {p["name"] for p in screen["participants"]} == {""}
    assert [n["id"] for n in screen["notes"]] == [
        n["id"] for n in snapshot_for(room.state, None)["notes"]
    ]
