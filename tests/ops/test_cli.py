"""`cirkelbord serve` hands uvicorn the shutdown grace, the JSON logs and no access log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from app import cli
from app.config import Settings
from app.ops import logs


def test_serve_runs_uvicorn_with_a_graceful_shutdown_and_quiet_json_logs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    cli.serve(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"))
    assert seen["timeout_graceful_shutdown"] == cli.GRACEFUL_SHUTDOWN_SECONDS == 10
    assert seen["ws"] == "websockets-sansio"  # its shutdown sends 1012 to every client
    assert seen["access_log"] is False
    assert seen["log_config"] == logs.log_config("info")
    assert seen["log_level"] is None  # or uvicorn would lift its own loggers to INFO again


def test_backup_without_a_database_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'missing.sqlite3'}")
    with pytest.raises(SystemExit) as failed:
        cli.backup(missing, tmp_path / "copy.sqlite3")
    assert failed.value.code == 2
    assert "no database at" in capsys.readouterr().err
