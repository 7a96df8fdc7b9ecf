"""The facilitator's board controls in a real browser: opening the board while the server is
away for a moment, deleting the board behind a confirmation, the date the server deletes it by
itself, undoing a merge, the timer's writing lock and its chime, and putting participants
together in duos."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    FloatRect,
    Locator,
    Page,
    Route,
    ViewportSize,
    WebSocketRoute,
    expect,
)

from tests.support.client import messages_of
from tests.support.server import ServerProcess
from tests.web.conftest import (
    Facilitator,
    Message,
    PhoneFactory,
    create_board,
    watched_page,
    worker_active,
)
from tests.web.test_screen import (
    Participant,
    board_svg,
    fill_board,
    join_phone,
    screenshot_folder,
)

pytestmark = pytest.mark.browser

LAPTOP: ViewportSize = {"width": 1440, "height": 900}
TIME_ZONE = "Europe/Amsterdam"
DUTCH_MONTHS = [
    *("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"),
    *("september", "oktober", "november", "december"),
]
PAIR_CODE = re.compile(r"[ABCDEFGHJKLMNPQRSTUVWXYZ2-9]{4}")


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Page]:
    """The facilitator's laptop in Amsterdam's time zone; page errors fail the test."""
    options = {"viewport": LAPTOP, "locale": "nl-NL", "timezone_id": TIME_ZONE}
    with watched_page(browser, **options, accept_downloads=True) as page:
        yield page


def controls(page: Page) -> Locator:
    return page.get_by_role("complementary", name="Bediening voor de begeleider")


def summary(server: ServerProcess, board: Message) -> httpx.Response:
    return httpx.get(
        f"{server.url}/api/boards/{board['room_id']}",
        headers={"Authorization": f"Bearer {board['facilitator_token']}"},
    )


def walk_to(facilitator: Facilitator, target: str) -> None:
    phases = ["topic", "inner_writing", "inner_reading", "outer_writing", "outer_reading"]
    phases += ["step_forward", "closing"]
    for source, after in itertools.pairwise(phases):
        if source == target:
            return
        facilitator.change_phase(source, after)


# -- opening the board ------------------------------------------------------------------------


def test_the_board_opens_by_itself_once_the_server_is_back(
    live_server: ServerProcess, laptop: Page, board: Message
) -> None:
    """The page came, but the board's lookup did not: the proxy answers 502 twice (a restart
    behind it), then the server is back."""
    answers = iter([502, 502])

    def away_twice(route: Route) -> None:
        status = next(answers, None)
        if status is None:
            route.continue_()
        else:
            route.fulfill(status=status, body="Bad Gateway")

    laptop.route(f"**/api/boards/{board['room_id']}", away_twice)
    laptop.goto(board["facilitator_url"])
    waiting = laptop.get_by_role("alert").filter(has_text="We blijven het proberen")
    expect(waiting).to_be_visible()
    expect(controls(laptop).get_by_role("region", name="Bord")).to_be_visible()
    expect(waiting).to_be_hidden()
    assert next(answers, None) is None


def test_the_screen_opens_while_the_server_is_away_and_loads_the_board_once_it_is_back(
    fresh_server: ServerProcess, laptop: Page
) -> None:
    fresh_server.start()
    board = create_board(fresh_server)
    laptop.goto(board["facilitator_url"])
    expect(controls(laptop).get_by_role("region", name="Bord")).to_be_visible()
    assert worker_active(laptop, "/f/"), "no active service worker for /f/"

    fresh_server.stop()
    laptop.reload()  # the kept page: without it the browser shows its own error page
    expect(laptop.get_by_role("alert")).to_contain_text("We blijven het proberen")
    fresh_server.start()
    expect(controls(laptop).get_by_role("region", name="Bord")).to_be_visible(timeout=20_000)


def test_a_board_that_does_not_exist_is_not_tried_again(
    live_server: ServerProcess, laptop: Page
) -> None:
    lookups: list[str] = []
    laptop.on("request", lambda r: lookups.append(r.url) if "/api/join/" in r.url else None)
    laptop.goto(f"{live_server.url}/s/NOSUCHCODE")
    expect(laptop.get_by_role("alert")).to_contain_text("Dit bord bestaat niet (meer)")
    laptop.wait_for_timeout(1500)  # longer than the first wait before trying again
    assert len(lookups) == 1, lookups


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1440, 900)])
def test_the_panel_keeps_its_width_beside_the_controls_on_a_small_screen(
    live_server: ServerProcess,
    browser: Browser,
    board: Message,
    facilitator: Facilitator,
    size: tuple[int, int],
) -> None:
    """A projector at 1024x768 squeezed the panel between the circles and the controls to a
    few pixels; the circles give up width first."""
    width, height = size
    options = {"viewport": {"width": width, "height": height}, "locale": "nl-NL"}
    with watched_page(browser, **options) as page:
        page.goto(board["facilitator_url"])
        expect(controls(page).get_by_role("region", name="Bord")).to_be_visible()
        stage, audience, aside = (
            box(page, f"#{part}") for part in ("stage", "audience", "controls")
        )
        assert audience["width"] >= 300 and stage["width"] >= 300, (stage, audience)
        assert aside["x"] + aside["width"] <= width + 1, aside
        code = box(page, ".join-code-value")
        assert code["x"] + code["width"] <= audience["x"] + audience["width"] + 1, code

        # The step's name broke inside its words ("Binnenci / rkel / schrijven") beside the
        # timer; it gets the column's width, and the timer the line below.
        facilitator.change_phase("topic", "inner_writing")
        facilitator.command(type="start_timer", seconds=300, lock_writing=False)
        name = page.get_by_role("heading", level=1, name="Binnencirkel schrijven")
        expect(name).to_be_visible()
        expect(page.locator("#status").get_by_role("timer")).to_be_visible()
        lines = name.evaluate(
            """(heading) => {
                const range = document.createRange();
                range.selectNodeContents(heading);
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
            }"""
        )
        assert lines <= 2, lines

        # While a circle is read the join line is in the footer: the address may break, the
        # code in it must not ("95TEN24W / 7P" could not be typed).
        facilitator.change_phase("inner_writing", "inner_reading")
        footer = page.locator(".footer-join")
        expect(footer).to_contain_text(board["join_code"])
        code_lines = footer.evaluate(
            """(line, code) => {
                const start = line.textContent.indexOf(code);
                const stop = start + code.length;
                const range = document.createRange();
                const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
                let offset = 0;
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const end = offset + node.data.length;
                    if (start >= offset && start < end) range.setStart(node, start - offset);
                    if (stop > offset && stop <= end) range.setEnd(node, stop - offset);
                    offset = end;
                }
                return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
            }""",
            board["join_code"],
        )
        assert code_lines == 1, code_lines


def test_the_shared_screen_opens_in_a_window_of_its_own_and_goes_full_screen(
    live_server: ServerProcess, laptop: Page, board: Message
) -> None:
    """A laptop with the projector as a second display: the controls stay on the laptop, the
    read-only screen goes to a window for the projector."""
    laptop.goto(board["facilitator_url"])
    # Both buttons are the facilitator's, with the controls: not in the toolbar the room sees.
    expect(controls(laptop).get_by_role("button", name="Volledig scherm")).to_be_visible()
    expect(laptop.get_by_role("group", name="Weergave")).to_be_visible()
    expect(
        laptop.get_by_role("group", name="Weergave").get_by_role("button", name="Volledig scherm")
    ).to_have_count(0)
    open_screen = controls(laptop).get_by_role("button", name="Scherm in nieuw venster")
    with laptop.context.expect_page() as opened:
        open_screen.click()
    screen = opened.value
    expect(screen.get_by_role("heading", level=1, name="Onderwerp")).to_be_visible()
    assert screen.url == f"{live_server.url}/s/{board['join_code']}"
    expect(controls(screen)).to_be_hidden()
    expect(screen.get_by_role("button", name="Scherm in nieuw venster")).to_be_hidden()
    # A second click brings the same window back instead of opening another.
    open_screen.click()
    screen.wait_for_timeout(300)
    assert len(laptop.context.pages) == 2

    full_screen = screen.get_by_role("button", name="Volledig scherm")
    full_screen.click()
    screen.wait_for_function("document.fullscreenElement !== null")
    expect(full_screen).to_have_attribute("aria-pressed", "true")
    full_screen.click()
    screen.wait_for_function("document.fullscreenElement === null")
    expect(full_screen).to_have_attribute("aria-pressed", "false")


def box(page: Page, selector: str) -> FloatRect:
    found = page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def test_the_join_code_breaks_only_between_its_groups(
    live_server: ServerProcess, browser: Browser
) -> None:
    """In English the join card's steps take more lines and leave the code less room: it broke
    inside its second group ("7HSD9 K / 4EE2"), and the address under it inside the port."""
    board = create_board(live_server, "Teamdag", variant="duo", language="en")
    options = {"viewport": {"width": 1366, "height": 768}, "locale": "en-GB"}
    with watched_page(browser, **options) as page:
        page.goto(board["facilitator_url"])
        card = page.get_by_role("region", name="Join with your phone")
        expect(card).to_contain_text("type the code")
        groups = card.locator(".join-code-group")
        expect(groups).to_have_count(2)
        shapes = groups.evaluate_all(
            """(groups) => groups.map((group) => {
                const rects = group.getClientRects();
                return [rects.length, Math.round(rects[0].left), Math.round(rects[0].top)];
            })"""
        )
        assert [lines for lines, _, _ in shapes] == [1, 1], shapes
        (_, left1, top1), (_, left2, top2) = shapes
        assert top2 == top1 or left2 == left1, shapes  # a second line starts under the first
        address_code = card.locator(".join-url .join-code-whole")
        expect(address_code).to_have_text(board["join_code"])
        assert address_code.evaluate("(code) => code.getClientRects().length") == 1


# -- the way to the next step -----------------------------------------------------------------


def test_the_next_step_stays_in_view_however_far_the_controls_scroll(
    laptop: Page, board: Message, facilitator: Facilitator
) -> None:
    """Before the meeting begins the agenda's planning fills the top of the controls: on a
    1366x768 laptop the next step's button sat 250 px below the window's edge."""
    facilitator.change_phase("topic", "inner_writing")
    laptop.set_viewport_size({"width": 1366, "height": 768})
    laptop.goto(board["facilitator_url"])
    expect(controls(laptop).get_by_text("De bijeenkomst is nog niet begonnen")).to_be_visible()
    steps = laptop.get_by_role("navigation", name="Stappen")
    nxt = steps.get_by_role("button", name="Volgende stap: Binnencirkel voorlezen →")
    expect(steps.get_by_role("button", name="← Terug: Onderwerp")).to_be_visible()
    expect(steps).to_contain_text("De volgende stap laat de binnencirkel aan iedereen zien.")
    for where in ("0", "el.scrollHeight / 2", "el.scrollHeight"):
        controls(laptop).evaluate(f"(el) => {{ el.scrollTop = {where}; }}")
        found = nxt.bounding_box()
        assert found is not None, where
        assert 0 <= found["y"] <= 768 - found["height"], (where, found)
    nxt.click(trial=True)  # nothing covers it
    nxt.click()
    facilitator.wait_for(lambda b: b["phase"] == "inner_reading")
    nxt = steps.get_by_role("button", name="Volgende stap: Buitencirkel schrijven →")
    expect(nxt).to_be_visible()

    # On a tablet the controls come under the circles and the page scrolls: within the
    # controls, the bar keeps to the window's bottom.
    laptop.set_viewport_size({"width": 800, "height": 1024})
    laptop.evaluate(
        "() => window.scrollTo(0, document.getElementById('controls')"
        ".getBoundingClientRect().top + window.scrollY + 500)"
    )
    found = nxt.bounding_box()
    assert found is not None
    assert 0 <= found["y"] <= 1024 - found["height"], found


# -- deleting the board ----------------------------------------------------------------------


def test_deleting_the_board_after_confirming_closes_it_for_everyone(
    live_server: ServerProcess,
    laptop: Page,
    phone_context: PhoneFactory,
    board: Message,
    tmp_path: Path,
) -> None:
    phone = phone_context().new_page()
    join_phone(phone, live_server, board["join_code"], "Ann")
    laptop.goto(board["facilitator_url"])
    section = controls(laptop).get_by_role("region", name="Bord")

    # The date the server deletes the board by itself, in the page's language and time zone.
    deletes_at = datetime.fromisoformat(summary(live_server, board).json()["deletes_at"])
    local = deletes_at.astimezone(ZoneInfo(TIME_ZONE))
    date = f"{local.day} {DUTCH_MONTHS[local.month - 1]} {local.year}"
    notice = section.get_by_text("Dit bord wordt automatisch verwijderd op")
    expect(notice).to_contain_text(date)
    expect(notice).to_contain_text(f"{local:%H:%M}")
    expect(section.get_by_role("button", name="Eerst bewaren als Markdown")).to_be_visible()

    # Opening the confirmation changes nothing; Escape closes it and gives the focus back.
    delete = section.get_by_role("button", name="Bord nu verwijderen…")
    delete.click()
    dialog = laptop.get_by_role("dialog", name="Dit bord nu verwijderen?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Niet verwijderen")).to_be_focused()
    screenshot_dialog = screenshot_folder(tmp_path) / "screen-delete-board.png"
    laptop.screenshot(path=str(screenshot_dialog))
    laptop.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    assert summary(live_server, board).status_code == 200

    # With the keyboard only: open again, tab to the confirm button, press it.
    laptop.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    confirm = dialog.get_by_role("button", name="Ja, bord verwijderen")
    while not confirm.evaluate("node => node === document.activeElement"):
        laptop.keyboard.press("Tab")
    laptop.keyboard.press("Enter")

    expect(laptop.get_by_role("alert").filter(has_text="Het bord is verwijderd")).to_be_visible()
    expect(laptop.get_by_role("link", name="Naar de startpagina")).to_be_focused()
    expect(phone.get_by_text("Dit bord bestaat niet meer.")).to_be_visible()
    assert summary(live_server, board).status_code == 404
    # The phone forgets the board too: its key, its place in the code book, its drafts.
    kept = phone.evaluate(
        "(room) => Object.entries(localStorage).filter(([k, v]) => (k + v).includes(room))",
        board["room_id"],
    )
    assert kept == [], kept


# -- undoing a merge -------------------------------------------------------------------------


def test_undo_merge_puts_the_note_back_on_the_circles(
    live_server: ServerProcess, laptop: Page, facilitator: Facilitator, board: Message
) -> None:
    merged = "We geven elkaar vaker een compliment"
    target = "Elke maandag plannen we samen de week"
    fill_board(live_server, board, facilitator, ["De overdracht is kort"], [target, merged], 2)
    facilitator.command(type="merge_note", id="out-1", into="out-0")
    screen = laptop.context.new_page()
    screen.goto(board["screen_url"])
    laptop.goto(board["facilitator_url"])
    for page in (laptop, screen):
        expect(board_svg(page).get_by_role("listitem")).to_have_count(2)
        expect(board_svg(page).get_by_role("listitem", name=re.compile(merged))).to_have_count(0)

    notes = controls(laptop).get_by_role("region", name="Notities beheren")
    expect(notes.get_by_role("heading", name="Samengevoegde notities")).to_be_visible()
    expect(notes.get_by_text("samengevoegd met: Elke maandag")).to_be_visible()
    notes.get_by_role("button", name=f"Samenvoegen ongedaan maken: {merged}").click()

    facilitator.wait_for(lambda b: all(n.get("merged_into") is None for n in b["notes"]))
    for page in (laptop, screen):
        expect(board_svg(page).get_by_role("listitem")).to_have_count(3)
        expect(board_svg(page).get_by_role("listitem", name=re.compile(merged))).to_be_visible()
    expect(notes.get_by_role("heading", name="Samengevoegde notities")).to_be_hidden()
    expect(notes.get_by_role("button", name=re.compile("^Samenvoegen ongedaan"))).to_have_count(0)


# -- dot voting ------------------------------------------------------------------------------


def test_the_dots_per_person_start_at_the_server_s_default_and_keep_to_its_maximum(
    live_server: ServerProcess, laptop: Page, facilitator: Facilitator, board: Message
) -> None:
    """The page takes both numbers from the limits the server sends with its welcome (here
    rewritten on the way, to tell them from the page's own fallbacks)."""
    fill_board(live_server, board, facilitator, ["De overdracht is kort"], ["Elke maandag"], 1)
    facilitator.change_phase("outer_reading", "step_forward")

    def relay(route: WebSocketRoute) -> None:
        server = route.connect_to_server()

        def from_server(message: str | bytes) -> None:
            found = messages_of(message)
            for each in found:
                each.get("limits", {}).update(
                    DEFAULT_DOTS_PER_PARTICIPANT=4, MAX_DOTS_PER_PARTICIPANT=6
                )
            route.send(json.dumps(found if len(found) > 1 else found[0]))

        server.on_message(from_server)

    laptop.route_web_socket(re.compile(r"/ws/"), relay)
    laptop.goto(board["facilitator_url"])
    voting = controls(laptop).get_by_role("region", name="Stippen en keuze")
    dots = voting.get_by_role("spinbutton", name="Stippen per persoon")
    expect(dots).to_have_value("4")
    expect(dots).to_have_attribute("max", "6")
    dots.fill("9")
    voting.get_by_role("button", name="Stippen zetten openen").click()
    assert facilitator.wait_for(lambda b: b["voting"]["status"] == "open")["voting"]["dots"] == 6


# -- the timer's writing lock ----------------------------------------------------------------


def test_the_writing_lock_changes_without_restarting_the_timer(
    laptop: Page, facilitator: Facilitator, board: Message
) -> None:
    walk_to(facilitator, "inner_writing")
    facilitator.command(type="start_timer", seconds=300, lock_writing=False)
    before = facilitator.wait_for(lambda b: b.get("timer") is not None)["timer"]
    laptop.goto(board["facilitator_url"])
    lock = controls(laptop).get_by_role("checkbox", name="Schrijven sluiten als de tijd om is")
    expect(lock).not_to_be_checked()
    lock.check()
    after = facilitator.wait_for(lambda b: b["timer"]["lock_writing"])["timer"]
    assert after["deadline_ms"] == before["deadline_ms"]
    assert after["duration_ms"] == before["duration_ms"]
    lock.uncheck()
    facilitator.wait_for(lambda b: not b["timer"]["lock_writing"])


# Counts the tones the page starts (the chime is two); the page's own code is untouched.
COUNT_TONES = """
window.tonesStarted = 0;
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
    window.tonesStarted += 1;
    return start.apply(this, args);
};
"""


def test_a_chime_sounds_once_when_the_time_is_up_unless_switched_off(
    browser: Browser, laptop: Page, facilitator: Facilitator, board: Message
) -> None:
    walk_to(facilitator, "inner_writing")
    with watched_page(browser, viewport=LAPTOP, locale="nl-NL") as wall:
        for page, url in ((laptop, "facilitator_url"), (wall, "screen_url")):
            page.add_init_script(COUNT_TONES)
            page.clock.install()
            page.goto(board[url])
        sound = controls(laptop).get_by_role("checkbox", name="Geluid als de tijd om is")
        expect(sound).to_be_checked()  # on unless this device switched it off
        for page in (laptop, wall):  # browsers let a page sound once someone clicked on it
            page.locator("#status").click()
        time_up = controls(laptop).get_by_role("alert").filter(has_text="De tijd is om")

        facilitator.command(type="start_timer", seconds=10, lock_writing=False)
        expect(laptop.locator("#status").get_by_role("timer")).to_be_visible()
        assert laptop.evaluate("window.tonesStarted") == 0
        for page in (laptop, wall):
            page.clock.fast_forward(11_000)
        expect(time_up).to_be_visible()
        laptop.wait_for_function("window.tonesStarted === 2")
        laptop.clock.run_for(2_000)  # the clock ticks on at zero: no second chime
        assert laptop.evaluate("window.tonesStarted") == 2
        # The shared screen beside it stays silent: the room hears one chime.
        expect(wall.locator("#status").get_by_role("timer")).to_contain_text("De tijd is om")
        assert wall.evaluate("window.tonesStarted") == 0

    sound.uncheck()
    facilitator.command(type="start_timer", seconds=10, lock_writing=False)
    expect(time_up).to_be_hidden()
    laptop.clock.fast_forward(11_000)
    expect(time_up).to_be_visible()
    laptop.clock.run_for(2_000)
    assert laptop.evaluate("window.tonesStarted") == 2

    laptop.reload()  # the choice stays with this device
    expect(sound).not_to_be_checked()


# -- duos --------------------------------------------------------------------------------------


def has_people(count: int) -> Callable[[Message], bool]:
    return lambda board: len(board["participants"]) == count


def test_the_facilitator_puts_two_participants_in_a_duo(
    live_server: ServerProcess,
    laptop: Page,
    facilitator: Facilitator,
    board: Message,
    tmp_path: Path,
) -> None:
    with ExitStack() as stack:
        for count, name in enumerate(["Ann", "", "Cem"], start=1):
            stack.enter_context(Participant(live_server, board, name))
            facilitator.wait_for(has_people(count))
        walk_to(facilitator, "step_forward")
        facilitator.command(type="set_plan_mode", mode="groups")
        laptop.goto(board["facilitator_url"])
        duos = controls(laptop).get_by_role("region", name="Duo’s")
        expect(duos.get_by_text("Nog geen duo’s.")).to_be_visible()
        expect(duos.get_by_text("Nog zonder duo (3)")).to_be_visible()

        duos.get_by_label("Eerste persoon").select_option(label="Ann")
        duos.get_by_label("Tweede persoon").select_option(label="Deelnemer 2")
        duos.get_by_role("button", name="Duo maken").click()

        duo = duos.get_by_role("listitem").filter(has_text="Ann & Deelnemer 2")
        expect(duo).to_be_visible()
        people = facilitator.wait_for(lambda b: b["participants"][0]["pair"] is not None)
        ann, unnamed, cem = people["participants"]
        assert ann["pair"] == unnamed["pair"] and cem["pair"] is None
        assert PAIR_CODE.fullmatch(ann["pair"]), ann["pair"]
        expect(duo).to_contain_text(f"duo {ann['pair']}")
        expect(duos.get_by_text("Nog zonder duo (1)")).to_be_visible()
        controls(laptop).screenshot(path=str(screenshot_folder(tmp_path) / "screen-duos.png"))
