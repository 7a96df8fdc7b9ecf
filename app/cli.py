"""`cirkelbord serve | migrate | backup`: the commands an operator types (argument parsing only)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging.config
import os
import subprocess
import sys
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from app.config import Settings
from app.ops import gc_tuning, logs
from app.room.limits import MAX_FRAME_BYTES

STARTUP_FAILURE = 3
"""Exit status when the server never started (uvicorn's own for the same case)."""

GRACEFUL_SHUTDOWN_SECONDS = 10
"""After SIGTERM: how long commands in flight may take before they are cancelled."""


def serve(settings: Settings) -> None:
    if settings.migrate_on_start:
        # In a child process: Alembic (about 9 MiB) then never loads into the server.
        env = {**os.environ, "CIRKELBORD_DATABASE_URL": settings.database_url}
        migrated = subprocess.run(  # its logs go to stderr as ours do; its "up to date" nowhere
            [sys.executable, "-m", "app", "migrate"],
            env=env,
            stdout=subprocess.DEVNULL,
            check=False,
        )
        if migrated.returncode != 0:
            print("migrating the database failed; not serving", file=sys.stderr, flush=True)
            raise SystemExit(migrated.returncode)
        settings = settings.model_copy(update={"migrate_on_start": False})

    from app.main import create_app

    app = create_app(settings)
    gc_tuning.tune_for_serving()
    print(f"Cirkelbord runs at http://{settings.host}:{settings.port}/", flush=True)
    server = uvicorn.Server(server_config(app, settings))
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:  # the port was taken, or the app failed to start
        raise SystemExit(STARTUP_FAILURE)


def server_config(app: ASGIApp, settings: Settings) -> uvicorn.Config:
    """How uvicorn serves the app: requests and WebSocket upgrades parsed by httptools (its C
    parser costs the event loop about a tenth less per handshake than h11's), the sans-I/O
    WebSocket protocol without compression, so frames can go straight to the transport (see
    `app.realtime.wire`); both freed by reference counting when a connection ends
    (`app.realtime.uvicorn_protocols`)."""
    from app.realtime.uvicorn_protocols import HttpToolsFreedProtocol, WebSocketsFreedProtocol
    from app.realtime.wire import with_wire

    return uvicorn.Config(
        with_wire(app),  # outermost: WebSocket frames go straight to the transport
        host=settings.host,
        port=settings.port,
        log_config=logs.log_config(settings.log_level),
        log_level=None,
        access_log=False,
        http=HttpToolsFreedProtocol,
        ws=WebSocketsFreedProtocol,
        ws_per_message_deflate=False,
        ws_max_size=MAX_FRAME_BYTES,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        proxy_headers=True,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


def migrate(settings: Settings) -> None:
    from app.store.database import migrate as run_migrations

    asyncio.run(run_migrations(settings.database_url))
    print("database is up to date", flush=True)


def backup(settings: Settings, target: Path) -> None:
    from app.ops.backup import BackupError
    from app.ops.backup import backup as make_backup

    try:
        result = make_backup(settings.database_url, target)
    except BackupError as failure:
        print(f"backup failed: {failure}", file=sys.stderr, flush=True)
        raise SystemExit(2) from failure
    print(
        f"backed up {result.boards} boards ({result.events} events, {result.bytes} bytes) "
        f"to {result.path}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="cirkelbord", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the server with the web app")
    run.add_argument("--host", help="address to listen on (CIRKELBORD_HOST)")
    run.add_argument("--port", type=int, help="port to listen on (CIRKELBORD_PORT)")
    commands.add_parser("migrate", help="bring the database schema up to date")
    save = commands.add_parser(
        "backup", help="copy the SQLite database to PATH, also while the server runs"
    )
    save.add_argument("path", type=Path, help="where to write the copy (replaced if it exists)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in vars(args).items() if k in ("host", "port") and v is not None}
    settings = Settings(**overrides)
    logging.config.dictConfig(logs.log_config(settings.log_level))
    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        migrate(settings)
    elif args.command == "backup":
        backup(settings, args.path)
