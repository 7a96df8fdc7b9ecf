"""The shared screen in a real browser: a whole team meeting at 1920x1080 with three phones,
150 notes on one screen, and pictures of the screen in normal and projector mode."""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page, ViewportSize, expect
from websockets.sync.client import ClientConnection, connect

from app.realtime.protocol import PROTOCOL_VERSION
from app.room.limits import MAX_NAME_LENGTH, MAX_NOTE_LENGTH
from tests.support.client import messages_of
from tests.support.server import ServerProcess
from tests.web.conftest import (
    Facilitator,
    Message,
    PhoneFactory,
    join_with_name,
    watched_page,
    write_note,
)

pytestmark = pytest.mark.browser

WALL: ViewportSize = {"width": 1920, "height": 1080}
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
SMALL_PROJECTOR: ViewportSize = {"width": 1280, "height": 720}


def screenshot_folder(tmp_path: Path) -> Path:
    """docs/screenshots when CIRKELBORD_SCREENSHOTS asks for it (to refresh the README's
    pictures), else a temporary folder, so a test run never changes tracked files."""
    wanted = os.environ.get("CIRKELBORD_SCREENSHOTS")
    return Path(wanted) if wanted else tmp_path


INNER = {
    "Ann": ["We helpen elkaar als het druk is", "Nieuwe collega's voelen zich snel welkom"],
    "Bram": ["De overdracht begint op tijd"],
    "Cem": ["We vieren kleine successen samen"],
}
OUTER = {
    "Ann": ["Elke maandag plannen we samen de week"],
    "Bram": ["We geven elkaar vaker een compliment"],
    "Cem": ["Klantvragen zijn binnen een dag beantwoord"],
}
CHOSEN = "Elke maandag plannen we samen de week"


# -- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def wall(browser: Browser) -> Iterator[Page]:
    """A 1920x1080 page (a laptop on a projector); page errors fail the test."""
    with watched_page(browser, viewport=WALL, locale="nl-NL", accept_downloads=True) as page:
        yield page


def board_svg(page: Page) -> Locator:
    return page.get_by_role("group", name=re.compile("^(Cirkelbord over|Circle board on)"))


def audience(page: Page) -> Locator:
    """What the room reads next to the circles."""
    return page.get_by_role("region", name=re.compile("^(Stap, tijd en uitleg|Step, time and)"))


def controls(page: Page) -> Locator:
    name = re.compile("^(Bediening voor de begeleider|Facilitator controls)$")
    return page.get_by_role("complementary", name=name)


def next_step(page: Page, phase: str) -> None:
    controls(page).get_by_role("button", name=f"Volgende stap: {phase} →").click()
    expect(page.get_by_role("heading", level=1, name=phase)).to_be_visible()


def join_phone(page: Page, server: ServerProcess, code: str, name: str) -> None:
    page.goto(f"{server.url}/join")
    page.get_by_label("Deelnamecode").fill(code)
    join_with_name(page, name)


def write(page: Page, circle: str, text: str) -> None:
    write_note(page, circle, text)
    expect(page.get_by_text(text, exact=True)).to_be_visible()


def assert_fits_the_window(page: Page) -> None:
    sizes = page.evaluate(
        """() => ({
            width: document.documentElement.scrollWidth,
            height: document.documentElement.scrollHeight,
            innerWidth: window.innerWidth,
            innerHeight: window.innerHeight})"""
    )
    assert sizes["width"] <= sizes["innerWidth"], sizes
    assert sizes["height"] <= sizes["innerHeight"], sizes


class Participant:
    """A participant over a plain WebSocket: enough to fill a board quickly."""

    _cids = itertools.count()

    def __init__(self, server: ServerProcess, board: Message, name: str) -> None:
        self._url = f"{server.ws_url}/ws/{board['room_id']}"
        self._hello = {"type": "hello", "v": PROTOCOL_VERSION, "role": "participant"}
        self._hello |= {"code": board["join_code"], "name": name}
        self._ws: ClientConnection | None = None

    def __enter__(self) -> Participant:
        # Unbounded: the room's events pile up unread while notes are written, and a full queue
        # would stop the client from seeing the server's close frame.
        self._ws = connect(self._url, compression=None, max_queue=None).__enter__()
        self._ws.send(json.dumps(self._hello))
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._ws is not None
        self._ws.close()

    def command(self, **fields: Any) -> None:
        """Send a command and wait for its ack."""
        assert self._ws is not None
        cid = f"p-{next(self._cids)}"
        self._ws.send(json.dumps({**fields, "cid": cid}))
        while True:
            for message in messages_of(self._ws.recv(timeout=10)):
                if message.get("cid") == cid:
                    assert message["type"] == "ack", message
                    return


