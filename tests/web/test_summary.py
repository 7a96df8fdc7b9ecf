"""The facilitator downloads the follow-up summary as a PDF from the export panel."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from app.summary.pdf import missing_fonts
from tests.support.server import ServerProcess
from tests.support.services import missing, require_binary
from tests.web.conftest import Facilitator, Message, watched_page
from tests.web.test_screen import controls, fill_board

pytestmark = pytest.mark.browser

LAPTOP: ViewportSize = {"width": 1440, "height": 900}
CHOSEN = "Elke maandag plannen we samen de week"


def test_the_pdf_summary_button_downloads_a_pdf(
    live_server: ServerProcess, browser: Browser, facilitator: Facilitator, board: Message
) -> None:
    if missing_fonts():
        missing("the DejaVu fonts are missing: apt-get install fonts-dejavu-core")
    pdftotext = require_binary("pdftotext", "install it with `apt-get install poppler-utils`")
    fill_board(live_server, board, facilitator, ["We helpen elkaar"], [CHOSEN], people=1)
    facilitator.change_phase("outer_reading", "step_forward")
    facilitator.command(type="choose_item", id="out-0")

    with watched_page(browser, viewport=LAPTOP, locale="nl-NL", accept_downloads=True) as page:
        page.goto(board["facilitator_url"])
        panel = controls(page)
        with page.expect_download() as download:
            panel.get_by_role("button", name="Samenvatting (PDF)").click()
        expect(panel.get_by_text("Export gedownload.")).to_be_visible()
        name = download.value.suggested_filename
        assert re.fullmatch(r"samenvatting-onze-overdracht-\d{4}-\d{2}-\d{2}\.pdf", name), name
        path = download.value.path()
        assert path is not None
        data = Path(path).read_bytes()
        expect(panel.get_by_role("button", name="Samenvatting (Markdown)")).to_be_visible()

    assert data.startswith(b"%PDF-")
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = " ".join(text.split())
    assert "Onze overdracht" in flat and CHOSEN in flat and "We helpen elkaar" in flat
