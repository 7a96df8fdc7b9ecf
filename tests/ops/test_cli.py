"""`cirkelbord serve` hands uvicorn the shutdown grace, the JSON logs and no access log."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from app import cli
from app.config import Settings
from app.ops import gc_tuning, logs
from app.realtime.uvicorn_protocols import HttpToolsFreedProtocol, WebSocketsFreedProtocol

pytestmark = pytest.mark.usefixtures("restored_gc")


def test_serve_runs_uvicorn_with_a_graceful_shutdown_and_quiet_json_logs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[uvicorn.Config] = []

    def run(server: uvicorn.Server) -> None:
        seen.append(server.config)
        assert gc.get_threshold()[0] == gc_tuning.YOUNG_THRESHOLD  # tuned before serving
        assert gc.get_freeze_count() > 0
        server.started = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    cli.serve(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"))
    [config] = seen
    assert config.timeout_graceful_shutdown == cli.GRACEFUL_SHUTDOWN_SECONDS == 10
    assert config.http is HttpToolsFreedProtocol  # httptools, let go of when done
    assert issubclass(HttpToolsFreedProtocol, HttpToolsProtocol)
    assert config.ws is WebSocketsFreedProtocol  # its shutdown sends 1012 to every client
    assert issubclass(WebSocketsFreedProtocol, WebSocketsSansIOProtocol)
    assert config.ws_per_message_deflate is False
    assert config.access_log is False
    assert config.log_config == logs.log_config("info")
    assert config.log_level is None  # or uvicorn would lift its own loggers to INFO again


def test_serve_exits_with_a_failure_status_when_the_server_never_started(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: None)  # e.g. the port was taken
    with pytest.raises(SystemExit) as failed:
        cli.serve(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"))
    assert failed.value.code == cli.STARTUP_FAILURE


def test_backup_without_a_database_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'missing.sqlite3'}")
    with pytest.raises(SystemExit) as failed:
        cli.backup(missing, tmp_path / "copy.sqlite3")
    assert failed.value.code == 2
    assert "no database at" in capsys.readouterr().err
