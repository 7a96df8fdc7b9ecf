"""A follow-up meeting on the facilitator's screen, and the board's history page with its chart."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.server import ServerProcess
from tests.web.conftest import Facilitator, Message, PhoneFactory, screenshot
from tests.web.test_screen import Participant, audience, controls, join_phone
from tests.web.test_screen import wall as wall  # the 1920x1080 page, as a fixture

pytestmark = pytest.mark.browser

PHASES = [
    "topic",
    "inner_writing",
    "inner_reading",
    "outer_writing",
    "outer_reading",
    "step_forward",
    "closing",
]


def first_meeting(
    live_server: ServerProcess, facilitator: Facilitator, board: Message, until: str = "closing"
) -> None:
    """Meeting 1 up to its closing (or `until`): one inner note, two outer items, a step for
    one of them."""
    with Participant(live_server, board, "Ann") as ann:
        for source, target in itertools.pairwise(PHASES[: PHASES.index(until) + 1]):
            facilitator.change_phase(source, target)
            if target == "inner_writing":
                ann.command(type="add_note", id="i1", circle="inner", text="We helpen elkaar")
            if target == "outer_writing":
                ann.command(type="add_note", id="o1", circle="outer", text="Kortere vergaderingen")
                ann.command(type="add_note", id="o2", circle="outer", text="Vaker feedback")
            if target == "step_forward":
                plan = {"id": "s1", "note": "o1", "what": "Agenda vooraf", "who": "Ann", "when": ""}
                facilitator.command(type="add_plan", **plan)


def test_the_facilitator_moves_an_outer_item_inward_and_the_history_shows_it(
    live_server: ServerProcess,
    wall: Page,
    facilitator: Facilitator,
    board: Message,
    phone_context: PhoneFactory,
) -> None:
    first_meeting(live_server, facilitator, board)
    wall.goto(board["facilitator_url"])
    panel = controls(wall)

    # After the closing nothing is skipped: one click opens the next meeting.
    panel.get_by_role("button", name="Vervolgbijeenkomst 2 openen").click()
    review = panel.get_by_role("region", name="Terugblik (bijeenkomst 2)")
    expect(review).to_be_visible()
    expect(wall.get_by_role("dialog")).to_have_count(0)
    expect(audience(wall).get_by_role("heading", name="Terugblik (bijeenkomst 2)")).to_be_visible()
    phone = phone_context().new_page()
    join_phone(phone, live_server, board["join_code"], "Bram")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Terugblik")
    steps = phone.get_by_role("region", name="Terugblik: de stappen van eerder")
    expect(steps).to_contain_text("Agenda vooraf")
    expect(steps).to_contain_text("Nog open")

    done = review.get_by_role("button", name="Stap gedaan: Agenda vooraf")
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    expect(audience(wall)).to_contain_text("Gedaan")
    expect(steps).to_contain_text("Gedaan")  # live on the phone too
    progress = phone.get_by_role("link", name="Bekijk de voortgang over de bijeenkomsten")
    assert progress.get_attribute("href") == f"/j/{board['join_code']}/history"
    screenshot(phone, "phone-review")

    review.get_by_role(
        "button", name="Naar de binnencirkel verplaatsen: Kortere vergaderingen"
    ).click()
    moved = review.locator(".review-moved")
    expect(moved).to_contain_text("Kortere vergaderingen")
    expect(moved).to_contain_text("naar binnen verplaatst op")
    note = facilitator.wait_for(
        lambda b: any(n["id"] == "o1" and n["circle"] == "inner" for n in b.get("notes", []))
    )
    assert next(n for n in note["notes"] if n["id"] == "o1")["inward"]["meeting"] == 2
    sticky = wall.locator('[data-note-id="o1"]')
    expect(sticky).to_have_class(re.compile("is-inward"))
    screenshot(wall, "screen-follow-up-review")

    link = panel.get_by_role("link", name="Geschiedenis en voortgang")
    href = link.get_attribute("href")
    assert href is not None and href.startswith(f"/f/{board['room_id']}/history#t=")
    wall.goto(f"{live_server.url}{href}")
    chart = wall.get_by_role("img", name=re.compile("^Voortgang per bijeenkomst"))
    expect(chart).to_be_visible()
    expect(chart.locator(".history-bar")).to_have_count(2)
    expect(chart.locator('.history-bar[data-meeting="2"] .bar-moved')).to_have_count(1)
    second = wall.locator('.history-meeting[data-meeting="2"]')
    expect(second.get_by_role("heading", level=2)).to_contain_text("Bijeenkomst 2 ·")
    expect(second.locator(".history-moved")).to_contain_text("Kortere vergaderingen")
    expect(second.locator(".history-moved")).to_contain_text("naar binnen in bijeenkomst 2")
    expect(wall.locator('.history-meeting[data-meeting="1"] .history-steps')).to_contain_text(
        "Gedaan op"
    )
    assert "#t=" not in wall.url, "the token leaves the address bar"
    screenshot(wall, "history")

    # The same page, read-only, for whoever has the join code.
    wall.goto(f"{live_server.url}/s/{board['join_code']}/history")
    expect(wall.locator(".history-chart .history-bar")).to_have_count(2)
    expect(wall.locator('.history-meeting[data-meeting="2"] .history-moved')).to_contain_text(
        "Kortere vergaderingen"
    )
    back = wall.get_by_role("link", name="Terug naar het bord")
    assert back.get_attribute("href") == f"/s/{board['join_code']}"
    # From a phone, the way back is the phone's page, not the shared screen.
    phone.goto(f"{live_server.url}/j/{board['join_code']}/history")
    expect(phone.locator(".history-chart .history-bar")).to_have_count(2)
    # The chart is drawn at the phone's width: its texts keep a readable size.
    heights = phone.locator(".history-chart text").evaluate_all(
        "texts => texts.map((t) => t.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 11, heights
    phone.get_by_role("link", name="Terug naar het bord").click()
    expect(phone).to_have_url(f"{live_server.url}/j/{board['join_code']}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Terugblik")


def test_a_follow_up_counts_and_reads_its_own_new_notes(
    live_server: ServerProcess, wall: Page, facilitator: Facilitator, board: Message
) -> None:
    """The first meeting's notes stay on the circles; what was written, and what is waiting to
    be read aloud, are the new meeting's notes."""
    first_meeting(live_server, facilitator, board)
    facilitator.command(type="open_scale")
    facilitator.command(type="close_scale")
    facilitator.command(type="open_follow_up", meeting=2)
    wall.goto(board["screen_url"])
    # The review shows the scale question's answers, and says they are the first meeting's.
    expect(wall.get_by_text("Schaalvraag (bijeenkomst 1)", exact=True)).to_be_visible()
    facilitator.change_phase("topic", "inner_writing")
    written = wall.get_by_role("region", name="Geschreven")
    inner = written.locator('.count-row[data-circle="inner"] .count-number')
    expect(inner).to_have_text("0")
    with Participant(live_server, board, "Bram") as bram:
        bram.command(type="add_note", id="m2-i1", circle="inner", text="We ronden af op tijd")
        expect(inner).to_have_text("1")
        facilitator.change_phase("inner_writing", "inner_reading")
        ready = wall.locator(".ready-card .ready-title")
        expect(ready).to_have_text("1 nieuwe notitie in de binnencirkel")
        expect(wall.locator('[data-note-id="i1"]')).to_be_visible()  # meeting 1's, still there
        for source, target in itertools.pairwise(PHASES[2:5]):
            facilitator.change_phase(source, target)
        expect(ready).to_have_text("Geen nieuwe notities in de buitencirkel")


