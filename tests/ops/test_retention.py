"""Retention: a board goes, with everything in it, `retention_days` after its last activity."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from app.config import DEFAULT_RETENTION_CHECK_MINUTES, DEFAULT_RETENTION_DAYS, Settings
from app.hub.hub import RoomHub
from app.main import create_app
from app.ops.retention import RetentionSweeper
from app.realtime.codec import Message
from app.realtime.protocol import CloseCode
from app.room import FACILITATOR, ErrorCode, Rejected
from app.room import commands as cmd
from app.room.state import Circle, Language, Phase, Role, participant
from app.store import group_commit
from tests.conftest import sqlite_url
from tests.ops.rows import rows_of, set_last_activity
from tests.support.client import Board
from tests.support.server import ServerProcess

DAYS = 30


@dataclass
class Clock:
    """The wall clock the sweep reads; a test moves it."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass(eq=False)
class ClosingViewer:
    """A viewer the hub can close, like a WebSocket connection."""

    pid: str | None = None
    closed: tuple[int, str] | None = None

    def deliver(self, message: Message) -> None:
        pass

    def close(self, code: int, reason: str = "") -> None:
        self.closed = (code, reason)


@dataclass
class Running:
    app: FastAPI
    clock: Clock
    database: Path

    @property
    def hub(self) -> RoomHub:
        hub: RoomHub = self.app.state.hub
        return hub

    @property
    def sweeper(self) -> RetentionSweeper:
        sweeper: RetentionSweeper = self.app.state.retention
        return sweeper

    async def board_with_notes(self) -> str:
        board = await self.hub.create_board("Onderwerp", Language.NL, anonymous=False)
        room = board.room_id
        phase = cmd.ChangePhase(Phase.TOPIC, Phase.INNER_WRITING)
        await self.hub.submit(room, FACILITATOR, "phase", phase)
        admitted = await self.hub.admit(room, Role.PARTICIPANT, code=board.join_code, name="Ann")
        assert admitted.actor.pid is not None
        note = cmd.AddNote("n1", Circle.INNER, "Goed bezig")
        await self.hub.submit(room, participant(admitted.actor.pid), "n1", note)
        return room


async def start(tmp_path: Path, **settings: object) -> AsyncIterator[Running]:
    database = tmp_path / "cirkelbord.sqlite3"
    clock = Clock()
    app = create_app(
        Settings(database_url=sqlite_url(database), retention_days=DAYS, **settings),  # type: ignore[arg-type]
        clock=clock,
    )
    async with app.router.lifespan_context(app):
        yield Running(app, clock, database)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    async for value in start(tmp_path):
        yield value


async def test_a_board_goes_with_everything_in_it_after_the_retention_period(
    running: Running,
) -> None:
    now = running.clock.now
    old, recent, fresh = [await running.board_with_notes() for _ in range(3)]
    set_last_activity(running.database, old, now - timedelta(days=DAYS, minutes=1))
    set_last_activity(running.database, recent, now - timedelta(days=DAYS - 1))
    watching = ClosingViewer()
    await running.hub.attach(old, watching, None, None)
    before = rows_of(running.database, old)
    assert before["notes"] == 1 and before["participants"] == 1 and before["room_events"] >= 4

    assert await running.sweeper.sweep() == [old]
    assert set(rows_of(running.database, old).values()) == {0}, "the cascade left rows behind"
    assert watching.closed == (CloseCode.UNKNOWN_ROOM, "board expired")
    assert old not in running.hub.rooms
    with pytest.raises(Rejected) as refused:
        await running.hub.room(old)
    assert refused.value.code is ErrorCode.UNKNOWN_ROOM
    assert rows_of(running.database, recent)["notes"] == 1
    assert rows_of(running.database, fresh)["notes"] == 1

    running.clock.now += timedelta(days=2)  # `recent` is now DAYS + 1 days quiet
    assert await running.sweeper.sweep() == [recent]
    running.clock.now += timedelta(days=DAYS)
    assert await running.sweeper.sweep() == [fresh]
    assert await running.sweeper.sweep() == []


