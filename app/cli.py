"""`cirkelbord serve | migrate`: the commands an operator types (argument parsing only)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import uvicorn

from app.config import Settings
from app.room.limits import MAX_FRAME_BYTES


def serve(settings: Settings) -> None:
    from app.main import create_app

    app = create_app(settings)
    print(f"Cirkelbord runs at http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        ws_max_size=MAX_FRAME_BYTES,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )


def migrate(settings: Settings) -> None:
    from app.store.database import migrate as run_migrations

    asyncio.run(run_migrations(settings.database_url))
    print("database is up to date", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="cirkelbord", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the server with the web app")
    run.add_argument("--host", help="address to listen on (CIRKELBORD_HOST)")
    run.add_argument("--port", type=int, help="port to listen on (CIRKELBORD_PORT)")
    commands.add_parser("migrate", help="bring the database schema up to date")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in vars(args).items() if k in ("host", "port") and v is not None}
    settings = Settings(**overrides)
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr)
    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        migrate(settings)