def fill_board(
    server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    inner: list[str],
    outer: list[str],
    people: int = 5,
) -> None:
    """Write the notes through `people` participants and reveal both circles."""
    with ExitStack() as stack:
        participants = [
            stack.enter_context(Participant(server, board, f"Deelnemer {i + 1}"))
            for i in range(people)
        ]
        facilitator.change_phase("topic", "inner_writing")
        for i, text in enumerate(inner):
            participants[i % people].command(
                type="add_note", id=f"in-{i}", circle="inner", text=text
            )
        facilitator.change_phase("inner_writing", "inner_reading")
        facilitator.change_phase("inner_reading", "outer_writing")
        for i, text in enumerate(outer):
            participants[i % people].command(
                type="add_note", id=f"out-{i}", circle="outer", text=text
            )
        facilitator.change_phase("outer_writing", "outer_reading")


# -- 1. the whole team flow ------------------------------------------------------------------


def test_a_whole_meeting_on_the_shared_screen(
    live_server: ServerProcess, wall: Page, phone_context: PhoneFactory
) -> None:
    screen = wall
    screen.goto(live_server.url)
    screen.get_by_label("Onderwerp").fill("Samenwerken in ons team")
    screen.get_by_role("button", name="Bord maken").click()
    made = screen.get_by_role("region", name="Je bord is klaar")
    code_made = made.locator(".join-code").inner_text()  # read aloud: in groups, copied whole
    expect(made.locator(".join-code-group")).to_have_text(
        [code_made[i : i + 5] for i in range(0, len(code_made), 5)]
    )
    screen.get_by_role("link", name="Open het gedeelde scherm").click()
    expect(screen.get_by_role("heading", level=1, name="Onderwerp")).to_be_visible()
    expect(board_svg(screen)).to_contain_text("Samenwerken in ons team")
    assert "#t=" not in screen.url, "the token stays out of the address bar"
    join_card = screen.get_by_role("region", name="Doe mee met je telefoon")
    code = join_card.locator(".join-code-value").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4,16}", code), code
    assert code == code_made
    groups = join_card.locator(".join-code-group")  # read across the room in groups of five
    expect(groups).to_have_text([code[i : i + 5] for i in range(0, len(code), 5)])
    expect(join_card.get_by_role("img", name=re.compile(code))).to_be_visible()

    next_step(screen, "Binnencirkel schrijven")
    expect(
        audience(screen).get_by_text("Welke progressie hebben jullie al bereikt?")
    ).to_be_visible()
    phones: dict[str, Page] = {}
    for name in INNER:
        phones[name] = phone_context().new_page()
        join_phone(phones[name], live_server, code, name)
    expect(audience(screen).get_by_text("3 online")).to_be_visible()

    counts = screen.get_by_role("region", name="Geschreven")
    for name, texts in INNER.items():
        for text in texts:
            write(phones[name], "inner", text)
        if name == "Ann":  # how many have written, not who
            expect(counts).to_contain_text("door 1 van de 3 deelnemers")
    expect(counts).to_contain_text("4")
    expect(counts).to_contain_text("in de binnencirkel")
    expect(counts).to_contain_text("door 3 van de 3 deelnemers")
    expect(board_svg(screen)).to_contain_text("4 notities")
    for text in INNER["Ann"]:
        expect(screen.get_by_text(text)).to_have_count(0)
        expect(phones["Bram"].get_by_text(text)).to_have_count(0)
    expect(phones["Ann"].get_by_text(INNER["Bram"][0])).to_have_count(0)

    next_step(screen, "Binnencirkel voorlezen")
    inner_notes = board_svg(screen).get_by_role("listitem")
    expect(inner_notes).to_have_count(4)
    expect(phones["Ann"].get_by_text(INNER["Bram"][0])).to_be_visible()
    expect(phones["Cem"].get_by_text(INNER["Ann"][0])).to_be_visible()

    screen.keyboard.press("ArrowRight")
    reader = screen.locator(".reader-card")
    expect(reader.get_by_text("1 / 4", exact=True)).to_be_visible()
    expect(reader).to_contain_text(INNER["Ann"][0])
    expect(board_svg(screen).locator("[aria-current='true']")).to_have_count(1)
    screen.keyboard.press("PageDown")
    expect(reader.get_by_text("2 / 4", exact=True)).to_be_visible()
    screen.keyboard.press("Space")
    expect(reader.get_by_text("3 / 4", exact=True)).to_be_visible()
    screen.keyboard.press("ArrowLeft")
    expect(reader.get_by_text("2 / 4", exact=True)).to_be_visible()
    screen.keyboard.press("Escape")
    expect(reader).to_be_hidden()

    next_step(screen, "Buitencirkel schrijven")
    for name, texts in OUTER.items():
        for text in texts:
            write(phones[name], "outer", text)
    expect(counts).to_contain_text("3")
    expect(screen.get_by_text(CHOSEN)).to_have_count(0)
    next_step(screen, "Buitencirkel voorlezen")
    expect(board_svg(screen).get_by_role("listitem")).to_have_count(7)
    screen.get_by_role("button", name="Begin met voorlezen").click()
    expect(reader.get_by_text("1 / 3", exact=True)).to_be_visible()

    next_step(screen, "Stap voorwaarts")
    screen.get_by_role("button", name="Stippen zetten openen").click()
    votes = {"Ann": [CHOSEN], "Bram": [CHOSEN, OUTER["Bram"][0]], "Cem": [CHOSEN]}
    for name, items in votes.items():
        for item in items:
            dot = phones[name].get_by_role("button", name=item)
            dot.click()
            expect(dot).to_have_attribute("aria-pressed", "true")
    expect(screen.get_by_text("3 mensen, 4 stippen")).to_be_visible()
    screen.get_by_role("button", name="Stippen zetten sluiten").click()
    chosen_note = board_svg(screen).get_by_role("listitem", name=re.compile(CHOSEN))
    expect(chosen_note).to_have_attribute("aria-label", re.compile("3 stippen"))
    screen.get_by_role("button", name=f"Kies: {CHOSEN}").click()
    expect(chosen_note).to_have_attribute("aria-label", re.compile("Gekozen"))
    chosen_card = screen.get_by_role("region", name="Als eerste naar de binnencirkel")
    expect(chosen_card).to_contain_text(CHOSEN)

    expect(screen.get_by_label("Welk ding uit de buitencirkel?")).to_have_value(re.compile(".+"))
    screen.get_by_label("Wat is de kleine stap?").fill("Maandag om 9 uur een kwartier weekstart")
    screen.get_by_label("Wie?", exact=True).fill("Ann en Bram")
    screen.get_by_label("Wanneer?", exact=True).fill("Vanaf volgende week")
    screen.get_by_role("button", name="Plan opslaan").click()
    expect(chosen_card).to_contain_text("Maandag om 9 uur een kwartier weekstart")
    expect(chosen_card).to_contain_text("Wie: Ann en Bram")

    next_step(screen, "Afronding")
    for name, useful in (("Ann", "Ja"), ("Bram", "Ja"), ("Cem", "Deels")):
        phone = phones[name]
        phone.get_by_role("radio", name=useful, exact=True).check()
        phone.get_by_label("Wat was nuttig?").fill(f"Zien wat al goed gaat ({name})")
        phone.get_by_role("button", name="Reflectie versturen").click()
        expect(phone.get_by_text("Dank je wel! Je antwoord is verstuurd.")).to_be_visible()
    expect(screen.get_by_text("Nuttig? Ja: 2 · Deels: 1 · Nee: 0")).to_be_visible()
    answers = screen.locator(".reflect-list li")
    expect(answers).to_have_count(3)  # each answer arrives alone; the list keeps their order
    for i, name in enumerate(("Ann", "Bram", "Cem")):
        expect(answers.nth(i)).to_contain_text(f"Zien wat al goed gaat ({name})")
    screen.get_by_label("Vervolgafspraken").fill("Over vier weken kijken we hoe de weekstart loopt")
    screen.get_by_role("button", name="Afspraken opslaan").click()
    closing = screen.get_by_role("region", name="Was het nuttig?")
    expect(closing).to_contain_text("Over vier weken kijken we hoe de weekstart loopt")

    with screen.expect_download() as download:
        screen.get_by_role("button", name="Markdown downloaden").click()
    path = download.value.path()
    assert path is not None
    markdown = Path(path).read_text(encoding="utf-8")
    for texts in (*INNER.values(), *OUTER.values()):
        for text in texts:
            assert all(word in markdown for word in re.findall(r"\w+", text)), text
    assert "weekstart" in markdown
    assert_fits_the_window(screen)