async def test_activity_keeps_a_board(running: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    room = await running.board_with_notes()
    set_last_activity(running.database, room, running.clock.now - timedelta(days=DAYS + 5))
    # More than a minute after the board's last move (see ACTIVITY_TOUCH_SECONDS), a change
    # before the sweep moves the last activity to now: the board stays.
    monkeypatch.setattr(group_commit, "ACTIVITY_TOUCH_SECONDS", 0.0)
    await running.hub.submit(room, FACILITATOR, "topic", cmd.SetTopic("Nog steeds bezig"))
    assert await running.sweeper.sweep() == []
    assert rows_of(running.database, room)["boards"] == 1


async def test_commands_waiting_for_a_deleted_room_are_refused(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = await running.board_with_notes()
    live = running.hub.rooms[room]
    set_last_activity(running.database, room, running.clock.now - timedelta(days=DAYS + 1))
    closing = asyncio.Event()
    close_room = running.hub.close_room

    async def spy(room_id: str, code: int, reason: str = "", *, tell_others: bool = True) -> int:
        closing.set()
        return await close_room(room_id, code, reason, tell_others=tell_others)

    monkeypatch.setattr(running.hub, "close_room", spy)
    async with live.lock:  # a command is being handled while the sweep comes
        sweep = asyncio.create_task(running.sweeper.sweep())
        await closing.wait()  # the sweep now waits for the room's lock
        waiting = asyncio.create_task(
            running.hub.submit(room, FACILITATOR, "late", cmd.SetTopic("Te laat"))
        )
        await asyncio.sleep(0)  # ... and so does the next command, after it
    assert await sweep == [room]
    with pytest.raises(Rejected) as refused:
        await waiting
    assert refused.value.code is ErrorCode.UNKNOWN_ROOM
    assert set(rows_of(running.database, room).values()) == {0}


async def gone(database: Path, room_id: str, seconds: float = 5.0) -> None:
    """Wait until the board's row is deleted (by the background sweep)."""
    async with asyncio.timeout(seconds):
        while True:
            if not rows_of(database, room_id)["boards"]:
                return
            await asyncio.sleep(0.02)


async def test_the_sweep_runs_by_itself_every_retention_check_minutes(tmp_path: Path) -> None:
    async for running in start(tmp_path, retention_check_minutes=0.001):  # every 60 ms
        first = await running.board_with_notes()
        running.clock.now += timedelta(days=DAYS + 1)
        await gone(running.database, first)
        second = await running.board_with_notes()  # made "now"; DAYS + 1 days old for the clock
        await gone(running.database, second)


async def test_the_summary_says_when_the_board_will_be_deleted(running: Running) -> None:
    transport = httpx.ASGITransport(app=running.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        created = (await http.post("/api/boards", json={"topic": "x"})).json()
        url = f"/api/boards/{created['room_id']}"
        auth = {"Authorization": f"Bearer {created['facilitator_token']}"}
        made = datetime.now(UTC)
        deletes_at = datetime.fromisoformat(
            (await http.get(url, headers=auth)).json()["deletes_at"]
        )
        assert deletes_at.tzinfo is not None
        assert abs(deletes_at - (made + timedelta(days=DAYS))) < timedelta(seconds=5)

        quiet_since = datetime(2031, 5, 4, 3, 2, 1, tzinfo=UTC)
        set_last_activity(running.database, created["room_id"], quiet_since)
        summary = (await http.get(url, headers=auth)).json()
        assert summary["deletes_at"] == "2031-06-03T03:02:01+00:00"


def test_retention_settings_have_defaults_and_bounds() -> None:
    assert Settings().retention_days == DEFAULT_RETENTION_DAYS == 90
    assert Settings().retention_check_minutes == DEFAULT_RETENTION_CHECK_MINUTES == 60
    for wrong in ({"retention_days": 0}, {"retention_check_minutes": 0}):
        with pytest.raises(ValidationError):
            Settings(**wrong)  # type: ignore[arg-type]


async def test_a_real_server_expires_a_board_and_disconnects_its_clients(
    tmp_path: Path,
) -> None:
    database = tmp_path / "cirkelbord.sqlite3"
    server = ServerProcess(
        sqlite_url(database),
        log_path=tmp_path / "server.log",
        extra_env={
            "CIRKELBORD_RETENTION_DAYS": "1",
            "CIRKELBORD_RETENTION_CHECK_MINUTES": "0.002",  # every 0.12 s
        },
    ).start()
    try:
        old, kept = Board.create(server), Board.create(server)
        room = old.room
        screen = await old.screen()
        phone = await old.join("Ann")
        set_last_activity(database, room, datetime.now(UTC) - timedelta(days=2))
        for client in (screen, phone):
            await client.wait_for(lambda c: c.closed is not None)
            assert client.closed == (CloseCode.UNKNOWN_ROOM, "board expired")
        async with httpx.AsyncClient() as http:
            summary = await http.get(f"{server.url}/api/boards/{room}", headers=old.auth)
        assert summary.status_code == 404
        assert set(rows_of(database, room).values()) == {0}
        assert rows_of(database, kept.room)["boards"] == 1
    finally:
        server.stop()
