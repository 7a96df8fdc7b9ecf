"""The phone page in a real browser: joining, writing through a bad network, opening the page
while the server is away, every phase at 360x640, reloading, the positive-wording nudge, and
user text that stays text."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise

import pytest
from playwright.sync_api import Browser, Locator, Page, WebSocketRoute, expect

from tests.support.client import messages_of
from tests.support.server import ServerProcess
from tests.web.conftest import (
    Facilitator,
    Message,
    PhoneFactory,
    create_board,
    join_with_name,
    screenshot,
    watched_page,
    worker_active,
    write_note,
)

pytestmark = pytest.mark.browser

SAVED = "Opgeslagen"
SENDING = "Versturen…"


def join(page: Page, server: ServerProcess, board: Message, name: str = "Ann") -> None:
    page.goto(f"{server.url}/j/{board['join_code']}")
    expect(page.get_by_label("Deelnamecode")).to_have_value(board["join_code"])
    join_with_name(page, name)


def my_note(page: Page, text: str) -> Locator:
    return page.get_by_role("listitem").filter(has=page.get_by_text(text, exact=True))


def expect_note(page: Page, text: str, status: str) -> None:
    """One of my notes shows with `status` (SAVED or SENDING)."""
    expect(my_note(page, text).get_by_text(status, exact=True)).to_be_visible()


def wait_for_kept_board(page: Page, board: Message, notes: int) -> None:
    """Until the tab keeps a copy of the board holding `notes` of mine (copied at most once a
    second)."""
    key = f"cirkelbord.board.{board['room_id']}"
    page.wait_for_function(
        "([key, notes]) => (JSON.parse(sessionStorage.getItem(key) || 'null')"
        "?.board?.me?.notes?.length ?? 0) >= notes",
        arg=[key, notes],
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"horizontal scrolling: {widths}"


def test_join_and_write_two_inner_notes(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    facilitator.change_phase("topic", "inner_writing")
    page = phone_context().new_page()
    join(page, live_server, board)
    expect(page.get_by_role("heading", name="Stap 2. Vul de binnencirkel")).to_be_visible()
    expect(page.get_by_text("Welke progressie hebben jullie al bereikt?")).to_be_visible()
    expect(page.get_by_text("Centrum Progressiegericht Werken")).to_be_visible()

    write_note(page, "inner", "We helpen elkaar als het druk is")
    write_note(page, "inner", "De overdracht begint op tijd")

    for text in ("We helpen elkaar als het druk is", "De overdracht begint op tijd"):
        expect_note(page, text, SAVED)
    facilitator.wait_for(lambda b: b["counts"]["inner"] == 2)
    screenshot(page, "phone-inner-writing")


def test_the_waiting_phone_counts_the_people_in_words(
    live_server: ServerProcess, board: Message, phone_context: PhoneFactory
) -> None:
    first = phone_context().new_page()
    join(first, live_server, board, name="Ann")
    expect(first.get_by_text("1 deelnemer · 1 online", exact=True)).to_be_visible()
    join(phone_context().new_page(), live_server, board, name="Bram")
    expect(first.get_by_text("2 deelnemers · 2 online", exact=True)).to_be_visible()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_on_a_small_phone_the_writing_field_is_in_view_on_arrival(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
    language: str,
) -> None:
    """At 360x640 the step's questions run on as one paragraph, so the field to write in is
    on the first screen with room for a line or two, without scrolling."""
    facilitator.command(type="set_topic", topic="Onze overdracht aan de avonddienst")
    facilitator.change_phase("topic", "inner_writing")
    page = phone_context().new_page()
    page.set_viewport_size({"width": 360, "height": 640})
    join(page, live_server, board)
    if language == "en":
        page.get_by_role("button", name="English (EN)").click()
    field = page.locator("#note-text")
    expect(field).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="?").first).to_be_visible()
    box = field.bounding_box()
    assert box is not None and box["y"] + 60 <= 640, box


def typing_when_the_circle_closes(
    page: Page, server: ServerProcess, board: Message, facilitator: Facilitator
) -> tuple[Locator, Locator]:
    """Ann types a note in the inner circle's writing step and has not added it when the
    facilitator closes the circle; returns the writing field and the card of notes not added."""
    facilitator.change_phase("topic", "inner_writing")
    join(page, server, board)
    field = page.get_by_role("textbox", name="Wat gaat er al goed?")
    field.fill("Half geschreven notitie")
    facilitator.change_phase("inner_writing", "inner_reading")
    return field, page.get_by_role("region", name="Niet geplakt")


def test_a_note_still_typed_when_its_circle_closes_is_shown_and_kept(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    """The facilitator moved on while Ann was typing: the form went with the step, and her text
    with it, without a word."""
    page = phone_context().new_page()
    field, unsent = typing_when_the_circle_closes(page, live_server, board, facilitator)
    expect(unsent).to_contain_text("Half geschreven notitie")
    expect(unsent).to_contain_text("De binnencirkel ging dicht voordat je deze notitie plakte.")

    # The circle opens again: the text waits in the field, and the card goes.
    facilitator.change_phase("inner_reading", "inner_writing")
    expect(field).to_have_value("Half geschreven notitie")
    expect(unsent).to_be_hidden()
    facilitator.change_phase("inner_writing", "inner_reading")
    unsent.get_by_role("button", name="Weggooien").click()
    expect(unsent).to_be_hidden()
    facilitator.change_phase("inner_reading", "inner_writing")
    expect(field).to_have_value("")


def test_a_follow_up_meeting_starts_without_the_last_meetings_unsent_text(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    """Weeks later the board opens again: what Ann never added then is no note for now."""
    page = phone_context().new_page()
    field, unsent = typing_when_the_circle_closes(page, live_server, board, facilitator)
    expect(unsent).to_contain_text("Half geschreven notitie")
    for source, target in pairwise(
        ["inner_reading", "outer_writing", "outer_reading", "step_forward"]
    ):
        facilitator.change_phase(source, target)
    facilitator.command(type="open_follow_up", meeting=2)
    expect(page.get_by_role("heading", name=re.compile(r"^Stap 1\. Terugblik"))).to_be_visible()
    expect(unsent).to_be_hidden()
    facilitator.change_phase("topic", "inner_writing")
    expect(field).to_be_visible()
    expect(field).to_have_value("")
    stored = page.evaluate("Object.keys(localStorage).filter((k) => k.includes('.draft.'))")
    assert stored == [], stored


@pytest.mark.parametrize("server_takes_it", [True, False])
def test_a_phone_says_it_is_writing_only_to_a_server_that_takes_it(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
    server_takes_it: bool,
) -> None:
    """An older server (during a rolling upgrade) would answer the signal with an error on
    every few keys: the page sends it only when the welcome names its interval."""
    facilitator.change_phase("topic", "inner_writing")
    page = phone_context().new_page()
    sent: list[str] = []

    def relay(route: WebSocketRoute) -> None:
        server = route.connect_to_server()

        def from_page(message: str | bytes) -> None:
            sent.append(str(message))
            server.send(message)

        def from_server(message: str | bytes) -> None:
            if not server_takes_it:
                found = messages_of(message)
                for each in found:
                    each.get("limits", {}).pop("WRITING_SIGNAL_SECONDS", None)
                message = json.dumps(found if len(found) > 1 else found[0])
            route.send(message)

        route.on_message(from_page)
        server.on_message(from_server)

    page.route_web_socket(re.compile(r"/ws/"), relay)
    join(page, live_server, board)
    page.get_by_role("textbox", name="Wat gaat er al goed?").fill("We helpen")
    page.wait_for_timeout(500)
    writing = [m for m in sent if '"writing"' in m]
    assert len(writing) == (1 if server_takes_it else 0), writing


def test_notes_written_offline_are_saved_exactly_once(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    facilitator.change_phase("topic", "inner_writing")
    context = phone_context()
    page = context.new_page()
    join(page, live_server, board)
    write_note(page, "inner", "Eerst al opgeslagen")
    expect_note(page, "Eerst al opgeslagen", SAVED)

    context.set_offline(True)
    expect(page.get_by_text("Verbinding verbroken")).to_be_visible()
    write_note(page, "inner", "Geschreven in de tunnel")
    write_note(page, "inner", "Nog een vanuit de lift")
    for text in ("Geschreven in de tunnel", "Nog een vanuit de lift"):
        expect_note(page, text, SENDING)
    screenshot(page, "phone-offline")
    page.wait_for_timeout(1500)  # let the reconnect attempts fail a few times
    assert facilitator.settle()["counts"]["inner"] == 1

    context.set_offline(False)
    expect(page.get_by_text("Weer verbonden")).to_be_visible()
    for text in ("Geschreven in de tunnel", "Nog een vanuit de lift"):
        expect_note(page, text, SAVED)
    expect(page.get_by_role("heading", name="Mijn notities (3)")).to_be_visible()

    facilitator.change_phase("inner_writing", "inner_reading")
    texts = [note["text"] for note in facilitator.board["notes"]]
    assert sorted(texts) == sorted(
        ["Eerst al opgeslagen", "Geschreven in de tunnel", "Nog een vanuit de lift"]
    )
    assert facilitator.board["counts"]["inner"] == 3


def sent_after_the_circle_closed(
    server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
    text: str,
) -> tuple[Page, Locator]:
    """Ann adds `text` to the inner circle without a network; the facilitator closes the circle
    before she is back. Returns her page and its card of notes not added, showing the note."""
    facilitator.change_phase("topic", "inner_writing")
    context = phone_context()
    page = context.new_page()
    join(page, server, board)
    context.set_offline(True)
    expect(page.get_by_text("Verbinding verbroken")).to_be_visible()
    write_note(page, "inner", text)
    expect_note(page, text, SENDING)
    facilitator.change_phase("inner_writing", "inner_reading")
    context.set_offline(False)
    unsent = page.get_by_role("region", name="Niet geplakt")
    expect(unsent).to_contain_text(text)
    return page, unsent


def test_a_note_sent_offline_that_arrives_after_its_circle_closed_is_shown_not_lost(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    """Ann added a note in a tunnel; the facilitator moved on before her phone was back, so the
    server refused it. It stays on her phone, said so, until the circle opens again."""
    page, unsent = sent_after_the_circle_closed(
        live_server, board, facilitator, phone_context, "Geschreven in de tunnel"
    )
    expect(unsent).to_contain_text("Deze notitie kwam pas aan toen de binnencirkel al dicht was.")
    assert facilitator.settle()["counts"]["inner"] == 0

    # The circle opens again: the note is under my notes, to send again.
    facilitator.change_phase("inner_reading", "inner_writing")
    expect(unsent).to_be_hidden()
    page.get_by_role("button", name="Opnieuw proberen").click()
    expect_note(page, "Geschreven in de tunnel", SAVED)
    assert facilitator.wait_for(lambda b: b["counts"]["inner"] == 1)


def test_a_refused_note_can_be_thrown_away_while_its_circle_is_closed(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    page, unsent = sent_after_the_circle_closed(
        live_server, board, facilitator, phone_context, "Toch maar niet"
    )
    unsent.get_by_role("button", name="Weggooien").click()
    expect(unsent).to_be_hidden()
    facilitator.change_phase("inner_reading", "inner_writing")
    expect(page.get_by_text("Toch maar niet")).to_have_count(0)


def phone_with_a_saved_note(
    server: ServerProcess, phone_context: PhoneFactory, text: str
) -> tuple[Message, Page]:
    """Start `server`, open a board in its writing phase and a phone on it with `text` saved
    and the phone's service worker active."""
    server.start()
    board = create_board(server)
    with Facilitator(server, board["room_id"], board["facilitator_token"]) as facilitator:
        facilitator.change_phase("topic", "inner_writing")
    page = phone_context().new_page()
    join(page, server, board)
    write_note(page, "inner", text)
    expect_note(page, text, SAVED)
    assert worker_active(page, "/j/"), "no active service worker for /j/"
    return board, page