def test_space_after_clicking_the_next_step_reads_the_first_note_not_the_step_after(
    live_server: ServerProcess, board: Message, facilitator: Facilitator, wall: Page
) -> None:
    """The facilitator clicks "Volgende stap" with the mouse, then reads aloud with Space: the
    clicked button keeps the focus, and Space must not press it again."""
    outer = ["Elke maandag plannen we de week", "We geven vaker een compliment"]
    fill_board(live_server, board, facilitator, ["De overdracht is kort"], outer, 2)
    facilitator.change_phase("outer_reading", "outer_writing")
    wall.goto(board["facilitator_url"])
    next_step(wall, "Buitencirkel voorlezen")
    reader = wall.locator(".reader-card")
    for shown in ("1 / 2", "2 / 2"):
        wall.keyboard.press("Space")
        expect(reader.get_by_text(shown, exact=True)).to_be_visible()
    expect(wall.get_by_role("heading", level=1, name="Buitencirkel voorlezen")).to_be_visible()
    assert facilitator.settle()["phase"] == "outer_reading"

    # Reached with the keyboard, the button is the button: Space takes the next step.
    step = controls(wall).get_by_role("button", name="Volgende stap: Stap voorwaarts →")
    step.focus()
    wall.keyboard.press("Tab")
    wall.keyboard.press("Shift+Tab")
    expect(step).to_be_focused()
    wall.keyboard.press("Space")
    expect(wall.get_by_role("heading", level=1, name="Stap voorwaarts")).to_be_visible()


