"""What routes get injected: the settings, the hub and the store (set up in main.create_app)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.config import Settings
from app.hub.hub import RoomHub
from app.store.room_store import SqlRoomStore


def get_settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


def get_hub(connection: HTTPConnection) -> RoomHub:
    hub: RoomHub = connection.app.state.hub
    return hub


def get_store(connection: HTTPConnection) -> SqlRoomStore:
    store: SqlRoomStore = connection.app.state.store
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
HubDep = Annotated[RoomHub, Depends(get_hub)]
StoreDep = Annotated[SqlRoomStore, Depends(get_store)]
