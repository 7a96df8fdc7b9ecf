"""Shared fixtures: a real server on a free port with a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ServerProcess

pytest_plugins = ["tests.support.fixtures"]


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real server (uvicorn in its own process) for the run; tests make their own boards."""
    tmp = tmp_path_factory.mktemp("live")
    server = ServerProcess(sqlite_url(tmp / "cirkelbord.sqlite3"), log_path=tmp / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of its own, for tests that kill or restart it."""
    server = ServerProcess(
        sqlite_url(tmp_path / "cirkelbord.sqlite3"), log_path=tmp_path / "server.log"
    )
    try:
        yield server
    finally:
        server.kill()