# -- 2. 150 notes on one screen --------------------------------------------------------------


@pytest.mark.parametrize("role", ["facilitator", "screen"])
def test_150_notes_fit_on_one_screen(
    live_server: ServerProcess, wall: Page, facilitator: Facilitator, board: Message, role: str
) -> None:
    words = ("we", "helpen", "elkaar", "vaker", "plannen", "delen", "leren", "klanten", "rustig")
    notes = [" ".join(words[(i + k) % len(words)] for k in range(2 + i % 11)) for i in range(150)]
    fill_board(live_server, board, facilitator, notes[:80], notes[80:], people=15)
    url = board["facilitator_url"] if role == "facilitator" else board["screen_url"]
    wall.goto(url)
    items = board_svg(wall).get_by_role("listitem")
    expect(items).to_have_count(150)
    boxes = wall.evaluate(
        """() => [...document.querySelectorAll('[data-note-id]')].map((n) => {
            const r = n.getBoundingClientRect();
            return [r.left, r.top, r.right, r.bottom, r.width * r.height];
        })"""
    )
    assert len(boxes) == 150
    for left, top, right, bottom, area in boxes:
        assert left >= 0 and top >= 0 and right <= WALL["width"] and bottom <= WALL["height"]
        assert area > 0
    for i in (0, 79, 80, 149):
        expect(items.nth(i)).to_be_visible()
    assert_fits_the_window(wall)


