"""The test servers start, answer and stop; a missing binary skips locally and fails in CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.services import RedisServer, redis_answers, require_binary


@pytest.mark.services
async def test_postgres_answers_select_one(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+asyncpg://")
    engine = create_async_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text("SELECT 1"))
            assert result.scalar_one() == 1
    finally:
        await engine.dispose()


@pytest.mark.services
def test_redis_answers_ping(redis_url: str) -> None:
    port = int(redis_url.rsplit(":", 1)[1].split("/", 1)[0])
    assert redis_answers(port)


@pytest.mark.services
def test_redis_server_restarts_on_the_same_port_and_stops(tmp_path: Path) -> None:
    with RedisServer(tmp_path) as server:
        port = server.port
        server.restart()
        assert server.port == port
        assert redis_answers(port)
    assert not redis_answers(port)


def test_require_binary_returns_the_path() -> None:
    assert Path(require_binary("sh", "part of every system")).name == "sh"


def test_missing_binary_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="cirkelbord-no-such-program"):
        require_binary("cirkelbord-no-such-program", "nothing to install")


def test_missing_binary_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="fails"):
        require_binary("cirkelbord-no-such-program", "nothing to install")
