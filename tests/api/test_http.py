"""The HTTP API through a real server: boards, join codes, QR, exports, health, headers."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from app.room import limits
from tests.support.client import Board, RoomClient, create_board
from tests.support.server import ServerProcess


def auth(board: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {board['facilitator_token']}"}


def test_create_board_returns_links_and_secrets(live_server: ServerProcess) -> None:
    board = create_board(live_server.url, "Overdracht", language="en", anonymous=True)
    assert len(board["join_code"]) == limits.JOIN_CODE_LENGTH
    assert set(board["join_code"]) <= set(limits.JOIN_CODE_ALPHABET)
    assert board["facilitator_url"].endswith(
        f"/f/{board['room_id']}#t={board['facilitator_token']}"
    )
    assert board["join_url"].endswith(f"/j/{board['join_code']}")
    summary = httpx.get(f"{live_server.url}/api/boards/{board['room_id']}", headers=auth(board))
    assert summary.status_code == 200
    assert summary.json()["topic"] == "Overdracht"
    assert summary.json()["language"] == "en" and summary.json()["anonymous"] is True
    assert summary.json()["join_code"] == board["join_code"]


def test_board_input_is_validated(live_server: ServerProcess) -> None:
    for body in (
        {"topic": "x" * (limits.MAX_TOPIC_LENGTH + 1)},
        {"topic": "a", "language": "fr"},
        {"topic": "a", "surprise": 1},
        {"topic": 5},
    ):
        assert httpx.post(f"{live_server.url}/api/boards", json=body).status_code == 422
    foreign = httpx.post(
        f"{live_server.url}/api/boards",
        json={"topic": "a"},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403


def test_summary_and_exports_need_the_facilitator_token(live_server: ServerProcess) -> None:
    board = create_board(live_server.url)
    base = f"{live_server.url}/api/boards/{board['room_id']}"
    for path in ("", "/export.md", "/export.csv", "/export.json"):
        assert httpx.get(base + path).status_code == 404
        assert httpx.get(base + path, headers={"Authorization": "Bearer nope"}).status_code == 404
        assert httpx.get(base + path, headers=auth(board)).status_code == 200


def test_join_code_lookup_accepts_what_people_type(live_server: ServerProcess) -> None:
    board = create_board(live_server.url, "Ons team")
    code = board["join_code"]
    typed = f"{code[:5].lower()}-{code[5:]} "
    found = httpx.get(f"{live_server.url}/api/join/{typed}")
    assert found.status_code == 200
    assert found.json()["room_id"] == board["room_id"] and found.json()["topic"] == "Ons team"
    qr = httpx.get(f"{live_server.url}/api/join/{code}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert b'xmlns="http://www.w3.org/2000/svg"' in qr.content, "an <img> needs a standalone SVG"


def test_wrong_codes_are_rate_limited_per_address(live_server: ServerProcess) -> None:
    statuses = [
        httpx.get(
            f"{live_server.url}/api/join/WRONG{i:05d}", headers={"X-Forwarded-For": "203.0.113.7"}
        ).status_code
        for i in range(limits.CODE_GUESSES_PER_MINUTE + 2)
    ]
    assert statuses[: limits.CODE_GUESSES_PER_MINUTE] == [404] * limits.CODE_GUESSES_PER_MINUTE
    assert statuses[-1] == 429


def test_pages_carry_a_strict_content_security_policy(live_server: ServerProcess) -> None:
    for path in (
        "/",
        "/join",
        "/j/ABCDE12345",
        "/f/r123",
        "/s/ABCDE12345",
        "/healthz",
        "/api/join/x",
    ):
        response = httpx.get(f"{live_server.url}{path}")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"


def test_health_and_readiness(live_server: ServerProcess) -> None:
    assert httpx.get(f"{live_server.url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{live_server.url}/readyz").json() == {"status": "ready"}
    schema = httpx.get(f"{live_server.url}/openapi.json").json()
    assert "/api/boards" in schema["paths"] and "/api/boards/{room_id}/export.md" in schema["paths"]


async def run_small_meeting(server: ServerProcess, anonymous: bool) -> dict[str, str]:
    board = Board.create(server, "Vergaderen *beter*", anonymous=anonymous)
    fac = await board.facilitator()
    ann = await board.join("Ann Jansen")
    await fac.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    await ann.do("add_note", id="i1", circle="inner", text="We beginnen op tijd")
    await fac.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    await fac.do("change_phase", **{"from": "inner_reading", "to": "outer_writing"})
    await ann.do(
        "add_note", id="o1", circle="outer", text='=HYPERLINK("http://x") [klik](http://x)'
    )
    await ann.do("add_note", id="o2", circle="outer", text="Besluiten vastleggen")
    await fac.do("change_phase", **{"from": "outer_writing", "to": "outer_reading"})
    await fac.do("change_phase", **{"from": "outer_reading", "to": "step_forward"})
    await fac.do("open_voting", dots=2)
    await ann.do("cast_vote", id="o2")
    await fac.do("close_voting")
    await fac.do("choose_item", id="o2")
    await fac.do(
        "add_plan", id="p1", note="o2", what="Notulen in de chat", who="Ann", when="maandag"
    )
    await fac.do("change_phase", **{"from": "step_forward", "to": "closing"})
    await ann.do("submit_reflection", useful="yes", what="Rustig tempo", improve="")
    await fac.do("set_agreements", text="Over vier weken opnieuw")
    return board.created


@pytest.mark.parametrize("anonymous", [False, True])
async def test_exports_hold_the_meeting_and_neutralise_user_text(
    live_server: ServerProcess, anonymous: bool
) -> None:
    board = await run_small_meeting(live_server, anonymous)
    base = f"{live_server.url}/api/boards/{board['room_id']}"
    async with httpx.AsyncClient(headers=auth(board)) as http:
        markdown = (await http.get(f"{base}/export.md")).text
        table = (await http.get(f"{base}/export.csv")).text
        data = (await http.get(f"{base}/export.json")).json()
    assert "# Vergaderen \\*beter\\*" in markdown
    assert "## Binnencirkel" in markdown and "export." not in markdown, (
        "every heading is translated"
    )
    assert "We beginnen op tijd" in markdown and "Notulen in de chat" in markdown
    assert "\\[klik\\]\\(http://x\\)" in markdown, "Markdown links from users must not become links"
    assert "Over vier weken opnieuw" in markdown and "Rustig tempo" in markdown
    rows = list(csv.reader(io.StringIO(table)))
    texts = [row[2] for row in rows]
    assert '\'=HYPERLINK("http://x") [klik](http://x)' in texts, "formula cells must be neutralised"
    assert data["chosen"] == "o2" and data["outer"][1]["dots"] == 1
    assert data["plans"][0]["what"] == "Notulen in de chat"
    everything = markdown + table + str(data)
    assert ("Ann Jansen" in everything) is (not anonymous)


async def test_exports_after_a_follow_up_keep_the_step_with_its_status(
    live_server: ServerProcess,
) -> None:
    board = await run_small_meeting(live_server, anonymous=False)
    fac = await RoomClient.facilitator(
        live_server.ws_url, board["room_id"], board["facilitator_token"]
    )
    await fac.do("open_follow_up", meeting=2)
    await fac.do("set_plan_status", id="p1", status="done")
    await fac.do("move_inward", id="o2")
    base = f"{live_server.url}/api/boards/{board['room_id']}"
    async with httpx.AsyncClient(headers=auth(board)) as http:
        markdown = (await http.get(f"{base}/export.md")).text
        data = (await http.get(f"{base}/export.json")).json()
        summary = (await http.get(base)).json()
    assert data["meeting"] == 2 and summary["meeting"] == 2
    assert data["plans"][0] | {"status": "done", "meeting": 1} == data["plans"][0]
    assert "o2" in [n["id"] for n in data["inner"]]
    # The step still names its item, now in the inner circle, and says it was done.
    assert "- **Besluiten vastleggen**: Notulen in de chat (Gedaan)" in markdown


@pytest.mark.parametrize("anonymous", [False, True])
async def test_a_duo_board_exports_only_the_shared_sheets(
    live_server: ServerProcess, anonymous: bool
) -> None:
    board = Board.create(live_server, "Teamdag", variant="duo", anonymous=anonymous)
    fac = await board.facilitator()
    ann = await board.join("Ann Jansen")
    bram = await board.join("Bram")
    await fac.do("pair_up", first=ann.pid, second=bram.pid, code="AB1")
    await fac.do("change_phase", **{"from": "pairing", "to": "duos"})
    sheet = ann.pid
    await bram.do("set_activity", sheet=sheet, text="=Presenteren")
    await bram.do("add_sheet_note", sheet=sheet, id="a1", circle="inner", text="Goed *altijd*")
    await bram.do("add_sheet_note", sheet=sheet, id="a2", circle="outer", text="Rustig praten")
    await bram.do("choose_sheet_item", sheet=sheet, id="a2")
    await bram.do("set_small_step", sheet=sheet, text="Oefenen met Cato")
    await ann.do("swap_roles", interviewee=bram.pid)
    await ann.do("set_activity", sheet=bram.pid, text="Plannen")
    await ann.do("add_sheet_note", sheet=bram.pid, id="b1", circle="inner", text="Bram geheim")
    await ann.do("share_sheet", shared=True)

    base = f"{live_server.url}/api/boards/{board.room}"
    async with httpx.AsyncClient(headers=board.auth) as http:
        markdown = (await http.get(f"{base}/export.md")).text
        table = (await http.get(f"{base}/export.csv")).text
        data = (await http.get(f"{base}/export.json")).json()
    everything = markdown + table + str(data)
    assert "Bram geheim" not in everything and "Plannen" not in everything
    assert data["sheets"] == [
        {
            "name": None if anonymous else "Ann Jansen",
            "activity": "=Presenteren",
            "inner": ["Goed *altijd*"],
            "outer": ["Rustig praten"],
            "chosen": "Rustig praten",
            "small_step": "Oefenen met Cato",
        }
    ]
    assert "Goed \\*altijd\\*" in markdown and "export." not in markdown
    assert "'=Presenteren" in [row[2] for row in csv.reader(io.StringIO(table))]
    assert ("Ann Jansen" in everything) is (not anonymous)