def test_a_sticky_note_draws_a_long_word_smaller_rather_than_breaking_it(
    live_server: ServerProcess, wall: Page, facilitator: Facilitator, board: Message
) -> None:
    """Dutch compounds are long: "vergaderingen" was split as "vergaderinge / n". A word too
    long for the note even at its smallest type is broken with a hyphen."""
    texts = ["Kortere vergaderingen", "Vaker feedback", "Teamvergaderingsvoorbereidingen delen"]
    fill_board(live_server, board, facilitator, ["We helpen elkaar"], texts, people=2)
    wall.goto(board["facilitator_url"])
    expect(board_svg(wall).get_by_role("listitem")).to_have_count(4)

    def lines_of(i: int) -> list[str]:
        tspans = wall.locator(f'[data-note-id="out-{i}"] .sticky-text tspan')
        return tspans.all_text_contents()

    for i, text in enumerate(texts[:2]):
        assert " ".join(lines_of(i)) == text, lines_of(i)  # every line ends at a word's end
    lines = lines_of(2)
    joined = "".join(line[:-1] if line.endswith("-") else f"{line} " for line in lines)
    assert joined.strip() == texts[2], lines


# The room's column shows all it holds without scrolling; how much smaller it is drawn for that.
COLUMN_FITS = (
    "() => { const p = document.getElementById('panel');"
    " return p.scrollHeight <= p.clientHeight + 1; }"
)
COLUMN_ZOOM = (
    "() => Number(document.getElementById('panel').style.getPropertyValue('--fit-zoom') || 1)"
)


def test_the_whole_column_shows_on_a_small_projector(
    live_server: ServerProcess, browser: Browser, facilitator: Facilitator, board: Message
) -> None:
    """At 1280x720 the writing step's column (how to join, the questions, how many wrote) was
    taller than the window, and how many had written was cut off where nobody scrolls. It is
    drawn smaller until it fits, and at full size again when the window has the room. Beside
    the facilitator's controls at 1280x720 the agenda's parts took three lines: it did not fit
    even at the smallest size."""
    facilitator.change_phase("topic", "inner_writing")
    with ExitStack() as stack:
        people = [
            stack.enter_context(Participant(live_server, board, name))
            for name in ("Ann", "Bram", "Cem", "Dirk")
        ]
        for i, person in enumerate(people):
            person.command(type="add_note", id=f"in-{i}", circle="inner", text=f"Notitie {i}")
        for url, width, height in (
            ("facilitator_url", 1280, 720),
            ("screen_url", 1280, 720),
            ("screen_url", 1024, 768),
        ):
            viewport: ViewportSize = {"width": width, "height": height}
            page = stack.enter_context(watched_page(browser, viewport=viewport, locale="nl-NL"))
            page.goto(board[url])
            counts = page.get_by_role("region", name="Geschreven")
            expect(counts).to_contain_text("door 4 van de 4 deelnemers")
            expect(page.get_by_role("region", name="Doe mee met je telefoon")).to_be_visible()
            page.wait_for_function(COLUMN_FITS)
            zoom = page.evaluate(COLUMN_ZOOM)
            assert 0.6 <= zoom < 1, zoom
            found = counts.bounding_box()
            assert found is not None and found["y"] + found["height"] <= height, found
            assert_fits_the_window(page)
        # The same page on a larger screen: larger again, and at full size when it all fits.
        page.set_viewport_size(WALL)
        page.wait_for_function(f"(before) => ({COLUMN_ZOOM})() > before", arg=zoom)
        assert page.evaluate(COLUMN_FITS)
        page.set_viewport_size({"width": 1920, "height": 1440})
        page.wait_for_function(f"() => ({COLUMN_ZOOM})() === 1")
        assert page.evaluate(COLUMN_FITS)


def test_the_screen_shows_how_many_are_still_typing_never_who(
    live_server: ServerProcess,
    wall: Page,
    facilitator: Facilitator,
    board: Message,
    phone_context: PhoneFactory,
) -> None:
    facilitator.change_phase("topic", "inner_writing")
    wall.goto(board["screen_url"])
    counts = wall.get_by_role("region", name="Geschreven")
    phones = [phone_context().new_page() for _ in range(2)]
    for phone, name in zip(phones, ("Ann", "Bram"), strict=True):
        join_phone(phone, live_server, board["join_code"], name)
    expect(counts).to_be_visible()
    typing = counts.locator(".counts-typing")
    expect(typing).to_be_hidden()

    for phone in phones:
        phone.get_by_role("textbox", name="Wat gaat er al goed?").fill("We helpen")
    expect(typing).to_have_text("✎ 2 mensen schrijven nog")
    write(phones[0], "inner", "We helpen elkaar")
    expect(typing).to_have_text("✎ 1 persoon schrijft nog")
    facilitator.change_phase("inner_writing", "inner_reading")
    facilitator.change_phase("inner_reading", "inner_writing")
    expect(typing).to_be_hidden()  # a new step ends the typing


