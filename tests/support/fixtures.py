"""Session-wide fixtures that start real servers once per test run.

Loaded from ``tests/conftest.py`` with ``pytest_plugins = ["tests.support.fixtures"]``.
Tests that use them carry the ``services`` marker, so ``pytest -m "not services"`` stays quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ServerProcess
from tests.support.services import start_postgres, start_redis


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://127.0.0.1:PORT/0`` of a Redis server shared by the whole run."""
    with start_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``postgresql+asyncpg://...`` of an empty database on a server shared by the whole run."""
    with start_postgres(tmp_path_factory.mktemp("postgres")) as url:
        yield url


@pytest.fixture
def two_servers(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two server processes on one PostgreSQL database and one Redis: a scaled-out deployment."""
    a = ServerProcess(postgres_url, redis_url, log_path=tmp_path / "a.log")
    b = ServerProcess(postgres_url, redis_url, log_path=tmp_path / "b.log")
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.kill()
        b.kill()