def test_a_phone_opens_its_board_while_the_server_is_away_and_sends_its_notes_later(
    fresh_server: ServerProcess, phone_context: PhoneFactory
) -> None:
    board, page = phone_with_a_saved_note(fresh_server, phone_context, "Voor de storing")
    context = page.context

    fresh_server.stop()
    expect(page.get_by_text("Verbinding verbroken")).to_be_visible()
    write_note(page, "inner", "Tijdens de storing")
    expect_note(page, "Tijdens de storing", SENDING)
    wait_for_kept_board(page, board, 1)
    page.reload()  # the kept page: without it the browser shows its own error page
    expect(page.get_by_text("Verbinding verbroken")).to_be_visible()
    # The board as the phone last saw it, with the note still to be sent, and writing goes on.
    expect(page.get_by_role("heading", name="Mijn notities (2)")).to_be_visible()
    expect_note(page, "Voor de storing", SAVED)
    expect_note(page, "Tijdens de storing", SENDING)
    write_note(page, "inner", "Na het herladen")
    expect_note(page, "Na het herladen", SENDING)
    page.locator('button[data-lang="en"]').click()  # the other catalogue is kept too
    expect(page.get_by_text("Connection lost")).to_be_visible()
    page.locator('button[data-lang="nl"]').click()

    other = context.new_page()  # a new tab keeps no board: it says what waits to be sent
    other.goto(f"{fresh_server.url}/j/{board['join_code']}")
    expect(other.get_by_text("2 notities wachten om verstuurd te worden")).to_be_visible()
    other.close()

    fresh_server.start()
    for text in ("Tijdens de storing", "Na het herladen"):
        expect_note(page, text, SAVED)
    expect(page.get_by_role("heading", name="Mijn notities (3)")).to_be_visible()
    with Facilitator(fresh_server, board["room_id"], board["facilitator_token"]) as facilitator:
        assert facilitator.settle()["counts"]["inner"] == 3