# -- 3. long notes and long names ------------------------------------------------------------

SENTENCE = "Als we elke maandagochtend samen de week doornemen, helpen we elkaar op tijd. "
LONGEST_NOTE = (SENTENCE * 4)[:MAX_NOTE_LENGTH].strip()
LONGEST_NAME = ("Wilhelmina" + "Wouterszoon" + "Westerwoldt" + "Wijngaarden")[:MAX_NAME_LENGTH]

# Where the text being read is, in pixels, and the box around it that shows it.
READER_TEXT = """() => {
    const body = document.querySelector('.reader-body');
    const text = body.querySelector('.reader-text');
    const box = body.getBoundingClientRect();
    const words = text.getBoundingClientRect();
    const column = document.getElementById('audience').getBoundingClientRect();
    return {
        scrollHeight: body.scrollHeight, clientHeight: body.clientHeight,
        top: words.top, bottom: words.bottom, left: words.left, right: words.right,
        boxTop: box.top, boxBottom: box.bottom, boxLeft: box.left, boxRight: box.right,
        columnRight: column.right, height: innerHeight,
        fontSize: parseFloat(getComputedStyle(text).fontSize)};
}"""
READABLE_PX = 16.8  # the smallest the card draws a note, still readable across a room
LARGE_PX = 60
READER_FITTED = (
    "() => { const b = document.querySelector('.reader-body');"
    " return b.clientHeight > 0 && b.scrollHeight <= b.clientHeight + 1; }"
)


def whole_note_font_size(page: Page, text: str) -> float:
    """The read-aloud card shows all of `text`, inside the window and the room's column;
    returns its font size."""
    reader = page.locator(".reader-card")
    expect(reader.locator(".reader-text")).to_have_text(text)
    page.wait_for_function(READER_FITTED)
    box = page.evaluate(READER_TEXT)
    # Up to two pixels of rounding, less than the space a line keeps below its letters.
    assert box["scrollHeight"] <= box["clientHeight"] + 1, box
    assert box["boxTop"] - 2 <= box["top"] and box["bottom"] <= box["boxBottom"] + 2, box
    assert box["boxLeft"] - 2 <= box["left"] and box["right"] <= box["boxRight"] + 2, box
    assert box["top"] >= 0 and box["bottom"] <= box["height"], box
    assert box["right"] <= box["columnRight"], box  # not under the controls
    size: float = box["fontSize"]
    return size


@pytest.mark.parametrize("viewport", [LAPTOP, SMALL_PROJECTOR], ids=["1366x768", "1280x720"])
def test_a_note_of_the_longest_length_is_read_whole_beside_the_controls(
    live_server: ServerProcess,
    browser: Browser,
    facilitator: Facilitator,
    board: Message,
    viewport: ViewportSize,
) -> None:
    """At 1366x768 beside the controls the card showed about a third of a note of 280
    characters, cut off mid-line. The note is drawn as large as fits, readable from the back of
    the room, in projector mode and in English too, beside the longest name; a short note
    keeps its large type."""
    assert len(LONGEST_NOTE) >= MAX_NOTE_LENGTH - 1
    with Participant(live_server, board, LONGEST_NAME) as author:
        facilitator.change_phase("topic", "inner_writing")
        author.command(type="add_note", id="long", circle="inner", text=LONGEST_NOTE)
        author.command(type="add_note", id="short", circle="inner", text="We helpen elkaar")
    facilitator.change_phase("inner_writing", "inner_reading")
    facilitator.command(type="show_item", target="long")
    with watched_page(browser, viewport=viewport, locale="nl-NL") as page:
        page.goto(board["facilitator_url"])
        expect(controls(page)).to_be_visible()
        assert whole_note_font_size(page, LONGEST_NOTE) >= READABLE_PX

        projector = audience(page).get_by_role("button", name="Projectormodus")
        projector.click()
        expect(projector).to_have_attribute("aria-pressed", "true")
        assert whole_note_font_size(page, LONGEST_NOTE) >= READABLE_PX

        page.get_by_role("button", name="English (EN)").click()
        expect(
            page.get_by_role("heading", level=1, name="Reading the inner circle")
        ).to_be_visible()
        assert whole_note_font_size(page, LONGEST_NOTE) >= READABLE_PX

        facilitator.command(type="show_item", target="short")
        assert whole_note_font_size(page, "We helpen elkaar") >= LARGE_PX


