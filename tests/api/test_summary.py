"""The follow-up summary over HTTP: Markdown and PDF, for the facilitator only."""

from __future__ import annotations

import re

import httpx
import pytest

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
