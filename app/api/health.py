"""Liveness and readiness for the reverse proxy and docker-compose."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import text

from app.api.deps import HubDep, StoreDep

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(store: StoreDep, hub: HubDep, response: Response) -> dict[str, str]:
    """The database and the broadcast answer."""
    try:
        async with store.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await hub.broadcast.publish("health", b"{}")
    except Exception as failure:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "unavailable", "reason": type(failure).__name__}
    return {"status": "ready"}
