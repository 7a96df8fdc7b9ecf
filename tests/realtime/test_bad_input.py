"""Bad input through the real server: each gets its typed error, bystanders get nothing, and
everything acknowledged is still there."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from app.realtime import endpoint
from app.realtime.protocol import PROTOCOL_VERSION, CloseCode
from app.room import limits
from tests.support.client import Board, RoomClient, create_board, messages_of
from tests.support.in_process import screen_socket, serving
from tests.support.server import ServerProcess


async def writing_room(server: ServerProcess) -> tuple[RoomClient, RoomClient, RoomClient]:
    board = Board.create(server)
    facilitator = await board.facilitator()
    await facilitator.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    sender = await board.join("Ann")
    bystander = await board.join("Bob")
    await sender.do("add_note", id="kept", circle="inner", text="Dit blijft staan")
    return facilitator, sender, bystander


async def last_error(client: RoomClient, count_before: int) -> str:
    await client.wait_for(lambda c: len(c.errors) > count_before)
    code: str = list(client.errors.values())[-1]["code"]
    return code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "bad_json"),
        ('{"type": "launch_rocket", "cid": "x1"}', "bad_message"),
        (
            '{"type": "add_note", "cid": "x2", "id": "n", "circle": "inner", "text": 42}',
            "bad_message",
        ),
        (
            '{"type": "add_note", "cid": "x3", "id": "n", "circle": "middle", "text": "a"}',
            "bad_message",
        ),
        (
            '{"type": "add_note", "cid": "x4", "id": "n", "circle": "inner", "text": "a", "x": 1}',
            "bad_message",
        ),
        ('{"type": "open_voting", "cid": "x5", "dots": 1e400}', "bad_message"),
        ("[1, 2, 3]", "bad_message"),
        (f'{{"type": "hello", "v": {PROTOCOL_VERSION}, "role": "participant"}}', "bad_message"),
        ("x" * (limits.MAX_MESSAGE_BYTES + 1), "message_too_large"),
        # The limit is in bytes as sent (UTF-8), not in characters: "é" takes two.
        ("é" * (limits.MAX_MESSAGE_BYTES // 2 + 1), "message_too_large"),
    ],
)
async def test_malformed_messages_get_a_typed_error_and_lose_nothing(
    live_server: ServerProcess, raw: str, code: str
) -> None:
    facilitator, sender, bystander = await writing_room(live_server)
    before = len(sender.errors)
    seen_by_bystander = len(bystander.messages)
    await sender.send_raw(raw)
    assert await last_error(sender, before) == code
    # The connection survives and still works; nothing acknowledged is lost.
    await sender.do("add_note", id="after", circle="inner", text="Nog een")
    assert sender.texts() == {"Dit blijft staan", "Nog een"}
    await bystander.wait_seq(sender.seq)
    assert all(m["type"] != "error" for m in bystander.messages[seen_by_bystander:])
    for client in (facilitator, sender, bystander):
        await client.close()


async def test_error_carries_the_cid_when_it_can_be_read(live_server: ServerProcess) -> None:
    _, sender, _ = await writing_room(live_server)
    await sender.send_raw('{"type": "add_note", "cid": "mine-1", "id": "n", "circle": "inner"}')
    await sender.wait_for(lambda c: "mine-1" in c.errors)
    assert sender.errors["mine-1"]["code"] == "bad_message"


async def test_rule_breaking_commands_get_their_codes(live_server: ServerProcess) -> None:
    facilitator, sender, bystander = await writing_room(live_server)
    assert (
        await sender.refused(
            "add_note", id="long", circle="inner", text="x" * (limits.MAX_NOTE_LENGTH + 1)
        )
        == "note_too_long"
    )
    assert await sender.refused("add_note", id="empty", circle="inner", text="   ") == "note_empty"
    assert (
        await sender.refused("add_note", id="out", circle="outer", text="te vroeg") == "wrong_phase"
    )
    assert (
        await sender.refused("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
        == "forbidden"
    )
    assert await sender.refused("open_voting", dots=3) == "forbidden"
    assert await bystander.refused("edit_note", id="kept", text="van mij") == "not_your_note"
    assert (
        await sender.refused("add_note", id="kept", circle="inner", text="dubbel") == "note_exists"
    )
    await sender.do("add_note", id="exact", circle="inner", text="y" * limits.MAX_NOTE_LENGTH)
    assert sender.texts() == {"Dit blijft staan", "y" * limits.MAX_NOTE_LENGTH}
    await facilitator.close()


async def test_replayed_operation_is_applied_once(live_server: ServerProcess) -> None:
    facilitator, sender, _ = await writing_room(live_server)
    first = await sender.send("add_note", cid="op-1", id="once", circle="inner", text="Eén keer")
    await sender.wait_for(lambda c: first in c.acks)
    seq = sender.acks["op-1"]
    sender.acks.clear()
    await sender.send("add_note", cid="op-1", id="once", circle="inner", text="Eén keer")
    await sender.wait_for(lambda c: "op-1" in c.acks)
    assert sender.acks["op-1"] == seq
    await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    assert [n["text"] for n in facilitator.board["notes"] if n["id"] == "once"] == ["Eén keer"]  # type: ignore[index]


async def test_operation_id_of_someone_else_is_refused(live_server: ServerProcess) -> None:
    _, sender, bystander = await writing_room(live_server)
    await sender.send("add_note", cid="shared-cid", id="a1", circle="inner", text="Van Ann")
    await sender.wait_for(lambda c: "shared-cid" in c.acks)
    await bystander.send("add_note", cid="shared-cid", id="b1", circle="inner", text="Van Bob")
    await bystander.wait_for(lambda c: "shared-cid" in c.errors)
    assert bystander.errors["shared-cid"]["code"] == "duplicate_operation"
    assert "Van Bob" not in bystander.texts()


async def test_odd_unicode_and_markup_come_back_verbatim(live_server: ServerProcess) -> None:
    facilitator, sender, bystander = await writing_room(live_server)
    odd = "<script>alert('x')</script> \u202e\u200d👩‍👩‍👧 é\u0301 \U0001f600 &amp; 𝔘"
    await sender.do("add_note", id="odd", circle="inner", text=odd)
    seq = await facilitator.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    await bystander.wait_seq(seq)
    assert odd in bystander.texts()


async def test_wrong_join_code_and_wrong_tokens_close_the_socket(
    live_server: ServerProcess,
) -> None:
    board = create_board(live_server.url)
    room = board["room_id"]
    for hello in (
        {"type": "hello", "v": PROTOCOL_VERSION, "role": "participant", "code": "WRONGCODE1"},
        {"type": "hello", "v": PROTOCOL_VERSION, "role": "facilitator", "token": "not-the-token"},
        {
            "type": "hello",
            "v": PROTOCOL_VERSION,
            "role": "participant",
            "pid": "p-made-up",
            "token": "nope",
        },
        {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen", "code": "WRONGCODE1"},
    ):
        async with connect(f"{live_server.ws_url}/ws/{room}") as ws:
            await ws.send(orjson.dumps(hello).decode())
            reply = messages_of(await ws.recv())[0]
            assert reply["code"] == "bad_credentials"
            await ws.wait_closed()
            assert ws.close_code == CloseCode.BAD_CREDENTIALS
    async with connect(f"{live_server.ws_url}/ws/r-no-such-room") as ws:
        await ws.send(
            orjson.dumps(
                {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen", "code": "X"}
            ).decode()
        )
        await ws.wait_closed()
        assert ws.close_code == CloseCode.UNKNOWN_ROOM


async def test_first_message_must_be_a_hello_of_our_version(live_server: ServerProcess) -> None:
    room = create_board(live_server.url)["room_id"]
    for first, close in (
        ('{"type": "ping"}', CloseCode.BAD_HELLO),
        ("garbage", CloseCode.BAD_HELLO),
        ('{"type": "hello", "v": 99, "role": "screen", "code": "X"}', CloseCode.PROTOCOL_VERSION),
    ):
        async with connect(f"{live_server.ws_url}/ws/{room}") as ws:
            await ws.send(first)
            await ws.wait_closed()
            assert ws.close_code == close


async def test_oversized_frame_closes_with_1009(live_server: ServerProcess) -> None:
    _, sender, bystander = await writing_room(live_server)
    await sender.send_raw("x" * (limits.MAX_FRAME_BYTES + 1))
    await sender.wait_for(lambda c: c.closed is not None)
    assert sender.closed is not None and sender.closed[0] == CloseCode.MESSAGE_TOO_BIG
    await bystander.do("add_note", id="still", circle="inner", text="De kamer leeft nog")


async def test_rate_limit_refuses_a_flood_and_keeps_what_was_acknowledged(
    live_server: ServerProcess,
) -> None:
    _, sender, _ = await writing_room(live_server)
    flood = limits.MESSAGE_BURST + 20
    cids = [await sender.send("rename", name=f"Ann {i}") for i in range(flood)]
    await sender.wait_for(lambda c: all(cid in c.acks or cid in c.errors for cid in cids))
    limited = [cid for cid in cids if sender.errors.get(cid, {}).get("code") == "rate_limited"]
    assert limited, "the flood was not limited"
    assert len(limited) < flood
    await asyncio.sleep(limits.MESSAGE_BURST / limits.MESSAGES_PER_SECOND)
    await sender.do("add_note", id="later", circle="inner", text="Na de pauze")
    assert "Dit blijft staan" in sender.texts()


async def test_foreign_origin_is_refused(live_server: ServerProcess) -> None:
    room = create_board(live_server.url)["room_id"]
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            f"{live_server.ws_url}/ws/{room}", origin=Origin("https://evil.example")
        ):
            pass
    assert refused.value.response.status_code == 403
    allowed = f"http://127.0.0.1:{live_server.port}"
    async with connect(f"{live_server.ws_url}/ws/{room}", origin=Origin(allowed)) as ws:
        await ws.send(
            orjson.dumps(
                {"type": "hello", "v": PROTOCOL_VERSION, "role": "screen", "code": "X"}
            ).decode()
        )
        assert messages_of(await ws.recv())[0]["code"] == "bad_credentials"


async def test_a_connection_that_never_says_hello_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoint, "HELLO_TIMEOUT_SECONDS", 0.3)
    async with serving(tmp_path) as (_server, app, origin, board):
        async with screen_socket(origin, board) as silent:
            async with asyncio.timeout(5):
                await silent.wait_closed()
            assert (silent.close_code, silent.close_reason) == (CloseCode.BAD_HELLO, "no hello")
        assert not app.state.hub.rooms.get(board["room_id"]), "the silent socket was let in"