# Each author's name under its note on the circles, and the note's paper around it.
AUTHOR_BOXES = """() => [...document.querySelectorAll('.board-svg [data-note-id]')].map((note) => {
    const paper = note.querySelector('.sticky-paper').getBoundingClientRect();
    const name = note.querySelector('.sticky-author')?.getBoundingClientRect();
    return name && {
        left: name.left, right: name.right, top: name.top, bottom: name.bottom,
        paperLeft: paper.left, paperRight: paper.right, paperTop: paper.top,
        paperBottom: paper.bottom};
})"""


@pytest.mark.parametrize("viewport", [WALL, LAPTOP], ids=["1920x1080", "1366x768"])
def test_a_long_name_without_spaces_stays_inside_its_note(
    live_server: ServerProcess,
    browser: Browser,
    facilitator: Facilitator,
    board: Message,
    viewport: ViewportSize,
) -> None:
    """A name of 40 characters without a space ran out of its note over the notes beside it.
    It is drawn smaller and cut short inside the note; the whole name stays in the note's
    name for assistive technology. The read-aloud card keeps it on one line, inside the card
    and the room's column, with the whole name as its title."""
    notes = ["We helpen elkaar", "De overdracht is kort", "Nieuwe collega's zijn welkom"]
    with Participant(live_server, board, LONGEST_NAME) as person:
        facilitator.change_phase("topic", "inner_writing")
        for i, text in enumerate(notes):
            person.command(type="add_note", id=f"in-{i}", circle="inner", text=text)
        facilitator.change_phase("inner_writing", "inner_reading")
        facilitator.change_phase("inner_reading", "outer_writing")
        person.command(type="add_note", id="out-0", circle="outer", text="Elke week een plan")
        facilitator.change_phase("outer_writing", "outer_reading")
    with watched_page(browser, viewport=viewport, locale="nl-NL") as page:
        page.goto(board["facilitator_url"])
        for text in (*notes, "Elke week een plan"):
            note = board_svg(page).get_by_role("listitem", name=re.compile(re.escape(text)))
            expect(note).to_have_accessible_name(re.compile(f"van {LONGEST_NAME}"))
        boxes = page.evaluate(AUTHOR_BOXES)
        assert len(boxes) == 4 and all(boxes), boxes
        for box in boxes:
            assert box["paperLeft"] <= box["left"] and box["right"] <= box["paperRight"], box
            assert box["paperTop"] <= box["top"] and box["bottom"] <= box["paperBottom"], box

        facilitator.command(type="show_item", target="out-0")
        byline = page.locator(".reader-card").get_by_text(f"van {LONGEST_NAME}")
        expect(byline).to_be_visible()
        expect(byline).to_have_attribute("title", f"van {LONGEST_NAME}")
        column = audience(page).bounding_box()
        card = page.locator(".reader-card").bounding_box()
        line = byline.bounding_box()
        assert column is not None and card is not None and line is not None
        assert column["x"] <= card["x"] and right(card) <= right(column), (column, card)
        assert card["x"] <= line["x"] and right(line) <= right(card), (card, line)


def right(box: FloatRect) -> float:
    return box["x"] + box["width"]


# -- 4. pictures for the documentation -------------------------------------------------------


