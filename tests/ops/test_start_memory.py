"""A server on the SQLite default loads no code it only needs on demand or on PostgreSQL.

Each of these costs megabytes in every server process from its start (see
docs/performance.md): the QR encoder and the PDF stack load on the first request that needs
them, Alembic runs in a child process, and the PostgreSQL and Redis drivers load only when the
configuration asks for them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import sqlite_url

LOADED_ON_DEMAND = (
    "segno",  # the QR code of the join link
    "fpdf",  # the summary PDF
    "alembic",
    "sqlalchemy.dialects.postgresql",
    "asyncpg",
    "redis",
)

SERVE_AND_LIST = """
import json, sys
from fastapi.testclient import TestClient
from app.config import Settings
from app.main import create_app

app = create_app(Settings(database_url=sys.argv[1], migrate_on_start=False))
with TestClient(app) as client:
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 200
print(json.dumps([name for name in json.loads(sys.argv[2]) if name in sys.modules]))
"""


def test_a_sqlite_server_loads_no_on_demand_modules_at_start(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "start.sqlite3")
    env = {**os.environ, "CIRKELBORD_DATABASE_URL": url}
    migrate = [sys.executable, "-m", "app", "migrate"]
    subprocess.run(migrate, env=env, check=True, capture_output=True, timeout=120)
    listed = subprocess.run(
        [sys.executable, "-c", SERVE_AND_LIST, url, json.dumps(LOADED_ON_DEMAND)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(listed.stdout.strip().splitlines()[-1]) == []
