"""Same-origin checks for WebSockets and state-changing HTTP calls (CORS does not cover them)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from app.config import Settings


def origin_allowed(headers: Mapping[str, str], settings: Settings) -> bool:
    """A request without Origin is not from a browser page; one with it must be allowed.

    Allowed: the configured origins, or (when none are configured) the request's own host.
    """
    origin = headers.get("origin")
    if origin is None:
        return True
    if settings.allowed_origins:
        return origin in settings.allowed_origins
    return urlsplit(origin).netloc == headers.get("host", "")