def test_screenshots_of_the_shared_screen(
    live_server: ServerProcess, wall: Page, facilitator: Facilitator, board: Message, tmp_path: Path
) -> None:
    SCREENSHOTS = screenshot_folder(tmp_path)
    inner = [
        "We helpen elkaar als het druk is",
        "De overdracht is duidelijk en kort",
        "Nieuwe collega's voelen zich snel welkom",
        "We vieren kleine successen",
        "Iedereen durft vragen te stellen",
        "Het weekoverleg begint op tijd",
        "We hebben een gedeelde planning die iedereen gebruikt",
    ]
    outer = [
        "Elke maandag plannen we de week samen",
        "We geven elkaar vaker een compliment",
        "Klantvragen zijn binnen een dag beantwoord",
        "We delen wat we leren in een korte ronde",
        "Iedereen kent de doelen van dit kwartaal",
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wall.goto(board["screen_url"])
    expect(wall.get_by_role("heading", level=1, name="Onderwerp")).to_be_visible()
    facilitator.change_phase("topic", "inner_writing")
    facilitator.command(type="start_timer", seconds=300, lock_writing=False)
    with ExitStack() as stack:
        people = [
            stack.enter_context(Participant(live_server, board, f"Deelnemer {i + 1}"))
            for i in range(4)
        ]
        for i, text in enumerate(inner):
            people[i % 4].command(type="add_note", id=f"in-{i}", circle="inner", text=text)
        expect(wall.get_by_role("region", name="Geschreven")).to_contain_text("7")
        wall.wait_for_timeout(600)
        wall.screenshot(path=str(SCREENSHOTS / "screen-writing.png"))

        facilitator.change_phase("inner_writing", "inner_reading")
        facilitator.change_phase("inner_reading", "outer_writing")
        for i, text in enumerate(outer):
            people[i % 4].command(type="add_note", id=f"out-{i}", circle="outer", text=text)
        facilitator.change_phase("outer_writing", "outer_reading")
        facilitator.command(type="show_item", target="out-1")
        expect(wall.locator(".reader-card").get_by_text("2 / 5", exact=True)).to_be_visible()
        wall.wait_for_timeout(600)
        wall.screenshot(path=str(SCREENSHOTS / "screen-reading.png"))

        projector = wall.get_by_role("button", name="Projectormodus")
        projector.click()
        expect(projector).to_have_attribute("aria-pressed", "true")
        wall.wait_for_timeout(600)
        wall.screenshot(path=str(SCREENSHOTS / "screen-reading-projector.png"))

        facilitator.change_phase("outer_reading", "step_forward")
        facilitator.command(type="open_voting", dots=3)
        for i, person in enumerate(people):
            for item in ("out-0", f"out-{1 + i % 4}", "out-3" if i % 2 else "out-2"):
                person.command(type="cast_vote", id=item)
        facilitator.command(type="close_voting")
        facilitator.command(type="choose_item", id="out-0")
        facilitator.command(
            type="add_plan",
            id="plan-1",
            note="out-0",
            what="Maandag om 9 uur een kwartier weekstart bij het bord",
            who="Sanne en Ahmed",
            when="Vanaf volgende week",
        )
        chosen = wall.get_by_role("region", name="Als eerste naar de binnencirkel")
        expect(chosen).to_contain_text("weekstart")
        wall.wait_for_timeout(600)
        wall.screenshot(path=str(SCREENSHOTS / "screen-step-forward-projector.png"))
        projector.click()
        expect(projector).to_have_attribute("aria-pressed", "false")
        wall.wait_for_timeout(600)
        wall.screenshot(path=str(SCREENSHOTS / "screen-step-forward.png"))

    facilitator_page = wall.context.new_page()
    facilitator_page.goto(board["facilitator_url"])
    expect(facilitator_page.get_by_role("button", name="Plan opslaan")).to_be_visible()
    facilitator_page.wait_for_timeout(600)
    facilitator_page.screenshot(path=str(SCREENSHOTS / "screen-facilitator.png"))
    assert_fits_the_window(facilitator_page)

    with facilitator_page.expect_download() as download:
        controls(facilitator_page).get_by_role("button", name="Afbeelding (PNG)").click()
    picture = download.value.path()
    assert picture is not None
    assert Path(picture).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    exported = controls(facilitator_page).get_by_role("status").filter(has_text="Export")
    expect(exported).to_have_text("Export gedownload.")

    facilitator_page.get_by_role("button", name="English (EN)").click()
    expect(facilitator_page.get_by_role("heading", level=1, name="Step forward")).to_be_visible()
    expect(exported).to_have_text("Export downloaded.")  # said again in the new language
    expect(board_svg(facilitator_page)).to_contain_text("Inner circle")
    expect(
        controls(facilitator_page).get_by_role("button", name="Next step: Closing →")
    ).to_be_visible()
