"""Structured logs: one JSON object per line, with the room id and never a word anyone wrote.

Theory of operation
-------------------
Every log record becomes one line: ``{"time", "level", "logger", "event", ...fields}``. The
fields come from ``extra={...}`` at the call site, but only the names in `FIELDS` pass: a
field added by mistake (a name, a note) is dropped here instead of reaching the log. Nothing
at the call sites passes user text, and `tests/ops/test_logs.py` runs a meeting full of marker
texts through a real server to prove that none of them reach its output.

An exception is logged by its type and the code locations it passed through, without its
message: messages of database errors quote the statement's parameters, which may be a note.

uvicorn's own records go through the same formatter. Its per-request and per-connection lines
carry client addresses and paths (join codes are in paths), so its loggers stay at WARNING and
its access log is off: the server's log holds no addresses.
"""

from __future__ import annotations

import logging
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Final

import orjson

FIELDS: Final = frozenset(
    {
        "room",  # room id (random, not secret: it is in every facilitator link)
        "role",  # facilitator, participant or screen
        "command",  # a command's wire type, e.g. add_note
        "code",  # an error code from app.room.errors, or a close code
        "reason",  # why a board went: deleted or expired
        "ms",  # a duration in milliseconds
        "clients",  # how many connections were concerned
        "count",  # how many things were concerned
        "pid",  # a participant's random id (never their name)
        "url",  # where the server listens
    }
)
"""The `extra` fields a log line may carry; any other field is left out."""

QUIET_LOGGERS: Final = ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic")
"""Loggers kept at WARNING whatever the log level: their INFO lines name client addresses."""


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with only the fields in `FIELDS`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info and record.exc_info[1] is not None:
            line.update(describe(record.exc_info[1]))
        return orjson.dumps(line).decode()


def describe(error: BaseException) -> dict[str, Any]:
    """An exception without its message: its type, its causes' types, and where it was raised."""
    chain: list[str] = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 5:
        chain.append(f"{type(seen).__module__}.{type(seen).__qualname__}")
        seen = seen.__cause__ or seen.__context__
    return {"error": chain[0], "causes": chain[1:], "trace": _frames(error.__traceback__)}


def _frames(tb: TracebackType | None) -> list[str]:
    return [f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(tb)]


def log_config(level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the server and the commands (uvicorn takes it too)."""
    quiet = {"level": "WARNING", "handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {name: dict(quiet) for name in QUIET_LOGGERS},
    }
