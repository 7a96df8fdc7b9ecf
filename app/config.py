"""Every setting, its default and its environment variable (prefix CIRKELBORD_)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.store.database import DEFAULT_SQLITE_SYNCHRONOUS, SqliteSynchronous

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
DEFAULT_RETENTION_DAYS: Final = 90
DEFAULT_RETENTION_CHECK_MINUTES: Final = 60.0


class Settings(BaseSettings):
    """Read from the environment; every field is documented in the README."""

    model_config = SettingsConfigDict(env_prefix="CIRKELBORD_", extra="ignore")

    database_url: str = Field(
        "sqlite+aiosqlite:///./cirkelbord.sqlite3",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    sqlite_synchronous: SqliteSynchronous = Field(
        DEFAULT_SQLITE_SYNCHRONOUS,
        description="normal: survives process crashes; full: also power loss, ~3 ms per commit",
    )
    broadcast_url: str = Field(
        "memory://", description="memory:// (one process) or redis://host:port/db (several)"
    )
    host: str = Field("127.0.0.1", description="address `cirkelbord serve` listens on")
    port: int = Field(8000, description="port `cirkelbord serve` listens on")
    public_url: str = Field(
        "", description="base URL people open (for join links and QR codes); default: from Host"
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="origins allowed to open WebSockets and POST; empty: same host as the request",
    )
    migrate_on_start: bool = Field(True, description="apply database migrations when serving")
    retention_days: int = Field(
        DEFAULT_RETENTION_DAYS,
        ge=1,
        description="days after a board's last activity it is deleted, with everything in it",
    )
    retention_check_minutes: float = Field(
        DEFAULT_RETENTION_CHECK_MINUTES,
        gt=0,
        description="how often the server looks for expired boards and deletes them",
    )
    metrics_token: str = Field(
        "",
        repr=False,
        description="bearer token for /metrics; empty: /metrics is not served at all",
    )
    log_level: str = Field("info", description="debug, info, warning or error")
    web_dir: Path = Field(WEB_DIR, description="where the web app's files are")

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
