"""The agenda in a real browser: the facilitator walks the parts on the screen, the shared
screen shows the current part and the pause countdown, a phone shows the warm-up prompt and
the pause countdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.support.server import ServerProcess
from tests.web.conftest import (
    Facilitator,
    Message,
    PhoneFactory,
    join_with_name,
    screenshot,
    watched_page,
)
from tests.web.test_screen import WALL, Participant, fill_board, screenshot_folder
from tests.web.test_screen import wall as wall  # the 1920x1080 page, as a fixture

pytestmark = pytest.mark.browser

NEAR_FIVE_MINUTES = re.compile(r"^[45]:\d\d$")
NEAR_SEVEN_MINUTES = re.compile(r"^[67]:\d\d$")


LAPTOP: ViewportSize = {"width": 1366, "height": 768}


def move(facilitator: Facilitator, start: str | None, to: str) -> None:
    facilitator.command(type="move_part", **{"from": start, "to": to})
    facilitator.wait_for(lambda board: board.get("agenda", {}).get("part") == to)


def walk_to(facilitator: Facilitator, to: str) -> None:
    """Move the agenda part by part from the start up to `to`."""
    parts = ("warm_up", "round_1", "pause", "round_2", "closing")
    start: str | None = None
    for part in parts[: parts.index(to) + 1]:
        move(facilitator, start, part)
        start = part


def agenda_controls(page: Page) -> Locator:
    return page.get_by_role("region", name="Agenda")


def assert_inside(page: Page, dialog: Locator) -> None:
    """The dialog is whole in the window, without scrolling."""
    box = dialog.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (box, size)
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (box, size)


def test_the_screen_shows_the_agenda_the_current_part_and_the_pause_countdown(
    live_server: ServerProcess, browser: Browser, wall: Page, board: Message, tmp_path: Path
) -> None:
    wall.goto(board["facilitator_url"])
    controls = wall.get_by_role("region", name="Agenda")
    expect(controls.get_by_text("De bijeenkomst is nog niet begonnen")).to_be_visible()
    strip = wall.get_by_role("navigation", name="Agenda")
    for part in ("Start", "Ronde I", "Pauze", "Ronde II", "Afronding"):
        expect(strip.get_by_role("listitem").filter(has_text=part).first).to_be_visible()

    pause_minutes = controls.get_by_role("spinbutton", name="Minuten voor Pauze")
    expect(pause_minutes).to_be_visible()  # planned before the meeting ...

    controls.get_by_role("button", name="Bijeenkomst beginnen").click()
    current = strip.locator("[aria-current=step]")
    expect(current).to_contain_text("Start")
    # ... and folded away once it runs, so the step's controls come into view.
    expect(pause_minutes).to_be_hidden()
    step = wall.get_by_role("complementary").get_by_role("region", name="Stap")
    found = step.bounding_box()
    assert found is not None and found["y"] + found["height"] <= 768, found  # a laptop's height
    expect(wall.get_by_role("heading", name="Startoefening in duo’s")).to_be_visible()
    expect(wall.get_by_text("Een moment dat je energie gaf")).to_be_visible()
    expect(wall.locator(".status-timer")).to_contain_text(re.compile(r"^(10:00|9:\d\d)"))
    wall.screenshot(path=str(screenshot_folder(tmp_path) / "screen-agenda-warm-up.png"))

    controls.get_by_role("button", name="Verder: Ronde I").click()
    expect(current).to_contain_text("Ronde I")
    expect(current).to_contain_text(re.compile(r"nog \d+:\d\d"))
    controls.get_by_role("button", name="Verder: Pauze").click()
    expect(current).to_contain_text("Pauze")
    stage = wall.locator(".agenda-stage")
    countdown = stage.get_by_role("timer")
    expect(countdown).to_have_text(NEAR_FIVE_MINUTES)
    expect(wall.locator(".status-phase")).to_have_text("Pauze")
    expect(wall.locator(".status-timer")).to_be_hidden()  # the pause card has the big clock

    # A read-only screen (a projector) shows the same part and countdown.
    with watched_page(browser, viewport=WALL, locale="nl-NL") as screen:
        screen.goto(board["screen_url"])
        screen_strip = screen.get_by_role("navigation", name="Agenda")
        expect(screen_strip.locator("[aria-current=step]")).to_contain_text("Pauze")
        expect(screen.locator(".agenda-stage").get_by_role("timer")).to_have_text(NEAR_FIVE_MINUTES)
        # The facilitator lengthens the pause: the countdown on the projector follows.
        controls.get_by_text("Planning: 85 minuten").click()
        pause_minutes.fill("7")
        pause_minutes.press("Tab")
        expect(screen.locator(".agenda-stage").get_by_role("timer")).to_have_text(
            NEAR_SEVEN_MINUTES
        )

    # Skip round II: after the pause comes the closing, with its usefulness questions.
    controls.get_by_label("Ronde II houden (als er tijd is)").uncheck()
    expect(strip.get_by_role("listitem").filter(has_text="Ronde II")).to_contain_text(
        "overgeslagen"
    )
    wall.screenshot(path=str(screenshot_folder(tmp_path) / "screen-agenda-pause.png"))
    controls.get_by_role("button", name="Verder: Afronding").click()
    expect(current).to_contain_text("Afronding")
    expect(wall.get_by_text("Was het een nuttige bijeenkomst?").first).to_be_visible()


def test_a_phone_shows_the_warm_up_prompt_and_the_pause_countdown(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    page = phone_context().new_page()
    page.goto(f"{live_server.url}/j/{board['join_code']}")
    join_with_name(page, "Ann")

    move(facilitator, None, "warm_up")
    expect(page.get_by_role("heading", name="Startoefening in duo’s")).to_be_visible()
    expect(page.get_by_text("Wat ging er goed de laatste tijd?")).to_be_visible()
    screenshot(page, "phone-warm-up")
    expect(
        page.get_by_text(re.compile("^Opbouw van een .*Centrum Progressiegericht Werken"))
    ).to_be_visible()

    move(facilitator, "warm_up", "round_1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stap")
    expect(page.get_by_role("heading", name="Startoefening in duo’s")).to_be_hidden()

    move(facilitator, "round_1", "pause")
    expect(page.get_by_role("heading", name="Pauze")).to_be_visible()
    expect(page.get_by_role("timer").filter(has_text=NEAR_FIVE_MINUTES)).to_be_visible()
    first = page.get_by_role("timer").filter(has_text=NEAR_FIVE_MINUTES).inner_text()
    page.wait_for_timeout(2100)
    later = page.get_by_role("timer").filter(has_text=NEAR_FIVE_MINUTES).inner_text()
    assert later != first, "the countdown runs"
    screenshot(page, "phone-pause")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"horizontal scrolling: {widths}"


# -- moving on: asked first only when something would be skipped, hidden or cleared -----------


def test_going_to_the_closing_while_notes_are_face_down_asks_first(
    live_server: ServerProcess,
    wall: Page,
    board: Message,
    facilitator: Facilitator,
    tmp_path: Path,
) -> None:
    walk_to(facilitator, "round_2")
    facilitator.command(type="set_topic", topic="Onze tweede ronde")
    facilitator.change_phase("topic", "inner_writing")
    with Participant(live_server, board, "Ann") as ann:
        ann.command(type="add_note", id="i1", circle="inner", text="We overleggen kort")
        ann.command(type="add_note", id="i2", circle="inner", text="We lachen veel")
    wall.goto(board["facilitator_url"])
    onward = agenda_controls(wall).get_by_role("button", name="Verder: Afronding")

    onward.click()
    dialog = wall.get_by_role("dialog", name="Nu naar de afronding?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        "2 notities in de binnencirkel zijn nog niet voorgelezen en blijven verborgen."
    )
    expect(dialog).to_contain_text(
        "Deze stappen worden overgeslagen: Binnencirkel voorlezen, Buitencirkel schrijven, "
        "Buitencirkel voorlezen, Stap voorwaarts."
    )
    keep = dialog.get_by_role("button", name="Nog niet")
    expect(keep).to_be_focused()
    assert_inside(wall, dialog)
    wall.screenshot(path=str(screenshot_folder(tmp_path) / "screen-move-on.png"))

    # Cancel and Esc keep everything where it was, and give the focus back to the button.
    keep.click()
    expect(dialog).to_be_hidden()
    expect(onward).to_be_focused()
    wall.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    wall.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(onward).to_be_focused()
    state = facilitator.settle()
    assert (state["agenda"]["part"], state["phase"]) == ("round_2", "inner_writing")
    expect(wall.get_by_role("heading", level=1, name="Binnencirkel schrijven")).to_be_visible()

    # With the keyboard only: open it again, go to the confirm button, press it.
    wall.keyboard.press("Enter")
    confirm = dialog.get_by_role("button", name="Naar de afronding")
    wall.keyboard.press("Tab")
    expect(confirm).to_be_focused()
    wall.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    strip = wall.get_by_role("navigation", name="Agenda")
    expect(strip.locator("[aria-current=step]")).to_contain_text("Afronding")
    facilitator.wait_for(lambda b: b["agenda"]["part"] == "closing" and b["phase"] == "closing")


def test_starting_round_two_asks_first_and_cancel_keeps_the_circles(
    live_server: ServerProcess, browser: Browser, board: Message, facilitator: Facilitator
) -> None:
    walk_to(facilitator, "round_1")
    fill_board(live_server, board, facilitator, ["We helpen elkaar"], ["Kortere overdracht"], 1)
    facilitator.change_phase("outer_reading", "step_forward")
    move(facilitator, "round_1", "pause")
    with watched_page(browser, viewport=LAPTOP, locale="nl-NL") as laptop:
        laptop.goto(board["facilitator_url"])
        onward = agenda_controls(laptop).get_by_role("button", name="Verder: Ronde II")
        onward.click()
        dialog = laptop.get_by_role("dialog", name="Ronde II beginnen?")
        expect(dialog).to_contain_text(
            "De cirkels worden leeggemaakt voor ronde II; de notities van ronde I blijven in de "
            "export."
        )
        expect(dialog.get_by_role("listitem")).to_have_count(1)  # round I was finished
        assert_inside(laptop, dialog)

        dialog.get_by_role("button", name="Nog niet").click()
        expect(dialog).to_be_hidden()
        expect(onward).to_be_focused()
        expect(laptop.locator('[data-note-id="in-0"]')).to_be_visible()
        assert facilitator.settle()["round"] == 1

        onward.click()
        dialog.get_by_role("button", name="Ronde II beginnen").click()
        expect(dialog).to_be_hidden()
        facilitator.wait_for(lambda b: b["round"] == 2 and b["agenda"]["part"] == "round_2")
        expect(laptop.locator('[data-note-id="in-0"]')).to_have_count(0)
        expect(laptop.get_by_role("heading", level=1, name="Onderwerp")).to_be_visible()


def test_moving_on_when_nothing_is_left_behind_takes_one_click(
    live_server: ServerProcess, wall: Page, board: Message, facilitator: Facilitator
) -> None:
    walk_to(facilitator, "round_1")
    fill_board(live_server, board, facilitator, ["We helpen elkaar"], ["Kortere overdracht"], 1)
    facilitator.change_phase("outer_reading", "step_forward")
    facilitator.command(type="set_round_two", included=False)
    wall.goto(board["facilitator_url"])
    controls = agenda_controls(wall)
    current = wall.get_by_role("navigation", name="Agenda").locator("[aria-current=step]")

    # The pause only steps away from the circles: the round is still there after it.
    controls.get_by_role("button", name="Verder: Pauze").click()
    expect(current).to_contain_text("Pauze")
    # The round reached its step forward: nothing is skipped on the way to the closing.
    controls.get_by_role("button", name="Verder: Afronding").click()
    expect(current).to_contain_text("Afronding")
    expect(wall.get_by_role("dialog")).to_have_count(0)
    facilitator.wait_for(lambda b: b["phase"] == "closing")


def test_keys_in_the_confirmation_belong_to_it_not_to_the_reader(
    live_server: ServerProcess, wall: Page, board: Message, facilitator: Facilitator
) -> None:
    walk_to(facilitator, "pause")
    facilitator.command(type="set_round_two", included=False)
    outer = ["Kortere overdracht", "Vaker feedback"]
    fill_board(live_server, board, facilitator, ["We helpen elkaar"], outer, 1)
    facilitator.command(type="show_item", target="out-0")
    wall.goto(board["facilitator_url"])
    expect(wall.locator("#reader")).to_contain_text("Kortere overdracht")

    # Clicked with the mouse: Space and Esc would otherwise move or stop the reader.
    onward = agenda_controls(wall).get_by_role("button", name="Verder: Afronding")
    onward.click()
    dialog = wall.get_by_role("dialog", name="Nu naar de afronding?")
    expect(dialog).to_contain_text("Deze stappen worden overgeslagen: Stap voorwaarts.")
    wall.keyboard.press("Space")
    expect(dialog).to_be_hidden()
    onward.click()
    wall.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert facilitator.settle()["reading"] == "out-0"
    expect(wall.locator("#reader")).to_contain_text("Kortere overdracht")
