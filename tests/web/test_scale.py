"""The scale question on the shared screen: a second round is drawn beside the first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.server import ServerProcess
from tests.web.conftest import Facilitator, Message
from tests.web.test_screen import Participant, screenshot_folder
from tests.web.test_screen import wall as wall  # the 1920x1080 page, as a fixture

pytestmark = pytest.mark.browser


def a_round(facilitator: Facilitator, people: list[Participant], values: list[int]) -> None:
    facilitator.command(type="open_scale")
    for person, value in zip(people, values, strict=True):
        person.command(type="answer_scale", value=value)
    facilitator.command(type="close_scale")


def test_the_screen_shows_the_previous_round_beside_the_new_one(
    live_server: ServerProcess, wall: Page, facilitator: Facilitator, board: Message, tmp_path: Path
) -> None:
    wall.goto(board["screen_url"])
    with Participant(live_server, board, "A") as a, Participant(live_server, board, "B") as b:
        a_round(facilitator, [a, b], [3, 4])
        chart = wall.get_by_role("img", name="schaalvraag")
        expect(chart).to_have_attribute("aria-label", re.compile(r"0 tot 10: 0: 0.*3: 1, 4: 1"))
        assert "Vorige keer" not in (chart.get_attribute("aria-label") or "")
        a_round(facilitator, [a, b], [6, 7])
        expect(chart).to_have_attribute("aria-label", re.compile("Vorige keer"))
    label = chart.get_attribute("aria-label") or ""
    assert "Vorige keer: 0: 0, 1: 0, 2: 0, 3: 1, 4: 1" in label
    assert "Nu: 0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 1" in label
    chart.screenshot(path=str(screenshot_folder(tmp_path) / "scale-two-rounds.png"))