def test_opening_a_follow_up_before_the_closing_asks_first(
    live_server: ServerProcess, wall: Page, facilitator: Facilitator, board: Message
) -> None:
    first_meeting(live_server, facilitator, board, until="step_forward")
    facilitator.command(type="open_voting", dots=2)
    wall.goto(board["facilitator_url"])
    panel = controls(wall)
    open_next = panel.get_by_role("button", name="Vervolgbijeenkomst 2 openen")

    open_next.click()
    dialog = wall.get_by_role("dialog", name="Vervolgbijeenkomst 2 nu openen?")
    expect(dialog.get_by_role("listitem")).to_have_text(
        [
            "De afronding van deze bijeenkomst wordt overgeslagen.",
            "Het stippen zetten dat nu openstaat, stopt.",
        ]
    )
    expect(dialog.get_by_role("button", name="Nog niet")).to_be_focused()
    wall.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(open_next).to_be_focused()
    assert facilitator.settle()["meeting"] == 1
    expect(panel.get_by_text("Bijeenkomst 1 op dit bord.")).to_be_visible()

    open_next.click()
    dialog.get_by_role("button", name="Vervolgbijeenkomst 2 openen").click()
    expect(panel.get_by_role("region", name="Terugblik (bijeenkomst 2)")).to_be_visible()
    facilitator.wait_for(lambda b: b["meeting"] == 2)
