"""A duo board in a real browser: the interviewer's phone asks the step's questions and writes,
the interviewee's phone watches the sheet fill, and the shared screen shows how far each duo
is, never what it wrote, until someone shares their circles."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.server import ServerProcess
from tests.web.conftest import (
    Facilitator,
    Message,
    PhoneFactory,
    create_board,
    screenshot,
    watched_page,
)

pytestmark = pytest.mark.browser

ACTIVITY = "Presenteren voor een groep"
INNER_NOTE = "Ik bereid me altijd goed voor"
OUTER_NOTE = "Rustig en duidelijk praten"
SHARE_MINE = "Laat mijn eigen cirkels op het gedeelde scherm zien"


def join_duo_board(page: Page, server: ServerProcess, board: Message, name: str) -> None:
    page.goto(f"{server.url}/j/{board['join_code']}")
    page.get_by_label("Je naam (mag leeg blijven)").fill(name)
    page.get_by_role("button", name="Meedoen").click()
    expect(page.get_by_role("heading", level=1, name="Vorm duo’s")).to_be_visible()


def pid_of(facilitator: Facilitator, name: str) -> str:
    board = facilitator.wait_for(lambda b: any(p["name"] == name for p in b["participants"]))
    pid: str = next(p["id"] for p in board["participants"] if p["name"] == name)
    return pid


def start_duos(
    server: ServerProcess, phone_context: PhoneFactory, *, anonymous: bool = False
) -> tuple[Message, Facilitator, Page, Page]:
    """A duo board with Ann and Bram paired by the facilitator, in the duos phase."""
    board = create_board(server, "Teamdag", variant="duo", anonymous=anonymous)
    facilitator = Facilitator(server, board["room_id"], board["facilitator_token"]).__enter__()
    ann, bram = phone_context().new_page(), phone_context().new_page()
    join_duo_board(ann, server, board, "Ann")
    join_duo_board(bram, server, board, "Bram")
    first, second = pid_of(facilitator, "Ann"), pid_of(facilitator, "Bram")
    facilitator.command(type="pair_up", first=first, second=second, code="AB1")
    expect(ann.get_by_text("Je zit in duo AB1 samen met Bram.")).to_be_visible()
    facilitator.change_phase("pairing", "duos")
    return board, facilitator, ann, bram


def test_the_interviewer_asks_the_step_s_questions_and_writes_the_partner_s_circles(
    live_server: ServerProcess, phone_context: PhoneFactory
) -> None:
    _board, facilitator, ann, bram = start_duos(live_server, phone_context)
    try:
        # Ann joined first, so she is interviewed first: Bram asks and writes.
        expect(bram.get_by_role("heading", name="Jij interviewt Ann")).to_be_visible()
        expect(ann.get_by_role("heading", name="Bram interviewt jou")).to_be_visible()
        expect(bram.get_by_role("heading", name="Stap 1. Kies de activiteit")).to_be_visible()
        expect(
            bram.get_by_text("Met welke activiteit ben je momenteel bezig waarin je graag")
        ).to_be_visible()
        credit = bram.locator(".duo-step-card").get_by_text("Centrum Progressiegericht Werken")
        expect(credit).to_be_visible()
        expect(ann.get_by_label("De activiteit waarin ik progressie wil boeken is:")).to_be_hidden()

        bram.get_by_label("De activiteit waarin ik progressie wil boeken is:").fill(ACTIVITY)
        bram.get_by_role("button", name="Activiteit opslaan").click()
        expect(ann.get_by_text(ACTIVITY)).to_be_visible()  # live on the interviewee's phone

        bram.get_by_role("button", name="Volgende stap").click()
        expect(bram.get_by_role("heading", name="Stap 2. Vul de binnencirkel")).to_be_visible()
        for question in ("Welke progressie heb je al bereikt?", "Wat kun je al?"):
            expect(bram.get_by_text(question, exact=True)).to_be_visible()
        bram.get_by_role("textbox", name="Binnencirkel: al bereikte progressie").fill(INNER_NOTE)
        bram.get_by_role("button", name="Toevoegen").click()
        expect(ann.get_by_text(INNER_NOTE)).to_be_visible()
        expect(ann.get_by_role("button", name="Toevoegen")).to_be_hidden()  # read-only

        bram.get_by_role("button", name="Volgende stap").click()
        bram.get_by_role("textbox", name="Buitencirkel: nog te boeken progressie").fill(OUTER_NOTE)
        bram.get_by_role("button", name="Toevoegen").click()
        bram.get_by_role("button", name="Volgende stap").click()
        expect(bram.get_by_text("Welk klein stapje kun je zetten")).to_be_visible()
        bram.get_by_role("radio", name=OUTER_NOTE).check()
        bram.get_by_role("textbox", name="Kleine stap voorwaarts").fill("Oefenen met een collega")
        bram.get_by_role("button", name="Stap opslaan").click()
        expect(ann.get_by_text("Oefenen met een collega")).to_be_visible()
        screenshot(bram, "phone-duo-interviewer")

        # Swap: now Ann asks and writes on Bram's sheet.
        ann.get_by_role("button", name="Wissel van rol").click()
        expect(ann.get_by_role("heading", name="Jij interviewt Bram")).to_be_visible()
        expect(ann.get_by_role("heading", name="Stap 1. Kies de activiteit")).to_be_visible()
        expect(bram.get_by_role("heading", name="Ann interviewt jou")).to_be_visible()
        assert facilitator.settle()["sheets"] == []  # nothing shared, nothing on the board

        # Closing: both see both circles of their duo, read-only, beside the reflection.
        facilitator.change_phase("duos", "closing")
        expect(ann.get_by_role("heading", name="Mijn cirkels")).to_be_visible()
        expect(ann.get_by_role("heading", name="Cirkels van Bram")).to_be_visible()
        expect(ann.get_by_text(INNER_NOTE)).to_be_visible()
        mine = ann.get_by_role("region", name="Mijn cirkels")
        expect(mine.get_by_label(SHARE_MINE)).to_be_visible()  # with her own, not Bram's
        expect(
            ann.get_by_role("region", name="Cirkels van Bram").get_by_role("checkbox")
        ).to_have_count(0)
        expect(ann.get_by_role("button", name="Verwijder")).to_have_count(0)
        expect(ann.get_by_role("heading", name="Jij interviewt Bram")).to_be_hidden()
    finally:
        facilitator.__exit__(None, None, None)


def test_the_screen_shows_each_duo_s_progress_and_only_shared_circles(
    live_server: ServerProcess, phone_context: PhoneFactory, browser: Browser
) -> None:
    board, facilitator, ann, bram = start_duos(live_server, phone_context)
    try:
        with watched_page(browser, viewport={"width": 1920, "height": 1080}) as screen:
            screen.goto(board["facilitator_url"])
            overview = screen.locator(".duo-overview")
            expect(overview.get_by_role("heading", name="Duo’s aan het werk")).to_be_visible()
            card = overview.locator(".duo-card")
            expect(card).to_contain_text("Ann & Bram")
            expect(card).to_contain_text("Ann wordt geïnterviewd")
            expect(card).to_contain_text("Stap 1 van 4 · Activiteit")

            bram.get_by_label("De activiteit waarin ik progressie wil boeken is:").fill(ACTIVITY)
            bram.get_by_role("button", name="Activiteit opslaan").click()
            bram.get_by_role("button", name="Volgende stap").click()
            bram.get_by_role("textbox", name="Binnencirkel: al bereikte progressie").fill(
                INNER_NOTE
            )
            bram.get_by_role("button", name="Toevoegen").click()
            expect(card).to_contain_text("Stap 2 van 4 · Binnencirkel")
            expect(card).to_contain_text("1 binnen · 0 buiten")
            expect(screen.locator("body")).not_to_contain_text(INNER_NOTE)
            expect(screen.locator("body")).not_to_contain_text(ACTIVITY)

            ann.get_by_label(SHARE_MINE).check()
            shared = screen.locator(".duo-shared-sheet")
            expect(shared.get_by_role("listitem", name=INNER_NOTE)).to_be_visible()
            expect(shared.get_by_role("group", name=f"Cirkelbord over: {ACTIVITY}")).to_be_visible()
            expect(shared).to_contain_text("CIRKELS VAN ANN")
            expect(card).to_contain_text("gedeeld")
            screenshot(screen, "screen-duos-shared")

            ann.get_by_label(SHARE_MINE).uncheck()
            expect(shared).to_have_count(0)
            expect(screen.locator("body")).not_to_contain_text(INNER_NOTE)
    finally:
        facilitator.__exit__(None, None, None)


def test_an_anonymous_duo_board_names_duos_by_number(
    live_server: ServerProcess, phone_context: PhoneFactory, browser: Browser
) -> None:
    board, facilitator, _ann, _bram = start_duos(live_server, phone_context, anonymous=True)
    try:
        with watched_page(browser, viewport={"width": 1920, "height": 1080}) as screen:
            screen.goto(board["screen_url"])
            card = screen.locator(".duo-card")
            expect(card).to_contain_text("Duo 1")
            expect(card).to_contain_text("Interview 1 van 2")
            expect(card).not_to_contain_text("Ann")
    finally:
        facilitator.__exit__(None, None, None)


def test_a_facilitator_runs_a_duo_board_from_the_start_page(
    live_server: ServerProcess, phone_context: PhoneFactory, browser: Browser
) -> None:
    with watched_page(browser, viewport={"width": 1920, "height": 1080}) as screen:
        screen.goto(live_server.url)
        screen.get_by_label("Onderwerp").fill("Teamdag")
        screen.get_by_role("radio", name="In duo’s").check()
        screen.get_by_role("button", name="Bord maken").click()
        screen.get_by_role("link", name="Open het gedeelde scherm").click()
        expect(screen.get_by_role("heading", level=1, name="Duo’s vormen")).to_be_visible()
        expect(screen.locator(".duo-overview")).to_contain_text("Nog geen duo’s")
        join_card = screen.get_by_role("region", name="Doe mee met je telefoon")
        code = join_card.locator(".join-code-value").inner_text().strip()

        phones = {}
        for name in ("Ann", "Bram", "Cato", "Dirk"):
            phones[name] = phone_context().new_page()
            join_duo_board(phones[name], live_server, {"join_code": code}, name)

        # Two pair themselves by a code, the facilitator pairs the other two.
        phones["Cato"].get_by_label("Duocode").fill("CD1")
        phones["Cato"].get_by_role("button", name="Start een duo").click()
        phones["Dirk"].get_by_label("Duocode").fill("cd1")
        phones["Dirk"].get_by_role("button", name="Sluit aan bij duo").click()
        controls = screen.locator("#ctl-duos")
        controls.get_by_label("Eerste persoon").select_option(label="Ann")
        controls.get_by_label("Tweede persoon").select_option(label="Bram")
        controls.get_by_role("button", name="Duo maken").click()
        cards = screen.locator(".duo-card")
        expect(cards).to_have_count(2)
        expect(cards.filter(has_text="Ann & Bram")).to_have_count(1)
        expect(cards.filter(has_text="Cato & Dirk")).to_have_count(1)

        screen.get_by_role("button", name="Volgende stap: In duo’s").click()
        expect(screen.get_by_role("heading", level=1, name="In duo’s")).to_be_visible()
        expect(phones["Bram"].get_by_role("heading", name="Jij interviewt Ann")).to_be_visible()
        expect(phones["Dirk"].get_by_role("heading", name="Jij interviewt Cato")).to_be_visible()
        expect(cards.filter(has_text="Ann & Bram")).to_contain_text("Ann wordt geïnterviewd")


def test_the_share_control_sits_with_one_s_own_circles_and_an_empty_share_says_so(
    live_server: ServerProcess, phone_context: PhoneFactory, browser: Browser
) -> None:
    board, facilitator, ann, bram = start_duos(live_server, phone_context)
    try:
        # Bram interviews Ann: under Ann's sheet there is nothing to share; his own (still
        # empty) circles have their own card with the control.
        partner_sheet = bram.get_by_role("region", name="Cirkels van Ann")
        expect(partner_sheet).to_be_visible()
        expect(partner_sheet.get_by_role("checkbox")).to_have_count(0)
        own = bram.get_by_role("region", name="Mijn cirkels")
        expect(own).to_contain_text("Nog leeg: jouw cirkels komen aan de beurt")
        expect(own.get_by_role("checkbox", name=SHARE_MINE)).to_be_visible()
        # Ann, interviewed, finds it on the sheet that fills on her phone: her own.
        expect(
            ann.get_by_role("region", name="Mijn cirkels").get_by_label(SHARE_MINE)
        ).to_be_visible()

        with watched_page(browser, viewport={"width": 1920, "height": 1080}) as screen:
            screen.goto(board["screen_url"])
            expect(screen.locator(".duo-card")).to_contain_text("Ann & Bram")
            own.get_by_label(SHARE_MINE).check()
            shared = screen.locator(".duo-shared-sheet")
            expect(shared).to_contain_text("CIRKELS VAN BRAM")
            expect(shared).to_contain_text("Deze cirkels zijn nog leeg")
            expect(shared).not_to_contain_text("Het onderwerp wordt zo gekozen")

            # Circles with notes but no activity yet say that instead.
            bram.get_by_role("button", name="Volgende stap").click()
            bram.get_by_role("textbox", name="Binnencirkel: al bereikte progressie").fill(
                INNER_NOTE
            )
            bram.get_by_role("button", name="Toevoegen").click()
            ann.get_by_label(SHARE_MINE).check()
            anns = shared.filter(has_text="CIRKELS VAN ANN")
            expect(anns.get_by_role("listitem", name=INNER_NOTE)).to_be_visible()
            expect(anns).to_contain_text("Nog geen activiteit gekozen")
    finally:
        facilitator.__exit__(None, None, None)


def test_a_third_person_hears_that_the_duo_is_complete(
    live_server: ServerProcess, phone_context: PhoneFactory
) -> None:
    board = create_board(live_server, "Teamdag", variant="duo")
    phones = {name: phone_context().new_page() for name in ("Ann", "Bram", "Cato")}
    for name, page in phones.items():
        join_duo_board(page, live_server, board, name)
    phones["Ann"].get_by_label("Duocode").fill("AB1")
    phones["Ann"].get_by_role("button", name="Start een duo").click()
    phones["Bram"].get_by_label("Duocode").fill("ab1")
    phones["Bram"].get_by_role("button", name="Sluit aan bij duo").click()
    expect(phones["Bram"].get_by_text("Je zit in duo AB1 samen met Ann.")).to_be_visible()

    cato = phones["Cato"]
    cato.get_by_label("Duocode").fill("AB1")
    cato.get_by_role("button", name="Sluit aan bij duo").click()
    alert = cato.get_by_role("alert").filter(has_text="Dit duo is al compleet")
    expect(alert).to_contain_text("Start een nieuw duo met een andere code")
    expect(cato.get_by_text("Er wacht niemand")).to_have_count(0)
    expect(cato.get_by_role("button", name="Start een duo")).to_be_visible()
