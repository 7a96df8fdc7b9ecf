"""Session-wide fixtures that start real servers once per test run.

Loaded from ``tests/conftest.py`` with ``pytest_plugins = ["tests.support.fixtures"]``.
Tests that use them carry the ``services`` marker, so ``pytest -m "not services"`` stays quick.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
