"""What routes get injected: the settings, the hub and the store (set up in main.create_app).

The functions are `async` although they only read an attribute: FastAPI runs a plain `def`
dependency in a worker thread, which cost every WebSocket handshake and HTTP request two or
three hand-overs to the thread pool and back.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.config import Settings
from app.hub.hub import RoomHub
from app.store.room_store import SqlRoomStore


async def get_settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


async def get_hub(connection: HTTPConnection) -> RoomHub:
    hub: RoomHub = connection.app.state.hub
    return hub


async def get_store(connection: HTTPConnection) -> SqlRoomStore:
    store: SqlRoomStore = connection.app.state.store
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
HubDep = Annotated[RoomHub, Depends(get_hub)]
StoreDep = Annotated[SqlRoomStore, Depends(get_store)]
