"""The follow-up summary over HTTP: Markdown and PDF, for the facilitator only."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from app.api.exports import summary_file_name
from app.room.state import RoomState
from app.summary import build_summary
from tests.api.test_http import auth, run_small_meeting
from tests.support.client import create_board
from tests.support.server import ServerProcess

ROUTES = {"/summary.md": "text/markdown; charset=utf-8", "/summary.pdf": "application/pdf"}


def test_the_summary_needs_the_facilitator_token(live_server: ServerProcess) -> None:
    board = create_board(live_server.url, "Overdracht")
    base = f"{live_server.url}/api/boards/{board['room_id']}"
    for path in ROUTES:
        assert httpx.get(base + path).status_code == 404
        assert httpx.get(base + path, headers={"Authorization": "Bearer nope"}).status_code == 404
        assert httpx.get(f"{live_server.url}/api/boards/nope{path}").status_code == 404
    other = create_board(live_server.url, "Iemand anders")
    assert httpx.get(base + "/summary.md", headers=auth(other)).status_code == 404


@pytest.mark.parametrize("anonymous", [False, True])
async def test_both_summaries_download_with_their_type_and_name(
    live_server: ServerProcess, anonymous: bool
) -> None:
    board = await run_small_meeting(live_server, anonymous)
    base = f"{live_server.url}/api/boards/{board['room_id']}"
    async with httpx.AsyncClient(headers=auth(board), timeout=30) as http:
        answers = {path: await http.get(base + path) for path in ROUTES}
    for path, media_type in ROUTES.items():
        answer = answers[path]
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == media_type
        assert answer.headers["x-content-type-options"] == "nosniff"
        extension = path.rsplit(".", 1)[1]
        name = rf"samenvatting-vergaderen-beter-\d{{4}}-\d{{2}}-\d{{2}}\.{extension}"
        assert re.fullmatch(f'attachment; filename="{name}"', answer.headers["content-disposition"])
    markdown = answers["/summary.md"].text
    assert markdown.startswith("# Vergaderen \\*beter\\*\n")
    assert re.search(
        r"## Als eerste naar de binnencirkel\n\n\*\*Besluiten vastleggen\*\*", markdown
    )
    assert "Notulen in de chat" in markdown and "Ja: 1 · Deels: 0 · Nee: 0" in markdown
    assert ("Ann Jansen" in markdown) is (not anonymous)
    pdf = answers["/summary.pdf"].content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"Ann Jansen" not in pdf, "the PDF's text is in subset fonts, and its metadata is clean"


def test_the_summary_routes_are_in_the_openapi_description(live_server: ServerProcess) -> None:
    paths = httpx.get(f"{live_server.url}/openapi.json").json()["paths"]
    for path in ROUTES:
        assert f"/api/boards/{{room_id}}{path}" in paths


@pytest.mark.parametrize(
    ("topic", "name"),
    [
        ("Vergaderen *beter*", "samenvatting-vergaderen-beter-2026-11-23.pdf"),
        ("Één café, Ærø", "samenvatting-een-cafe-r-2026-11-23.pdf"),
        ("Ελλάδα", "samenvatting-2026-11-23.pdf"),
        ("x" * 60, f"samenvatting-{'x' * 40}-2026-11-23.pdf"),
    ],
)
def test_summary_file_names_are_plain_ascii(topic: str, name: str) -> None:
    summary = build_summary(RoomState(topic=topic), date(2026, 11, 23))
    assert summary_file_name(summary, "samenvatting", "pdf") == name