class BadGateway(BaseHTTPRequestHandler):
    """What a reverse proxy answers while the server behind it restarts."""

    def do_GET(self) -> None:
        body = b"502 Bad Gateway"
        self.send_response(502)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def proxy_without_server(port: int) -> Iterator[None]:
    """Answer 502 to everything on `port` until the block ends."""
    proxy = ThreadingHTTPServer(("127.0.0.1", port), BadGateway)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join()


def test_a_phone_opens_its_kept_page_while_the_proxy_says_the_server_is_away(
    fresh_server: ServerProcess, phone_context: PhoneFactory
) -> None:
    board, page = phone_with_a_saved_note(fresh_server, phone_context, "Voor de herstart")
    wait_for_kept_board(page, board, 1)

    fresh_server.stop()
    with proxy_without_server(fresh_server.port):
        page.reload()  # without the kept page: the proxy's "502 Bad Gateway"
        expect(page.get_by_text("502 Bad Gateway")).to_have_count(0)
        expect(page.get_by_role("heading", name="Mijn notities (1)")).to_be_visible()
        expect(page.get_by_text("Verbinding verbroken")).to_be_visible()
        write_note(page, "inner", "Tijdens de herstart")
        expect_note(page, "Tijdens de herstart", SENDING)

    fresh_server.start()
    expect_note(page, "Tijdens de herstart", SAVED)
    expect(page.get_by_role("heading", name="Mijn notities (2)")).to_be_visible()


