"""Structured logs: one JSON line per event, with the room id and never what people wrote."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from app.ops import logs, metrics
from tests.conftest import sqlite_url
from tests.support.client import Board
from tests.support.server import ServerProcess

MARK = "Qzx"  # in every text and name below; nothing else in a log line contains it
TOPIC = f"Onderwerp {MARK}-topic"
NAMES = (f"Ann {MARK}-naam", f"Bob {MARK}-name")


def log_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of the server's output as JSON (the one line `serve` prints is not a log)."""
    lines = []
    for raw in path.read_text().splitlines():
        if raw.startswith("Cirkelbord runs at "):
            continue
        lines.append(json.loads(raw))  # fails the test on any line that is not JSON
    return lines


async def hold_meeting(server: ServerProcess, anonymous: bool) -> dict[str, str]:
    board = Board.create(server, TOPIC, anonymous=anonymous)
    fac = await board.facilitator()
    ann = await board.join(NAMES[0])
    bob = await board.join(NAMES[1])
    await fac.do("set_topic", topic=f"{TOPIC} 2")
    await fac.do("change_phase", **{"from": "topic", "to": "inner_writing"})
    await ann.do("add_note", id="i1", circle="inner", text=f"Goed {MARK}-inner")
    assert await ann.refused("add_note", id="i2", circle="inner", text=MARK * 100) == (
        "note_too_long"
    )
    assert await bob.refused("edit_note", id="i1", text=f"{MARK}-not-mine") == "not_your_note"
    await bob.send_raw(f'{{"type": "add_note", "cid": "x", "text": "{MARK}-broken')
    await bob.send_raw(orjson.dumps({"type": "rename", "cid": "y", "name": MARK * 50}))
    await bob.wait_for(lambda c: len(c.errors) >= 3)
    await bob.do("rename", name=f"Robert {MARK}-renamed")
    await ann.do("edit_note", id="i1", text=f"Beter {MARK}-edited")
    await fac.do("change_phase", **{"from": "inner_writing", "to": "inner_reading"})
    await fac.do("change_phase", **{"from": "inner_reading", "to": "outer_writing"})
    await bob.do("add_note", id="o1", circle="outer", text=f"Wens {MARK}-outer")
    await fac.do("change_phase", **{"from": "outer_writing", "to": "outer_reading"})
    await fac.do("change_phase", **{"from": "outer_reading", "to": "step_forward"})
    await fac.do("open_voting", dots=1)
    await ann.do("cast_vote", id="o1")
    await fac.do("close_voting")
    await fac.do("add_plan", id="p1", note="o1", what=f"{MARK}-what", who=MARK, when=MARK)
    await fac.do("change_phase", **{"from": "step_forward", "to": "closing"})
    await bob.do("submit_reflection", useful="yes", what=f"{MARK}-what", improve=f"{MARK}-imp")
    await fac.do("set_agreements", text=f"{MARK}-agreements")
    await ann.do("delete_note", id="i1")
    for client in (fac, ann, bob):
        await client.close()
    return board.created


async def test_a_meeting_leaves_json_events_without_any_text_or_name(tmp_path: Path) -> None:
    log_path = tmp_path / "server.log"
    server = ServerProcess(
        sqlite_url(tmp_path / "cirkelbord.sqlite3"),
        log_path=log_path,
        extra_env={"CIRKELBORD_LOG_LEVEL": "info"},
    ).start()
    try:
        named = await hold_meeting(server, anonymous=False)
        anonymous = await hold_meeting(server, anonymous=True)
        async with httpx.AsyncClient() as http:
            deleted = await http.delete(
                f"{server.url}/api/boards/{anonymous['room_id']}",
                headers={"Authorization": f"Bearer {anonymous['facilitator_token']}"},
            )
            assert deleted.status_code == 204
            await http.get(f"{server.url}/j/{named['join_code']}")  # a join code in a path
    finally:
        server.stop()

    text = log_path.read_text()
    assert MARK.lower() not in text.lower(), "a text or name reached the log"
    assert named["join_code"] not in text, "a join code reached the log"
    assert "127.0.0.1:" not in text.replace(f"127.0.0.1:{server.port}", ""), "a client address"
    lines = log_lines(log_path)
    assert all(set(line) >= {"time", "level", "logger", "event"} for line in lines)

    def events(name: str, room: str | None = None) -> list[dict[str, Any]]:
        return [
            line
            for line in lines
            if line["event"] == name and (room is None or line.get("room") == room)
        ]

    for board in (named, anonymous):
        room = board["room_id"]
        assert len(events("board created", room)) == 1
        assert {e["role"] for e in events("client connected", room)} == {
            "facilitator",
            "participant",
        }
        assert len(events("client disconnected", room)) == 3
        rejected = {(e["command"], e["code"]) for e in events("command rejected", room)}
        assert rejected >= {("add_note", "note_too_long"), ("edit_note", "not_your_note")}
    assert [e["clients"] for e in events("board deleted", anonymous["room_id"])] == [0]
    assert len(events("server started")) == 1 and len(events("server stopped")) == 1


def format_record(**extra: Any) -> dict[str, Any]:
    record = logging.LogRecord("cirkelbord.test", logging.INFO, __file__, 1, "an event", (), None)
    record.__dict__.update(extra)
    line: dict[str, Any] = json.loads(logs.JsonFormatter().format(record))
    return line


def test_only_known_fields_pass() -> None:
    line = format_record(room="r1", code="note_too_long", ms=12.5, name="Ann", text="geheim")
    assert line["room"] == "r1" and line["code"] == "note_too_long" and line["ms"] == 12.5
    assert "name" not in line and "text" not in line
    assert set(logs.FIELDS).isdisjoint({"name", "text", "topic", "note"})


def test_an_exception_is_logged_without_its_message() -> None:
    try:
        try:
            raise KeyError("geheime notitie")
        except KeyError as inner:
            raise ValueError(f"[parameters: ('{MARK}',)]") from inner
    except ValueError:
        record = logging.LogRecord(
            "cirkelbord.test", logging.ERROR, __file__, 1, "command failed", (), sys.exc_info()
        )
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["error"] == "builtins.ValueError"
    assert line["causes"] == ["builtins.KeyError"]
    assert line["trace"] and all(__file__ in frame for frame in line["trace"])
    assert MARK not in json.dumps(line) and "geheime" not in json.dumps(line)


def test_a_slow_commit_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cirkelbord.ops")
    metrics.commit_finished("r-fast", metrics.SLOW_COMMIT_SECONDS / 2)
    metrics.commit_finished("r-slow", metrics.SLOW_COMMIT_SECONDS + 0.05)
    slow = [r for r in caplog.records if r.getMessage() == "slow commit"]
    assert [(r.__dict__["room"], r.__dict__["ms"]) for r in slow] == [
        ("r-slow", round((metrics.SLOW_COMMIT_SECONDS + 0.05) * 1000, 1))
    ]
    assert slow[0].levelno == logging.WARNING


def test_uvicorn_client_lines_stay_quiet_at_info() -> None:
    config = logs.log_config("info")
    assert config["root"]["level"] == "INFO"
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        assert config["loggers"][name]["level"] == "WARNING"
