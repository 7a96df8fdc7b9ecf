"""Plans are read aloud on the shared screen like notes: one at a time, with "1 / 2"."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Page, expect

from tests.support.server import ServerProcess
from tests.web.conftest import Facilitator, Message
from tests.web.test_screen import Participant
from tests.web.test_screen import wall as wall  # the 1920x1080 page, as a fixture

pytestmark = pytest.mark.browser

PHASES = ["topic", "inner_writing", "inner_reading", "outer_writing", "outer_reading"]


def test_the_facilitator_reads_the_plans_aloud_with_the_keyboard(
    live_server: ServerProcess, wall: Page, facilitator: Facilitator, board: Message
) -> None:
    with Participant(live_server, board, "Ann") as ann:
        for source, target in itertools.pairwise(PHASES):
            facilitator.change_phase(source, target)
            if target == "outer_writing":
                ann.command(type="add_note", id="o1", circle="outer", text="Besluiten vastleggen")
        facilitator.change_phase("outer_reading", "step_forward")
        for n, (what, who) in enumerate([("Notulen in de chat", "Sam"), ("Agenda vooraf", "Ann")]):
            plan = {"id": f"plan-{n}", "note": "o1", "what": what, "who": who, "when": "vrijdag"}
            facilitator.command(type="add_plan", **plan)
    wall.goto(board["facilitator_url"])
    reader = wall.locator(".reader-card")
    expect(wall.get_by_text("Notulen in de chat").first).to_be_visible()
    wall.keyboard.press("ArrowRight")
    expect(reader.get_by_text("1 / 2", exact=True)).to_be_visible()
    expect(reader).to_contain_text("Notulen in de chat")
    expect(reader).to_contain_text("Besluiten vastleggen")
    wall.keyboard.press("PageDown")
    expect(reader.get_by_text("2 / 2", exact=True)).to_be_visible()
    expect(reader).to_contain_text("Agenda vooraf")
    facilitator.settle()
    assert facilitator.board["reading"] == "plan-1", "the marker moved for everyone"