def test_the_code_in_the_address_is_looked_up_once_while_the_name_is_typed(
    live_server: ServerProcess, board: Message, phone_context: PhoneFactory
) -> None:
    page = phone_context().new_page()
    lookups: list[str] = []
    page.on("request", lambda r: lookups.append(r.url) if "/api/join/" in r.url else None)
    join(page, live_server, board)
    assert len(lookups) == 1, lookups

    unknown = phone_context().new_page()
    unknown.goto(f"{live_server.url}/j/NOSUCHCODE")
    expect(unknown.get_by_text("Deze code kennen we niet")).to_be_visible()  # before joining
    expect(unknown.get_by_label("Deelnamecode")).to_have_attribute("aria-invalid", "true")
    expect(unknown.get_by_role("button", name="Meedoen")).to_be_enabled()


def test_switching_language_without_a_network_keeps_the_page_as_it_is(
    live_server: ServerProcess, board: Message, browser: Browser
) -> None:
    # No service worker: the English catalogue was never loaded, and cannot be now.
    with watched_page(browser, service_workers="block", locale="nl-NL") as page:
        join(page, live_server, board)
        page.context.set_offline(True)
        with page.expect_console_message(lambda message: "language stays" in message.text):
            page.locator('button[data-lang="en"]').click()
        expect(page.locator('button[data-lang="nl"]')).to_have_attribute("aria-pressed", "true")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Stap")

        page.context.set_offline(False)
        page.locator('button[data-lang="en"]').click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Step")
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Step")


