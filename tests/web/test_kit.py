"""The facilitator's kit in a real browser: checklists saved per facilitator link, tips and
example questions in both languages."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.support.server import ServerProcess
from tests.web.conftest import Message, watched_page

pytestmark = pytest.mark.browser

LAPTOP: ViewportSize = {"width": 1440, "height": 900}
FIRST_STEP = "Ik nodig deelnemers aan de bijeenkomst uit"


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Page]:
    """The facilitator's laptop; page errors fail the test."""
    with watched_page(browser, viewport=LAPTOP, locale="nl-NL") as page:
        yield page


def kit(page: Page, name: str = "Begeleiderskit") -> Locator:
    return page.get_by_role("region", name=name)


def open_kit(page: Page, name: str = "Begeleiderskit") -> Locator:
    toggle = page.get_by_role("button", name=name)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel = kit(page, name)
    expect(panel).to_be_visible()
    return panel


def test_a_ticked_item_is_still_ticked_after_a_reload(
    live_server: ServerProcess, laptop: Page, board: Message
) -> None:
    laptop.goto(board["facilitator_url"])
    panel = open_kit(laptop)
    expect(panel.get_by_role("tab", name="Voorbereiding")).to_have_attribute(
        "aria-selected", "true"
    )
    item = panel.get_by_role("group", name=FIRST_STEP)
    already = item.get_by_role("checkbox", name="Doe ik al")
    expect(already).not_to_be_checked()
    already.check()
    expect(panel.get_by_role("status")).to_have_text("Opgeslagen")

    stored = httpx.get(
        f"{live_server.url}/api/boards/{board['room_id']}/kit",
        headers={"Authorization": f"Bearer {board['facilitator_token']}"},
    ).json()["checklists"]["preparation"][0]
    assert stored["already_do"] is True and stored["want_more"] is False

    laptop.reload()
    panel = open_kit(laptop)
    item = panel.get_by_role("group", name=FIRST_STEP)
    expect(item.get_by_role("checkbox", name="Doe ik al")).to_be_checked()
    expect(item.get_by_role("checkbox", name="Wil ik meer gaan doen")).not_to_be_checked()

    # The keyboard: arrows move between the tabs; Escape closes the kit and returns the focus.
    tab = panel.get_by_role("tab", name="Voorbereiding")
    tab.focus()
    laptop.keyboard.press("ArrowRight")
    expect(panel.get_by_role("tab", name="Uitvoering")).to_be_focused()
    expect(panel.get_by_text("Ik bied structuur tijdens de bijeenkomst")).to_be_visible()
    laptop.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(laptop.get_by_role("button", name="Begeleiderskit")).to_be_focused()


def test_tips_and_example_questions_in_dutch_and_english(laptop: Page, board: Message) -> None:
    laptop.goto(board["facilitator_url"])
    panel = open_kit(laptop)
    panel.get_by_role("tab", name="Tips").click()
    expect(panel.get_by_text("Zorg dat er positieve formuleringen komen te staan")).to_be_visible()
    expect(panel.get_by_text("Houd bij de rondjes de vaart erin.")).to_be_visible()
    panel.get_by_role("tab", name="Voorbeeldvragen").click()
    expect(panel.get_by_text("Wat wil je bereiken?")).to_be_visible()
    expect(panel.get_by_text("Centrum Progressiegericht Werken")).to_be_visible()

    laptop.get_by_role("button", name="English (EN)").click()
    panel = kit(laptop, "Facilitator's kit")
    expect(panel.get_by_role("tab", name="Example questions")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(panel.get_by_text("What do you want to achieve?")).to_be_visible()
    panel.get_by_role("tab", name="Tips").click()
    expect(panel.get_by_text("Make sure that positive phrasings go into")).to_be_visible()
    panel.get_by_role("tab", name="Preparation").click()
    item = panel.get_by_role("group", name="I invite participants to the meeting")
    expect(item.get_by_role("checkbox", name="I already do this")).to_be_visible()