def test_no_horizontal_scrolling_in_any_phase(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    page = phone_context().new_page()
    join(page, live_server, board, name="Annemarie van den Berg-Hoogeveen")
    long_word = "Overdrachtsverbeteringstrajectbegeleidingsoverleg" * 3

    def check(phase: str, heading: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.wait_for_timeout(200)
        assert_no_horizontal_scroll(page)
        screenshot(page, f"phone-{phase.replace('_', '-')}")

    check("topic", "Stap 1. Kies het onderwerp")
    facilitator.change_phase("topic", "inner_writing")
    facilitator.command(type="start_timer", seconds=300, lock_writing=False)
    write_note(page, "inner", long_word)
    write_note(page, "inner", "We vieren kleine successen samen")
    expect(page.get_by_role("timer")).to_be_visible()
    check("inner_writing", "Stap 2. Vul de binnencirkel")
    facilitator.change_phase("inner_writing", "inner_reading")
    note = facilitator.board["notes"][0]["id"]
    facilitator.command(type="show_item", target=note)
    check("inner_reading", "Stap 2. Vertel elkaar wat er in de binnencirkel staat")
    facilitator.change_phase("inner_reading", "outer_writing")
    write_note(page, "outer", long_word)
    write_note(page, "outer", "Elke maandag plannen we samen de week")
    page.get_by_role("textbox", name="Wat wil je nog bereiken?").fill("We komen niet te laat")
    check("outer_writing", "Stap 3. Vul de buitencirkel")
    page.get_by_role("textbox", name="Wat wil je nog bereiken?").fill("")
    facilitator.change_phase("outer_writing", "outer_reading")
    check("outer_reading", "Stap 3. Vertel elkaar wat er in de buitencirkel staat")
    facilitator.change_phase("outer_reading", "step_forward")
    facilitator.command(type="open_voting", dots=3)
    dot = page.get_by_role("button", name="Elke maandag plannen we samen de week")
    dot.click()
    expect(dot).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Nog 2 van 3 stippen over")).to_be_visible()
    check("step_forward-voting", "Stap 4. Bedenk een kleine stap voorwaarts")
    facilitator.command(type="close_voting")
    facilitator.command(type="set_plan_mode", mode="groups")
    page.get_by_label("Duocode").fill("ZON42")
    page.get_by_role("button", name="Start een duo").click()
    expect(page.get_by_text(re.compile("ZON42"))).to_be_visible()
    page.get_by_label("Welk ding uit de buitencirkel?").select_option(
        label="Elke maandag plannen we samen de week"
    )
    page.get_by_label("Welke kleine stap zetten we?").fill("Een vast blok in de agenda " * 4)
    page.get_by_label("Wie doet het?").fill("Annemarie")
    page.get_by_label("Wanneer?").fill("Voor vrijdag")
    page.get_by_role("button", name="Plan opslaan").click()
    expect(page.get_by_text("Wanneer: Voor vrijdag")).to_be_visible()
    check("step_forward-plans", "Stap 4. Bedenk een kleine stap voorwaarts")
    facilitator.change_phase("step_forward", "closing")
    facilitator.command(type="open_scale")
    page.get_by_role("button", name="7 van 10").click()
    page.get_by_role("radio", name="Deels").check()
    page.get_by_label("Wat was nuttig?").fill("Zien wat al goed gaat")
    page.get_by_role("button", name="Reflectie versturen").click()
    expect(page.get_by_text("Dank je wel! Je antwoord is verstuurd.")).to_be_visible()
    check("closing", "Afronding: reflecteren op nut")


def test_reload_keeps_the_same_participant(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    facilitator.change_phase("topic", "inner_writing")
    page = phone_context().new_page()
    join(page, live_server, board, name="Bram")
    write_note(page, "inner", "Wij lossen dingen snel op")
    expect_note(page, "Wij lossen dingen snel op", SAVED)
    facilitator.wait_for(lambda b: len(b["participants"]) == 1)

    page.reload()
    expect(page.get_by_role("heading", name="Stap 2. Vul de binnencirkel")).to_be_visible()
    expect_note(page, "Wij lossen dingen snel op", SAVED)
    page.goto(f"{live_server.url}/j/{board['join_code']}")
    expect(page.get_by_role("heading", name="Mijn notities (1)")).to_be_visible()
    assert [p["name"] for p in facilitator.settle()["participants"]] == ["Bram"]


def test_negation_nudge_in_outer_writing_does_not_block(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    facilitator.change_phase("topic", "inner_writing")
    facilitator.change_phase("inner_writing", "inner_reading")
    facilitator.change_phase("inner_reading", "outer_writing")
    page = phone_context().new_page()
    join(page, live_server, board)
    field = page.get_by_role("textbox", name="Wat wil je nog bereiken?")
    nudge = page.get_by_role("status").filter(has_text="Tip: positief en concreet")

    field.fill("We komen op tijd")
    expect(nudge).to_be_hidden()
    field.fill("we komen niet te laat")
    expect(nudge).to_be_visible()
    expect(nudge).to_contain_text("„niet”")
    screenshot(page, "phone-outer-nudge")
    send = page.get_by_role("button", name="Plak in de buitencirkel")
    expect(send).to_be_enabled()
    send.click()
    expect_note(page, "we komen niet te laat", SAVED)
    expect(nudge).to_be_hidden()
    field.fill("Nietig is geen ontkenning")  # "geen" is
    expect(nudge).to_contain_text("„geen”")


def test_markup_in_a_note_stays_literal_text(
    live_server: ServerProcess,
    board: Message,
    facilitator: Facilitator,
    phone_context: PhoneFactory,
) -> None:
    facilitator.change_phase("topic", "inner_writing")
    page = phone_context().new_page()
    join(page, live_server, board)
    text = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"><b>vet</b>'
    write_note(page, "inner", text)
    expect_note(page, text, SAVED)
    facilitator.change_phase("inner_writing", "inner_reading")
    expect(page.get_by_role("heading", level=1)).to_contain_text("binnencirkel staat")
    expect(page.locator(".note-text:visible").filter(has_text="<script>")).to_have_text(text)
    assert page.locator("main script, main img, main b").count() == 0
    assert page.evaluate("window.pwned") is None
